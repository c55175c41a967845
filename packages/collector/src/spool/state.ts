import { join } from 'node:path';
import { segmentName } from './format.js';
import type { SpoolFs } from './fs.js';
import type { SpoolPosition } from './position.js';

/** A segment file the spool knows of. */
export interface Segment {
  readonly number: number;
  readonly path: string;
  /**
   * Bytes from the start of the file that hold good, synced records: a reader never reads
   * past it. For the segment being appended to it grows after each sync.
   */
  end: number;
  /** No more appends go to it; a reader that reached `end` moves on to the next segment. */
  sealed: boolean;
}

/** What writer, reader and release share: the segment table (ascending) and the counters. */
export interface SpoolState {
  readonly fs: SpoolFs;
  readonly dir: string;
  readonly segments: Segment[];
  /** Sum of `end` over the segments. */
  bytes: number;
  /** The furthest position released: bytes before it count as loaded. */
  released: SpoolPosition;
  counters: SpoolCounters;
}

/** Counters since open, for /metrics and for tests. */
export interface SpoolCounters {
  /** append() calls acknowledged. */
  appends: number;
  records: number;
  /** Groups written: each is one write and one fdatasync. */
  syncs: number;
  /** Appends refused or failed, by either code. */
  full: number;
  unwritable: number;
  /** Segments whose tail was cut at a torn or corrupt record (at open or while reading). */
  corruptSegments: number;
  /** Bytes cut or skipped that way. */
  corruptBytes: number;
}

export const newCounters = (): SpoolCounters => ({
  appends: 0,
  records: 0,
  syncs: 0,
  full: 0,
  unwritable: 0,
  corruptSegments: 0,
  corruptBytes: 0,
});

export const segmentPath = (dir: string, number: number) => join(dir, segmentName(number));

/** The first segment numbered `number` or later. */
export function segmentAtOrAfter(state: SpoolState, number: number): Segment | undefined {
  return state.segments.find((s) => s.number >= number);
}

/** Bytes appended after the released position: what the loader still has to load. */
export function unloadedBytes(state: SpoolState): number {
  const { segment, offset } = state.released;
  let loaded = 0;
  for (const s of state.segments) {
    if (s.number < segment) loaded += s.end;
    else if (s.number === segment) loaded += Math.min(offset, s.end);
    else break;
  }
  return state.bytes - loaded;
}
