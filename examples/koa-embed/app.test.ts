/**
 * examples/koa-embed/app.mjs: an existing Koa app with the collector mounted at /collect.
 * Run as a user runs it (a child process), and in this process with chromium on its page,
 * whose tracker loads from and posts to the prefix.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDBStore, createLogger } from '@cartbeacon/collector';
import { account, assertBuilt, freePort, launchChromium, openTab, tempDir, waitFor } from '../../test/browser/harness.js';
import { createShopApp, DATA_DIR, PREFIX } from './app.mjs';

const APP = fileURLToPath(new URL('./app.mjs', import.meta.url));
const cleanup: (() => unknown)[] = [];

beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('the Koa app with the collector mounted at /collect (koa-embed)', () => {
  it('serves its own routes and the mounted collector, prints the keys, and stops on SIGTERM with 0', { timeout: 60_000 }, async () => {
    // Run from a directory of its own without CARTBEACON_DATA_DIR: its data goes to its own
    // dir there, not into npm start's ./data.
    const cwd = tempDir('cartbeacon-embed-');
    cleanup.push(() => cwd.remove());
    const dir = { path: join(cwd.path, DATA_DIR) };
    const port = await freePort();
    const child = spawn(process.execPath, [APP], {
      cwd: cwd.path,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    cleanup.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    await waitFor(() => /koa shop on[^]*snippet: .*\n/.test(out), { timeout: 30_000, message: () => `the app did not start: ${out}` });
    const url = `http://127.0.0.1:${port}`;
    const acct = JSON.parse(readFileSync(join(dir.path, 'config.json'), 'utf8')).accounts[0];
    expect(existsSync(join(cwd.path, 'data'))).toBe(false);
    // The demo account's keys: the apiKey for the snippet, the report token for the dashboard and reports.
    expect(out).toContain(`apiKey (public, data-key)  ${acct.apiKey}`);
    expect(out).toContain(`reportToken (secret)       ${acct.reportToken}`);
    expect(out).toContain(`dashboard: http://localhost:${port}${PREFIX}/dashboard`);

    // The app's own routes.
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<script async src="${PREFIX}/cartbeacon.js" data-key="${acct.apiKey}"></script>`);
    const products = await fetch(`${url}/api/products`);
    expect(products.status).toBe(200);
    expect((await products.json()).map((p: { id: string }) => p.id)).toEqual(['espresso-blend', 'pour-over-kettle']);

    // The collector, under the prefix only.
    const bundle = await fetch(`${url}${PREFIX}/cartbeacon.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(bundle.headers.get('etag')).toBeTruthy();
    expect(await (await fetch(`${url}${PREFIX}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}${PREFIX}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/healthz`)).status).toBe(404);
    expect((await fetch(`${url}/cartbeacon.js`)).status).toBe(404);
    // The collector's start page knows where it is mounted.
    const start = await (await fetch(`${url}${PREFIX}/`)).text();
    expect(start).toContain(`src="${url}${PREFIX}/cartbeacon.js"`);
    expect(start).toContain(`href="${PREFIX}/healthz"`);

    const post = await fetch(`${url}${PREFIX}/add/events/v1.json?apiKey=${acct.apiKey}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: `http://localhost:${port}` },
      body: JSON.stringify([
        { name: 'PAGE_VIEW', userId: 'u-1', sessionId: 's-1', eventId: 'embed-1', category: 'Home Page' },
        { name: 'BASKET_OPERATIONS', userId: 'u-1', sessionId: 's-1', eventId: 'embed-2', step: 'add', productId: 'espresso-blend', price: 12.9 },
      ]),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(`http://localhost:${port}`);
    expect((await post.json()).statusCode).toBeUndefined();
    const keys = await fetch(`${url}${PREFIX}/get/key?count=2`);
    expect(await keys.json()).toHaveLength(2);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const store = await createDuckDBStore({ dataDir: dir.path, threads: 1, memoryLimit: '256MB' });
    try {
      expect((await store.events(acct.id)).map((e) => e.eventId).sort()).toEqual(['embed-1', 'embed-2']);
    } finally {
      await store.close();
    }
  });

  it('lets its page’s tracker load from the prefix and send there (chromium)', { timeout: 60_000 }, async () => {
    const dir = tempDir('cartbeacon-embed-');
    cleanup.push(() => dir.remove());
    let handler: RequestListener = (_req, res) => res.end();
    const server = createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const acct = account([origin]);
    const shop = await createShopApp({ config: { accounts: [acct] }, dataDir: dir.path, logger: createLogger('silent') });
    cleanup.push(() => shop.close());
    handler = shop.app.callback();

    const browser = await launchChromium();
    cleanup.push(() => browser.close());
    const tab = await openTab(browser);
    await tab.page.goto(`${origin}/`);
    const events = await waitFor(async () => {
      // web vitals arrive on their own schedule; this test is about the page view
      const ev = (await shop.store.events(acct.id)).filter((e) => e.type !== 'web_vitals');
      return ev.length ? ev : undefined;
    });
    expect(events.map((e) => [e.name, e.category, e.pageUrl])).toEqual([['PAGE_VIEW', 'Home Page', `${origin}/`]]);
    await waitFor(() => tab.posts.length > 0, { message: () => 'waiting for the tracker’s request to finish' });
    expect(tab.posts.every((p) => p.url.startsWith(`${origin}${PREFIX}/add/events/v1.json?apiKey=`) && p.status === 200)).toBe(true);
    expect(tab.errors.map(String)).toEqual([]);
  });
});
