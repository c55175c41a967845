import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { groupCommit } from '../group-commit.js';
import type { StateEntry, StoredEvent } from '../event.js';
import type { Store } from '../ports.js';
import { createDuckDBReports } from './reports.js';
import { appendEvent, EVENT_SELECT, EVENTS_SCHEMA, eventOf } from './rows.js';
import { readState, STATE_SCHEMA, writeState } from './state.js';

/** One caller's write: its events and the state that goes with them. */
interface Write {
  events: StoredEvent[];
  state: StateEntry[];
}

export interface DuckDBStoreOptions {
  /** The directory that holds `cartbeacon.duckdb`. */
  dataDir: string;
  /**
   * DuckDB's memory_limit. It must leave room for the primary-key index, which is held in
   * memory and grows by ~100 bytes per stored event (~1 GB at 10 million): below that,
   * commits fail. @defaultValue DuckDB's own, 80 % of the machine's RAM
   */
  memoryLimit?: string;
  /** DuckDB's threads. @defaultValue the number of CPUs */
  threads?: number;
  /**
   * The WAL size at which a commit checkpoints (DuckDB's checkpoint_threshold). The store
   * checkpoints on its own whenever writes pause for `idleCheckpointMs`, so a commit under
   * load seldom meets one. @defaultValue '256MB'
   */
  checkpointThreshold?: string;
  /** Writes paused this long: checkpoint now. @defaultValue 500 */
  idleCheckpointMs?: number;
  /**
   * A pause checkpoints only a WAL at least this large. A checkpoint's cost grows with the
   * store (0.1–0.3 s at 2 million events: bench/ingest/checkpoint-cost.mjs), so a trickle of
   * events would pay it after every request; a small WAL waits (it is replayed quickly at
   * start). @defaultValue 16 MiB
   */
  idleCheckpointMinBytes?: number;
}

const STAGING = `CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT * FROM events LIMIT 0;`;

const SELECT_EVENTS = `SELECT ${EVENT_SELECT} FROM events WHERE account_id = $account ORDER BY ts, event_id LIMIT $limit`;

export interface DuckDBStore extends Store {
  /** The open DuckDB instance, for the report queries and for tools. */
  readonly instance: DuckDBInstance;
  /** A fresh connection (report queries run on their own). */
  connect(): Promise<DuckDBConnection>;
}

/**
 * The embedded store: one DuckDB file in the data directory. Writes go through one
 * connection in group commits: a group's rows are appended straight into `events`, or,
 * when one of its ids is stored already or repeats within it, appended to a
 * connection-local staging table and moved by one INSERT … ON CONFLICT DO NOTHING, so a
 * repeated event id is stored once. DuckDB writes and syncs its WAL at COMMIT, so an
 * insert that resolved survives a crash; checkpoints run when writes pause.
 */
export async function createDuckDBStore(options: DuckDBStoreOptions): Promise<DuckDBStore> {
  mkdirSync(options.dataDir, { recursive: true });
  const config: Record<string, string> = { checkpoint_threshold: options.checkpointThreshold ?? '256MB' };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.threads) config.threads = String(options.threads);
  const file = join(options.dataDir, 'cartbeacon.duckdb');
  const instance = await DuckDBInstance.create(file, config);
  const walBytes = () => {
    try {
      return statSync(file + '.wal').size;
    } catch {
      return 0;
    }
  };
  // Times are stored as instants; the session time zone only matters for casts to text.
  const writer = await instance.connect();
  await writer.run(`SET GLOBAL TimeZone = 'UTC'`);
  await writer.run(EVENTS_SCHEMA);
  await writer.run(STATE_SCHEMA);
  await writer.run(STAGING);
  const reader = await instance.connect();

  // Users with held (nextPage) events; their next page view releases them.
  const heldUsers = new Set<string>();
  const heldKey = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;
  for (const r of (await reader.runAndReadAll(`SELECT DISTINCT account_id, user_id FROM events WHERE held`)).getRowObjects())
    heldUsers.add(heldKey(r.account_id as string, r.user_id as string));

  /** Commits a group of writes in one transaction; answers, per write, how many of its events were new. */
  async function commit(writes: Write[]): Promise<number[]> {
    const items = writes.flatMap((w) => w.events);
    const state = writes.flatMap((w) => w.state);
    // A repeat inside the group is not new either.
    const seen = new Set<string>();
    const first = items.map((e) => {
      const key = heldKey(e.accountId, e.eventId);
      return seen.has(key) ? false : (seen.add(key), true);
    });
    const releases = items.some((e) => e.name === 'PAGE_VIEW' && !e.held && heldUsers.has(heldKey(e.accountId, e.userId)));
    if (!releases && first.every(Boolean) && (await appendNew(items, state))) {
      items.forEach((e) => e.held && heldUsers.add(heldKey(e.accountId, e.userId)));
      return writes.map((w) => w.events.length);
    }
    await writer.run('BEGIN TRANSACTION');
    try {
      const appender = await writer.createAppender('staging');
      items.forEach((e) => appendEvent(appender, e));
      appender.closeSync();
      const inserted = await writer.runAndReadAll(
        `INSERT INTO events SELECT * FROM staging ON CONFLICT DO NOTHING RETURNING account_id, event_id`,
      );
      if (releases) {
        // A held event is released by a later page view of the same visitor.
        await writer.run(`
          UPDATE events SET held = false
          FROM (SELECT account_id, user_id, max(ts) AS ts FROM staging WHERE name = 'PAGE_VIEW' AND NOT held GROUP BY ALL) p
          WHERE events.held AND events.account_id = p.account_id AND events.user_id = p.user_id AND events.ts < p.ts`);
      }
      if (state.length) await writeState(writer, state);
      await writer.run('DELETE FROM staging');
      await writer.run('COMMIT');
      const added = new Set(inserted.getRows().map(([a, id]) => heldKey(a as string, id as string)));
      items.forEach((e) => e.held && added.has(heldKey(e.accountId, e.eventId)) && heldUsers.add(heldKey(e.accountId, e.userId)));
      if (releases) await refreshHeld(items);
      const isNew = items.map((e, i) => first[i]! && added.has(heldKey(e.accountId, e.eventId)));
      let at = 0;
      return writes.map((w) => w.events.reduce((n) => n + (isNew[at++] ? 1 : 0), 0));
    } catch (e) {
      await writer.run('ROLLBACK').catch(() => {});
      await writer.run('DELETE FROM staging').catch(() => {});
      throw e;
    }
  }

  /**
   * The common case, at half the cost: rows that repeat no id of their group go straight
   * into `events`. The appender checks the primary key as it closes; if an id is stored
   * already, nothing is kept and this answers false, for the staging path that skips
   * repeats. A failure after the rows are in (the commit) is thrown.
   */
  async function appendNew(items: StoredEvent[], state: StateEntry[]): Promise<boolean> {
    await writer.run('BEGIN TRANSACTION');
    let appender: DuckDBAppender | undefined;
    try {
      appender = await writer.createAppender('events');
      items.forEach((e) => appendEvent(appender!, e));
      appender.closeSync();
      appender = undefined;
      if (state.length) await writeState(writer, state);
      await writer.run('COMMIT');
      return true;
    } catch (e) {
      // The rows the appender could not write stay in it, and its destructor would try
      // them again, in whatever transaction runs then: drop them.
      appender?.clear();
      await writer.run('ROLLBACK').catch(() => {});
      if (!appender) throw e;
      return false;
    }
  }

  async function refreshHeld(items: StoredEvent[]) {
    for (const e of items) {
      if (e.name !== 'PAGE_VIEW') continue;
      const key = heldKey(e.accountId, e.userId);
      if (!heldUsers.has(key)) continue;
      const left = await reader.runAndReadAll(`SELECT 1 FROM events WHERE held AND account_id = $a AND user_id = $u LIMIT 1`, {
        a: e.accountId,
        u: e.userId,
      });
      if (!left.currentRowCount) heldUsers.delete(key);
    }
  }

  // Checkpoints leave the request path: DuckDB would run one inside the COMMIT that
  // passes its WAL threshold (0.3–2 s, longer as the store grows), and every request
  // waiting on the group waits with it. Instead the store checkpoints when writes pause;
  // the threshold above stays as the bound under load that never pauses. The writer runs
  // one statement at a time: commits and checkpoints take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const onWriter = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = turn.then(fn);
    turn = p.catch(() => {});
    return p;
  };
  let idle: NodeJS.Timeout | undefined;
  let unsaved = false;
  const checkpointWhenIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (!unsaved || closed) return;
      if (writes.pending()) return checkpointWhenIdle();
      // Small: left for a later pause (the next write sets this timer again).
      if (walBytes() < (options.idleCheckpointMinBytes ?? 16 * 2 ** 20)) return;
      unsaved = false;
      // DuckDB refuses a checkpoint while a reader's snapshot predates an update (a held
      // event's release): try again after another pause.
      onWriter(() => writer.run('CHECKPOINT')).catch(() => {
        unsaved = true;
        checkpointWhenIdle();
      });
    }, options.idleCheckpointMs ?? 500);
    idle.unref();
  };
  const writes = groupCommit((group: Write[]) =>
    onWriter(() => commit(group)).finally(() => {
      unsaved = true;
      checkpointWhenIdle();
    }),
  );

  let closed = false;
  return {
    kind: 'duckdb',
    instance,
    connect: () => instance.connect(),
    // The report queries (funnel, workflow sidedata).
    ...createDuckDBReports(instance),
    insert(events, options) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const state = options?.state ?? [];
      if (!events.length && !state.length) return Promise.resolve({ inserted: 0 });
      return writes.add([{ events, state }]).then(([inserted]) => ({ inserted: inserted! }));
    },
    getState: (accountId, kind, key) => readState(reader, accountId, kind, key),
    async events(accountId, { limit = 100000 } = {}) {
      const r = await reader.runAndReadAll(SELECT_EVENTS, { account: accountId, limit });
      return r.getRowObjects().map((row) => eventOf(row as Record<string, unknown>));
    },
    async ping() {
      await reader.run('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      await writes.drain();
      try {
        await onWriter(() => writer.run('CHECKPOINT'));
      } catch {
        // Refused while a report still reads: the WAL is replayed at the next start.
      } finally {
        writer.closeSync();
        reader.closeSync();
        instance.closeSync();
      }
    },
  };
}
