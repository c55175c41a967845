import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger, loadSessionSecret } from '@cartbeacon/collector';
import type { AccountConfig } from '@cartbeacon/collector';
import { ACCOUNT, startCollector } from '../../../helpers/collector.js';
import type { TestCollector } from '../../../helpers/collector.js';

const OTHER: AccountConfig = { ...ACCOUNT, id: 'a2b3c4d5-0000-4000-8000-000000000002', name: 'Other shop', apiKey: 'other-ingest-key', reportToken: 'other-secret-report-token-0123456789' };
const PANELS = ['summary', 'timeseries', 'funnel', 'stages', 'sources', 'campaigns', 'heatmap', 'pages', 'products', 'realtime', 'excluded'];

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
  redirect: 'manual' as const,
});
const cookieOf = (res: Response) => res.headers.get('set-cookie')!.split(';')[0]!;

describe('the dashboard\'s sign-in and session', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector({ accounts: [ACCOUNT, OTHER] });
  });
  afterAll(() => c?.close());

  const signIn = (token: string, more: Record<string, string> = {}, headers: Record<string, string> = {}) => {
    const init = form({ token, ...more });
    return fetch(`${c.url}/dashboard/sign-in`, { ...init, headers: { ...init.headers, ...headers } });
  };

  it('shows the sign-in form and nothing of an account without a session', async () => {
    const res = await fetch(`${c.url}/dashboard?date_range=last_7_days&report_type=Device`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('<form method="post" action="/dashboard/sign-in">');
    expect(html).toContain('name="return" value="?date_range=last_7_days&#38;report_type=Device"');
    expect(html).not.toContain(ACCOUNT.name);
    expect(html).not.toContain('dashboard.js');
  });

  it('answers 401 on every panel without a session, a forged one or a changed one', async () => {
    const good = cookieOf(await signIn(ACCOUNT.reportToken));
    const [payload, mac] = good.split('=')[1]!.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, a: [OTHER.id] })).toString('base64url');
    const expired = Buffer.from(JSON.stringify({ ...claims, x: 1000 })).toString('base64url');
    for (const cookie of [undefined, 'cartbeacon_dashboard=', `cartbeacon_dashboard=${forged}.${mac}`, `cartbeacon_dashboard=${expired}.${mac}`, `cartbeacon_dashboard=${payload}.${mac}x`, 'cartbeacon_dashboard=a.b.c']) {
      for (const panel of PANELS) {
        const res = await fetch(`${c.url}/dashboard/api/${panel}`, { headers: cookie ? { cookie } : {} });
        expect(res.status, `${panel} with ${cookie}`).toBe(401);
        expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
      }
      expect((await fetch(`${c.url}/dashboard/api/pages.csv`, { headers: cookie ? { cookie } : {} })).status).toBe(401);
    }
    // A report token is not a session either.
    const bearer = await fetch(`${c.url}/dashboard/api/summary`, { headers: { authorization: `Bearer ${ACCOUNT.reportToken}` } });
    expect(bearer.status).toBe(401);
  });

  it('signs in with the report token: a signed, HttpOnly, SameSite=Strict cookie for the dashboard\'s path, then back to the view', async () => {
    const res = await signIn(ACCOUNT.reportToken, { return: '?date_range=yesterday&report_type=Medium&evil=1' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard?date_range=yesterday&report_type=Medium');
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/^cartbeacon_dashboard=[\w-]+\.[\w-]+; /);
    expect(set).toContain('Path=/dashboard');
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toMatch(/Max-Age=604800/);
    expect(set).not.toContain('Secure');
    expect(set).not.toContain(ACCOUNT.reportToken);
    const cookie = cookieOf(res);
    const page = await (await fetch(`${c.url}/dashboard`, { headers: { cookie } })).text();
    expect(page).toContain(ACCOUNT.name);
    expect(page).toContain('<script defer src="/dashboard/assets/dashboard.js"></script>');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(page).not.toMatch(/\sstyle=|<style/);
    const summary = await fetch(`${c.url}/dashboard/api/summary`, { headers: { cookie } });
    expect(summary.status).toBe(200);
    expect(summary.headers.get('cache-control')).toBe('no-store');
  });

  it('sets Secure when the page is served over https (a proxy that says so)', async () => {
    const res = await signIn(ACCOUNT.reportToken, {}, { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure(;|$)/);
  });

  it('opens only the token\'s account', async () => {
    const cookie = cookieOf(await signIn(OTHER.reportToken));
    expect((await fetch(`${c.url}/dashboard/api/summary?account_id=${OTHER.id}`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${c.url}/dashboard/api/summary?account_id=${ACCOUNT.id}`, { headers: { cookie } })).status).toBe(401);
    expect(await (await fetch(`${c.url}/dashboard`, { headers: { cookie } })).text()).not.toContain(ACCOUNT.name);
  });

  it('signs out: the cookie is cleared', async () => {
    const cookie = cookieOf(await signIn(ACCOUNT.reportToken));
    const res = await fetch(`${c.url}/dashboard/sign-out`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    expect(res.headers.get('set-cookie')).toMatch(/^cartbeacon_dashboard=; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=0/);
  });

  it('refuses a sign-in or sign-out posted from another site', async () => {
    const forged: Record<string, string>[] = [{ origin: 'https://evil.example' }, { 'sec-fetch-site': 'cross-site' }];
    for (const headers of forged) {
      const res = await signIn(ACCOUNT.reportToken, {}, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect((await signIn(ACCOUNT.reportToken, {}, { origin: c.url, 'sec-fetch-site': 'same-origin' })).status).toBe(303);
  });

  it('shows a wrong token a message, and slows down repeated wrong tokens', async () => {
    // A collector of its own: its throttle has seen no failure of the other tests.
    const other = await startCollector({ accounts: [ACCOUNT] });
    try {
      const wrong = () => fetch(`${other.url}/dashboard/sign-in`, form({ token: 'not-the-token' }));
      for (let i = 0; i < 5; i++) {
        const res = await wrong();
        expect(res.status).toBe(401);
        const html = await res.text();
        expect(html).toContain('role="alert"');
        expect(html).toContain('That is not the report token of any account.');
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      // Now even the right token waits: the address may try once a second, then 2 s, …
      const held = await fetch(`${other.url}/dashboard/sign-in`, form({ token: ACCOUNT.reportToken }));
      expect(held.status).toBe(429);
      expect(held.headers.get('retry-after')).toBe('1');
      expect(await held.text()).toContain('Too many wrong tokens. Try again in 1 second.');
      await new Promise((r) => setTimeout(r, 1100));
      expect((await wrong()).status).toBe(401);
      const longer = await wrong();
      expect(longer.status).toBe(429);
      expect(longer.headers.get('retry-after')).toBe('2');
      await new Promise((r) => setTimeout(r, 2100));
      const ok = await fetch(`${other.url}/dashboard/sign-in`, form({ token: ACCOUNT.reportToken }));
      expect(ok.status).toBe(303);
      // A right token clears the address's failures.
      expect((await wrong()).status).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('serves the front-end\'s files with ETags; /dashboard/ goes to /dashboard', async () => {
    for (const file of ['dashboard.js', 'dashboard.css', 'dashboard-icon.svg']) {
      const res = await fetch(`${c.url}/dashboard/assets/${file}`);
      expect(res.status).toBe(200);
      const etag = res.headers.get('etag')!;
      expect((await fetch(`${c.url}/dashboard/assets/${file}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    }
    expect((await fetch(`${c.url}/dashboard/assets/other.js`)).status).toBe(404);
    const slash = await fetch(`${c.url}/dashboard/?date_range=today`, { redirect: 'manual' });
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/dashboard?date_range=today');
  });
});

describe('the session secret', () => {
  it('keeps sessions across a restart, and a changed report token ends them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-secret-'));
    try {
      const secret = loadSessionSecret(dir);
      expect(loadSessionSecret(dir).equals(secret)).toBe(true);
      expect(statSync(join(dir, 'dashboard-session.key')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dir, 'dashboard-session.key'), 'utf8').trim()).toHaveLength(64);
      const serve = async (account: AccountConfig) => {
        // The sign-in and the page read no store.
        const app = createApp({ config: { accounts: [account] }, store: {} as never, logger: createLogger('silent'), sessionSecret: secret });
        const server = createServer(app.callback());
        await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
        return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(r)) };
      };
      const first = await serve(ACCOUNT);
      const cookie = cookieOf(await fetch(`${first.url}/dashboard/sign-in`, form({ token: ACCOUNT.reportToken })));
      await first.close();
      const again = await serve(ACCOUNT);
      expect(await (await fetch(`${again.url}/dashboard`, { headers: { cookie } })).text()).toContain('dashboard.js');
      await again.close();
      const rotated = await serve({ ...ACCOUNT, reportToken: 'a-new-report-token-0123456789' });
      expect(await (await fetch(`${rotated.url}/dashboard`, { headers: { cookie } })).text()).not.toContain('dashboard.js');
      await rotated.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
