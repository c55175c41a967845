/**
 * Refused ingest requests reach the person who can fix them: the collector logs them at
 * warn (rate-limited), keeps the last hour's counts per account, code and origin (bounded),
 * and shows them on the start page (counts and codes only; origins for the demo account)
 * and on the dashboard (the signed-in account's own).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '@cartbeacon/collector';
import { createRefusalLog } from '../../../packages/collector/src/telemetry/refusals.js';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';

interface Line {
  level: number;
  msg: string;
  code?: string;
  account?: string | null;
  origin?: string | null;
  suppressed?: number;
}

function capture() {
  const lines: Line[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { lines, logger: pino({ level: 'warn' }, sink) };
}

const WARN = 40;
const OTHER: AccountConfig = { ...ACCOUNT, id: 'a2b3c4d5-0000-4000-8000-000000000002', name: 'Other shop', apiKey: 'other-ingest-key', reportToken: 'other-secret-report-token-0123456789', origins: ['http://other.test'] };
const event = (i: number) => ({ name: 'PAGE_VIEW', userId: 'u-1', sessionId: 's-1', eventId: `r-${i}`, category: 'Home Page' });

describe('the refusal log', () => {
  it('logs one line per account, code and origin a minute, then says how many it left out', () => {
    let t = Date.UTC(2026, 11, 7, 12, 0, 0);
    const { lines, logger } = capture();
    const log = createRefusalLog({ logger, now: () => t });
    const wrongOrigin = { code: 'NO_DOMAIN_APIKEY_MATCH', accountId: 'a', origin: 'http://localhost:18490', message: 'Origin … is not one of the account’s origins' };
    for (let i = 0; i < 5; i++) log.record(wrongOrigin);
    // Another origin is another key: its own line at once.
    log.record({ ...wrongOrigin, origin: 'http://other.test' });
    expect(lines.map((l) => [l.level, l.code, l.account, l.origin, l.suppressed])).toEqual([
      [WARN, 'NO_DOMAIN_APIKEY_MATCH', 'a', 'http://localhost:18490', undefined],
      [WARN, 'NO_DOMAIN_APIKEY_MATCH', 'a', 'http://other.test', undefined],
    ]);
    expect(lines[0]!.msg).toBe('ingest request refused: Origin … is not one of the account’s origins');
    t += 60_000;
    log.record(wrongOrigin);
    expect(lines.at(-1)).toMatchObject({ origin: 'http://localhost:18490', suppressed: 4 });
    expect(log.recent('a')).toEqual([
      expect.objectContaining({ code: 'NO_DOMAIN_APIKEY_MATCH', origin: 'http://localhost:18490', requests: 6, events: 0, lastAt: t }),
      expect.objectContaining({ origin: 'http://other.test', requests: 1 }),
    ]);
  });

  it('caps the lines a minute in all, whatever the keys (made-up origins cannot flood the log)', () => {
    const t = Date.UTC(2026, 11, 7, 12, 0, 0);
    const { lines, logger } = capture();
    const log = createRefusalLog({ logger, now: () => t, maxLinesPerInterval: 3 });
    for (let i = 0; i < 10; i++) log.record({ code: 'NO_ACCOUNT', origin: `http://x${i}.test`, message: 'no account' });
    expect(lines).toHaveLength(3);
  });

  it('keeps the last hour only, per minute, and tells accounts apart from requests tied to none', () => {
    let t = Date.UTC(2026, 11, 7, 12, 0, 0);
    const log = createRefusalLog({ logger: capture().logger, now: () => t });
    log.record({ code: 'NO_USERID', accountId: 'a', origin: '', message: 'An event has no userId.', events: 3 });
    t += 30 * 60_000;
    log.record({ code: 'NO_USERID', accountId: 'a', origin: '', message: 'An event has no userId.', events: 2 });
    log.record({ code: 'NO_ACCOUNT', origin: 'http://x.test', message: 'no account' });
    expect(log.recent('a')).toEqual([expect.objectContaining({ requests: 2, events: 5 })]);
    expect(log.recent(null)).toEqual([expect.objectContaining({ code: 'NO_ACCOUNT', requests: 1 })]);
    expect(log.recent()).toHaveLength(2);
    // 61 minutes after the first: it has left the window, the later ones have not.
    t += 31 * 60_000;
    expect(log.recent('a')).toEqual([expect.objectContaining({ requests: 1, events: 2 })]);
    t += 30 * 60_000;
    expect(log.recent()).toEqual([]);
  });

  it('holds at most maxKeys keys, the stalest making room', () => {
    let t = Date.UTC(2026, 11, 7, 12, 0, 0);
    const log = createRefusalLog({ logger: capture().logger, now: () => t, maxKeys: 50 });
    for (let i = 0; i < 10_000; i++) {
      t += 1;
      log.record({ code: 'NO_ACCOUNT', origin: `http://x${i}.test`, message: 'no account' });
    }
    const kept = log.recent();
    expect(kept).toHaveLength(50);
    expect(kept.map((k) => k.origin)).toContain('http://x9999.test');
    expect(kept.map((k) => k.origin)).not.toContain('http://x9949.test');
  });
});

describe('refused requests on a running collector', () => {
  let c: TestCollector;
  let demo: TestCollector;
  const logged = capture();
  beforeAll(async () => {
    c = await startCollector({ accounts: [ACCOUNT, OTHER] }, undefined, undefined, { logger: logged.logger });
    demo = await startCollector({ accounts: [ACCOUNT] }, undefined, undefined, { demoAccountId: ACCOUNT.id });
  });
  afterAll(async () => {
    await c?.close();
    await demo?.close();
  });

  async function refuseSome(to: TestCollector) {
    // A page on an origin the account does not list, three times (the event API's fast path).
    for (let i = 0; i < 3; i++) expect((await to.send([event(i)], { headers: { origin: 'http://localhost:18490' } })).status).toBe(400);
    // An unknown key; a missing one.
    expect((await to.send([event(9)], { apiKey: 'made-up-key', headers: { origin: 'http://evil.test' } })).status).toBe(400);
    expect((await to.send([event(9)], { apiKey: null })).status).toBe(400);
    // Two events without a userId beside a good one: 200, two events refused.
    const partly = await to.send([event(5), { ...event(6), userId: '' }, { ...event(7), userId: undefined }], { headers: { origin: 'http://shop.test' } });
    expect(partly.status).toBe(200);
    // The Yespo-compatible API (a Koa route) with a wrong key.
    const yespo = await fetch(`${to.url}/api/v2/event?apiKey=nobody`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(yespo.status).toBe(401);
  }

  it('logs each refusal at warn once a minute, with its code, account and origin', async () => {
    await refuseSome(c);
    const warned = logged.lines.filter((l) => l.level === WARN && l.msg.startsWith('ingest request refused'));
    expect(warned.map((l) => [l.code, l.account, l.origin])).toEqual([
      ['NO_DOMAIN_APIKEY_MATCH', ACCOUNT.id, 'http://localhost:18490'],
      ['NO_ACCOUNT', null, 'http://evil.test'],
      ['NO_API_KEY', null, null],
      ['NO_USERID', ACCOUNT.id, 'http://shop.test'],
      ['UNAUTHENTICATED', null, null],
    ]);
    expect(warned[0]!.msg).toContain('add it to the account\'s origins');
    expect(c.app.refusals.recent(ACCOUNT.id)).toEqual([
      expect.objectContaining({ code: 'NO_DOMAIN_APIKEY_MATCH', origin: 'http://localhost:18490', requests: 3, events: 0 }),
      expect.objectContaining({ code: 'NO_USERID', origin: 'http://shop.test', requests: 1, events: 2 }),
    ]);
    expect((await (await fetch(`${c.url}/metrics`)).text())).toMatch(/cartbeacon_events_refused_total\{code="NO_DOMAIN_APIKEY_MATCH"\} 3/);
  });

  it('shows counts and codes on the public start page, never an origin, an account or a message', async () => {
    const html = await (await fetch(`${c.url}/`)).text();
    expect(html).toContain('<h2>Refused in the last hour</h2>');
    expect(html).toContain('<li>3 requests refused: NO_DOMAIN_APIKEY_MATCH — add the page&#39;s origin to the account&#39;s origins');
    expect(html).toContain('<li>2 events refused in 1 request: NO_USERID — ');
    expect(html).toContain('<li>1 request refused: NO_ACCOUNT — ');
    expect(html).toContain('<li>1 request refused: UNAUTHENTICATED — ');
    for (const secret of ['localhost:18490', 'evil.test', 'shop.test', ACCOUNT.name, ACCOUNT.id, ACCOUNT.apiKey, OTHER.apiKey, 'made-up-key'])
      expect(html, secret).not.toContain(secret);
    // Not the demo: the snippet keeps its placeholder.
    expect(html).toContain('data-key="YOUR_API_KEY"');
  });

  it('shows the demo account’s refusals with their origin, and its key in the snippet', async () => {
    const before = await (await fetch(`${demo.url}/`)).text();
    expect(before).toContain('None: every ingest request of the last hour was taken.');
    await refuseSome(demo);
    const html = await (await fetch(`${demo.url}/`)).text();
    expect(html).toContain(`data-key="${ACCOUNT.apiKey}"`);
    expect(html).toContain('<li>3 requests refused: NO_DOMAIN_APIKEY_MATCH from http://localhost:18490 — add the page&#39;s origin');
    // Requests tied to no account stay counts and codes.
    expect(html).toContain('<li>1 request refused: NO_ACCOUNT — ');
    expect(html).not.toContain('evil.test');
  });

  it('shows the signed-in account its own refusals on the dashboard, and nobody else’s', async () => {
    const signIn = async (token: string) => {
      const res = await fetch(`${c.url}/dashboard/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }),
        redirect: 'manual',
      });
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    const mine = await fetch(`${c.url}/dashboard/api/refusals`, { headers: { cookie: await signIn(ACCOUNT.reportToken) } });
    expect(mine.status).toBe(200);
    expect(mine.headers.get('cache-control')).toBe('no-store');
    const body = await mine.json();
    const texts = body.data.map((r: { text: string }) => r.text);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe("3 requests refused: NO_DOMAIN_APIKEY_MATCH from http://localhost:18490 — add the page's origin to the account's origins in the collector's configuration");
    // A code without a fixed hint: the collector's own message says what was wrong.
    expect(texts[1]).toBe(`2 events refused in 1 request: NO_USERID from http://shop.test — ${body.data[1].message}`);
    expect(body.data[1].message).toMatch(/userId/);
    expect(body.data[0]).toMatchObject({ code: 'NO_DOMAIN_APIKEY_MATCH', origin: 'http://localhost:18490', requests: 3, events: 0 });
    const theirs = await (await fetch(`${c.url}/dashboard/api/refusals`, { headers: { cookie: await signIn(OTHER.reportToken) } })).json();
    expect(theirs.data).toEqual([]);
    expect((await fetch(`${c.url}/dashboard/api/refusals`)).status).toBe(401);
  });
});
