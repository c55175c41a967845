import { SEGMENT_HEADER_BYTES, decodeFrames, hasMagic } from './format.js';
import type { SpoolPosition } from './position.js';
import { segmentAtOrAfter } from './state.js';
import type { Segment, SpoolState } from './state.js';

export interface ReadOptions {
  /**
   * About the most records one batch holds: it ends with the append that reaches it (the records of one append are never split).
   * @defaultValue 5000
   */
  maxRecords?: number;
  /**
   * About the most payload bytes one batch holds (a single larger append still comes whole).
   * @defaultValue 8 MiB
   */
  maxBytes?: number;
}

/** Records in append order, and where to read on from. */
export interface SpoolBatch {
  /** The payloads, as views of the bytes read (valid for as long as they are kept). */
  records: Buffer[];
  /** When the first of them was appended (ms since the epoch); null for an empty batch. */
  firstAppendedAt: number | null;
  /** The position after the last record: what the store commits with these rows. */
  next: SpoolPosition;
}

export const READ_DEFAULTS = { maxRecords: 5000, maxBytes: 8 * 1024 * 1024 } as const;

/** The smallest read, so that a nearly spent byte budget still reads whole records. */
const MIN_READ_BYTES = 64 * 1024;

/**
 * Reads the synced records from `from` on. A record that is incomplete or fails its
 * checksum is never returned: the rest of its segment is skipped (its length cannot be
 * trusted to find the next record) and reading goes on with the next segment;
 * `onCorrupt` hears of it.
 */
export async function readBatch(
  state: SpoolState,
  from: SpoolPosition,
  options: ReadOptions,
  onCorrupt: (segment: Segment, at: number) => void,
): Promise<SpoolBatch> {
  const maxRecords = options.maxRecords ?? READ_DEFAULTS.maxRecords;
  const maxBytes = options.maxBytes ?? READ_DEFAULTS.maxBytes;
  const records: Buffer[] = [];
  let firstAppendedAt: number | null = null;
  let bytes = 0;
  let pos = from;
  let wanted = 0;
  while (records.length < maxRecords && bytes < maxBytes) {
    const segment = segmentAtOrAfter(state, pos.segment);
    if (!segment) break;
    if (segment.number !== pos.segment) pos = { segment: segment.number, offset: 0 };
    const end = segment.end;
    if (pos.offset >= end && pos.offset >= SEGMENT_HEADER_BYTES) {
      if (!segment.sealed) break;
      pos = { segment: segment.number + 1, offset: 0 };
      continue;
    }
    // From the start of a segment, its magic is read and checked too.
    const offset = pos.offset < SEGMENT_HEADER_BYTES ? 0 : pos.offset;
    const length = Math.min(end - offset, Math.max(wanted, maxBytes - bytes, MIN_READ_BYTES));
    let buf = await readAt(state, segment, offset, length);
    // A file shorter than its table entry (cut from outside) ends where the read did.
    const atEnd = offset + buf.length >= end || buf.length < length;
    let start = offset;
    if (offset === 0) {
      if (!hasMagic(buf)) {
        onCorrupt(segment, 0);
        pos = { segment: segment.number + 1, offset: 0 };
        continue;
      }
      buf = buf.subarray(SEGMENT_HEADER_BYTES);
      start = SEGMENT_HEADER_BYTES;
    }
    const decoded = decodeFrames(buf, start, maxRecords - records.length);
    firstAppendedAt ??= decoded.firstTime;
    for (const r of decoded.records) {
      records.push(r);
      bytes += r.length;
    }
    pos = { segment: segment.number, offset: decoded.next };
    if (decoded.stop === 'corrupt' || (decoded.stop === 'partial' && atEnd)) {
      // Past `end` nothing is read, so a partial frame before it is damage, not a write under way.
      onCorrupt(segment, decoded.next);
      pos = { segment: segment.number + 1, offset: 0 };
      continue;
    }
    if (decoded.stop === 'partial') {
      if (decoded.next > start) break;
      // One frame larger than the budget left: read it whole next time round.
      wanted = decoded.wanted ?? 0;
      if (wanted <= length) break;
    }
  }
  return { records, firstAppendedAt, next: pos };
}

async function readAt(state: SpoolState, segment: Segment, offset: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  const file = await state.fs.open(segment.path, 'r');
  try {
    let got = 0;
    while (got < length) {
      const { bytesRead } = await file.read(buf, got, length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await file.close();
  }
}
