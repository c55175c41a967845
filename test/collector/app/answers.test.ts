import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp, createDuckDBStore, createHttpServer, PAGE_CSP } from '@cartbeacon/collector';
import type { CollectorApp, DuckDBStore } from '@cartbeacon/collector';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { httpRequest, rawRequest } from '../../helpers/raw-http.js';

/**
 * Every request gets an answer of its own kind: a method a path does not take is 405 with
 * Allow (never 501), a target that is no path 400, CONNECT 400; a bug is 500, logged and
 * counted as 500. The pages carry their security headers, the reports are not cached.
 */
describe('what the collector answers', () => {
  const dir = tempDir();
  const logged: { msg: string; status?: number; err?: { message: string } }[] = [];
  let store: DuckDBStore;
  let app: CollectorApp;
  let server: Server;
  let url: string;
  let port: number;

  beforeAll(async () => {
    store = await createDuckDBStore({ dataDir: dir.path, threads: 1, memoryLimit: '256MB' });
    const sink = new Writable({ write: (chunk, _enc, done) => (logged.push(JSON.parse(String(chunk))), done()) });
    app = createApp({ config: { accounts: [ACCOUNT] }, store, logger: pino({ level: 'error' }, sink) });
    // A bug behind a path of its own, after every route.
    app.use((ctx) => {
      if (ctx.path === '/a/bug') throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    server = createHttpServer(app.callback(), app.metrics);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store.close();
    dir.remove();
  });

  const send = (method: string, target: string, headers: [string, string][] = []) => rawRequest(port, httpRequest(method, target, headers));

  it.each([
    ['/add/events/v1.json', 'OPTIONS, POST'],
    ['/healthz', 'HEAD, GET'],
    ['/api/funnel', 'HEAD, GET'],
    ['/api/v2/event', 'POST'],
    ['/v1/orders/refunds', 'POST'],
  ])('answers every method %s does not take with 405 and Allow: %s', async (path, allow) => {
    const taken = new Set(allow.split(', '));
    // OPTIONS asks what a path takes: 200 with Allow.
    const options = await send('OPTIONS', path);
    expect(options.status === 200 || options.status === 204).toBe(true);
    expect(options.head).toMatch(/\r\nAllow: /i);
    for (const method of METHODS.filter((m) => m !== 'CONNECT' && m !== 'OPTIONS' && !taken.has(m))) {
      const a = await send(method, path);
      expect([method, a.status]).toEqual([method, 405]);
      expect(a.head).toMatch(new RegExp(`\\r\\nAllow: ${allow}\\r\\n`, 'i'));
    }
  });

  it('answers a method no path takes with 405 where the path exists and 404 where none does, never 501', async () => {
    expect((await send('PROPFIND', '/get/key')).status).toBe(405);
    expect((await send('TRACE', '/api/reporting/workflow/v1/orgs/x/workflows/y/sidedata/')).status).toBe(405);
    expect((await send('MKCOL', '/no/such/path')).status).toBe(404);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).not.toMatch(/status="501"/);
  });

  it('answers an absolute-form target 400 instead of routing it, and OPTIONS * 204', async () => {
    const absolute = await rawRequest(port, 'GET http://other.example/healthz HTTP/1.1\r\nHost: other.example\r\nConnection: close\r\n\r\n');
    expect(absolute.status).toBe(400);
    const star = await rawRequest(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(star.status).toBe(204);
    expect(star.head).toMatch(/\r\nAllow: GET, HEAD, POST, OPTIONS\r\n/);
  });

  it('answers CONNECT 400 and closes, as no proxy', async () => {
    const a = await rawRequest(port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(a).toMatchObject({ status: 400, hung: false });
  });

  it('answers a bug 500 without its message, logs it, and counts it as 500', async () => {
    const res = await fetch(`${url}/a/bug`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ status: 'error', message: 'Internal Server Error' });
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'request failed', status: 500, err: expect.objectContaining({ message: expect.stringContaining('reading') }) }));
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^cartbeacon_http_request_duration_seconds_count\{route="unmatched",status="500"\} 1$/m);
  });

  it('sends the start page with a strict Content-Security-Policy and no inline script or style', async () => {
    const res = await fetch(`${url}/`);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("default-src 'self'");
    expect(PAGE_CSP).toContain("frame-ancestors 'none'");
    expect(PAGE_CSP).not.toContain('unsafe');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).not.toMatch(/<style|<script|\sstyle=|\son\w+=/i);
    const css = await fetch(`${url}/start.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(html).toContain('href="/start.css"');
  });

  it('sends the dashboard, its files and its JSON with the same headers', async () => {
    for (const path of ['/dashboard', '/dashboard/api/totals']) {
      const res = await fetch(`${url}${path}`);
      expect([path, res.headers.get('content-security-policy'), res.headers.get('x-frame-options')]).toEqual([path, PAGE_CSP, 'DENY']);
    }
  });

  it('marks the reports not to be stored by any cache, answered or refused', async () => {
    const auth = { authorization: `Bearer ${ACCOUNT.reportToken}` };
    const funnel = await fetch(`${url}/api/funnel?account_id=${ACCOUNT.id}&report_type=Source&date_range=today`, { headers: auth });
    expect(funnel.status).toBe(200);
    expect(funnel.headers.get('cache-control')).toBe('no-store');
    const refused = await fetch(`${url}/api/funnel?account_id=${ACCOUNT.id}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    const sidedata = await fetch(`${url}/api/reporting/workflow/v1/orgs/${ACCOUNT.id}/workflows/none/sidedata/`, { method: 'POST', headers: auth, body: '{}' });
    expect(sidedata.status).toBe(404);
    expect(sidedata.headers.get('cache-control')).toBe('no-store');
  });
});
