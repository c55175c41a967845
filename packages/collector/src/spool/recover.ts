import { SEGMENT_HEADER_BYTES, decodeFrames, hasMagic, parseSegmentName } from './format.js';
import type { SpoolFile } from './fs.js';
import type { SpoolPosition } from './position.js';
import { segmentPath } from './state.js';
import type { Segment, SpoolState } from './state.js';

const SCAN_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Builds the segment table of `state.dir` at open:
 * - segments wholly before `committed` (already loaded) are deleted;
 * - every segment is sealed: appends after open go to a new segment, so that no position
 *   handed out before a crash is ever reused;
 * - the last segment, the one a crash can have torn, is checked record by record and cut
 *   at the first frame that is incomplete or fails its checksum. Frames after such a
 *   frame were never acknowledged (an append resolves only after the sync of its group,
 *   and groups are synced in order), so nothing acknowledged is lost by the cut; a last
 *   segment without a whole magic is removed.
 * Earlier segments were complete when sealed; a bad frame in one (a disk error) is
 * found by the reader, which skips the rest of that segment.
 *
 * @returns the number the next new segment takes.
 */
export async function recoverSegments(state: SpoolState, committed: SpoolPosition): Promise<number> {
  const { fs, dir } = state;
  await fs.mkdir(dir);
  const numbers = (await fs.readdir(dir))
    .map(parseSegmentName)
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
  let removed = false;
  for (const number of numbers) {
    const path = segmentPath(dir, number);
    if (number < committed.segment) {
      await fs.unlink(path);
      removed = true;
      continue;
    }
    state.segments.push({ number, path, end: await fs.size(path), sealed: true });
  }
  const last = state.segments.at(-1);
  if (last) {
    const end = await scanTail(state, last);
    if (end < SEGMENT_HEADER_BYTES) {
      await fs.unlink(last.path);
      state.segments.pop();
      removed = true;
    }
  }
  if (removed) await fs.syncDir(dir);
  state.bytes = state.segments.reduce((sum, s) => sum + s.end, 0);
  return Math.max((numbers.at(-1) ?? 0) + 1, committed.segment + 1);
}

/** Cuts `segment` after its last good frame; returns its new end (0 without a magic). */
async function scanTail(state: SpoolState, segment: Segment): Promise<number> {
  const reader = await state.fs.open(segment.path, 'r');
  const good = await lastGoodOffset(reader, segment.end).finally(() => reader.close());
  if (good < segment.end) {
    state.counters.corruptSegments++;
    state.counters.corruptBytes += segment.end - good;
  }
  if (good < segment.end && good >= SEGMENT_HEADER_BYTES) {
    // Only now is the directory written to: a clean spool opens on a read-only disk.
    const file = await state.fs.open(segment.path, 'r+');
    try {
      await file.truncate(good);
      await file.datasync();
    } finally {
      await file.close();
    }
    segment.end = good;
  }
  return good;
}

async function lastGoodOffset(file: SpoolFile, size: number): Promise<number> {
  const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
  const { bytesRead } = await file.read(head, 0, head.length, 0);
  if (bytesRead < head.length || !hasMagic(head)) return 0;
  let offset = SEGMENT_HEADER_BYTES;
  let chunk = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
  while (offset < size) {
    const got = (await file.read(chunk, 0, Math.min(chunk.length, size - offset), offset)).bytesRead;
    if (got === 0) return offset;
    const decoded = decodeFrames(chunk.subarray(0, got), offset);
    if (decoded.stop === 'corrupt') return decoded.next;
    if (decoded.stop === 'partial') {
      // The chunk ended inside a frame: read on from it, unless the file ends there too.
      if (offset + got >= size) return decoded.next;
      if (decoded.next === offset) {
        if (!decoded.wanted || decoded.wanted <= chunk.length) return offset;
        chunk = Buffer.allocUnsafe(decoded.wanted);
      }
    }
    offset = decoded.next;
  }
  return offset;
}
