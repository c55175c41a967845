// @vitest-environment jsdom
/** createTracker's queue (queue.ts): every event in IndexedDB before it is sent, the caps, nextPage events. */
import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import { collector, queued, useTrackers } from './setup.js';

const make = useTrackers(createTracker);

describe('createTracker', () => {
  it('writes each event to the IndexedDB queue before sending it', async () => {
    let release!: () => void;
    collector.fetch.mockImplementationOnce(async (url: string, init: RequestInit) => {
      collector.sent.push({ url, events: JSON.parse(init.body as string) });
      await new Promise<void>((r) => (release = r));
      return new Response('{}', { status: 200 });
    });
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    // While the request is under way the event is in the queue.
    const [inQueue] = await queued();
    expect(inQueue).toEqual(collector.events()[0]);
    release();
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
  });

  it('keeps nextPage events until the next page load', async () => {
    const t = make();
    t.basket({ step: 'add', productId: 'P1' }, { nextPage: true });
    t.custom('now');
    await vi.waitFor(() => expect(collector.events().map((e) => e.type ?? e.name)).toEqual(['now']));
    expect((await queued()).map((e) => e.name)).toEqual(['BASKET_OPERATIONS']);
    await new Promise((r) => setTimeout(r, 5));
    make(); // the next page
    await vi.waitFor(() => expect(collector.names()).toEqual(['CUSTOM_EVENT', 'BASKET_OPERATIONS']));
    expect(collector.events()[1]!.nextPage).toBeUndefined();
  });

  it('caps the queue, dropping the oldest, and reports how many it dropped', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make({ maxEvents: 3 });
    for (let i = 0; i < 5; i++) t.custom(`e${i}`);
    await vi.waitFor(async () => expect(await queued()).toHaveLength(5));
    onLine.mockReturnValue(true);
    await t.flush();
    await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['e2', 'e3', 'e4']));
    expect(collector.sent[0]!.url).toContain('&dropped=2');
  });
});
