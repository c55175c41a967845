import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';

const BUNDLE = new URL('../../../packages/tracker/dist/cartbeacon.js', import.meta.url);

describe('collector routes', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector();
  });
  afterAll(() => c.close());

  describe('GET /get/key', () => {
    it('answers one new id by default and N for count=N', async () => {
      const one = await (await fetch(`${c.url}/get/key`)).json();
      expect(one).toHaveLength(1);
      const res = await fetch(`${c.url}/get/key?count=2`);
      expect(res.status).toBe(200);
      const two = await res.json();
      expect(two).toHaveLength(2);
      expect(new Set([...one, ...two]).size).toBe(3);
      for (const k of [...one, ...two]) expect(k).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.each(['0', '-1', 'abc', '1.5', '101'])('refuses count=%s with BAD_INPUT', async (count) => {
      const res = await fetch(`${c.url}/get/key?count=${count}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ statusCode: 'BAD_INPUT' });
    });
  });

  describe('GET /cartbeacon.js', () => {
    it('serves the built tracker with an ETag, caching and gzip, and 304 on If-None-Match', async () => {
      const res = await fetch(`${c.url}/cartbeacon.js`, { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
      expect(res.headers.get('cache-control')).toContain('max-age=');
      const etag = res.headers.get('etag');
      expect(etag).toMatch(/^".+"$/);
      expect(await res.text()).toBe(readFileSync(BUNDLE, 'utf8'));

      const again = await fetch(`${c.url}/cartbeacon.js`, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);

      // fetch() would decompress on its own; ask with node's http-level view instead.
      const gz = await fetch(`${c.url}/cartbeacon.js`, { headers: { 'accept-encoding': 'gzip' } });
      expect(gz.status).toBe(200);
      expect(await gz.text()).toBe(readFileSync(BUNDLE, 'utf8'));
    });

    it('sends the gzip body that the size budget measures', async () => {
      const { request } = await import('node:http');
      const body = await new Promise<Buffer>((resolve, reject) => {
        request(`${c.url}/cartbeacon.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
          expect(res.headers['content-encoding']).toBe('gzip');
          const chunks: Buffer[] = [];
          res.on('data', (d) => chunks.push(d)).on('end', () => resolve(Buffer.concat(chunks)));
        })
          .on('error', reject)
          .end();
      });
      expect(body.length).toBeLessThanOrEqual(4096);
      expect(gunzipSync(body).toString()).toBe(readFileSync(BUNDLE, 'utf8'));
    });

    it('answers 404 for other files', async () => {
      expect((await fetch(`${c.url}/cartbeacon-nope.js`)).status).toBe(404);
      expect((await fetch(`${c.url}/nothing-here`)).status).toBe(404);
    });
  });

  describe('CORS', () => {
    it('answers the preflight a browser sends for application/json', async () => {
      const res = await fetch(`${c.url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, {
        method: 'OPTIONS',
        headers: { origin: 'http://shop.test', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('http://shop.test');
      expect(res.headers.get('access-control-allow-methods')).toContain('POST');
      expect(res.headers.get('access-control-allow-headers')).toContain('content-type');
    });

    it('exposes Retry-After so that the tracker can honour it', async () => {
      const res = await c.send([], { headers: { origin: 'http://shop.test' } });
      expect(res.headers.get('access-control-expose-headers')).toContain('Retry-After');
    });
  });

  describe('health, readiness, metrics, start page', () => {
    it('GET /healthz and /readyz', async () => {
      expect(await (await fetch(`${c.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${c.url}/readyz`)).json()).toEqual({ status: 'ready', storage: 'duckdb', unloadedBytes: 0, lagSeconds: 0 });
    });

    it('GET /readyz is 503 when the store does not answer', async () => {
      const ping = c.store.ping;
      (c.store as { ping: typeof ping }).ping = () => Promise.reject(new Error('gone'));
      try {
        const res = await fetch(`${c.url}/readyz`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ status: 'unavailable' });
      } finally {
        (c.store as { ping: typeof ping }).ping = ping;
      }
    });

    it('GET /metrics counts stored, repeated, refused and left-out events and tracker drops', async () => {
      const e = { name: 'PAGE_VIEW', userId: 'u', sessionId: 's', category: 'x', eventId: `m-${Date.now()}` };
      await c.send([e, e]);
      await c.send([e]);
      await c.send([{ name: 'PAGE_VIEW', sessionId: 's', category: 'x' }]);
      await fetch(`${c.url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}&dropped=7`, { method: 'POST', body: JSON.stringify([{ ...e, eventId: `${e.eventId}-2` }]) });
      const text = await (await fetch(`${c.url}/metrics`)).text();
      const value = (line: string) => Number(text.split('\n').find((l) => l.startsWith(line))?.split(' ').pop());
      expect(value('cartbeacon_events_stored_total{channel="events"}')).toBe(2);
      expect(value('cartbeacon_events_duplicate_total{channel="events"}')).toBe(2);
      expect(value('cartbeacon_events_refused_total{code="NO_USERID"}')).toBe(1);
      expect(value('cartbeacon_tracker_dropped_events_total')).toBe(7);
      // Left out of reports: a test-mode event (also from a bot: counted once, as test mode) and bots' events.
      const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
      const before = (reason: string) => value(`cartbeacon_events_left_out_total{reason="${reason}",channel="events"}`) || 0;
      const [testMode, bots] = [before('test_mode'), before('bot')];
      await c.send([
        { ...e, eventId: `${e.eventId}-t`, testMode: true },
        { ...e, eventId: `${e.eventId}-tb`, testMode: 'true', userAgent: BOT },
        { ...e, eventId: `${e.eventId}-b`, userAgent: BOT },
      ]);
      const after = await (await fetch(`${c.url}/metrics`)).text();
      const now = (reason: string) => Number(after.split('\n').find((l) => l.startsWith(`cartbeacon_events_left_out_total{reason="${reason}",channel="events"}`))?.split(' ').pop());
      expect([now('test_mode') - testMode, now('bot') - bots]).toEqual([2, 1]);
      expect(text).toContain('cartbeacon_http_request_duration_seconds_bucket');
      expect(text).toContain('cartbeacon_process_resident_memory_bytes');
    });

    it('GET / is a start page with the snippet', async () => {
      const res = await fetch(`${c.url}/`);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain(`${c.url}/cartbeacon.js`);
    });

    it('answers 405 with Allow for a wrong method on a known path', async () => {
      const res = await fetch(`${c.url}/add/events/v1.json`, { method: 'GET' });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toContain('POST');
    });
  });
});
