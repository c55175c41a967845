import type { StateEntry } from '../store/event.js';
import { linesBytes } from '../store/event-json.js';
import { decodeRecord } from './record.js';
import type { RecordRows } from './record.js';

/** What a batch of spool records holds for the store. */
export interface DecodedRecords {
  /** The rows as JSON lines, newline-separated, UTF-8; empty for none. */
  lines: Uint8Array;
  /** Their keys, a line each, in the same order (store/event-json.ts keyLine). */
  keys: Uint8Array;
  /** The vendor state, in order (the last entry for a key wins). */
  state: StateEntry[];
  /** The rows that reports will leave out: [row number, reason, channel]. */
  leftOut: RecordRows['leftOut'];
  /** Records that could not be decoded (a bug, never bad input: input was checked before it was spooled). */
  failed: { index: number; message: string; excerpt: string }[];
}

/**
 * Decodes spool records for a load. A record that cannot be decoded is set aside with
 * its reason rather than failing the load: retried, it would fail again and hold every
 * record after it.
 */
export function decodeRecords(records: readonly Uint8Array[]): DecodedRecords {
  const out: RecordRows = { lines: [], keys: [], state: [], leftOut: [] };
  const failed: DecodedRecords['failed'] = [];
  records.forEach((r, index) => {
    const record = Buffer.from(r.buffer, r.byteOffset, r.byteLength);
    const { lines, keys, state, leftOut } = out;
    try {
      // Into a scratch copy, so that a record failing half-way adds nothing.
      const one: RecordRows = { lines: [], keys: [], state: [], leftOut: [] };
      decodeRecord(record, one, lines.length);
      for (const line of one.lines) lines.push(line);
      for (const key of one.keys) keys.push(key);
      for (const s of one.state) state.push(s);
      for (const l of one.leftOut) leftOut.push(l);
    } catch (e) {
      failed.push({ index, message: (e as Error).message, excerpt: record.subarray(0, 200).toString('utf8') });
    }
  });
  return { lines: linesBytes(out.lines), keys: linesBytes(out.keys), state: out.state, leftOut: out.leftOut, failed };
}
