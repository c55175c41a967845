/**
 * Runs work one at a time per key: the read–compute–write of a Yespo cart or of a
 * visitor's derived session must not interleave with another request for the same key.
 * (One collector process owns its DuckDB file, so a lock in memory covers every writer.)
 */
export interface KeyedLock {
  /** Runs `fn` holding every key (taken in a fixed order, so two callers never deadlock). */
  run<T>(keys: string[], fn: () => Promise<T>): Promise<T>;
}

export function keyedLock(): KeyedLock {
  const tails = new Map<string, Promise<void>>();

  async function acquire(key: string): Promise<() => void> {
    const prev = tails.get(key);
    let release!: () => void;
    const done = new Promise<void>((r) => (release = r));
    const tail = (prev ?? Promise.resolve()).then(() => done);
    tails.set(key, tail);
    if (prev) await prev;
    return () => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    };
  }

  return {
    async run(keys, fn) {
      const releases: (() => void)[] = [];
      try {
        for (const key of [...new Set(keys)].sort()) releases.push(await acquire(key));
        return await fn();
      } finally {
        releases.reverse().forEach((r) => r());
      }
    },
  };
}
