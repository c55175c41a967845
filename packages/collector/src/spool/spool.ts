import type { SpoolRecord } from './format.js';
import { nodeSpoolFs } from './fs.js';
import type { SpoolFs } from './fs.js';
import { SPOOL_START, comparePositions } from './position.js';
import type { SpoolPosition } from './position.js';
import { readBatch } from './reader.js';
import type { ReadOptions, SpoolBatch } from './reader.js';
import { recoverSegments } from './recover.js';
import { newCounters, unloadedBytes } from './state.js';
import type { Segment, SpoolCounters, SpoolState } from './state.js';
import { SegmentWriter } from './writer.js';

export interface SpoolOptions {
  /** The directory of the segment files; made if missing. */
  dir: string;
  /**
   * Past this many unloaded bytes (appended, not yet released) appends are refused with
   * SPOOL_FULL. The files can hold up to one segment more: loaded records stay on disk
   * until their whole segment is released.
   * @defaultValue 1 GiB
   */
  maxBytes?: number;
  /**
   * A segment takes appends until it holds this many bytes; then a new one is started.
   * @defaultValue 16 MiB
   */
  segmentBytes?: number;
  /**
   * The most bytes one group commit writes; appends beyond wait for the next group.
   * @defaultValue 4 MiB
   */
  maxGroupBytes?: number;
  /**
   * After a failed write or sync, appends are refused at once with SPOOL_UNWRITABLE for
   * this long, then tried afresh (which is how the spool recovers when space returns).
   * @defaultValue 1000
   */
  unwritableBackoffMs?: number;
  /**
   * The position the store last committed: segments wholly before it are deleted at open,
   * and new segments are numbered after it even if the directory was emptied.
   * @defaultValue SPOOL_START
   */
  committed?: SpoolPosition;
  /** @defaultValue the real filesystem (`nodeSpoolFs`) */
  fs?: SpoolFs;
}

const DEFAULTS = {
  maxBytes: 1024 ** 3,
  segmentBytes: 16 * 1024 ** 2,
  maxGroupBytes: 4 * 1024 ** 2,
  unwritableBackoffMs: 1000,
} as const;

/** What /metrics shows of the spool. */
export interface SpoolStats extends SpoolCounters {
  /** Bytes in segment files. */
  bytes: number;
  /** Bytes appended after the released position; refused past `maxBytes`. */
  unloadedBytes: number;
  maxBytes: number;
  segments: number;
  /** When the oldest record after the released position was appended (ms since the epoch); null when all is released. Load lag = now − this. */
  oldestUnloadedAt: number | null;
}

/** A durable local queue of opaque records: appended by ingest, read and released by the loader. */
export interface Spool {
  /**
   * Resolves once all `records` are synced to disk, together with the appends that came
   * in meanwhile (one write and one fdatasync per group). Rejects with a SpoolError
   * (SPOOL_FULL, SPOOL_UNWRITABLE, SPOOL_CLOSED), and then none of them counts as appended.
   * The records of one append are stored and read back together, all or none. They are
   * copied when their group is written (on a later turn): do not change them before the
   * promise settles.
   */
  append(records: readonly SpoolRecord[]): Promise<void>;
  /** Synced records from `from` on, in append order. */
  read(from: SpoolPosition, options?: ReadOptions): Promise<SpoolBatch>;
  /** Everything before `position` is loaded: segments wholly before it are deleted. */
  release(position: SpoolPosition): Promise<void>;
  /** Resolves after the next synced append, or after `timeoutMs`. */
  waitForAppend(timeoutMs: number): Promise<void>;
  stats(): SpoolStats;
  /** Waits for the appends under way, then closes; later appends reject with SPOOL_CLOSED. */
  close(): Promise<void>;
}

/** Opens (and recovers) the spool in `options.dir`. */
export async function openSpool(options: SpoolOptions): Promise<Spool> {
  const settings = Object.freeze({
    maxBytes: options.maxBytes ?? DEFAULTS.maxBytes,
    segmentBytes: options.segmentBytes ?? DEFAULTS.segmentBytes,
    maxGroupBytes: options.maxGroupBytes ?? DEFAULTS.maxGroupBytes,
    unwritableBackoffMs: options.unwritableBackoffMs ?? DEFAULTS.unwritableBackoffMs,
  });
  for (const [name, value] of Object.entries(settings)) {
    if (!(Number.isFinite(value) && value >= 0)) throw new RangeError(`spool option ${name} must be a number ≥ 0, not ${value}`);
  }
  const committed = options.committed ?? SPOOL_START;
  const state: SpoolState = {
    fs: options.fs ?? nodeSpoolFs,
    dir: options.dir,
    segments: [],
    bytes: 0,
    released: committed,
    counters: newCounters(),
  };
  const nextNumber = await recoverSegments(state, committed);
  let oldestUnloadedAt: number | null = null;
  let syncedGroups = 0;
  let wakers: (() => void)[] = [];
  const writer = new SegmentWriter(
    state,
    {
      ...settings,
      onSynced(time) {
        syncedGroups++;
        oldestUnloadedAt ??= time;
        const woken = wakers;
        wakers = [];
        for (const wake of woken) wake();
      },
    },
    nextNumber,
  );
  const corrupt = new Set<number>();
  const onCorrupt = (segment: Segment, at: number) => {
    if (corrupt.has(segment.number)) return;
    corrupt.add(segment.number);
    state.counters.corruptSegments++;
    state.counters.corruptBytes += segment.end - at;
    // Appends must not go on where the reader no longer looks.
    if (!segment.sealed) writer.roll();
  };
  const read = (from: SpoolPosition, readOptions: ReadOptions = {}) => readBatch(state, from, readOptions, onCorrupt);

  /** When the first record at or after the released position was appended; null if none. */
  async function refreshOldest() {
    for (let tries = 0; tries < 3; tries++) {
      const seen = syncedGroups;
      const { firstAppendedAt } = await read(state.released, { maxRecords: 1, maxBytes: 1 });
      // An append synced during the read is after the released position, and is the oldest if the read found none.
      if (firstAppendedAt !== null || seen === syncedGroups) {
        oldestUnloadedAt = firstAppendedAt;
        return;
      }
    }
  }
  await refreshOldest();

  let releasing = Promise.resolve();
  async function release(position: SpoolPosition) {
    if (comparePositions(position, state.released) <= 0) return;
    state.released = position;
    const gone = state.segments.filter((s) => s.number < position.segment && s.sealed);
    for (const s of gone) {
      // Unlinked first, then dropped from the table: a failed unlink leaves it for the next release.
      await state.fs.unlink(s.path);
      state.segments.splice(state.segments.indexOf(s), 1);
      state.bytes -= s.end;
      corrupt.delete(s.number);
    }
    await refreshOldest();
  }

  return {
    append: (records) => writer.append(records),
    read,
    release(position) {
      releasing = releasing.catch(() => {}).then(() => release(position));
      return releasing;
    },
    waitForAppend(timeoutMs) {
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, timeoutMs);
        function done() {
          clearTimeout(timer);
          wakers = wakers.filter((w) => w !== done);
          resolve();
        }
        wakers.push(done);
      });
    },
    stats: () => ({
      ...state.counters,
      bytes: state.bytes,
      unloadedBytes: unloadedBytes(state),
      maxBytes: settings.maxBytes,
      segments: state.segments.length,
      oldestUnloadedAt,
    }),
    async close() {
      await writer.close();
      await releasing.catch(() => {});
      for (const wake of wakers.splice(0)) wake();
    },
  };
}
