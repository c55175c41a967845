import { createStore, delMany, entries, getMany, setMany, update, clear } from 'idb-keyval';
import type { UseStore } from 'idb-keyval';

/**
 * A small key-value store: IndexedDB through idb-keyval, falling back to memory for the
 * rest of the page as soon as IndexedDB fails (private modes, quota, a lost connection,
 * no IndexedDB at all). Every method resolves; none rejects.
 */
export interface Kv {
  all(): Promise<[IDBValidKey, any][]>;
  get(keys: IDBValidKey[]): Promise<any[]>;
  put(pairs: [IDBValidKey, unknown][]): Promise<unknown>;
  drop(keys: IDBValidKey[]): Promise<unknown>;
  /** Atomic read-modify-write of one key (shared by all tabs when IndexedDB works). */
  upd<T>(key: IDBValidKey, fn: (old: T | undefined) => T): Promise<unknown>;
  wipe(): Promise<unknown>;
}

export function openKv(db: string): Kv {
  let idb: UseStore | 0 = 0;
  const mem = new Map<IDBValidKey, any>();
  try {
    idb = createStore(db, 'kv');
  } catch {
    // no IndexedDB in this context: memory only
  }
  // Try IndexedDB; on any failure switch to memory for good and redo the operation there.
  // (idb-keyval opens the database inside the call, so a failure may also be a throw.)
  const run = <T>(op: (s: UseStore) => Promise<T>, inMemory: () => unknown): Promise<any> =>
    idb
      ? new Promise<T>((resolve) => resolve(op(idb as UseStore))).catch(() => {
          idb = 0;
          return inMemory();
        })
      : Promise.resolve().then(inMemory);
  return {
    all: () => run(entries, () => [...mem]),
    get: (keys) => run((s) => getMany(keys, s), () => keys.map((k) => mem.get(k))),
    put: (pairs) => run((s) => setMany(pairs, s), () => pairs.map(([k, v]) => mem.set(k, v))),
    drop: (keys) => run((s) => delMany(keys, s), () => keys.map((k) => mem.delete(k))),
    upd: (key, fn) => run((s) => update(key, fn, s), () => mem.set(key, fn(mem.get(key)))),
    wipe: () => run(clear, () => mem.clear()),
  };
}
