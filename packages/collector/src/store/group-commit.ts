/**
 * Group commit: writes that arrive while a commit is under way wait and go together in
 * the next one, so that many requests share one transaction (and one fsync) and
 * durability does not cost throughput. Each caller's promise settles when the commit
 * that holds its items does.
 */
export interface GroupCommit<T, R> {
  /** Queues items for the next commit; resolves with that commit's result for each. */
  add(items: T[]): Promise<R[]>;
  /** Resolves when everything queued so far is committed (or failed). */
  drain(): Promise<void>;
  /** Whether a commit is under way or items wait for one. */
  pending(): boolean;
}

interface Waiter<R> {
  count: number;
  resolve(r: R[]): void;
  reject(e: unknown): void;
}

/**
 * @param commit writes one group and returns, per item, what the callers learn; it is
 *   never called twice at once.
 * @param maxItems the most items in one commit; more wait for the next.
 */
export function groupCommit<T, R>(commit: (items: T[]) => Promise<R[]>, maxItems = 20000): GroupCommit<T, R> {
  let queue: T[] = [];
  let waiters: Waiter<R>[] = [];
  let running: Promise<void> | undefined;

  async function run() {
    while (queue.length) {
      // Take whole callers only, up to maxItems (a single large caller goes alone).
      let n = 0;
      let w = 0;
      while (w < waiters.length && (w === 0 || n + waiters[w]!.count <= maxItems)) n += waiters[w++]!.count;
      const items = queue.slice(0, n);
      const group = waiters.slice(0, w);
      queue = queue.slice(n);
      waiters = waiters.slice(w);
      try {
        const results = await commit(items);
        let at = 0;
        for (const waiter of group) {
          waiter.resolve(results.slice(at, at + waiter.count));
          at += waiter.count;
        }
      } catch (e) {
        group.forEach((waiter) => waiter.reject(e));
      }
    }
    running = undefined;
  }

  return {
    add(items) {
      return new Promise<R[]>((resolve, reject) => {
        queue.push(...items);
        waiters.push({ count: items.length, resolve, reject });
        // Start on the next turn so that requests parsed in this one share the commit.
        running ??= new Promise<void>((done) => setImmediate(done)).then(run);
      });
    },
    async drain() {
      while (running) await running;
    },
    pending: () => !!running,
  };
}
