import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import Koa from 'koa';
import mount from 'koa-mount';
import { createApp, createLogger, createMetrics, directIngest } from '@cartbeacon/collector';
import type { CollectorApp, Ingest } from '@cartbeacon/collector';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';

/**
 * The event API answers on two paths: a collector that serves its own app takes
 * `POST /add/events/v1.json` before Koa (api/events/fast-path.ts), and one mounted in
 * another Koa app answers through its Koa route. Both must answer every request alike.
 */
const listen = async (handler: Parameters<typeof createServer>[1]) => {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
};
const closeServer = (s: Server) => {
  s.closeAllConnections();
  return new Promise<void>((r) => s.close(() => r()));
};

const ev = (fields: Record<string, unknown> = {}) => ({ name: 'PAGE_VIEW', category: 'Home Page', userId: 'v1', sessionId: 's1', eventId: randomUUID(), ...fields });

/** Requests of every kind the event API answers; each is sent the same to both paths. */
const CASES: [string, { query?: string; headers?: Record<string, string>; body?: string | Blob }][] = [
  ['a good batch', { body: JSON.stringify([ev(), ev()]) }],
  ['a batch with one bad event', { body: JSON.stringify([ev(), { name: 'PAGE_VIEW', sessionId: 's' }]) }],
  ['every event bad', { body: JSON.stringify([{ name: 'NOPE', userId: 'u', sessionId: 's' }, { name: 'PAGE_VIEW', userId: 'u' }]) }],
  ['no apiKey', { query: '', body: JSON.stringify([ev()]) }],
  ['an unknown apiKey', { query: '?apiKey=nope', body: JSON.stringify([ev()]) }],
  ['an origin of the account', { headers: { origin: 'http://shop.test', 'content-type': 'text/plain' }, body: JSON.stringify([ev()]) }],
  ['an origin not of the account', { headers: { origin: 'http://evil.test' }, body: JSON.stringify([ev()]) }],
  ['a body that is not JSON', { body: '[{"name":' }],
  ['a body that is not an array', { body: '{"name":"PAGE_VIEW"}' }],
  ['an empty array', { body: '[]' }],
  ['no body', { body: '' }],
  ['a compressed body', { headers: { 'content-encoding': 'gzip' }, body: new Blob([new Uint8Array([0x1f, 0x8b, 0, 0])]) }],
  ['a body too large', { body: JSON.stringify([ev({ category: 'x'.repeat(1024 * 1024) })]) }],
  ['the dropped count of a tracker', { query: `?apiKey=${ACCOUNT.apiKey}&dropped=3`, body: JSON.stringify([ev()]) }],
  ['a repeated apiKey', { query: `?apiKey=${ACCOUNT.apiKey}&apiKey=nope`, body: JSON.stringify([ev()]) }],
];

const HEADERS = ['content-type', 'vary', 'access-control-allow-origin', 'access-control-expose-headers', 'retry-after'];

async function answer(base: string, c: (typeof CASES)[number][1]) {
  const res = await fetch(`${base}/add/events/v1.json${c.query ?? `?apiKey=${ACCOUNT.apiKey}`}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...c.headers },
    body: c.body,
  });
  const body = (await res.json()) as Record<string, unknown>;
  // The time of receipt differs between two requests; everything else must not.
  if (typeof body.timestamp === 'number') body.timestamp = 'a time';
  return { status: res.status, headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h)])), body };
}

const metricLines = async (base: string) =>
  (await (await fetch(`${base}/metrics`)).text())
    .split('\n')
    .filter((l) => /^cartbeacon_(events_(received|refused)_total|tracker_dropped_events_total|http_request_duration_seconds_count\{route="\/add)/.test(l));

describe('the event API served before Koa and through Koa', () => {
  let own: TestCollector;
  let mounted: TestCollector;
  let root: { server: Server; url: string };

  beforeAll(async () => {
    own = await startCollector();
    mounted = await startCollector();
    // The same kind of collector app, mounted: the Koa route answers.
    const parent = new Koa();
    parent.silent = true;
    parent.use(mount('/', mounted.app));
    root = await listen(parent.callback());
  });
  afterAll(async () => {
    await closeServer(root.server);
    await own.close();
    await mounted.close();
  });

  it.each(CASES)('answers %s alike', async (_, c) => {
    const [fast, koa] = await Promise.all([answer(own.url, c), answer(root.url, c)]);
    expect(fast).toEqual(koa);
  });

  it('counted every request and event alike, and stored the same events', async () => {
    expect(await metricLines(own.url)).toEqual(await metricLines(mounted.url));
    const count = async (t: TestCollector) => (await t.store.events(ACCOUNT.id)).length;
    expect(await count(own)).toBe(await count(mounted));
    expect(await count(own)).toBe(6);
  });

  it('answers a client over its rate limit alike: 429 with Retry-After and CORS, counted as rate limited only', async () => {
    const rateLimits = { client: { rate: 0.001, burst: 1 }, key: null };
    const fastOne = await startCollector({}, undefined, undefined, { rateLimits });
    const koaOne = await startCollector({}, undefined, undefined, { rateLimits });
    const parent = new Koa();
    parent.silent = true;
    parent.use(mount('/', koaOne.app));
    const viaKoa = await listen(parent.callback());
    try {
      const c = { headers: { origin: 'http://shop.test', 'content-type': 'text/plain' }, body: JSON.stringify([ev()]) };
      const [fast1, koa1] = await Promise.all([answer(fastOne.url, c), answer(viaKoa.url, c)]);
      expect([fast1.status, koa1.status]).toEqual([200, 200]);
      const [fast, koa] = await Promise.all([answer(fastOne.url, c), answer(viaKoa.url, c)]);
      // The seconds to wait may differ by one: the two buckets were filled a moment apart.
      const seconds = (a: typeof fast) => ({ ...a, headers: { ...a.headers, 'retry-after': 's' }, body: { ...a.body, message: String(a.body.message).replace(/\d+ s$/, 's') } });
      expect(seconds(fast)).toEqual(seconds(koa));
      expect(fast.status).toBe(429);
      expect(fast.headers['access-control-allow-origin']).toBe('http://shop.test');
      expect(Number(fast.headers['retry-after'])).toBeGreaterThan(900);
      const limited = async (base: string) =>
        (await (await fetch(`${base}/metrics`)).text()).split('\n').filter((l) => /^cartbeacon_(rate_limited_total|events_refused_total)/.test(l));
      expect(await limited(fastOne.url)).toEqual(await limited(koaOne.url));
      expect(await limited(fastOne.url)).toEqual(['cartbeacon_rate_limited_total{scope="client"} 1']);
    } finally {
      await closeServer(viaKoa.server);
      await fastOne.close();
      await koaOne.close();
    }
  });

  it('answers a store that fails alike: 503 with Retry-After, its error not shown', async () => {
    const base = directIngest(own.store, createMetrics());
    const failing: Ingest = { ...base, batches: { writeBatch: () => Promise.reject(new Error('the disk is gone')) } };
    const app: CollectorApp = createApp({ config: { accounts: [ACCOUNT] }, store: own.store, ingest: failing, logger: createLogger('silent') });
    const direct = await listen(app.callback());
    const parent = new Koa();
    parent.silent = true;
    parent.use(mount('/', app));
    const viaKoa = await listen(parent.callback());
    try {
      const c = { body: JSON.stringify([ev()]) };
      const [fast, koa] = await Promise.all([answer(direct.url, c), answer(viaKoa.url, c)]);
      expect(fast).toEqual(koa);
      expect(fast.status).toBe(503);
      expect(fast.headers['retry-after']).toBe('1');
      expect(JSON.stringify(fast.body)).not.toMatch(/disk is gone/);
    } finally {
      await closeServer(direct.server);
      await closeServer(viaKoa.server);
    }
  });
});
