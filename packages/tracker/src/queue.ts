import { openKv } from './kv';
import type { Kv } from './kv';

/**
 * An event as queued: the wire event, for nextPage events the page that holds it back (''
 * for the others), and its place in this page's order (events of one millisecond keep the
 * order they were made in).
 */
export type Item = [event: Record<string, unknown> & { eventId: string; timestamp: number }, heldOn: string, seq: number];

/** Batches stay under the 64 KB that browsers allow for keepalive requests and beacons. */
export const MAX_BATCH = 60000;

/** The bytes of an event's JSON. */
export const bytes = (e: Item[0]): number => new Blob([JSON.stringify(e)]).size;

/** The localStorage key of events a page could not queue before it went away. */
const PENDING = 'cartbeacon-pending';

/**
 * The events to send, by eventId, in IndexedDB, shared by the tabs (through openKv: in
 * memory where IndexedDB fails), capped in count and bytes; and in localStorage, the events
 * that a page left before they reached IndexedDB.
 */
export interface Queue extends Kv {
  /**
   * The oldest events that may be sent now (`sendable`), as many as fit in a batch, and the
   * ids of those dropped: beyond the caps (the oldest), or too big for any batch.
   */
  _next(sendable: (item: Item) => boolean): Promise<[batch: Item[0][], dropped: string[]]>;
  /** Keeps `items` in localStorage for the next page (this one is going away). */
  _keep(items: Set<Item>): void;
  /** Takes what earlier pages kept. */
  _take(): Item[];
}

export function createQueue(o: { maxEvents: number; maxBytes: number }): Queue {
  const kv = openKv('cartbeacon-queue');
  return {
    ...kv,
    async _next(sendable) {
      const items = (await kv._all()).map(([, v]) => v as Item).sort((a, b) => a[0].timestamp - b[0].timestamp || a[2] - b[2]);
      // Cap the queue: keep the newest, drop the oldest beyond the limits.
      const over: Item[] = [];
      let total = 0;
      for (let i = items.length; i--; ) {
        total += bytes(items[i]![0]);
        if (items.length - i > o.maxEvents || total > o.maxBytes) over.push(items[i]!);
      }
      const batch: Item[0][] = [];
      let size = 2;
      for (const it of items) {
        if (!sendable(it) || over.includes(it)) continue;
        const n = bytes(it[0]) + 1;
        if (n > MAX_BATCH) over.push(it);
        else if (size + n > MAX_BATCH) break;
        else {
          batch.push(it[0]);
          size += n;
        }
      }
      const dropped = over.map((it) => it[0].eventId);
      if (dropped[0]) await kv._drop(dropped);
      return [batch, dropped];
    },
    _keep(items) {
      if (items.size) localStorage.setItem(PENDING, JSON.stringify([...JSON.parse(localStorage.getItem(PENDING) || '[]'), ...items]));
    },
    _take() {
      const pending = localStorage.getItem(PENDING);
      localStorage.removeItem(PENDING);
      return JSON.parse(pending || '[]');
    },
  };
}
