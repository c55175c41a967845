// @vitest-environment jsdom
/** createTracker's sender (sender.ts): retries and backoff, what is dropped, offline, batch sizes, the beacon. */
import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import { collector, queued, useTrackers } from './setup.js';

const make = useTrackers(createTracker);

describe('createTracker', () => {
  it('retries network errors, 408, 429 and 5xx with backoff until delivered, each event once in the queue', async () => {
    collector.answers.push('network', 503);
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(3), { timeout: 8000 });
    expect(new Set(collector.events().map((e) => e.eventId)).size).toBe(1);
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
    const gaps = collector.fetch.mock.invocationCallOrder.length;
    expect(gaps).toBe(3);
  }, 15_000);

  it('honours Retry-After on 429', async () => {
    collector.answers.push([429, { 'Retry-After': '2' }]);
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    // The clock moves on by hand: nothing is sent again before the two seconds are over.
    await vi.advanceTimersByTimeAsync(1800);
    expect(collector.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(collector.sent).toHaveLength(2));
  });

  it('drops what the collector refuses as invalid (400) and goes on', async () => {
    collector.answers.push(400);
    const t = make();
    t.custom('bad');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
    t.custom('good');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(2));
    expect(collector.sent[1]!.events.map((e) => e.type)).toEqual(['good']);
  });

  it('sends nothing while offline and everything at once on "online"', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make();
    t.custom('offline');
    await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(collector.sent).toHaveLength(0);
    onLine.mockReturnValue(true);
    dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['offline']));
  });

  it('splits batches to stay under 60 KB', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make();
    for (let i = 0; i < 5; i++) t.custom('big', { pad: 'x'.repeat(20_000) });
    await vi.waitFor(async () => expect(await queued()).toHaveLength(5));
    onLine.mockReturnValue(true);
    await t.flush();
    await vi.waitFor(() => expect(collector.events()).toHaveLength(5));
    for (const call of collector.fetch.mock.calls) expect(new Blob([call[1].body as string]).size).toBeLessThanOrEqual(60_000);
    expect(collector.sent.length).toBeGreaterThanOrEqual(2);
  });

  it('hands unsent events to sendBeacon when the page is hidden', async () => {
    const beacons: string[] = [];
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_u: string, d: string) => (beacons.push(d), true) });
    collector.fetch.mockImplementation(() => new Promise(() => {})); // the fetch never finishes
    const t = make();
    t.basket({ step: 'add', productId: 'P1' });
    await vi.waitFor(() => expect(collector.fetch).toHaveBeenCalled());
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toHaveLength(1);
    expect(JSON.parse(beacons[0]!)[0]).toMatchObject({ name: 'BASKET_OPERATIONS', productId: 'P1' });
    // Not twice for the same hide (visibilitychange then pagehide).
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toHaveLength(1);
  });
});
