import { COLUMN_LIST } from '../columns.js';
import type { Db } from './db.js';
import { PRODUCT_LINE_COLUMNS_DDL } from './product-lines.js';
import { EVENT_COLUMNS_DDL, STORE_COLUMNS_DDL } from './rows.js';
import { quote } from './sql.js';

/**
 * The store's schema in ClickHouse, versioned in `cartbeacon_schema` and created or
 * migrated at open: `CREATE … IF NOT EXISTS` only, so collectors starting together each
 * run it safely. On one server, MergeTree tables; on a cluster, each table is a
 * Replicated*MergeTree `<name>_shard` on every node, created ON CLUSTER, behind a
 * Distributed `<name>` with its sharding key: the store only ever names `<name>`.
 *
 * 1. event_rows, the `events` view, recent_ids, event_marks, held_rows, vendor_states,
 *    collector_positions, collectors.
 * 2. event_rows: a purchase's product lines as columns (product-lines.ts), for the
 *    dashboard's products (18.16 cannot read them from `data`). Rows loaded before keep
 *    them empty: no release had version 1.
 */
export const SCHEMA_VERSION = 2;

interface Table {
  name: string;
  columns: string[];
  /** `ReplacingMergeTree(seq)` keeps one row per key once merged; reads still pick the latest themselves. */
  replacingBy?: string;
  partitionBy?: string;
  orderBy: string;
  /** The Distributed table's sharding key. */
  shardBy: string;
  indexGranularity?: number;
}

const TABLES: Table[] = [
  {
    // Every row loaded. A repeat stored by two collectors at once is here twice until
    // event_marks marks the later one (load.ts); the `events` view and the reports skip it.
    name: 'event_rows',
    columns: [...EVENT_COLUMNS_DDL, ...STORE_COLUMNS_DDL],
    partitionBy: 'toYYYYMM(ts)',
    orderBy: '(account_id, ts_ms)',
    // One session's events on one shard, so its funnel is made where its rows are.
    shardBy: 'cityHash64(account_id, session_id)',
  },
  {
    // The last week's event ids, by the day they were loaded (older days are dropped): a
    // repeat within a week is found whatever its time; and two collectors loading the
    // same id at once both see both, so exactly one row counts.
    name: 'recent_ids',
    columns: ['account_id String', 'event_id String', 'ts_ms UInt64', 'seq UInt64', 'day Date'],
    partitionBy: 'day',
    orderBy: '(account_id, event_id)',
    shardBy: 'cityHash64(account_id, event_id)',
    indexGranularity: 1024,
  },
  {
    // Rows the reports skip (`repeat`: a later copy of a stored id) and held rows that a
    // later page view released (`released`): what an UPDATE would do, as rows; by the
    // marked row's time, so that a report reads the marks of its range only.
    name: 'event_marks',
    columns: ['account_id String', 'seq UInt64', 'ts_ms UInt64', "kind Enum8('repeat' = 1, 'released' = 2)", "at DateTime('UTC')"],
    orderBy: '(account_id, kind, ts_ms)',
    shardBy: 'cityHash64(account_id, seq)',
  },
  {
    // Held rows (a nextPage event sent server-side), by visitor, for their release.
    name: 'held_rows',
    columns: ['account_id String', 'user_id String', 'ts_ms UInt64', 'received_at_ms UInt64', 'seq UInt64'],
    orderBy: '(account_id, user_id)',
    shardBy: 'cityHash64(account_id, user_id)',
  },
  {
    // The vendor APIs' state: the value with the highest seq is the current one.
    name: 'vendor_states',
    columns: ['account_id String', 'kind String', 'key String', 'value String', 'seq UInt64'],
    replacingBy: 'seq',
    orderBy: '(account_id, kind, key)',
    shardBy: 'cityHash64(account_id, kind, key)',
  },
  {
    // Each collector's spool position, with its seq counter after the batch.
    name: 'collector_positions',
    columns: ['collector_id String', 'position String', 'next_seq UInt64', "at DateTime('UTC')"],
    replacingBy: 'next_seq',
    orderBy: 'collector_id',
    shardBy: 'cityHash64(collector_id)',
  },
  {
    // The collectors' numbers, which make every seq unique (identity.ts).
    name: 'collectors',
    columns: ['number UInt16', 'collector_id String', "at DateTime('UTC')"],
    orderBy: 'number',
    shardBy: 'number',
  },
  {
    name: 'cartbeacon_schema',
    columns: ['version UInt32', "at DateTime('UTC')"],
    orderBy: 'version',
    shardBy: 'version',
  },
];

/** The CREATE statements of a table: one, or on a cluster its shard and its Distributed table. */
function createTable(db: Db, t: Table): string[] {
  const engine = (replicated: boolean) => {
    const kind = `${replicated ? 'Replicated' : ''}${t.replacingBy ? 'Replacing' : ''}MergeTree`;
    const args = [...(replicated ? [quote(`/clickhouse/tables/{shard}/${db.database}/${t.name}`), quote('{replica}')] : []), ...(t.replacingBy ? [t.replacingBy] : [])];
    return `${kind}(${args.join(', ')})${t.partitionBy ? ` PARTITION BY ${t.partitionBy}` : ''} ORDER BY ${t.orderBy}` +
      (t.indexGranularity ? ` SETTINGS index_granularity = ${t.indexGranularity}` : '');
  };
  const columns = `(\n  ${t.columns.join(',\n  ')}\n)`;
  if (!db.cluster) return [`CREATE TABLE IF NOT EXISTS ${db.table(t.name)} ${columns} ENGINE = ${engine(false)}`];
  const shard = `${t.name}_shard`;
  return [
    `CREATE TABLE IF NOT EXISTS ${db.table(shard)} ${db.onCluster} ${columns} ENGINE = ${engine(true)}`,
    `CREATE TABLE IF NOT EXISTS ${db.table(t.name)} ${db.onCluster} AS ${db.table(shard)}
     ENGINE = Distributed(${quote(db.cluster)}, ${quote(db.database)}, ${quote(shard)}, ${t.shardBy})`,
  ];
}

/** The rows of `seq`s that event_marks marks `kind`, for `seq [NOT] IN (…)`. */
export const marked = (db: Db, kind: 'repeat' | 'released', account?: string) =>
  `(SELECT seq FROM ${db.table('event_marks')} WHERE kind = ${quote(kind)}${account === undefined ? '' : ` AND account_id = ${quote(account)}`})`;

/**
 * `events`: one row per stored event, as users query it (the same names as DuckDB's
 * table), and `held` as releases left it. Over event_rows less the marked repeats.
 */
function eventsView(db: Db): string {
  const columns = COLUMN_LIST.flatMap(([, c]) =>
    c.name === 'held'
      ? [`r.held AND r.seq ${db.global}NOT IN ${marked(db, 'released')} AS held`]
      : c.kind === 'ms'
        ? [`r.${c.name} AS ${c.name}`, `r.${c.name}_ms AS ${c.name}_ms`]
        : [`r.${c.name} AS ${c.name}`],
  );
  return `CREATE VIEW IF NOT EXISTS ${db.table('events')} ${db.onCluster} AS
SELECT ${columns.join(', ')}, r.seq AS seq
FROM ${db.table('event_rows')} AS r
WHERE r.seq ${db.global}NOT IN ${marked(db, 'repeat')}`;
}

const one = async (db: Db, sql: string) => Object.values((await db.query(sql))[0] ?? {})[0];

/** The schema version of the database: 0 for a new one. */
async function versionOf(db: Db): Promise<number> {
  const exists = Number(
    await one(db, `SELECT count() FROM system.tables WHERE database = ${quote(db.database)} AND name = 'cartbeacon_schema'`),
  );
  if (!exists) return 0;
  return Number(await one(db, `SELECT max(version) FROM ${db.table('cartbeacon_schema')}`));
}

/**
 * Adds columns that a table lacks (18.16 has no `ADD COLUMN IF NOT EXISTS`): on a cluster
 * to its shards and its Distributed table, each ON CLUSTER. Collectors migrating at once
 * may both add one: the second's "already exists" is taken as done.
 */
async function addColumns(db: Db, table: string, columns: string[]): Promise<void> {
  for (const name of db.cluster ? [`${table}_shard`, table] : [table]) {
    const have = new Set(
      (await db.query<{ name: string }>(`SELECT name FROM system.columns WHERE database = ${quote(db.database)} AND table = ${quote(name)}`)).map((c) => c.name),
    );
    for (const column of columns.filter((c) => !have.has(c.split(' ')[0]!)))
      await db.command(`ALTER TABLE ${db.table(name)} ${db.onCluster} ADD COLUMN ${column}`).catch((e: Error) => {
        if (!/already exists/.test(e.message)) throw e;
      });
  }
}

/** Creates or migrates the schema to SCHEMA_VERSION; refuses a database of a newer version. */
export async function migrate(db: Db): Promise<void> {
  await db.command(`CREATE DATABASE IF NOT EXISTS ${db.databaseSql} ${db.onCluster}`);
  const version = await versionOf(db);
  if (version > SCHEMA_VERSION)
    throw new Error(`the ClickHouse database ${db.database} has schema version ${version}, newer than this collector's ${SCHEMA_VERSION}: upgrade the collector`);
  if (version === SCHEMA_VERSION) return;
  for (const t of TABLES) for (const sql of createTable(db, t)) await db.command(sql);
  await db.command(eventsView(db));
  if (version === 1) await addColumns(db, 'event_rows', PRODUCT_LINE_COLUMNS_DDL);
  await db.insert(db.table('cartbeacon_schema'), [JSON.stringify({ version: SCHEMA_VERSION, at: Math.floor(Date.now() / 1000) })]);
}
