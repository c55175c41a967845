import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouseStore, createDuckDBStore } from '@cartbeacon/collector';
import type { ClickHouseStore, Store } from '@cartbeacon/collector';
import { CHDB_DIR, CHDB_MODULE } from '../../scripts/ensure-clickhouse.mjs';
import { startClickHouse } from '../../scripts/clickhouse/server.mjs';

/**
 * The stores the store-independent tests run against: the embedded DuckDB, Debian's
 * ClickHouse 18.16 (a real server, started here), and a current ClickHouse (26.x) run
 * in-process by chdb behind the same client — so the same SQL is proven on the oldest
 * ClickHouse the collector supports and on a current one. CARTBEACON_TEST_STORES
 * (e.g. "duckdb,clickhouse") narrows the list.
 */
export type StoreKind = 'duckdb' | 'clickhouse' | 'chdb';

export const STORE_LABEL: Record<StoreKind, string> = {
  duckdb: 'DuckDB',
  clickhouse: 'ClickHouse 18.16 server',
  chdb: 'ClickHouse 26 in-process (chdb)',
};

export const STORE_KINDS: StoreKind[] = (process.env.CARTBEACON_TEST_STORES?.split(',') as StoreKind[] | undefined) ?? ['duckdb', 'clickhouse', 'chdb'];

/** Opens stores of one kind in data dirs, and stops what it started for them. */
export interface StoreMaker<S extends Store = Store> {
  kind: StoreKind;
  open(dataDir: string): Promise<S>;
  close(): Promise<void>;
}

/** A new database name, so that stores of one server stay apart. */
export const databaseName = (prefix = 'test') => `${prefix}_${randomBytes(6).toString('hex')}`;

interface Server {
  url: string;
  stop(): Promise<void>;
}

/** A ClickHouse 18.16 server of this test file's own (scripts/clickhouse/server.mjs). */
export async function clickhouseServer(): Promise<Server> {
  return (await startClickHouse({ maxThreads: 2 })) as Server;
}

/** A client of a current ClickHouse in-process (chdb), over the data in `path`. */
export function chdbClient(path: string): ClickHouseClient {
  if (!existsSync(CHDB_MODULE))
    throw new Error(`chdb is not installed in ${CHDB_DIR}: run \`node scripts/ensure-clickhouse.mjs\` (npm test does it first)`);
  const require = createRequire(join(CHDB_DIR, 'index.js'));
  const { createChdbConnection } = require('chdb/connection') as { createChdbConnection(o: { path: string }): unknown };
  return createClient({ connection: createChdbConnection({ path }) as never });
}

/** A ClickHouse store over `url` (or chdb's client), in a database of its own. */
export const openClickHouse = (url: string, client?: () => ClickHouseClient, database = databaseName()) => (dataDir: string) =>
  createClickHouseStore({ url, database, dataDir, ...(client ? { client: client() } : {}) });

/** Makes stores of `kind`: a ClickHouse server or chdb's data folder is started on the first open. */
export function storeMaker(kind: StoreKind): StoreMaker {
  if (kind === 'duckdb') return { kind, open: (dataDir) => createDuckDBStore({ dataDir, threads: 1, memoryLimit: '256MB' }), close: async () => {} };
  if (kind === 'clickhouse') {
    let server: Promise<Server> | undefined;
    return {
      kind,
      async open(dataDir): Promise<ClickHouseStore> {
        const { url } = await (server ??= clickhouseServer());
        return openClickHouse(url)(dataDir);
      },
      async close() {
        await (await server)?.stop();
      },
    };
  }
  // chdb binds one data folder per process: every store of the file shares it, each in its own database.
  let path: string | undefined;
  return {
    kind,
    async open(dataDir): Promise<ClickHouseStore> {
      path ??= mkdtempSync(join(tmpdir(), 'cartbeacon-chdb-'));
      return openClickHouse('chdb', () => chdbClient(path!))(dataDir);
    },
    async close() {
      if (path) rmSync(path, { recursive: true, force: true });
    },
  };
}
