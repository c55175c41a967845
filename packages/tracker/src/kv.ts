import { createStore, promisifyRequest as done } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';

/**
 * A small key-value store: IndexedDB through idb-keyval, falling back to memory for the
 * rest of the page as soon as IndexedDB fails (private modes, quota, a lost connection,
 * no IndexedDB at all). Every method resolves; none rejects.
 */
export interface Kv {
  _all(): Promise<[IDBValidKey, any][]>;
  _get(keys: IDBValidKey[]): Promise<any[]>;
  _put(pairs: [IDBValidKey, unknown][]): Promise<unknown>;
  _drop(keys: IDBValidKey[]): Promise<unknown>;
  /** Atomic read-modify-write of one key (shared by all tabs when IndexedDB works). */
  _upd<T>(key: IDBValidKey, fn: (old: T | undefined) => T): Promise<unknown>;
  _wipe(): Promise<unknown>;
}

type Op = (store: IDBObjectStore) => unknown;

// A write: done when its transaction is.
const write =
  (op: Op): Op =>
  (s) => (op(s), done(s.transaction));

export function openKv(db: string): Kv {
  let idb: UseStore | 0 = 0;
  const mem = new Map<IDBValidKey, any>();
  try {
    idb = createStore(db, 'kv');
  } catch {
    // no IndexedDB in this context: memory only
  }
  // One transaction of `mode` (idb-keyval's helpers, without their default store); on any
  // failure switch to memory for good and redo the operation there. (idb-keyval opens the
  // database inside the call, so a failure may also be a throw.)
  const run = (mode: IDBTransactionMode, op: Op, inMemory: () => unknown): Promise<any> =>
    idb
      ? new Promise((resolve) => resolve((idb as UseStore)(mode, op))).catch(() => {
          idb = 0;
          return inMemory();
        })
      : Promise.resolve().then(inMemory);
  return {
    _all: () =>
      run(
        'readonly',
        (s) => Promise.all([done(s.getAllKeys()), done(s.getAll())]).then(([k, v]) => k.map((key, i) => [key, v[i]])),
        () => [...mem],
      ),
    _get: (keys) => run('readonly', (s) => Promise.all(keys.map((k) => done(s.get(k)))), () => keys.map((k) => mem.get(k))),
    _put: (pairs) => run('readwrite', write((s) => pairs.map(([k, v]) => s.put(v, k))), () => pairs.map(([k, v]) => mem.set(k, v))),
    _drop: (keys) => run('readwrite', write((s) => keys.map((k) => s.delete(k))), () => keys.map((k) => mem.delete(k))),
    // As idb-keyval's update: the put is made in the get's success handler, within its transaction.
    _upd: (key, fn) =>
      run(
        'readwrite',
        (s) =>
          new Promise((resolve, reject) => {
            const r = s.get(key);
            r.onsuccess = () => {
              try {
                s.put(fn(r.result), key);
                resolve(done(s.transaction));
              } catch (e) {
                reject(e);
              }
            };
            r.onerror = () => reject(r.error);
          }),
        () => mem.set(key, fn(mem.get(key))),
      ),
    _wipe: () => run('readwrite', write((s) => s.clear()), () => mem.clear()),
  };
}
