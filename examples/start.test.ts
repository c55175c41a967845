/**
 * `npm start` (examples/start.mjs after the build): the collector with the demo shop at
 * /shop/ and the demo account, run as a user runs it, in a child process.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDBStore } from '@cartbeacon/collector';
import { assertBuilt, tempDir } from '../test/browser/harness.js';
import { collectorUrl } from '../test/helpers/process.js';
import type { CollectorProcess } from '../test/helpers/process.js';

const START = fileURLToPath(new URL('./start.mjs', import.meta.url));

const started: CollectorProcess[] = [];
const dirs: { remove(): void }[] = [];

/** `node examples/start.mjs` with `env` added to a clean environment. */
function start(env: Record<string, string>): CollectorProcess {
  const child = spawn(process.execPath, [START], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const p = { child, stdout: () => out, stderr: () => err, exited };
  started.push(p);
  return p;
}

function dataDir(): string {
  const d = tempDir('cartbeacon-start-');
  dirs.push(d);
  return d.path;
}

/** An event as the shop's pages send it: from a page on `origin`. */
const fromShop = (url: string, apiKey: string, origin: string, eventId: string) =>
  fetch(`${url}/add/events/v1.json?apiKey=${apiKey}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin },
    body: JSON.stringify([{ name: 'PAGE_VIEW', userId: 'u-1', sessionId: 's-1', eventId, category: 'Home Page', pageUrl: `${origin}/shop/` }]),
  });

beforeAll(() => assertBuilt());

afterEach(async () => {
  for (const p of started.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }
  dirs.splice(0).forEach((d) => d.remove());
});

describe('npm start (examples/start.mjs)', () => {
  it('serves the start page, the demo shop with the snippet and the demo key, and stops on SIGTERM with 0', { timeout: 60_000 }, async () => {
    const dir = dataDir();
    const p = start({ PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: dir });
    const url = await collectorUrl(p, 30_000);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    // The keys are printed, and they are the demo account's, kept in the data dir.
    const account = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).accounts[0];
    expect(p.stdout()).toContain(`demo shop: ${url}/shop/`);
    expect(p.stdout()).toContain(`dashboard: ${url}/dashboard (sign in with an account's reportToken, the demo account's is below)`);
    expect(p.stdout()).toMatch(new RegExp(`apiKey \\(public, data-key\\)\\s+${account.apiKey}`));
    expect(p.stdout()).toMatch(new RegExp(`reportToken \\(secret\\)\\s+${account.reportToken}`));

    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    const homePage = await home.text();
    expect(homePage).toContain('<a href="/shop/">');
    expect(homePage).toContain('<a href="/dashboard">Open the dashboard</a>');

    // The dashboard opens with the printed token.
    const signIn = await fetch(`${url}/dashboard/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: account.reportToken }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);

    const shop = await fetch(`${url}/shop/`);
    expect(shop.status).toBe(200);
    expect(shop.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await shop.text();
    expect(html).toContain(`<script async src="${url}/cartbeacon.js" data-key="${account.apiKey}"></script>`);
    expect(html).toContain(`(window.cartbeacon = window.cartbeacon || []).push(['page', {"category":"Home Page"}]);`);

    const bundle = await fetch(`${url}/cartbeacon.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect(await bundle.text()).toContain('add/events/v1.json');

    const bare = await fetch(`${url}/shop`, { redirect: 'manual' });
    expect(bare.status).toBe(302);
    expect(new URL(bare.headers.get('location')!, url).href).toBe(`${url}/shop/`);
    for (const path of ['/shop/category/coffee', '/shop/product/espresso-blend', '/shop/cart', '/shop/assets/shop.js', '/shop/img/espresso-blend.svg']) {
      expect((await fetch(url + path)).status, path).toBe(200);
    }
    expect((await fetch(`${url}/shop/no-such-page`)).status).toBe(404);
    // The shops that say nothing to the tracker: markup only, dataLayer only.
    for (const path of ['/shop/auto/markup/', '/shop/auto/gtm/products/linen-shirt']) {
      const html = await (await fetch(`${url}${path}`)).text();
      expect(html, path).toContain(`src="${url}/cartbeacon.js"`);
      expect(html, path).not.toMatch(/cartbeacon\.(page|product|basket|checkout)\(/);
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);

    // PORT=0 took a free port; the shop on it may send (its origin is the account's).
    const r = await fromShop(url, account.apiKey, url, 'start-1');
    const answer = await r.json();
    expect(r.status).toBe(200);
    expect(answer.statusCode).toBeUndefined();

    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stderr()).toBe('');

    // The answer of 200 meant stored: the event is in the DuckDB file after the stop.
    const store = await createDuckDBStore({ dataDir: dir, threads: 1, memoryLimit: '256MB' });
    try {
      const events = await store.events(account.id);
      expect(events.map((e) => [e.eventId, e.name, e.category])).toEqual([['start-1', 'PAGE_VIEW', 'Home Page']]);
    } finally {
      await store.close();
    }
  });

  it('keeps the demo account across starts and lets the shop in on a new port', { timeout: 60_000 }, async () => {
    const dir = dataDir();
    const first = start({ PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: dir });
    const url1 = await collectorUrl(first, 30_000);
    const key = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).accounts[0].apiKey;
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    const second = start({ PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: dir });
    const url2 = await collectorUrl(second, 30_000);
    expect(url2).not.toBe(url1);
    expect(second.stdout()).toContain(key);
    expect(await (await fetch(`${url2}/shop/`)).text()).toContain(`data-key="${key}"`);
    const ok = await (await fromShop(url2, key, url2, 'start-2')).json();
    expect(ok.statusCode).toBeUndefined();
    // Any other site is still refused.
    const other = await (await fromShop(url2, key, 'http://elsewhere.example', 'start-3')).json();
    expect(other.statusCode).toBe('NO_DOMAIN_APIKEY_MATCH');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('stops a bad configuration with one line naming the key at fault', { timeout: 30_000 }, async () => {
    const dir = dataDir();
    const config = join(dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ accounts: [{ id: 'a', name: 'x', apiKey: 'short' }] }));
    const p = start({ PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: dir, CARTBEACON_CONFIG: config });
    expect(await p.exited).toBe(1);
    const lines = p.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cartbeacon: .*accounts\[0\]/);
  });
});
