import { afterEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { DuckDBStore } from '@cartbeacon/collector';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';

/** /readyz and /metrics while the store cannot commit, and after: a load balancer must hear of it. */
const open: TestCollector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});

const ev = () => ({ name: 'PAGE_VIEW', category: 'Home Page', userId: 'v', sessionId: 's', eventId: randomUUID() });

const metric = async (c: TestCollector, name: string) =>
  Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(`${c.url}/metrics`)).text())?.[1] ?? NaN);

const ready = async (c: TestCollector) => {
  const res = await fetch(`${c.url}/readyz`);
  const body = (await res.json()) as { message?: string };
  return { code: res.status, message: body.message };
};

describe('a store that cannot commit', () => {
  it('turns /readyz to 503 and back, writing straight to the store', async () => {
    const c = await startCollector();
    open.push(c);
    const insert = c.store.insert.bind(c.store);
    let down = true;
    (c.store as { insert: DuckDBStore['insert'] }).insert = (rows, options) => (down ? Promise.reject(new Error('disk I/O error')) : insert(rows, options));

    const refused = await c.send([ev()]);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await ready(c)).toMatchObject({ code: 503, message: expect.stringMatching(/cannot commit/) });
    expect(await metric(c, 'cartbeacon_ingest_failing')).toBe(1);
    expect(await metric(c, 'cartbeacon_load_failures_total')).toBe(1);

    down = false;
    expect((await c.send([ev()])).status).toBe(200);
    expect((await ready(c)).code).toBe(200);
    expect(await metric(c, 'cartbeacon_ingest_failing')).toBe(0);
  });

  it('turns /readyz to 503 and back behind the spool, while the spool still takes events', async () => {
    const mode = { down: true };
    const c = await startCollector({}, undefined, {
      loadIntervalMs: 50,
      loadVia: (store) =>
        Object.assign(Object.create(store) as DuckDBStore, {
          load: (batch: Parameters<DuckDBStore['load']>[0]) => (mode.down ? Promise.reject(new Error('disk I/O error')) : store.load(batch)),
        }),
    });
    open.push(c);
    const events = [ev(), ev()];
    expect((await c.send(events)).status).toBe(200);
    await expect.poll(() => ready(c), { timeout: 3000, interval: 50 }).toMatchObject({ code: 503, message: expect.stringMatching(/cannot be loaded/) });
    expect(await metric(c, 'cartbeacon_ingest_failing')).toBe(1);
    expect(await metric(c, 'cartbeacon_load_failures_total')).toBeGreaterThan(0);

    mode.down = false;
    // The loader tries again on its own (every second): no request is needed to turn ready again.
    await expect.poll(async () => (await ready(c)).code, { timeout: 5000, interval: 100 }).toBe(200);
    expect(await metric(c, 'cartbeacon_ingest_failing')).toBe(0);
    const stored = (await c.store.events(ACCOUNT.id)).map((e) => e.eventId);
    expect(stored.sort()).toEqual(events.map((e) => e.eventId).sort());
  });
});
