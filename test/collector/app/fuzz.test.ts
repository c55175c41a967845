import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createLogger, loadSettings, startServer } from '@cartbeacon/collector';
import type { DuckDBStore, RunningServer } from '@cartbeacon/collector';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { rawRequest } from '../../helpers/raw-http.js';
import type { RawAnswer } from '../../helpers/raw-http.js';
import { fieldCases, fuzzCases, methodCases, protocolCases } from './fuzz-cases.js';
import type { FuzzCase } from './fuzz-cases.js';

/**
 * Hostile input against the real server (`startServer`, its spool and DuckDB) on a
 * loopback port: every answer under 500, none left hanging, and the collector healthy
 * and storing afterwards. The requests come from a seed, printed; CARTBEACON_FUZZ_SEED
 * repeats a run, CARTBEACON_FUZZ_COUNT changes its size.
 */
const SEED = Number(process.env.CARTBEACON_FUZZ_SEED) || Math.floor(Math.random() * 2 ** 31);
/** Random requests, besides every method on every path (about 1 000), four per field of every example body (about 2 000) and the protocol's odd ones. */
const COUNT = Number(process.env.CARTBEACON_FUZZ_COUNT) || 7500;
/** The server's request timeout here: unfinished requests end within it (and a check's interval). */
const REQUEST_TIMEOUT_S = 1.5;
const CONCURRENCY = 24;

const WORKFLOWS = [
  { id: 'c0ffee00-0000-4000-8000-000000000001', name: 'Product pages', type: 'page_navigation', entry: { name: 'PRODUCT_VIEW' } },
  {
    id: 'c0ffee00-0000-4000-8000-000000000002',
    name: 'Chat',
    type: 'interaction',
    entry: { name: 'CUSTOM_EVENT', type: 'chat_opened' },
    goals: [{ uid: 'c0ffee00-0000-4000-8000-0000000000a1', name: 'Added to cart', when: { name: 'BASKET_OPERATIONS', step: 'add' } }],
  },
];

/** Runs `cases` `concurrency` at a time. */
async function runAll(port: number, cases: FuzzCase[], concurrency: number): Promise<[FuzzCase, RawAnswer][]> {
  const results: [FuzzCase, RawAnswer][] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      results.push([c, await rawRequest(port, c.bytes, c.options)]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

describe(`hostile requests (seed ${SEED})`, () => {
  const dir = tempDir();
  let running: RunningServer;
  let port: number;

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED}: CARTBEACON_FUZZ_SEED=${SEED} repeats this run`);
    const config = join(dir.path, 'config.json');
    writeFileSync(config, JSON.stringify({ accounts: [{ ...ACCOUNT, workflows: WORKFLOWS }] }));
    const settings = loadSettings({
      PORT: '0',
      HOST: '127.0.0.1',
      CARTBEACON_DATA_DIR: join(dir.path, 'data'),
      CARTBEACON_CONFIG: config,
      CARTBEACON_MEMORY_LIMIT: '256MB',
      CARTBEACON_HEADERS_TIMEOUT: '1',
      CARTBEACON_REQUEST_TIMEOUT: String(REQUEST_TIMEOUT_S),
      // Off, so that every request reaches what it tests (the limits have tests of their own).
      CARTBEACON_RATE_LIMIT_CLIENT: '0',
      CARTBEACON_RATE_LIMIT_KEY: '0',
    });
    running = await startServer(settings, { logger: createLogger('silent'), handleSignals: false });
    port = Number(new URL(running.url).port);
  });
  afterAll(async () => {
    await running?.stop();
    dir.remove();
  });

  it(`answers over 10 000 generated requests and the protocol's odd ones under 500, none hanging`, async () => {
    const keys = { accountId: ACCOUNT.id, apiKey: ACCOUNT.apiKey, reportToken: ACCOUNT.reportToken, workflows: [...WORKFLOWS.map((w) => w.id), 'unknown-workflow'] };
    const cases = [...protocolCases(), ...methodCases(keys), ...fieldCases(SEED, keys), ...fuzzCases(SEED, COUNT, keys, REQUEST_TIMEOUT_S * 1000)];
    const started = performance.now();
    const results = await runAll(port, cases, CONCURRENCY);
    const seconds = (performance.now() - started) / 1000;

    const byStatus = new Map<number, number>();
    for (const [, a] of results) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    console.log(`fuzz seed ${SEED}: ${results.length} requests in ${seconds.toFixed(1)} s; answers by status:`, Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)));

    const show = (list: [FuzzCase, RawAnswer][]) => list.slice(0, 10).map(([c, a]) => `${c.label}: ${a.status || 'no answer'} after ${Math.round(a.ms)} ms`);
    const failedHard = results.filter(([, a]) => a.status >= 500);
    const hung = results.filter(([, a]) => a.hung);
    expect(show(failedHard), `5xx answers (seed ${SEED})`).toEqual([]);
    expect(show(hung), `hangs (seed ${SEED})`).toEqual([]);
    // A request whose bytes were all sent is answered; only one cut off or broken at the
    // protocol level may see the connection closed without a word.
    const unanswered = results.filter(([c, a]) => a.status === 0 && !c.options.halfClose);
    expect(show(unanswered), `closed without an answer (seed ${SEED})`).toEqual([]);
    expect(results.length).toBe(cases.length);
    if (!process.env.CARTBEACON_FUZZ_COUNT) expect(results.length).toBeGreaterThanOrEqual(10_000);
  }, 240_000);

  it('is healthy and storing afterwards, and /metrics shows no 5xx', async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    const eventId = randomUUID();
    const res = await fetch(`${running.url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, {
      method: 'POST',
      body: JSON.stringify([{ name: 'PAGE_VIEW', category: 'Home Page', userId: 'after-fuzz', sessionId: 's', eventId }]),
    });
    expect(res.status).toBe(200);
    const store = running.store as DuckDBStore;
    await expect
      .poll(async () => (await store.events(ACCOUNT.id)).some((e) => e.eventId === eventId), { timeout: 5000, interval: 100 })
      .toBe(true);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics.split('\n').filter((l) => /^cartbeacon_http_request_duration_seconds_count\{.*status="5/.test(l))).toEqual([]);
    expect(metrics).toMatch(/^cartbeacon_http_refused_total\{reason="connect"\} [1-9]/m);
  });
});
