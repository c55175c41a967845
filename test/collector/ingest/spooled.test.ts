import { afterEach, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { DuckDBStore } from '@cartbeacon/collector';
import { ACCOUNT, startCollector, tempDir } from '../../helpers/collector.js';
import type { SpoolSetup, TestCollector } from '../../helpers/collector.js';
import { storedOf, yespo } from '../api/vendor/helpers.js';

/** The ingest path as `cartbeacon serve` runs it: the spool answers, a loader stores. */
const open: TestCollector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
const start = async (spool: SpoolSetup = {}, dataDir?: string) => {
  const c = await startCollector({}, dataDir, spool);
  open.push(c);
  return c;
};

const ev = (fields: Record<string, unknown> = {}) => ({
  name: 'PAGE_VIEW',
  category: 'Home Page',
  userId: 'v1',
  sessionId: 's1',
  eventId: randomUUID(),
  timestamp: Date.now() - 1000,
  ...fields,
});

/** A view of the store whose loads fail while `down` says so, after doing their work when `afterCommit`. */
function flaky(store: DuckDBStore, mode: { down: boolean; afterCommit?: boolean }): DuckDBStore {
  return Object.assign(Object.create(store) as DuckDBStore, {
    async load(batch: Parameters<DuckDBStore['load']>[0]) {
      if (mode.down && !mode.afterCommit) throw new Error('the store is down');
      const result = await store.load(batch);
      if (mode.down) throw new Error('the answer was lost after the commit');
      return result;
    },
  });
}

const metric = async (c: TestCollector, name: string) => {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  return Number(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};

describe('the spool as the acknowledgement', () => {
  it('answers 200 once synced, and the events are in the store and its reports within 2 s', async () => {
    const c = await start();
    const events = Array.from({ length: 10 }, () => ev());
    const sent = Date.now();
    expect((await c.send(events)).status).toBe(200);
    await vi.waitFor(async () => expect(await c.store.events(ACCOUNT.id)).toHaveLength(10), { timeout: 2000, interval: 50 });
    expect(Date.now() - sent).toBeLessThan(2000);
    const funnel = await fetch(`${c.url}/api/funnel?account_id=${ACCOUNT.id}&report_type=Source&date_range=today`, {
      headers: { authorization: `Bearer ${ACCOUNT.reportToken}` },
    });
    expect((await funnel.json()).data).toEqual([expect.objectContaining({ Source: 'Direct', clicks: 1 })]);
    expect(await metric(c, 'cartbeacon_events_stored_total{channel="events"}')).toBe(10);
    expect(await metric(c, 'cartbeacon_spool_unloaded_bytes')).toBe(0);
  });

  it('lets the spool grow while the store is down, answers 503 past its limit, and loads everything once when the store is back', async () => {
    const mode = { down: true };
    const c = await start({ loadVia: (s) => flaky(s, mode), maxBytes: 20_000, loadIntervalMs: 50 });
    const acked: string[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 100 && !refused; i++) {
      const batch = Array.from({ length: 5 }, () => ev());
      const res = await c.send(batch);
      if (res.status === 200) acked.push(...batch.map((e) => e.eventId));
      else refused = res;
    }
    expect(acked.length).toBeGreaterThan(0);
    expect(refused?.status).toBe(503);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused!.json()).message).toMatch(/store catches up/);
    const ready = await fetch(`${c.url}/readyz`);
    expect(ready.status).toBe(503);
    await vi.waitFor(async () => expect(await metric(c, 'cartbeacon_load_failures_total')).toBeGreaterThan(0), { timeout: 3000 });
    expect(await c.store.events(ACCOUNT.id)).toHaveLength(0);

    mode.down = false;
    await c.ingest!.drain();
    const stored = (await c.store.events(ACCOUNT.id)).map((e) => e.eventId);
    expect(stored.sort()).toEqual(acked.sort());
    // Ready again once the spool is below its limit, before any new request (a load
    // balancer that heeds /readyz sends none until then).
    expect((await fetch(`${c.url}/readyz`)).status).toBe(200);
    expect((await c.send([ev()])).status).toBe(200);
  });

  it('stores a batch once when the store committed it but its answer was lost (the loader tries it again)', async () => {
    const mode = { down: true, afterCommit: true };
    const c = await start({ loadVia: (s) => flaky(s, mode), loadIntervalMs: 50 });
    const events = Array.from({ length: 20 }, () => ev());
    expect((await c.send(events)).status).toBe(200);
    await vi.waitFor(async () => expect(await c.store.events(ACCOUNT.id)).toHaveLength(20), { timeout: 3000, interval: 50 });
    mode.down = false;
    await c.ingest!.drain();
    expect((await c.store.events(ACCOUNT.id)).map((e) => e.eventId).sort()).toEqual(events.map((e) => e.eventId).sort());
  });

  it("reads back a cart's state before it is loaded, so the next change is diffed against it", async () => {
    const c = await start({ loadIntervalMs: 60_000 });
    const cart = (products: unknown[]) => ({
      eventTypeKey: 'cartUpdated',
      keyValue: 'visitor-1',
      params: [
        { name: 'recycleStateId', value: 'cart-1' },
        { name: 'products', value: products },
      ],
    });
    expect((await yespo(c, cart([{ productId: 'A', quantity: 1, price: 3 }]))).status).toBe(200);
    expect((await yespo(c, cart([{ productId: 'A', quantity: 1, price: 3 }, { productId: 'B', quantity: 2, price: 4 }]))).status).toBe(200);
    expect(c.ingest!.status().unloadedBytes).toBeGreaterThan(0);
    await c.ingest!.close();
    expect((await storedOf(c, 'yespo')).map((e) => [e.step, e.productId, e.quantity])).toEqual([
      ['add', 'A', 1],
      ['add', 'B', 2],
    ]);
  });

  it('after a crash, takes what the spool held: its state before it is loaded, and its events once', async () => {
    const dir = tempDir();
    try {
      // A collector whose store never loads, left without a clean stop.
      const down = { down: true };
      const first = await startCollector({}, dir.path, { loadVia: (s) => flaky(s, down), loadIntervalMs: 50 });
      const cart = (q: number) => ({
        eventTypeKey: 'cartUpdated',
        keyValue: 'visitor-2',
        params: [
          { name: 'recycleStateId', value: 'cart-2' },
          { name: 'products', value: [{ productId: 'A', quantity: q, price: 3 }] },
        ],
      });
      expect((await yespo(first, cart(1))).status).toBe(200);
      await vi.waitFor(async () => expect((await (await fetch(`${first.url}/readyz`)).json()).message).toMatch(/cannot be loaded/), { timeout: 3000 });
      // Its stop cannot load either: the spool keeps the cart and its event.
      await first.close();
      expect(await first.store.events(ACCOUNT.id).catch(() => 'closed')).toBe('closed');

      // The next start loads slowly: the cart is answered from the spool meanwhile.
      const slow = (s: DuckDBStore) =>
        Object.assign(Object.create(s) as DuckDBStore, {
          load: async (b: Parameters<DuckDBStore['load']>[0]) => (await new Promise((r) => setTimeout(r, 300)), s.load(b)),
        });
      const c = await start({ loadVia: slow, loadIntervalMs: 50 }, dir.path);
      expect((await fetch(`${c.url}/readyz`)).status).toBe(503);
      expect((await yespo(c, cart(3))).status).toBe(200);
      await c.ingest!.drain();
      expect((await fetch(`${c.url}/readyz`)).status).toBe(200);
      expect((await storedOf(c, 'yespo')).map((e) => [e.step, e.productId, e.quantity])).toEqual([
        ['add', 'A', 1],
        ['add', 'A', 2],
      ]);
    } finally {
      dir.remove();
    }
  });
});
