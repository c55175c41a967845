import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp, createDuckDBStore, createLogger, createMetrics, openSpooledIngest } from '@cartbeacon/collector';
import type { AccountConfig, AppOptions, CollectorApp, ConfigFile, DuckDBStore, Ingest, Store, StoredEvent } from '@cartbeacon/collector';

export const ACCOUNT: AccountConfig = {
  id: '3f0c5a52-8d0e-4c5b-9a51-0f7c1f0e9b11',
  name: 'Test shop',
  apiKey: 'test-public-ingest-key',
  reportToken: 'test-secret-report-token-0123456789',
  origins: ['http://shop.test'],
  timezone: 'Europe/Helsinki',
  currency: 'EUR',
};

export interface TestCollector<S extends Store = DuckDBStore> {
  app: CollectorApp;
  store: S;
  /** The spool in front of the store, when started with one. */
  ingest?: Ingest;
  /** http://127.0.0.1:<port> serving app.callback() */
  url: string;
  dataDir: string;
  /** POSTs a seed-001 body to /add/events/v1.json with the account's key. */
  send(body: unknown, init?: { apiKey?: string | null; headers?: Record<string, string>; raw?: string }): Promise<Response>;
  close(): Promise<void>;
}

/** A temporary data directory, removed by `remove()`. */
export function tempDir(prefix = 'cartbeacon-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** The spool in front of the store, as a server has it (`<data dir>/spool`). */
export interface SpoolSetup<S extends Store = DuckDBStore> {
  dir?: string;
  maxBytes?: number;
  loadIntervalMs?: number;
  /** What the loader sees of the store (to make it fail or slow). @defaultValue the store */
  loadVia?: (store: S) => S;
}

/** Opens the store of a test collector in its data dir. @defaultValue a DuckDB store (one thread, 256MB) */
export type OpenStore<S extends Store = DuckDBStore> = (dataDir: string) => Promise<S>;

const openDuckDB: OpenStore = (dataDir) => createDuckDBStore({ dataDir, threads: 1, memoryLimit: '256MB' });

/** More of a test collector's parts: createApp's options (rate limits, off unless given, …) and the store. */
export type CollectorOptions<S extends Store = DuckDBStore> = Partial<Pick<AppOptions, 'rateLimits' | 'clientIpHeader' | 'logger' | 'demoAccountId'>> & {
  /** @defaultValue a DuckDB store */
  openStore?: OpenStore<S>;
};

/**
 * The real collector app over a real store (a DuckDB file unless `options.openStore` makes
 * another), served on a loopback port; with `spool`, behind a real spool as
 * `cartbeacon serve` runs it (`ingest`), else writing to the store.
 */
export async function startCollector<S extends Store = DuckDBStore>(
  config: Partial<ConfigFile> = {},
  dataDir?: string,
  spool?: SpoolSetup<S>,
  { openStore = openDuckDB as unknown as OpenStore<S>, ...options }: CollectorOptions<S> = {},
): Promise<TestCollector<S>> {
  const dir = dataDir ? { path: dataDir, remove() {} } : tempDir();
  const store = await openStore(dir.path);
  const logger = options.logger ?? createLogger('silent');
  const metrics = createMetrics();
  const ingest = spool
    ? await openSpooledIngest({
        store: spool.loadVia ? spool.loadVia(store) : store,
        dir: spool.dir ?? join(dir.path, 'spool'),
        metrics,
        logger,
        ...(spool.maxBytes ? { maxBytes: spool.maxBytes } : {}),
        ...(spool.loadIntervalMs ? { loadIntervalMs: spool.loadIntervalMs } : {}),
      })
    : undefined;
  // No rate limits unless a test asks for them: many tests send more than a client may.
  const app = createApp({ config: { accounts: [ACCOUNT], ...config }, store, logger, metrics, ...(ingest ? { ingest } : {}), rateLimits: false, ...options });
  const server: Server = createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    store,
    ...(ingest ? { ingest } : {}),
    url,
    dataDir: dir.path,
    send(body, init = {}) {
      const key = init.apiKey === undefined ? (config.accounts?.[0] ?? ACCOUNT).apiKey : init.apiKey;
      const q = key === null ? '' : `?apiKey=${encodeURIComponent(key)}`;
      return fetch(`${url}/add/events/v1.json${q}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...init.headers },
        body: init.raw ?? JSON.stringify(body),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await ingest?.close();
      await store.close();
      dir.remove();
    },
  };
}

/** A stored event with every field set, for tests that write to a store directly. */
export const storedEvent = (eventId: string, fields: Partial<StoredEvent> = {}): StoredEvent => ({
  accountId: 'acct',
  eventId,
  name: 'CUSTOM_EVENT',
  step: null,
  type: 'x',
  ts: Date.now(),
  receivedAt: Date.now(),
  userId: 'u',
  sessionId: 's',
  pageUrl: null,
  referrer: null,
  category: null,
  subCategory: null,
  productId: null,
  price: null,
  currency: null,
  quantity: null,
  totalPrice: null,
  orderNo: null,
  source: 'Direct',
  medium: null,
  campaign: null,
  device: 'PC',
  browser: null,
  os: null,
  osVersion: null,
  deviceClass: 'Desktop',
  isBot: false,
  country: null,
  lang: null,
  testMode: false,
  held: false,
  channel: 'test',
  data: '{}',
  ...fields,
});
