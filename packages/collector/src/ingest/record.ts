import type { StateEntry, StoredEvent } from '../store/event.js';
import { eventLine } from '../store/event-json.js';

/**
 * One spool record per request: what the request stores, all or nothing. Its first line
 * is the vendor state as a JSON array (`[]` for none), the rest the rows as JSON lines,
 * so that the loader hands the rows to the store's bulk load without parsing them.
 */
export function encodeRecord(events: readonly StoredEvent[], state: readonly StateEntry[]): Buffer {
  let text = state.length ? JSON.stringify(state) : '[]';
  for (const e of events) text += '\n' + eventLine(e);
  return Buffer.from(text);
}

/** A record's state and its rows' lines ('' when it has none). */
export function decodeRecord(record: Buffer): { state: StateEntry[]; lines: string } {
  const text = record.toString('utf8');
  const end = text.indexOf('\n');
  const head = end < 0 ? text : text.slice(0, end);
  return { state: head === '[]' ? [] : (JSON.parse(head) as StateEntry[]), lines: end < 0 ? '' : text.slice(end + 1) };
}
