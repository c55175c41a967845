/**
 * examples/backend/send-events.mjs, run as a user runs it, against the real collector over
 * a real DuckDB file: a backend's events (no Origin, the visitor's agent in `userAgent`,
 * eventIds from the order) are stored once, described by the visitor's browser.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startCollector } from '../../test/helpers/collector.js';
import type { TestCollector } from '../../test/helpers/collector.js';

const SCRIPT = fileURLToPath(new URL('./send-events.mjs', import.meta.url));

/** Runs the script with `env` added to a clean environment; resolves with its exit code and output. */
function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

let c: TestCollector;
beforeAll(async () => {
  c = await startCollector();
});
afterAll(async () => {
  await c?.close();
});

describe('the backend example (send-events.mjs)', () => {
  it('stores the purchase once, with the visitor’s browser, however often it is sent', { timeout: 60_000 }, async () => {
    const env = { CARTBEACON_URL: c.url + '/', CARTBEACON_API_KEY: ACCOUNT.apiKey };
    const first = await run(['ORD-42'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`POST ${c.url}/add/events/v1.json → 200`);
    const answer = JSON.parse(first.stdout.slice(first.stdout.indexOf('{')));
    expect(answer).toMatchObject({ campaigns: [[], []], responses: [[], []] });
    expect(answer.statusCode).toBeUndefined();

    // A retried webhook: the same order again.
    const again = await run(['ORD-42'], env);
    expect(again.code).toBe(0);

    const events = (await c.store.events(ACCOUNT.id)).sort((a, b) => a.eventId.localeCompare(b.eventId));
    expect(events.map((e) => [e.eventId, e.name, e.step])).toEqual([
      ['order-ORD-42-page', 'PAGE_VIEW', null],
      ['order-ORD-42-purchase', 'CHECKOUT', 'purchase'],
    ]);
    const purchase = events[1]!;
    expect(purchase.orderNo).toBe('ORD-42');
    expect(Number(purchase.totalPrice)).toBe(64.8);
    expect(purchase.currency).toBe('EUR');
    expect(JSON.parse(purchase.data).productList).toHaveLength(2);
    for (const e of events) {
      // The visitor's iPhone, not this script's HTTP client.
      expect([e.browser, e.os, e.device, e.deviceClass, e.isBot]).toEqual(['Mobile Safari', 'iOS', 'IOS', 'Mobile', false]);
      expect(e.channel).toBe('events');
      expect(e.testMode).toBe(false);
      expect(e.userId).toBe(events[0]!.userId);
    }
  });

  it('marks the events testMode when asked', { timeout: 30_000 }, async () => {
    const r = await run(['ORD-TEST'], { CARTBEACON_URL: c.url, CARTBEACON_API_KEY: ACCOUNT.apiKey, CARTBEACON_TEST_MODE: 'true' });
    expect(r.code).toBe(0);
    const mine = (await c.store.events(ACCOUNT.id)).filter((e) => e.eventId.startsWith('order-ORD-TEST-'));
    expect(mine).toHaveLength(2);
    expect(mine.every((e) => e.testMode)).toBe(true);
  });

  it('prints the collector’s error code for a wrong key and exits 1', { timeout: 30_000 }, async () => {
    const r = await run(['ORD-X'], { CARTBEACON_URL: c.url, CARTBEACON_API_KEY: 'no-such-key-123' });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('"statusCode": "NO_ACCOUNT"');
  });

  it('asks for the key when CARTBEACON_API_KEY is missing', { timeout: 30_000 }, async () => {
    const r = await run([], { CARTBEACON_URL: c.url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CARTBEACON_API_KEY/);
  });
});
