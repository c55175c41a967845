import { crc32 } from 'node:zlib';

/**
 * The spool's on-disk format. A segment file is named `<16-digit number>.seg` and holds
 * an 8-byte magic, then records one after another:
 *
 * ```
 * offset  size  field
 *      0     4  payload length n, uint32 LE (1 … MAX_RECORD_BYTES)
 *      4     4  CRC-32 of bytes 8 … 16+n (time and payload), uint32 LE
 *      8     8  append time, ms since the epoch, float64 LE
 *     16     n  payload
 * ```
 *
 * Length and checksum in front make a torn write (a crash while a group was written) and
 * a flipped bit both detectable: a record is only ever returned whole and with a matching
 * checksum. A zero-filled tail, as some filesystems leave after a crash, fails the length
 * check (n = 0 is never written).
 */
export const MAGIC = Buffer.from('CBSPOOL1', 'latin1');
export const SEGMENT_HEADER_BYTES = MAGIC.length;
export const RECORD_HEADER_BYTES = 16;
/** The largest payload one record may have; also bounds what a corrupt length can make a reader allocate. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;

const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentName(segment: number): string {
  return `${String(segment).padStart(16, '0')}.seg`;
}

/** The segment number a file name stands for, or undefined for any other file. */
export function parseSegmentName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The bytes a record of `payloadBytes` takes on disk. */
export const framedBytes = (payloadBytes: number) => RECORD_HEADER_BYTES + payloadBytes;

/**
 * Frames `records` (all stamped with `time`) into one buffer, so that a group is written
 * with one write call; the segment's magic goes first when `withMagic`.
 */
export function encodeGroup(records: readonly Uint8Array[], time: number, withMagic: boolean): Buffer {
  let size = withMagic ? SEGMENT_HEADER_BYTES : 0;
  for (const r of records) size += framedBytes(r.byteLength);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  if (withMagic) at += MAGIC.copy(out, 0);
  for (const r of records) {
    out.writeUInt32LE(r.byteLength, at);
    out.writeDoubleLE(time, at + 8);
    out.set(r, at + RECORD_HEADER_BYTES);
    const sum = crc32(out.subarray(at + 8, at + RECORD_HEADER_BYTES + r.byteLength));
    out.writeUInt32LE(sum, at + 4);
    at += framedBytes(r.byteLength);
  }
  return out;
}

/** One record as read back: a view of the read buffer (no copy). */
export interface DecodedRecord {
  payload: Buffer;
  /** When it was appended (ms since the epoch). */
  time: number;
  /** Where it starts in its segment. */
  offset: number;
}

/**
 * Where decoding stopped: `end` when the buffer ran out on a record boundary, `partial`
 * when the last record is incomplete in the buffer (more bytes may follow on disk, or the
 * tail is torn), `corrupt` at a record whose length is impossible or whose checksum fails.
 */
export type DecodeStop = 'end' | 'partial' | 'corrupt';

export interface Decoded {
  records: DecodedRecord[];
  /** Segment offset just past the last good record. */
  next: number;
  stop: DecodeStop;
  /** For `partial`: the whole length of the record that did not fit, when its header did. */
  wanted?: number;
}

/**
 * Decodes the records in `buf`, which holds a segment's bytes from `offset` on, up to
 * `maxRecords`; stops (without returning it) at the first record that is incomplete or fails its checks.
 */
export function decodeRecords(buf: Buffer, offset: number, maxRecords = Infinity): Decoded {
  const records: DecodedRecord[] = [];
  let at = 0;
  while (records.length < maxRecords) {
    const left = buf.length - at;
    if (left === 0) return { records, next: offset + at, stop: 'end' };
    if (left < RECORD_HEADER_BYTES) return { records, next: offset + at, stop: 'partial' };
    const n = buf.readUInt32LE(at);
    if (n === 0 || n > MAX_RECORD_BYTES) return { records, next: offset + at, stop: 'corrupt' };
    if (left < framedBytes(n)) return { records, next: offset + at, stop: 'partial', wanted: framedBytes(n) };
    const sum = crc32(buf.subarray(at + 8, at + RECORD_HEADER_BYTES + n));
    if (sum !== buf.readUInt32LE(at + 4)) return { records, next: offset + at, stop: 'corrupt' };
    records.push({
      payload: buf.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + n),
      time: buf.readDoubleLE(at + 8),
      offset: offset + at,
    });
    at += framedBytes(n);
  }
  return { records, next: offset + at, stop: 'end' };
}

/** Whether `buf` starts with the segment magic. */
export const hasMagic = (buf: Buffer) => buf.length >= SEGMENT_HEADER_BYTES && MAGIC.equals(buf.subarray(0, SEGMENT_HEADER_BYTES));
