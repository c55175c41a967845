import { groupCommit } from '../group-commit.js';
import { inTurns } from '../in-turn.js';
import { loadWrites } from '../direct-writes.js';
import type { Write } from '../direct-writes.js';
import type { LoadBatch, LoadResult, Store } from '../ports.js';
import { openDb } from './db.js';
import type { ClickHouseConnectionOptions, Db } from './db.js';
import { collectorIdentity } from './identity.js';
import { expiredDays, loadBatch } from './load.js';
import { createClickHouseReports } from './reports/index.js';
import { createClickHouseDashboard } from './reports/dashboard/index.js';
import { eventOf, eventSelect } from './rows.js';
import { marked, migrate } from './schema.js';
import { SeqCounter } from './seq.js';
import { literal, quote } from './sql.js';
import { readState } from './state.js';

export interface ClickHouseStoreOptions extends ClickHouseConnectionOptions {
  /** The collector's data dir: its identity in the database is kept there, beside its spool. */
  dataDir: string;
}

export interface ClickHouseStore extends Store {
  /** The database's way in, for tools and tests. */
  readonly db: Db;
  /** This collector's id and number in the database. */
  readonly collector: { id: string; number: number };
}

const HOUR_MS = 3_600_000;

/**
 * The store on a ClickHouse server or cluster, over HTTP. Loads are few and large (the
 * loader's batches, a second apart; direct inserts gathered in group commits), made
 * exactly once without transactions (load.ts), each collector keeping its spool position
 * in the database under its own id. Every report is a query over `event_rows`
 * (reports/).
 */
export async function createClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseStore> {
  const db = openDb(options);
  let collector: { id: string; number: number };
  let position: string | undefined;
  let counter: SeqCounter;
  try {
    await migrate(db);
    collector = await collectorIdentity(db, options.dataDir, `${options.url} ${options.database}`);
    // An earlier run of this collector (killed) may have left an insert running on the
    // server: the first load, which may try its last batch again, waits for it to land.
    db.tag = `cartbeacon-${collector.id}`;
    await db.settled();
    const [last] = await db.query<{ position: string; next_seq: string }>(
      `SELECT position, next_seq FROM ${db.table('collector_positions')} WHERE collector_id = ${quote(collector.id)} ORDER BY next_seq DESC LIMIT 1`,
    );
    position = last?.position;
    counter = new SeqCounter(collector.number, last ? SeqCounter.unit(last.next_seq) : 0);
  } catch (e) {
    await db.close();
    throw e;
  }

  // One load at a time: a load's seqs follow the one before.
  const inTurn = inTurns();

  let pruned = 0;
  let failed = false;
  async function load(batch: LoadBatch): Promise<LoadResult> {
    const before = counter.last;
    let result: LoadResult;
    try {
      // After a failure (a request that timed out may still be running on the server).
      if (failed) await db.settled();
      result = await loadBatch(db, counter, batch, collector.id);
      failed = false;
    } catch (e) {
      // Tried again from the same counter: the same lines get the same seqs.
      counter.last = before;
      failed = true;
      throw e;
    }
    if (batch.position !== undefined) position = batch.position;
    if (Date.now() - pruned > HOUR_MS) {
      pruned = Date.now();
      // The load is done: a failed prune must not make it look failed.
      await prune().catch(() => (pruned = 0));
    }
    return result;
  }

  /** Drops the days of recent_ids past the repeat window. */
  async function prune() {
    const table = db.cluster ? db.table('recent_ids_shard') : db.table('recent_ids');
    for (const day of await expiredDays(db, Date.now())) await db.command(`ALTER TABLE ${table} ${db.onCluster} DROP PARTITION ${quote(day)}`);
  }

  const writes = groupCommit((group: Write[]) => loadWrites(group, (batch) => inTurn(() => load(batch))));

  let closed = false;
  return {
    kind: 'clickhouse',
    db,
    collector,
    ...createClickHouseReports(db),
    ...createClickHouseDashboard(db),
    load(batch) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return inTurn(() => load(batch));
    },
    loadedPosition: async () => position,
    insert(events, options) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const state = options?.state ?? [];
      if (!events.length && !state.length) return Promise.resolve({ inserted: 0, repeats: [] });
      return writes.add([{ events, state }]).then(([result]) => result!);
    },
    getState: (accountId, kind, key) => readState(db, accountId, kind, key),
    async events(accountId, { limit = 100000 } = {}) {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${eventSelect(`r.held AND r.seq ${db.global}NOT IN ${marked(db, 'released', accountId)}`)}
         FROM ${db.table('event_rows')} AS r
         WHERE r.account_id = ${quote(accountId)} AND r.seq ${db.global}NOT IN ${marked(db, 'repeat', accountId)}
         ORDER BY r.ts_ms, r.event_id LIMIT ${literal(limit)}`,
      );
      return rows.map(eventOf);
    },
    ping: () => db.ping(),
    // The events live on the ClickHouse servers, which their own tools copy consistently;
    // `cartbeacon backup` copies only what a DuckDB data dir holds.
    backup: () =>
      Promise.reject(
        new Error(`the ClickHouse store is backed up on the ClickHouse side, not by cartbeacon backup: see docs/clickhouse.md, "Backups"`),
      ),
    async close() {
      if (closed) return;
      closed = true;
      await writes.drain();
      await inTurn(async () => {}); // the loads under way
      await db.close();
    },
  };
}
