import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger, loadSettings, startServer } from '@cartbeacon/collector';
import type { Env, RunningServer } from '@cartbeacon/collector';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { httpRequest, rawRequest } from '../../helpers/raw-http.js';

/** The real server with `env` on a loopback port. */
async function serve(env: Env): Promise<RunningServer & { port: number }> {
  const dir = tempDir();
  const config = join(dir.path, 'config.json');
  writeFileSync(config, JSON.stringify({ accounts: [ACCOUNT] }));
  const settings = loadSettings({ PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: join(dir.path, 'data'), CARTBEACON_CONFIG: config, CARTBEACON_MEMORY_LIMIT: '256MB', ...env });
  const running = await startServer(settings, { logger: createLogger('silent'), handleSignals: false });
  cleanups.push(async () => {
    await running.stop();
    dir.remove();
  });
  return { ...running, port: Number(new URL(running.url).port) };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

const metric = async (url: string, line: string) =>
  Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await (await fetch(`${url}/metrics`)).text())?.[1] ?? 0);

const batch = () => JSON.stringify([{ name: 'PAGE_VIEW', category: 'Home Page', userId: 'u', sessionId: 's', eventId: randomUUID() }]);

/** Normal requests, one after another, until `stop` resolves: the time each took, and any that failed. */
async function normalTraffic(url: string, stop: Promise<unknown>) {
  let done = false;
  void stop.then(() => (done = true));
  const times: number[] = [];
  const failures: string[] = [];
  while (!done) {
    const t = performance.now();
    const res = await fetch(`${url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, { method: 'POST', body: batch() }).catch((e: Error) => e);
    times.push(performance.now() - t);
    if (res instanceof Error || res.status !== 200) failures.push(res instanceof Error ? res.message : String(res.status));
    await new Promise((r) => setTimeout(r, 50));
  }
  return { times: times.sort((a, b) => a - b), failures };
}

describe('slow clients', () => {
  it('cuts off slow headers and slow bodies within the bounds set, while normal requests are served', async () => {
    const HEADERS_S = 1;
    const REQUEST_S = 2;
    const s = await serve({
      CARTBEACON_HEADERS_TIMEOUT: String(HEADERS_S),
      CARTBEACON_REQUEST_TIMEOUT: String(REQUEST_S),
      CARTBEACON_RATE_LIMIT_CLIENT: '0',
    });
    // Headers that never end: a byte every 100 ms of a long header.
    const slowHeaders = Array.from({ length: 25 }, () =>
      rawRequest(s.port, `POST /add/events/v1.json?apiKey=${ACCOUNT.apiKey} HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(1000)}`, {
        drip: { bytes: 1, everyMs: 100 },
        deadlineMs: 8000,
      }),
    );
    // Whole headers, then a body of 1000 bytes at 10 bytes a second.
    const body = batch().padEnd(1000, ' ');
    const slowBodies = Array.from({ length: 25 }, () => {
      const request = httpRequest('POST', `/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, [['Content-Type', 'text/plain']], body);
      return rawRequest(s.port, request, { drip: { first: request.length - body.length, bytes: 1, everyMs: 100 }, deadlineMs: 8000 });
    });
    const cut = Promise.all([Promise.all(slowHeaders), Promise.all(slowBodies)]);
    const normal = normalTraffic(s.url, cut);
    const [[headers, bodies], traffic] = await Promise.all([cut, normal]);

    // Cut off with 408 after their bound (Node looks every 250 ms here, every second by default), not minutes later.
    for (const a of headers) {
      expect(a.status).toBe(408);
      expect(a.ms).toBeGreaterThan(HEADERS_S * 1000 - 100);
      expect(a.ms).toBeLessThan(HEADERS_S * 1000 + 1500);
    }
    for (const a of bodies) {
      expect(a.status).toBe(408);
      expect(a.ms).toBeGreaterThan(REQUEST_S * 1000 - 100);
      expect(a.ms).toBeLessThan(REQUEST_S * 1000 + 1500);
    }
    expect(traffic.failures).toEqual([]);
    expect(traffic.times.length).toBeGreaterThan(5);
    // Served meanwhile, not held up behind the slow ones (the median; this machine is shared).
    expect(traffic.times[traffic.times.length >> 1]).toBeLessThan(1000);
    expect(await metric(s.url, 'cartbeacon_http_refused_total{reason="timeout"}')).toBeGreaterThanOrEqual(50);
  }, 30_000);

  it('closes connections over the cap as they come, and serves again once some go', async () => {
    const s = await serve({ CARTBEACON_MAX_CONNECTIONS: '20', CARTBEACON_HEADERS_TIMEOUT: '10' });
    const held = await Promise.all(
      Array.from({ length: 20 }, () => new Promise<Socket>((resolve) => { const c = connect(s.port, '127.0.0.1', () => resolve(c)); c.on('error', () => {}); })),
    );
    // Let the server take them all in before the one too many comes.
    await new Promise((r) => setTimeout(r, 300));
    const over = await rawRequest(s.port, httpRequest('GET', '/healthz'), { deadlineMs: 3000 });
    expect(over).toMatchObject({ status: 0, hung: false });
    expect(over.ms).toBeLessThan(1000);

    held.forEach((c) => c.destroy());
    await expect.poll(async () => (await fetch(`${s.url}/healthz`).catch(() => undefined))?.status, { timeout: 3000, interval: 100 }).toBe(200);
    expect(await metric(s.url, 'cartbeacon_http_refused_total{reason="connection_cap"}')).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
