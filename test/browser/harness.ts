/**
 * The browser suite's harness: the real collector (in-process over a real DuckDB file, or
 * as a child process running the CLI), a static "shop" on another loopback origin that
 * loads the built cartbeacon.js from the collector, and polling helpers.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp, createDuckDBStore, createLogger } from '@cartbeacon/collector';
import type { AccountConfig, DuckDBStore, Store, StoredEvent } from '@cartbeacon/collector';

export { launchChromium } from '../helpers/browser.js';

const ROOT = resolve(import.meta.dirname, '../..');
export const BUNDLE = join(ROOT, 'packages/tracker/dist/cartbeacon.js');
const CLI = join(ROOT, 'packages/collector/bin/cartbeacon.js');

/** The tests assume a built bundle (`npm run build`; `npm test` builds it first). */
export function assertBuilt(): void {
  for (const f of [BUNDLE, join(ROOT, 'packages/collector/dist/index.js')])
    if (!existsSync(f)) throw new Error(`${f} is missing: run "npm run build" first`);
}

export const account = (origins: string[]): AccountConfig => ({
  id: '5b6c1d2e-0f4a-4b8c-9d7e-1a2b3c4d5e6f',
  name: 'Browser test shop',
  apiKey: 'browser-test-ingest-key',
  reportToken: 'browser-test-report-token-0123456789',
  origins,
  timezone: 'UTC',
  currency: 'EUR',
});

/** A temporary directory, removed by `remove()`. */
export function tempDir(prefix = 'cartbeacon-browser-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

async function listen(handler: RequestListener, port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((r, j) => {
    server.once('error', j);
    server.listen(port, '127.0.0.1', r);
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
}

/** A free loopback port (for a child process that must come back on the same one). */
export async function freePort(): Promise<number> {
  const { server } = await listen(() => {});
  const { port } = server.address() as AddressInfo;
  await closeServer(server);
  return port;
}

// ---------------------------------------------------------------------------------------
// The shop: a static site on its own origin

export interface Shop {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  origin: string;
  close(): Promise<void>;
}

/** Serves `pages[path]` as HTML (path without the query string); 404 otherwise. */
export async function startShop(pages: (path: string) => string | undefined): Promise<Shop> {
  const { server, url } = await listen((req, res) => {
    const html = pages(new URL(req.url ?? '/', 'http://x').pathname);
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html ?? 'not found');
  });
  return { origin: url, close: () => closeServer(server) };
}

export interface PageOptions {
  /** Markup (scripts) before the tracker's script tag, e.g. calls queued before it loads. */
  before?: string;
  /** Markup after it. */
  after?: string;
  /** Extra attributes on the script tag, e.g. 'data-consent="required"'. */
  attrs?: string;
  title?: string;
}

/** A shop page carrying the snippet that the contract tells site owners to paste. */
export function shopPage(collectorUrl: string, apiKey: string, o: PageOptions = {}): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${o.title ?? 'shop'}</title>
${o.before ?? ''}
<script async src="${collectorUrl}/cartbeacon.js" data-key="${apiKey}" ${o.attrs ?? ''}></script>
</head><body><h1>${o.title ?? 'shop'}</h1>${o.after ?? ''}</body></html>`;
}

// ---------------------------------------------------------------------------------------
// The collector in this process, with fault injection and a tap on what reaches storage

export interface Fault {
  status: number;
  retryAfter?: string;
}

export interface Collector {
  url: string;
  account: AccountConfig;
  store: DuckDBStore;
  /** While set, every ingest request is answered with this status (CORS headers included). */
  fault: Fault | undefined;
  /** Ingest requests answered by the fault. */
  faultHits: number;
  /** Ingest requests that reached the real app. */
  ingestRequests: number;
  /** How many times each event id reached store.insert (repeats included). */
  delivered: Map<string, number>;
  /** The account's stored events, from the DuckDB file. */
  events(): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

const INGEST = '/add/events/v1.json';

/**
 * The real collector app over a real DuckDB file in a temporary directory, on a loopback
 * port. In front of `app.callback()` a switch answers ingest requests with a fault
 * (e.g. 503 + Retry-After) while `fault` is set.
 */
export async function startCollector(origins: string[]): Promise<Collector> {
  const dir = tempDir('cartbeacon-browser-data-');
  const store = await createDuckDBStore({ dataDir: dir.path, threads: 1, memoryLimit: '256MB' });
  const acct = account(origins);
  const delivered = new Map<string, number>();
  // The routes only know the Store interface; this one counts what reaches storage.
  const tapped: Store = {
    ...store,
    insert(events) {
      events.forEach((e) => delivered.set(e.eventId, (delivered.get(e.eventId) ?? 0) + 1));
      return store.insert(events);
    },
  };
  const app = createApp({ config: { accounts: [acct] }, store: tapped, logger: createLogger('silent') });
  const callback = app.callback();
  const c: Collector = {
    url: '',
    account: acct,
    store,
    fault: undefined,
    faultHits: 0,
    ingestRequests: 0,
    delivered,
    events: () => store.events(acct.id),
    async close() {
      await closeServer(server);
      await store.close();
      dir.remove();
    },
  };
  const { server, url } = await listen((req: IncomingMessage, res: ServerResponse) => {
    const ingest = req.method === 'POST' && (req.url ?? '').startsWith(INGEST);
    if (ingest && c.fault) {
      c.faultHits++;
      const origin = req.headers.origin;
      res.writeHead(c.fault.status, {
        'content-type': 'application/json',
        ...(origin && { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After' }),
        ...(c.fault.retryAfter && { 'retry-after': c.fault.retryAfter }),
      });
      req.resume();
      res.end('{"message":"injected fault"}');
      return;
    }
    if (ingest) c.ingestRequests++;
    callback(req, res);
  });
  c.url = url;
  return c;
}

// ---------------------------------------------------------------------------------------
// The collector as a child process: `cartbeacon serve`, killed and restarted at will

export interface ChildCollector {
  url: string;
  account: AccountConfig;
  dataDir: string;
  /** Starts `node packages/collector/bin/cartbeacon.js serve`; resolves once /readyz answers. */
  start(): Promise<void>;
  /** SIGKILL: no draining, no checkpoint. */
  kill(): Promise<void>;
  /** SIGTERM: the collector drains and closes its store. */
  stop(): Promise<void>;
  /** Reads the account's events from the DuckDB file (only while the child is stopped). */
  readEvents(): Promise<StoredEvent[]>;
  /** What the child printed, for failure messages. */
  output(): string;
  cleanup(): Promise<void>;
}

export async function childCollector(origins: string[]): Promise<ChildCollector> {
  const dir = tempDir('cartbeacon-browser-child-');
  const dataDir = join(dir.path, 'data');
  const configFile = join(dir.path, 'config.json');
  const acct = account(origins);
  writeFileSync(configFile, JSON.stringify({ accounts: [acct] }));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let out = '';

  const exited = (p: ChildProcess) =>
    p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => p.once('exit', () => r()));

  const cc: ChildCollector = {
    url,
    account: acct,
    dataDir,
    async start() {
      const p = spawn(process.execPath, [CLI, 'serve'], {
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          CARTBEACON_CONFIG: configFile,
          CARTBEACON_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = p;
      p.stdout!.on('data', (d) => (out += d));
      p.stderr!.on('data', (d) => (out += d));
      await waitFor(
        async () => {
          if (p.exitCode !== null) throw new Error(`the collector exited with ${p.exitCode}:\n${out}`);
          const r = await fetch(`${url}/readyz`).catch(() => undefined);
          return r?.status === 200;
        },
        { timeout: 15_000, message: () => `the collector did not get ready:\n${out}` },
      );
    },
    async kill() {
      if (!child) return;
      const p = child;
      child = undefined;
      p.kill('SIGKILL');
      await exited(p);
    },
    async stop() {
      if (!child) return;
      const p = child;
      child = undefined;
      p.kill('SIGTERM');
      await exited(p);
    },
    async readEvents() {
      if (child) throw new Error('stop the collector before reading its DuckDB file');
      const store = await createDuckDBStore({ dataDir, threads: 1, memoryLimit: '256MB' });
      try {
        return await store.events(acct.id);
      } finally {
        await store.close();
      }
    },
    output: () => out,
    async cleanup() {
      await cc.kill();
      dir.remove();
    },
  };
  return cc;
}

// ---------------------------------------------------------------------------------------
// Polling and page helpers

/** Polls `check` until it returns a truthy value; throws after `timeout` ms. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  { timeout = 10_000, interval = 50, message }: { timeout?: number; interval?: number; message?: () => string } = {},
): Promise<NonNullable<T>> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${message?.() ?? 'timed out'}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Polls the collector's store until `check(events)` holds; returns the events. */
export function waitForEvents(
  c: Pick<Collector, 'events'>,
  check: (events: StoredEvent[]) => boolean,
  what: string,
  timeout = 10_000,
): Promise<StoredEvent[]> {
  let seen: StoredEvent[] = [];
  return waitFor(
    async () => {
      seen = await c.events();
      return check(seen) ? seen : undefined;
    },
    { timeout, message: () => `waiting for ${what}; stored: ${summary(seen)}` },
  );
}

export const summary = (events: StoredEvent[]) =>
  JSON.stringify(events.map((e) => [e.name, e.step ?? e.type ?? e.category, e.productId, e.pageUrl]));

/** The stored events' data column, parsed: the event as the tracker sent it. */
export const sent = (e: StoredEvent): Record<string, any> => JSON.parse(e.data);

export const byName = (events: StoredEvent[], name: string) => events.filter((e) => e.name === name);

/** How many times each event id is stored (the DuckDB key makes more than one a bug there). */
export function countIds(events: StoredEvent[]): Map<string, number> {
  const m = new Map<string, number>();
  events.forEach((e) => m.set(e.eventId, (m.get(e.eventId) ?? 0) + 1));
  return m;
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and unhandled rejections of the page. */
  errors: Error[];
  /** POSTs to the ingest path: [url, status] as they complete (or 0 when they failed). */
  posts: { url: string; status: number; body: string | null }[];
  close(): Promise<void>;
}

/**
 * A fresh context (own IndexedDB) and page, with page errors and ingest requests recorded.
 * `init` scripts run before every document's own scripts.
 */
export async function openTab(browser: Browser, init: string[] = []): Promise<Tab> {
  const context = await browser.newContext();
  for (const s of init) await context.addInitScript(s);
  const page = await context.newPage();
  const errors: Error[] = [];
  const posts: Tab['posts'] = [];
  page.on('pageerror', (e) => errors.push(e));
  page.on('requestfinished', async (r) => {
    if (r.method() !== 'POST' || !r.url().includes(INGEST)) return;
    const res = await r.response().catch(() => null);
    posts.push({ url: r.url(), status: res?.status() ?? 0, body: r.postData() });
  });
  page.on('requestfailed', (r) => {
    if (r.method() === 'POST' && r.url().includes(INGEST)) posts.push({ url: r.url(), status: 0, body: r.postData() });
  });
  return { context, page, errors, posts, close: () => context.close() };
}

/** Waits until the tracker has replaced the pre-load queue by its API. */
export async function trackerReady(page: Page): Promise<void> {
  await page.waitForFunction(() => typeof (window as any).cartbeacon?.flush === 'function', null, { timeout: 10_000 });
}

/** Lets the page's tracker finish what it has started (storage chain and one send). */
export async function flush(page: Page): Promise<void> {
  await page.evaluate(() => (window as any).cartbeacon.flush());
}

/** In the page: the product ids of the events waiting in the tracker's IndexedDB queue. */
export function queuedProductIds(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('cartbeacon-queue');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const req = db.transaction('kv', 'readonly').objectStore('kv').getAll();
      req.onerror = () => reject(req.error);
      req.onsuccess = () => {
        db.close();
        resolve((req.result as [Record<string, unknown>, string, number][]).map(([e]) => e.productId as string).filter(Boolean));
      };
    };
  });
}
