import { afterEach, describe, expect, it } from 'vitest';
import type { AppOptions } from '@cartbeacon/collector';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { EXAMPLES as YESPO } from '../../fixtures/yespo-examples.js';

/** The ingest APIs over their rate limits: 429 with Retry-After, per client and per account. */
const open: TestCollector[] = [];
afterEach(async () => {
  for (const c of open.splice(0)) await c.close();
});
const start = async (options: Partial<Pick<AppOptions, 'rateLimits' | 'clientIpHeader'>>) => {
  const c = await startCollector({}, undefined, undefined, options);
  open.push(c);
  return c;
};

const event = () => [{ name: 'PAGE_VIEW', category: 'Home Page', userId: 'u', sessionId: 's' }];
const yespo = (c: TestCollector, headers: Record<string, string> = {}) =>
  fetch(`${c.url}/api/v2/event`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`u:${ACCOUNT.apiKey}`).toString('base64')}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(YESPO[0]!.body),
  });
const davinci = (c: TestCollector, headers: Record<string, string> = {}) =>
  fetch(`${c.url}/v1/websites/browsers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ACCOUNT.apiKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ browser: { language: 'en' } }),
  });
const metric = async (c: TestCollector, line: string) =>
  Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(await (await fetch(`${c.url}/metrics`)).text())?.[1] ?? 0);

describe('ingest rate limits', () => {
  it('answers a client over its limit 429 with Retry-After, readable by the tracker in a shop page, and counts it', async () => {
    const c = await start({ rateLimits: { client: { rate: 0.001, burst: 3 }, key: null } });
    const origin = { origin: 'http://shop.test' };
    for (let i = 0; i < 3; i++) expect((await c.send(event(), { headers: origin })).status).toBe(200);
    const res = await c.send(event(), { headers: origin });
    expect(res.status).toBe(429);
    // One request in 1 000 s: the next token is 1 000 s away, less the time these took.
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(900);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(1000);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://shop.test');
    expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const body = await res.json();
    // The event API has no code for it: no statusCode, so that no client takes it for a refusal of its events.
    expect(body).toEqual({ timestamp: '', responses: [], message: expect.stringMatching(/^Too many requests from this client; send them again in \d+ s$/) });
    // The vendor APIs share the client's bucket.
    expect((await yespo(c)).status).toBe(429);
    expect((await davinci(c)).status).toBe(429);
    expect(await metric(c, 'cartbeacon_rate_limited_total{scope="client"}')).toBe(3);
    // Nothing else is limited.
    expect((await fetch(`${c.url}/healthz`)).status).toBe(200);
  });

  it("shares an account's limit among its clients and its APIs, and gives a proxy's clients each their own", async () => {
    const c = await start({ rateLimits: { client: { rate: 0.001, burst: 1 }, key: { rate: 0.001, burst: 3 } }, clientIpHeader: 'X-Forwarded-For' });
    const from = (ip: string) => ({ 'x-forwarded-for': `203.0.113.9, ${ip}` });
    expect((await c.send(event(), { headers: from('198.51.100.1') })).status).toBe(200);
    expect((await yespo(c, from('198.51.100.2'))).status).toBe(200);
    expect((await davinci(c, from('198.51.100.3'))).status).toBe(201);
    const over = await davinci(c, from('198.51.100.4'));
    expect(over.status).toBe(429);
    expect((await over.json()).message).toMatch(/for this account/);
    // The first client is over its own limit too; a client with a key no account has meets only its own.
    expect((await c.send(event(), { headers: from('198.51.100.1') })).status).toBe(429);
    const unknown = await c.send(event(), { apiKey: 'no-such-key', headers: from('198.51.100.5') });
    expect([unknown.status, await unknown.text()]).toEqual([400, expect.stringContaining('NO_ACCOUNT')]);
    expect(await metric(c, 'cartbeacon_rate_limited_total{scope="key"}')).toBe(1);
    expect(await metric(c, 'cartbeacon_rate_limited_total{scope="client"}')).toBe(1);
  });

  it('limits nothing when turned off', async () => {
    const c = await start({ rateLimits: false });
    const answers = await Promise.all(Array.from({ length: 30 }, () => c.send(event()).then((r) => r.status)));
    expect(new Set(answers)).toEqual(new Set([200]));
  });
});
