import type { Log } from './log';
import { bytes, MAX_BATCH } from './queue';
import type { Item, Queue } from './queue';
import { outcome, retryDelay, RETRY } from './retry';

/**
 * Sends the queue to the collector: batches by fetch keepalive, with backoff, one tab at a
 * time; and by sendBeacon what this page has not sent yet when it goes away.
 */
export interface Sender {
  /** This page's events that no beacon or batch carried yet: what pagehide must not lose. */
  _unsent: Map<string, Item>;
  /** This page's events that are not in the IndexedDB queue yet. */
  _fresh: Set<Item>;
  /** Sends in `ms` (or once the backoff is over), whatever was scheduled before. */
  _schedule(ms: number): void;
  /**
   * Sends now, unless a send is under way or the browser is offline; resolves when that
   * attempt is over. `now` forgets the backoff (the network is back, or flush()).
   */
  _send(now?: boolean): Promise<void>;
  /**
   * Hands what this page has not sent to sendBeacon. The events stay queued, so the next
   * page sends them again and the collector keeps one. A nextPage event normally waits in
   * the queue; one that did not reach it yet goes now, flagged, and the collector holds it
   * until the visitor's next page view.
   */
  _beacon(): void;
}

/**
 * `url` is the ingest endpoint with the key; batches go while `sending()`, with the events
 * that are `sendable` (not this page's nextPage events).
 */
export function createSender(
  url: string,
  queue: Queue,
  sending: () => boolean,
  sendable: (item: Item) => boolean,
  log: Log,
): Sender {
  const unsent = new Map<string, Item>();
  const fresh = new Set<Item>();
  // No request before this time (backoff, Retry-After), however many events come.
  let waitUntil = 0;
  let attempt = 0;
  // Events dropped by the caps that no delivered batch reported yet.
  let dropped = 0;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function post(batch: Item[0][]): Promise<[number, string | null]> {
    try {
      const r = await fetch(url + (dropped ? '&dropped=' + dropped : ''), {
        method: 'POST',
        body: JSON.stringify(batch),
        keepalive: true,
        credentials: 'omit',
      });
      // What the collector refused, and why (its message says what to change): with data-debug.
      r.json().then((b) => b.statusCode && log(b.statusCode, b.message), log);
      return [r.status, r.headers.get('Retry-After')];
    } catch {
      return [0, null];
    }
  }

  async function drain(): Promise<void> {
    // Refused: the queue is wiped, never sent.
    while (sending()) {
      const [batch, over] = await queue._next(sendable);
      dropped += over.length;
      over.forEach((id) => unsent.delete(id));
      if (!batch.length) return;
      const reported = dropped;
      const [status, retryAfter] = await post(batch);
      if (outcome(status) === RETRY) {
        log('will retry', status);
        waitUntil = Date.now() + retryDelay(++attempt, retryAfter);
        return s._schedule(0);
      }
      attempt = waitUntil = 0;
      dropped -= reported;
      const ids = batch.map((e) => e.eventId);
      ids.forEach((id) => unsent.delete(id));
      await queue._drop(ids);
    }
  }

  const s: Sender = {
    _unsent: unsent,
    _fresh: fresh,
    _schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(s._send, Math.max(ms, waitUntil - Date.now()));
    },
    async _send(now) {
      if (now) attempt = waitUntil = 0;
      if (busy || navigator.onLine === false) return;
      busy = true;
      try {
        // One tab sends at a time; another tab's events wait in the shared queue for it.
        const locks = navigator.locks;
        await (locks
          ? locks.request('cartbeacon', { ifAvailable: true }, (lock) => (lock ? drain() : s._schedule(2e3)))
          : drain());
      } catch (e) {
        log(e);
      } finally {
        busy = false;
      }
    },
    _beacon() {
      let batch: Item[0][] = [];
      let size = 2;
      const flushBatch = () => {
        if (batch.length && navigator.sendBeacon(url, JSON.stringify(batch))) batch.forEach((e) => unsent.delete(e.eventId));
        batch = [];
        size = 2;
      };
      for (const item of unsent.values()) {
        let e = item[0];
        if (!e.userId) continue;
        if (!sendable(item)) {
          if (!fresh.has(item)) continue;
          e = { ...e, nextPage: true };
        }
        const n = bytes(e) + 1;
        if (size + n > MAX_BATCH) flushBatch();
        batch.push(e);
        size += n;
      }
      flushBatch();
    },
  };
  return s;
}
