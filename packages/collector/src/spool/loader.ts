import type { SpoolPosition } from './position.js';
import type { Spool } from './spool.js';

export interface LoaderOptions {
  /** The position the store last committed (read from the store at start). */
  from: SpoolPosition;
  /**
   * Stores `records` and `next` in one transaction: the rows and the position after them
   * are committed together or not at all, so that a crash neither loses nor doubles a row.
   * A rejection leaves both uncommitted; the same records come again after `retryMs`.
   */
  load(records: Buffer[], next: SpoolPosition): Promise<void>;
  /**
   * A batch is loaded once this many records wait, or `intervalMs` after the last load.
   * @defaultValue 5000
   */
  batchRecords?: number;
  /**
   * Also loaded once this many unloaded bytes wait; a load reads at most about this much
   * (a backlog goes in several loads), so that a load's memory stays small.
   * @defaultValue 2 MiB
   */
  batchBytes?: number;
  /** @defaultValue 1000 */
  intervalMs?: number;
  /** @defaultValue 1000 */
  retryMs?: number;
  /** Hears of each failed load (the store is down, …) and of a failed read or release. */
  onError?(error: unknown): void;
}

export interface Loader {
  /** The position after what was last loaded. */
  position(): SpoolPosition;
  /** Lets a load under way finish, then stops. */
  stop(): Promise<void>;
}

/**
 * Moves the spool into the store off the request path, in batches of `batchRecords` or
 * at least every `intervalMs`, starting with whatever the spool holds. A store that is
 * down only makes the spool grow on disk: the loader keeps nothing in memory between tries.
 */
export function runLoader(spool: Spool, options: LoaderOptions): Loader {
  const batchRecords = options.batchRecords ?? 5000;
  const batchBytes = options.batchBytes ?? 2 * 1024 * 1024;
  const intervalMs = options.intervalMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;
  let position = options.from;
  let stopped = false;
  let wake: () => void = () => {};
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });

  async function loop() {
    // Nothing loaded yet at start, so the first batch goes at once.
    let lastLoad = 0;
    while (!stopped) {
      try {
        const due = lastLoad + intervalMs - Date.now();
        if (due > 0 && spool.stats().unloadedBytes < batchBytes) {
          await Promise.race([spool.waitForAppend(due), pause(due)]);
          if (Date.now() < lastLoad + intervalMs && spool.stats().unloadedBytes < batchBytes) continue;
        }
        const batch = await spool.read(position, { maxRecords: batchRecords, maxBytes: batchBytes });
        if (batch.records.length) await options.load(batch.records, batch.next);
        position = batch.next;
        await spool.release(position);
        lastLoad = Date.now();
        if (!batch.records.length) await Promise.race([spool.waitForAppend(intervalMs), pause(intervalMs)]);
      } catch (e) {
        options.onError?.(e);
        await pause(retryMs);
      }
    }
  }
  const done = loop();
  return {
    position: () => position,
    async stop() {
      stopped = true;
      wake();
      await done;
    },
  };
}
