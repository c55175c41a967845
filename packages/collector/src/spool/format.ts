import { crc32 } from 'node:zlib';

/**
 * The spool's on-disk format. A segment file is named `<16-digit number>.seg` and holds
 * an 8-byte magic, then one frame per append, one after another:
 *
 * ```
 * offset  size  field
 *      0     4  body length n, uint32 LE (4 … MAX_FRAME_BYTES)
 *      4     4  CRC-32 of bytes 8 … 16+n (time and body), uint32 LE
 *      8     8  append time, ms since the epoch, float64 LE
 *     16     n  body: per record, its length (uint32 LE) and its bytes
 * ```
 *
 * Length and checksum in front make a torn write (a crash while a group was written) and
 * a flipped bit both detectable, and a frame is only ever returned whole: the records of
 * one append (one request) are all there or none is. A zero-filled tail, as some
 * filesystems leave after a crash, fails the length check. One checksum per append
 * rather than per record: zlib's crc32 costs about as much per call as per 400 bytes.
 */
export const MAGIC = Buffer.from('CBSPOOL1', 'latin1');
export const SEGMENT_HEADER_BYTES = MAGIC.length;
export const FRAME_HEADER_BYTES = 16;
const RECORD_LENGTH_BYTES = 4;
/** The largest body one frame (one append) may have; also bounds what a corrupt length can make a reader allocate. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

const SEGMENT_NAME = /^(\d{16})\.seg$/;

export function segmentName(segment: number): string {
  return `${String(segment).padStart(16, '0')}.seg`;
}

/** The segment number a file name stands for, or undefined for any other file. */
export function parseSegmentName(name: string): number | undefined {
  const m = SEGMENT_NAME.exec(name);
  return m ? Number(m[1]) : undefined;
}

/**
 * A record as appended: its bytes, or its parts in order (stored as one record, so that a
 * caller need not copy a header and a body together first).
 */
export type SpoolRecord = Uint8Array | readonly Uint8Array[];

/** A record's length in bytes. */
export const recordBytes = (r: SpoolRecord): number => {
  if (r instanceof Uint8Array) return r.byteLength;
  let n = 0;
  for (const part of r) n += part.byteLength;
  return n;
};

/** The bytes of the body of a frame holding `records`. */
export function bodyBytes(records: readonly SpoolRecord[]): number {
  let n = 0;
  for (const r of records) n += RECORD_LENGTH_BYTES + recordBytes(r);
  return n;
}

/** The bytes a group of frames with these bodies takes (with the magic when `withMagic`). */
export function groupBytes(bodies: readonly number[], withMagic: boolean): number {
  let size = withMagic ? SEGMENT_HEADER_BYTES : 0;
  for (const n of bodies) size += FRAME_HEADER_BYTES + n;
  return size;
}

/**
 * Frames each append of a group (all stamped with `time`) into `out`, which holds
 * exactly `groupBytes(bodies, withMagic)`, so that the group is written with one write
 * call; the segment's magic goes first when `withMagic`. `bodies[i]` is `bodyBytes(appends[i])`.
 */
export function encodeGroup(
  out: Buffer,
  appends: readonly (readonly SpoolRecord[])[],
  bodies: readonly number[],
  time: number,
  withMagic: boolean,
): Buffer {
  let at = withMagic ? MAGIC.copy(out, 0) : 0;
  for (let i = 0; i < appends.length; i++) {
    const start = at;
    out.writeUInt32LE(bodies[i]!, at);
    out.writeDoubleLE(time, at + 8);
    at += FRAME_HEADER_BYTES;
    for (const r of appends[i]!) {
      out.writeUInt32LE(recordBytes(r), at);
      at += RECORD_LENGTH_BYTES;
      for (const part of r instanceof Uint8Array ? [r] : r) {
        out.set(part, at);
        at += part.byteLength;
      }
    }
    out.writeUInt32LE(crc32(out.subarray(start + 8, at)), start + 4);
  }
  return out;
}

/**
 * Where decoding stopped: `end` when the buffer ran out on a frame boundary (or enough
 * records were decoded), `partial` when the last frame is incomplete in the buffer (more
 * bytes may follow on disk, or the tail is torn), `corrupt` at a frame whose length is
 * impossible, whose checksum fails or whose records do not fill its body exactly.
 */
export type DecodeStop = 'end' | 'partial' | 'corrupt';

export interface Decoded {
  /** The payloads, as views of the buffer (no copy). */
  records: Buffer[];
  /** The append time of the first frame decoded; null if none. */
  firstTime: number | null;
  /** Segment offset just past the last good frame. */
  next: number;
  stop: DecodeStop;
  /** For `partial`: the whole length of the frame that did not fit, when its header did. */
  wanted?: number;
}

/**
 * Decodes the frames in `buf`, which holds a segment's bytes from `offset` on, until at
 * least `maxRecords` records are out (whole frames only); stops (without returning it)
 * at the first frame that is incomplete or fails its checks.
 */
export function decodeFrames(buf: Buffer, offset: number, maxRecords = Infinity): Decoded {
  const records: Buffer[] = [];
  let firstTime: number | null = null;
  let at = 0;
  const stop = (stop: DecodeStop, wanted?: number): Decoded => ({ records, firstTime, next: offset + at, stop, wanted });
  while (records.length < maxRecords) {
    const left = buf.length - at;
    if (left === 0) return stop('end');
    if (left < FRAME_HEADER_BYTES) return stop('partial');
    const n = buf.readUInt32LE(at);
    if (n < RECORD_LENGTH_BYTES || n > MAX_FRAME_BYTES) return stop('corrupt');
    const end = at + FRAME_HEADER_BYTES + n;
    if (end > buf.length) return stop('partial', FRAME_HEADER_BYTES + n);
    if (crc32(buf.subarray(at + 8, end)) !== buf.readUInt32LE(at + 4)) return stop('corrupt');
    const before = records.length;
    let r = at + FRAME_HEADER_BYTES;
    while (r < end) {
      const len = r + RECORD_LENGTH_BYTES <= end ? buf.readUInt32LE(r) : Infinity;
      if (r + RECORD_LENGTH_BYTES + len > end) {
        records.length = before;
        return stop('corrupt');
      }
      records.push(buf.subarray(r + RECORD_LENGTH_BYTES, r + RECORD_LENGTH_BYTES + len));
      r += RECORD_LENGTH_BYTES + len;
    }
    firstTime ??= buf.readDoubleLE(at + 8);
    at = end;
  }
  return stop('end');
}

/** Whether `buf` starts with the segment magic. */
export const hasMagic = (buf: Buffer) => buf.length >= SEGMENT_HEADER_BYTES && MAGIC.equals(buf.subarray(0, SEGMENT_HEADER_BYTES));
