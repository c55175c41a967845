// The alternative the spool was measured against: SQLite through better-sqlite3 in WAL
// mode with synchronous=FULL, with the same group commit as the segment log (the appends
// of one turn, and those that arrive during a commit, go in one transaction). Two ways to
// run it: on the main thread (better-sqlite3 is synchronous, so each commit's fsync stops
// the event loop) and in a worker thread (the loop stays free; each group is copied across).
//
// better-sqlite3 is not a dependency of the project: it is loaded from SPOOL_BENCH_SQLITE
// (default /tmp/spool-eval/node_modules/better-sqlite3, see bench/spool/README.md).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export const SQLITE_PATH = process.env.SPOOL_BENCH_SQLITE ?? '/tmp/spool-eval/node_modules/better-sqlite3';

interface Statement {
  run(...args: unknown[]): unknown;
}
interface Database {
  pragma(text: string): unknown;
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  close(): void;
}
type DatabaseConstructor = new (file: string) => Database;

export interface BenchSpool {
  append(records: Uint8Array[]): Promise<void>;
  /** Commits so far: with synchronous=FULL, each is one fsync of the WAL. */
  stats(): { syncs: number };
  close(): Promise<void>;
}

/** Whether better-sqlite3 can be loaded from SQLITE_PATH; the reason if not. */
export function sqliteAvailable(): true | string {
  try {
    createRequire(import.meta.url)(SQLITE_PATH);
    return true;
  } catch (e) {
    return (e as Error).message.split('\n')[0]!;
  }
}

const SETUP = `
  PRAGMA journal_mode = WAL;
  PRAGMA synchronous = FULL;
  CREATE TABLE IF NOT EXISTS spool (id INTEGER PRIMARY KEY, at REAL NOT NULL, payload BLOB NOT NULL);
`;

/** The same group commit as the segment log's writer, around a synchronous `commit`. */
function grouped(commit: (records: Uint8Array[]) => Promise<void> | void): Pick<BenchSpool, 'append' | 'stats'> {
  let syncs = 0;
  let queue: { records: Uint8Array[]; resolve(): void; reject(e: unknown): void }[] = [];
  let running = false;
  async function flush() {
    while (queue.length) {
      const group = queue;
      queue = [];
      try {
        await commit(group.flatMap((w) => w.records));
        syncs++;
        for (const w of group) w.resolve();
      } catch (e) {
        for (const w of group) w.reject(e);
      }
    }
    running = false;
  }
  return {
    append: (records) =>
      new Promise<void>((resolve, reject) => {
        queue.push({ records, resolve, reject });
        if (!running) {
          running = true;
          setImmediate(flush);
        }
      }),
    stats: () => ({ syncs }),
  };
}

export function openSqliteMainThread(dir: string): BenchSpool {
  const Db = createRequire(import.meta.url)(SQLITE_PATH) as DatabaseConstructor;
  const db = new Db(join(dir, 'spool.sqlite'));
  db.exec(SETUP);
  const insert = db.prepare('INSERT INTO spool (at, payload) VALUES (?, ?)');
  const commit = db.transaction((records: Uint8Array[]) => {
    const at = Date.now();
    for (const r of records) insert.run(at, r);
  });
  return { ...grouped(commit), close: async () => db.close() };
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Db = require(workerData.sqlite);
const db = new Db(workerData.file);
db.exec(workerData.setup);
const insert = db.prepare('INSERT INTO spool (at, payload) VALUES (?, ?)');
const commit = db.transaction((records) => { const at = Date.now(); for (const r of records) insert.run(at, r); });
parentPort.on('message', ({ id, records }) => {
  try { commit(records); parentPort.postMessage({ id }); }
  catch (e) { parentPort.postMessage({ id, error: String(e) }); }
});
`;

export function openSqliteWorker(dir: string): BenchSpool {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { sqlite: SQLITE_PATH, file: join(dir, 'spool.sqlite'), setup: SETUP },
  });
  const waiting = new Map<number, { resolve(): void; reject(e: unknown): void }>();
  let next = 0;
  worker.on('message', ({ id, error }: { id: number; error?: string }) => {
    const w = waiting.get(id)!;
    waiting.delete(id);
    if (error) w.reject(new Error(error));
    else w.resolve();
  });
  const commit = (records: Uint8Array[]) =>
    new Promise<void>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, records });
    });
  return { ...grouped(commit), close: () => worker.terminate().then(() => {}) };
}
