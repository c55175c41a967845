import { CollectorError } from '../http/errors.js';
import { comparePositions, formatPosition, isSpoolError, openSpool, parsePosition, runLoader, SPOOL_START } from '../spool/index.js';
import type { SpoolPosition, SpoolRecord } from '../spool/index.js';
import type { StateEntry } from '../store/event.js';
import type { Store } from '../store/ports.js';
import type { Logger } from '../telemetry/logger.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Ingest } from './ingest.js';
import { inlineDecoder, workerDecoder } from './decoder.js';
import { encodeBatchRecord, encodeRecord, stateOfRecord } from './record.js';

export interface SpooledIngestOptions {
  store: Store;
  /** The spool's directory (the server's: `<data dir>/spool`). */
  dir: string;
  metrics: Metrics;
  logger: Logger;
  /** Past this many unloaded bytes, writes are refused (SPOOL_FULL, 503). @defaultValue 1 GiB */
  maxBytes?: number;
  /** The loader takes a batch at least this often. @defaultValue 1000 */
  loadIntervalMs?: number;
  /**
   * Where the loader decodes and enriches what it loads: on a thread of its own (off the
   * event loop that answers requests), or inline. @defaultValue 'thread'
   */
  decode?: 'thread' | 'inline';
}

const stateId = (accountId: string, kind: string, key: string) => `${accountId}\u0000${kind}\u0000${key}`;

/**
 * The ingest path of a server: a write is answered once its record is synced to the spool
 * (one fdatasync per group of requests), and a loader moves the spool into the store in
 * large batches, committing the spool position with the rows, so a crash neither loses
 * nor doubles anything. The vendor state that the spool holds but the store has not
 * loaded yet is kept in memory (`pending`), so that the next request of the same cart or
 * visitor reads what the last one wrote; it holds only what waits to be loaded.
 */
export async function openSpooledIngest(options: SpooledIngestOptions): Promise<Ingest> {
  const { store, metrics, logger } = options;
  const committed = (await store.loadedPosition()) ?? formatPosition(SPOOL_START);
  const from = parsePosition(committed);
  const spool = await openSpool({ dir: options.dir, committed: from, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) });
  // Its thread loads its modules while the backlog is read.
  const decoder = options.decode === 'inline' ? inlineDecoder() : workerDecoder();

  /** Per key, the last value written and how many writes of it wait to be loaded. */
  const pending = new Map<string, { value: string; writes: number }>();
  const remember = (state: readonly StateEntry[]) =>
    state.forEach((s) => {
      const id = stateId(s.accountId, s.kind, s.key);
      pending.set(id, { value: s.value, writes: (pending.get(id)?.writes ?? 0) + 1 });
    });
  /** A write of each entry is in the store now: once all of a key's are, the store answers for it. */
  const forget = (state: readonly StateEntry[]) =>
    state.forEach((s) => {
      const id = stateId(s.accountId, s.kind, s.key);
      const p = pending.get(id);
      if (p && --p.writes <= 0) pending.delete(id);
    });
  // What the spool held at start: its state is pending until loaded; reports are current once it is.
  let startEnd: SpoolPosition = from;
  let backlog = 0;
  for (let at = from; ; ) {
    const batch = await spool.read(at);
    if (!batch.records.length) break;
    batch.records.forEach((r) => remember(stateOfRecord(r)));
    backlog += batch.records.length;
    at = startEnd = batch.next;
  }

  /**
   * Why appends fail (the spool's disk or limit) and why loads fail (the store): /readyz
   * tells. A refusal holds while its cause does (a full spool until it is below its limit;
   * a disk error for a few seconds, then traffic may try again), not until the next
   * append, which a load balancer that heeds /readyz would never send.
   */
  let appendFailure: { message: string; code: string; at: number } | undefined;
  const appendFailing = () => {
    if (!appendFailure) return undefined;
    const s = spool.stats();
    const holds = appendFailure.code === 'SPOOL_FULL' ? s.unloadedBytes >= s.maxBytes * 0.9 : Date.now() - appendFailure.at < 5000;
    return holds ? appendFailure.message : undefined;
  };
  let loadFailing: string | undefined;
  const waiting: (() => void)[] = [];
  /** Records appended since start, and loaded (the backlog first). */
  let appended = 0;
  let loaded = 0;
  const inFlight = new Set<Promise<unknown>>();

  /** Loads records into the store with the position after them (the loader's step, and the stop's). */
  async function load(records: Buffer[], next: SpoolPosition) {
    const { lines, keys, state, leftOut, failed } = await decoder.decode(records);
    for (const f of failed) {
      metrics.spoolUndecodable.inc();
      logger.error({ record: f.excerpt, reason: f.message }, 'a spool record could not be decoded and is skipped (a bug: please report it)');
    }
    const result = await store.load({ lines, keys, state, position: formatPosition(next) });
    loadFailing = undefined;
    for (const [channel, n] of Object.entries(result.byChannel)) {
      metrics.eventsStored.inc({ channel }, n.stored);
      metrics.eventsDuplicate.inc({ channel }, n.duplicates);
    }
    // What reports will leave out of what was stored, so that a site owner can see how much.
    const repeats = new Set(result.repeats);
    for (const [n, reason, channel] of leftOut) if (!repeats.has(n)) metrics.eventsLeftOut.inc({ reason, channel });
    forget(state);
    loaded += records.length;
  }

  try {
    await decoder.ready();
  } catch (e) {
    await spool.close();
    await decoder.close();
    throw e;
  }
  const loader = runLoader(spool, {
    from,
    intervalMs: options.loadIntervalMs ?? 1000,
    load,
    onError(e) {
      loadFailing = `the spool cannot be loaded into the store: ${(e as Error).message}`;
      metrics.loadFailures.inc();
      logger.error({ err: e }, 'loading the spool into the store failed; the spool keeps the events and the load is tried again');
    },
  });
  // The loader moves on by batches; who waits for it checks again every few ms.
  const wake = setInterval(() => waiting.splice(0).forEach((check) => check()), 20);
  wake.unref();
  const isCurrent = () => comparePositions(loader.position(), startEnd) >= 0;

  let closing = false;
  let closed = false;
  /** Appends one request's record; resolves once it is synced (the acknowledgement). */
  async function append(record: SpoolRecord): Promise<void> {
    if (closing) throw new CollectorError('SHUTTING_DOWN');
    const appending = spool.append([record]);
    inFlight.add(appending);
    try {
      await appending;
    } catch (e) {
      // One request's record over a spool frame (16 MiB): it will never fit, so no retry.
      if (e instanceof RangeError) throw new CollectorError('BODY_TOO_LARGE', 'the request makes more data than one write may hold; send it in parts', { cause: e });
      if (!isSpoolError(e)) throw e;
      metrics.spoolRefused.inc({ code: e.code });
      if (e.code === 'SPOOL_CLOSED') throw new CollectorError('SHUTTING_DOWN', undefined, { cause: e });
      appendFailure = { message: e.message, code: e.code, at: Date.now() };
      throw new CollectorError(e.code === 'SPOOL_FULL' ? 'SPOOL_FULL' : 'SPOOL_UNWRITABLE', undefined, { cause: e });
    } finally {
      inFlight.delete(appending);
    }
    appendFailure = undefined;
    appended++;
  }

  const ingest: Ingest = {
    writer: {
      async insert(events, options) {
        const state = options?.state ?? [];
        if (!events.length && !state.length) return { inserted: 0 };
        await append(encodeRecord(events, state));
        remember(state);
        // Repeats are known only once loaded: the loader counts them (cartbeacon_events_duplicate_total).
        return { inserted: events.length };
      },
    },
    batches: {
      writeBatch: (batch) => append(encodeBatchRecord(batch)),
    },
    state: {
      async getState(accountId, kind, key) {
        return pending.get(stateId(accountId, kind, key))?.value ?? store.getState(accountId, kind, key);
      },
    },
    status() {
      const s = spool.stats();
      const failing = appendFailing() ?? loadFailing;
      return {
        current: isCurrent(),
        ...(failing ? { failing } : {}),
        unloadedBytes: s.unloadedBytes,
        spoolBytes: s.bytes,
        spoolSegments: s.segments,
        lagSeconds: s.oldestUnloadedAt === null ? 0 : Math.max(0, (Date.now() - s.oldestUnloadedAt) / 1000),
        appendsPerSync: s.syncs ? s.appends / s.syncs : 0,
      };
    },
    drain() {
      const target = backlog + appended;
      return new Promise<void>((resolve) => {
        // Once closed, nothing more is loaded: whoever waits is answered (what is left waits in the spool).
        const check = () => (closed || (loaded >= target && isCurrent()) ? resolve() : waiting.push(check));
        check();
      });
    },
    async close() {
      closing = true;
      await Promise.allSettled(inFlight);
      clearInterval(wake);
      await loader.stop();
      // What was acknowledged is loaded before the process goes (a clean stop); what a
      // store that cannot load refuses stays in the spool for the next start.
      try {
        for (let at = loader.position(); ; ) {
          const batch = await spool.read(at);
          if (!batch.records.length) break;
          await load(batch.records, batch.next);
          await spool.release((at = batch.next));
        }
      } catch (e) {
        logger.error({ err: e }, 'the spool could not be loaded at the stop; it is loaded at the next start');
      }
      await spool.close();
      await decoder.close();
      closed = true;
      waiting.splice(0).forEach((check) => check());
    },
  };
  return ingest;
}
