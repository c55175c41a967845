import { ClickHouseLogLevel, createClient } from '@clickhouse/client';
import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { randomUUID } from 'node:crypto';
import { identifier, quote } from './sql.js';

export interface ClickHouseConnectionOptions {
  /** The HTTP(S) interface of one server of the cluster, e.g. http://127.0.0.1:8123. */
  url: string;
  /** @defaultValue 'default' */
  username?: string;
  /** @defaultValue '' */
  password?: string;
  /** The database the store's tables live in (created at start). */
  database: string;
  /**
   * A cluster of the server's `remote_servers`: tables are created ON CLUSTER as
   * Replicated*MergeTree shards behind Distributed tables. Unset: one server.
   */
  cluster?: string;
  /** A client made elsewhere, used instead of one over `url` (the tests run current ClickHouse in-process this way). */
  client?: ClickHouseClient;
}

/** The store's way to ClickHouse: SQL text in, JSON rows out. */
export interface Db {
  readonly database: string;
  /** The database's name as SQL. */
  readonly databaseSql: string;
  readonly cluster: string | undefined;
  /** `database`.`name` */
  table(name: string): string;
  /** `ON CLUSTER c` when on a cluster, else ''. */
  readonly onCluster: string;
  /** `GLOBAL ` on a cluster: an IN or JOIN whose right side is read once, from every shard, and sent to all. */
  readonly global: string;
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  command(sql: string): Promise<void>;
  /** Inserts JSONEachRow lines; on a cluster, resolves once every shard has its part. */
  insert(table: string, lines: readonly string[]): Promise<void>;
  /**
   * Names this writer's inserts (their query ids start with `tag`), so that `settled` can
   * tell when none is still running, this process's or an earlier one's.
   */
  tag: string;
  /** Resolves once the server runs no insert of this writer's tag (or after `timeoutMs`, rejecting). */
  settled(timeoutMs?: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** An error of ClickHouse, with the code read from its message (ClickHouse 18.16's are not parsed by the client). */
export class ClickHouseStoreError extends Error {
  readonly code: number | undefined;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'ClickHouseStoreError';
    const code = /Code: (\d+)/.exec(message)?.[1] ?? (options.cause as { code?: string }).code;
    this.code = code === undefined || Number.isNaN(Number(code)) ? undefined : Number(code);
  }
}

const wrap = (what: string) => (e: unknown) => {
  const message = ((e as Error).message ?? String(e)).split('\n')[0]!.slice(0, 500);
  throw new ClickHouseStoreError(`ClickHouse ${what} failed: ${message}`, { cause: e });
};

/**
 * Queries carry IN lists of a batch's ids, well over the default 256 KiB of SQL and the
 * default 50 000 elements of a query's syntax tree (a loader's batch of 20 000 rows is a
 * list of ~100 000: refused, the load failed on every try); UInt64s (seqs) are read as
 * strings, exactly (the default in 18.16, no longer in current releases).
 */
const QUERY_SETTINGS: ClickHouseSettings = {
  max_query_size: String(64 * 2 ** 20),
  max_ast_elements: String(20_000_000),
  max_expanded_ast_elements: String(20_000_000),
  output_format_json_quote_64bit_integers: 1,
} as ClickHouseSettings;

/** A Db over the official client (HTTP, or the given client). */
export function openDb(options: ClickHouseConnectionOptions): Db {
  const client =
    options.client ??
    createClient({
      url: options.url,
      username: options.username ?? 'default',
      password: options.password ?? '',
      // DDL on a cluster waits for every host; a report over a large range takes a while.
      // Progress headers keep such a request alive behind proxies that cut idle ones.
      request_timeout: 300_000,
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '10000' },
      application: 'cartbeacon',
      // Failures reach the caller (the loader logs them, /readyz shows them): the client stays quiet.
      log: { level: ClickHouseLogLevel.OFF },
    });
  const database = identifier(options.database);
  const cluster = options.cluster;
  const insertSettings: ClickHouseSettings = cluster ? { ...QUERY_SETTINGS, insert_distributed_sync: 1 } : QUERY_SETTINGS;
  const db: Db = {
    tag: 'cartbeacon',
    database: options.database,
    databaseSql: database,
    cluster,
    table: (name) => `${database}.${identifier(name)}`,
    onCluster: cluster ? `ON CLUSTER ${identifier(cluster)}` : '',
    global: cluster ? 'GLOBAL ' : '',
    async query<T>(sql: string) {
      const result = await client.query({ query: sql, format: 'JSONEachRow', clickhouse_settings: QUERY_SETTINGS }).catch(wrap('query'));
      return (await result.json<T>().catch(wrap('query'))) as T[];
    },
    async command(sql) {
      await client.command({ query: sql, clickhouse_settings: QUERY_SETTINGS }).catch(wrap('command'));
    },
    async insert(table, lines) {
      if (!lines.length) return;
      // The rows follow the statement in the body: the client's insert() would re-encode them,
      // and Decimals must go in as the digits they are.
      await client
        .command({
          query: `INSERT INTO ${table} FORMAT JSONEachRow\n${lines.join('\n')}`,
          clickhouse_settings: insertSettings,
          query_id: `${db.tag}-${randomUUID()}`,
        })
        .catch(wrap(`insert into ${table}`));
    },
    async settled(timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      const running = `SELECT count() AS n FROM system.processes WHERE startsWith(query_id, ${quote(`${db.tag}-`)})`;
      while (Number((await db.query<{ n: string }>(running))[0]?.n ?? 0) > 0) {
        if (Date.now() > end) throw new Error(`inserts of ${db.tag} still running after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async ping() {
      const r = await client.ping();
      if (!r.success) wrap('ping')(r.error);
    },
    close: () => client.close(),
  };
  return db;
}
