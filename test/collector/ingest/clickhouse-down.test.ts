import { afterAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ClickHouseStore } from '@cartbeacon/collector';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { openClickHouse } from '../../helpers/stores.js';
import { startClickHouse } from '../../../scripts/clickhouse/server.mjs';

/** The spool in front of a ClickHouse server that stops answering, then comes back. */
describe('a ClickHouse server that goes down behind the spool', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  }, 60_000);

  const batch = () =>
    Array.from({ length: 20 }, (_, i) => ({ name: 'PAGE_VIEW', category: 'Home Page', userId: `v${i % 3}`, sessionId: `s${i % 3}`, eventId: randomUUID(), timestamp: Date.now() - 1000 }));
  const ready = async (c: TestCollector<ClickHouseStore>) => (await fetch(`${c.url}/readyz`)).status;

  it('answers 200 from the spool meanwhile, says so on /readyz, and loads everything once when it is back', async () => {
    const server = await startClickHouse({ maxThreads: 2 });
    cleanup.push(() => server.stop());
    const c = await startCollector<ClickHouseStore>({}, undefined, { loadIntervalMs: 100 }, { openStore: openClickHouse(server.url) });
    cleanup.push(() => c.close());
    const before = batch();
    expect((await c.send(before)).status).toBe(200);
    await vi.waitFor(async () => expect(await c.store.events(ACCOUNT.id)).toHaveLength(20), { timeout: 5000, interval: 100 });

    await server.pause();
    const during = [batch(), batch()];
    for (const b of during) expect((await c.send(b)).status).toBe(200);
    // /readyz turns 503 as soon as the store stops answering its ping; the load's failure follows.
    await vi.waitFor(
      async () => {
        expect(await ready(c)).toBe(503);
        expect(c.ingest!.status().failing).toMatch(/cannot be loaded/);
      },
      { timeout: 30_000, interval: 200 },
    );

    await server.resume();
    await vi.waitFor(async () => expect(await ready(c)).toBe(200), { timeout: 30_000, interval: 200 });
    await c.ingest!.drain();
    const stored = (await c.store.events(ACCOUNT.id)).map((e) => e.eventId).sort();
    expect(stored).toEqual([...before, ...during.flat()].map((e) => e.eventId).sort());
  }, 90_000);
});
