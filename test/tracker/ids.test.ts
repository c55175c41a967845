// @vitest-environment jsdom
/** createTracker's ids (ids.ts): the browser id and the session, and an event stamped before IndexedDB answers. */
import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import { openKv } from '../../packages/tracker/src/kv.js';
import { collector, useTrackers, UUID } from './setup.js';

const make = useTrackers(createTracker);

describe('createTracker', () => {
  it('keeps the browser id across pages and the session within 30 minutes', async () => {
    make().custom('first');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
    make().custom('second page');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
    const [a, b] = collector.events();
    expect(b!.userId).toBe(a!.userId);
    expect(b!.sessionId).toBe(a!.sessionId);
    // 31 minutes later, the same browser starts a new session (the session's last activity
    // moved back, in IndexedDB and in its localStorage copy).
    const stored = await openKv('cartbeacon')._get(['s']);
    const idle = { ...stored[0], t: Date.now() - 31 * 60e3 };
    await openKv('cartbeacon')._put([['s', idle]]);
    const copy = JSON.parse(localStorage.getItem('cartbeacon-ids')!);
    localStorage.setItem('cartbeacon-ids', JSON.stringify([copy[0], idle, copy[2]]));
    make().custom('later');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(3));
    expect(collector.events()[2]!.userId).toBe(a!.userId);
    expect(collector.events()[2]!.sessionId).not.toBe(a!.sessionId);
  });

  it('stamps an event made before IndexedDB answers, so that a page left in that moment beacons it with the ids', async () => {
    const beacons: Record<string, any>[] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: (_u: string, d: string) => (beacons.push(...JSON.parse(d)), true),
    });
    // A new visitor leaves in the same moment as the first event: no ids anywhere yet.
    make().custom('at once');
    dispatchEvent(new Event('pagehide'));
    const [first] = beacons.filter((e) => e.type === 'at once');
    expect(first).toMatchObject({ userId: expect.stringMatching(UUID), sessionId: expect.stringMatching(UUID) });
    // The next page keeps them, in IndexedDB too. (The page left is still alive here and
    // sends the event too: the collector stores a repeated eventId once.)
    make().custom('next page');
    const types = () => [...new Map(collector.events().map((e) => [e.eventId, e.type])).values()].sort();
    await vi.waitFor(() => expect(types()).toEqual(['at once', 'next page']));
    for (const e of collector.events()) expect([e.userId, e.sessionId]).toEqual([first!.userId, first!.sessionId]);
    expect(await openKv('cartbeacon')._get(['b'])).toEqual([first!.userId]);
    // A returning visitor's page, left at once: the ids are known before IndexedDB answers.
    make().custom('left again');
    dispatchEvent(new Event('pagehide'));
    expect(beacons.find((e) => e.type === 'left again')).toMatchObject({ userId: first!.userId, sessionId: first!.sessionId });
    await vi.waitFor(() => expect(types()).toContain('left again'));
  });
});
