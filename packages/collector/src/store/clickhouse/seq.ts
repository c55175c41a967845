/**
 * `seq`: each row's place in the store's order, unique across the collectors of a
 * database, as one UInt64 — the order DuckDB gets from its rowid.
 *
 *   bits 63–24  the time the collector received the event, in ms since 2020-01-01 (to 2054)
 *   bits 23–12  a counter of rows received in the same ms by the collector
 *   bits 11–0   the collector's number (identity.ts): no two collectors make the same seq
 *
 * So rows sort by when they were received, a collector's rows in the order of its spool,
 * and a repeat's copies by which came first. A load gives the same seqs to the same lines
 * every time it is tried (the counter after a batch is committed with its position), so a
 * retried load recognises its own rows.
 */

const EPOCH_MS = Date.UTC(2020, 0, 1);
const COUNTER = 4096;
export const MAX_COLLECTORS = 4096;

/** A collector's counter: `ms × 4096 + counter`, below 2^52, so a JS number holds it exactly. */
export class SeqCounter {
  constructor(
    readonly collector: number,
    /** The last unit given, 0 before the first. */
    public last = 0,
  ) {
    if (!Number.isInteger(collector) || collector < 0 || collector >= MAX_COLLECTORS) throw new RangeError(`collector number out of range: ${collector}`);
  }

  /** The next seq, for a row received at `receivedAt` (ms since the epoch). */
  next(receivedAt: number): bigint {
    this.last = Math.max(this.last + 1, (Math.max(receivedAt, EPOCH_MS) - EPOCH_MS) * COUNTER);
    return (BigInt(this.last) << 12n) | BigInt(this.collector);
  }

  /** The counter as a seq (its collector bits 0), for keeping it with a position. */
  get mark(): bigint {
    return BigInt(this.last) << 12n;
  }

  /** Restores the counter from `mark`. */
  static unit(mark: bigint | string): number {
    return Number(BigInt(mark) >> 12n);
  }
}

/** The receive time (ms since the epoch) in a seq. */
export const receivedAtOf = (seq: bigint) => Number(seq >> 24n) + EPOCH_MS;
