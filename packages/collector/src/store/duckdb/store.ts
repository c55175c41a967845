import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { groupCommit } from '../group-commit.js';
import { inTurns } from '../in-turn.js';
import { loadWrites } from '../direct-writes.js';
import type { Write } from '../direct-writes.js';
import type { LoadBatch, LoadResult, Store } from '../ports.js';
import { loadBatch, PRUNE_RECENT_IDS } from './load.js';
import { createDuckDBReports } from './reports.js';
import { createDuckDBDashboard } from './dashboard.js';
import { EVENT_SELECT, eventOf } from './rows.js';
import { loadedPosition, migrate, SCHEMA_VERSION } from './schema.js';
import { readState, STATE_STAGING } from './state.js';
import { copyDatabase } from './backup.js';

export interface DuckDBStoreOptions {
  /** The directory that holds `cartbeacon.duckdb`. */
  dataDir: string;
  /**
   * DuckDB's memory_limit: its cache and the working memory of loads and reports (past it,
   * DuckDB spills to disk). @defaultValue DuckDB's own, 80 % of the machine's RAM
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
   * store (0.1–0.3 s at 2 million events, measured before the spool), so a trickle of
   * events would pay it after every request; a small WAL waits (it is replayed quickly at
   * start). @defaultValue 16 MiB
   */
  idleCheckpointMinBytes?: number;
  /**
   * Where a load's rows and keys are written for DuckDB to read them (for the length of
   * one load). In memory, they cost the disk nothing, so that the spool's syncs do not wait
   * behind them; a directory that refuses them (full, read-only) gives way to the data dir.
   * @defaultValue a new directory in /dev/shm where there is one, else the data dir
   */
  loadDir?: string;
}

const SELECT_EVENTS = `SELECT ${EVENT_SELECT} FROM events WHERE account_id = $account ORDER BY ts, event_id LIMIT $limit`;

export interface DuckDBStore extends Store {
  /** The open DuckDB instance, for the report queries and for tools. */
  readonly instance: DuckDBInstance;
  /** A fresh connection (report queries run on their own). */
  connect(): Promise<DuckDBConnection>;
}

/**
 * The embedded store: one DuckDB file in the data directory. Every write is a load
 * (load.ts) on one connection: the loader's batches from the spool, and direct inserts
 * gathered in group commits. DuckDB reads a load's rows itself from their JSON lines,
 * repeats of stored event ids are skipped, and DuckDB writes and syncs its WAL at COMMIT,
 * so a load that resolved survives a crash; checkpoints run when writes pause.
 */
export async function createDuckDBStore(options: DuckDBStoreOptions): Promise<DuckDBStore> {
  mkdirSync(options.dataDir, { recursive: true });
  // DuckDB's allocator keeps what it frees (up to 128 MB a thread) for the next query: made
  // to flush above 8 MB, the collector's peak RSS under ingest fell by a few tens of MB but
  // a funnel over 100 M events took twice as long (BENCHMARKS.md), so its defaults stay.
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
  const fileVersion = await migrate(writer);
  await writer.run(STATE_STAGING);
  const reader = await instance.connect();
  const onDisk = loadFiles(options.dataDir);
  let loadDir = options.loadDir ?? memoryDir();
  let files = loadDir ? loadFiles(loadDir) : onDisk;

  let pruned = 0;
  /** A load on the writer connection; the recent ids past their week are forgotten now and then. */
  async function load(batch: LoadBatch): Promise<LoadResult> {
    let result: LoadResult;
    try {
      result = await loadBatch(writer, files, batch);
    } catch (e) {
      if (files === onDisk || !FILE_REFUSED.has((e as NodeJS.ErrnoException).code ?? '')) throw e;
      // Nothing was committed: the same load again, its files in the data dir from now on.
      files = onDisk;
      result = await loadBatch(writer, files, batch);
    }
    if (Date.now() - pruned > 3_600_000) {
      pruned = Date.now();
      // The load is committed: a failed prune must not make it look failed (it would be loaded again).
      await writer.run(PRUNE_RECENT_IDS(pruned)).catch(() => (pruned = 0));
    }
    return result;
  }

  // Checkpoints leave the request path: DuckDB would run one inside the COMMIT that
  // passes its WAL threshold (0.3–2 s, longer as the store grows), and every request
  // waiting on the group waits with it. Instead the store checkpoints when writes pause;
  // the threshold above stays as the bound under load that never pauses. The writer runs
  // one statement at a time: commits and checkpoints take turns.
  const onWriter = inTurns();
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
    onWriter(() => loadWrites(group, load)).finally(() => {
      unsaved = true;
      checkpointWhenIdle();
    }),
  );

  let closed = false;
  return {
    kind: 'duckdb',
    schema: { version: SCHEMA_VERSION, ...(fileVersion > 0 && fileVersion < SCHEMA_VERSION ? { upgradedFrom: fileVersion } : {}) },
    instance,
    connect: () => instance.connect(),
    // The report queries (funnel, workflow sidedata).
    ...createDuckDBReports(instance),
    // The dashboard's panels.
    ...createDuckDBDashboard(instance),
    load(batch) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      return onWriter(() => load(batch)).finally(() => {
        unsaved = true;
        checkpointWhenIdle();
      });
    },
    loadedPosition: () => loadedPosition(reader),
    insert(events, options) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const state = options?.state ?? [];
      if (!events.length && !state.length) return Promise.resolve({ inserted: 0, repeats: [] });
      return writes.add([{ events, state }]).then(([result]) => result!);
    },
    getState: (accountId, kind, key) => readState(reader, accountId, kind, key),
    async events(accountId, { limit = 100000 } = {}) {
      const r = await reader.runAndReadAll(SELECT_EVENTS, { account: accountId, limit });
      return r.getRowObjects().map((row) => eventOf(row as Record<string, unknown>));
    },
    async ping() {
      await reader.run('SELECT 1');
    },
    backup: (file) => copyDatabase(instance, file),
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
        if (loadDir && !options.loadDir) rmSync(loadDir, { recursive: true, force: true });
        loadDir = undefined;
      }
    },
  };
}

/** The files of a load in `dir`. */
const loadFiles = (dir: string) => ({ lines: join(dir, '.load.ndjson'), keys: join(dir, '.load-keys.ndjson') });

/** The errors of a load directory that cannot take its files, after which the data dir does. */
const FILE_REFUSED = new Set(['ENOSPC', 'EACCES', 'EROFS', 'ENOENT', 'EDQUOT', 'EPERM']);

const SHM = '/dev/shm';

/**
 * A new directory of this store's in memory (/dev/shm), or undefined where there is none.
 * Its name holds the pid, so that those of processes gone (a kill -9) are removed here.
 */
function memoryDir(): string | undefined {
  try {
    for (const name of readdirSync(SHM)) {
      const pid = Number(/^cartbeacon-load-(\d+)-/.exec(name)?.[1]);
      if (pid && !alive(pid)) rmSync(join(SHM, name), { recursive: true, force: true });
    }
    return mkdtempSync(join(SHM, `cartbeacon-load-${process.pid}-`));
  } catch {
    return undefined;
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};
