import type { StateEntry, StoredEvent } from './event.js';
import { loadBatchOf } from './event-json.js';
import type { InsertResult, LoadBatch, LoadResult } from './ports.js';

/** One caller's direct write: its events and the state that goes with them. */
export interface Write {
  events: StoredEvent[];
  state: StateEntry[];
}

/**
 * A group of direct writes as one load (every store writes a group commit through its bulk
 * path): answers, per write, how many of its events were new and which were repeats.
 */
export async function loadWrites(writes: Write[], load: (batch: LoadBatch) => Promise<LoadResult>): Promise<InsertResult[]> {
  const events = writes.flatMap((w) => w.events);
  const { repeats } = await load({ ...loadBatchOf(events), state: writes.flatMap((w) => w.state) });
  const repeated = new Set(repeats);
  let at = 0;
  return writes.map((w) => {
    const mine: number[] = [];
    w.events.forEach((_, i) => repeated.has(at + i) && mine.push(i));
    at += w.events.length;
    return { inserted: w.events.length - mine.length, repeats: mine };
  });
}
