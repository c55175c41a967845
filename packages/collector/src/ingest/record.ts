import type { EventBatch } from '../pipeline/batch.js';
import { rowsOfBatch } from '../pipeline/rows.js';
import type { StateEntry, StoredEvent } from '../store/event.js';
import { eventLine, keyLine } from '../store/event-json.js';

/**
 * One spool record per request: what the request stores, all or nothing. Two kinds,
 * told apart by their first byte:
 *
 * - rows (`[`): the first line is the vendor state as a JSON array (`[]` for none), the
 *   rest the rows as JSON lines — what the vendor APIs write, enriched on their request;
 * - an event API batch (`{`): the first line is the batch's context and refused indexes
 *   as JSON, the rest the request body exactly as received — enriched by the loader, so
 *   that a request pays for neither enrichment nor a second serialisation.
 */
export function encodeRecord(events: readonly StoredEvent[], state: readonly StateEntry[]): Buffer {
  let text = state.length ? JSON.stringify(state) : '[]';
  for (const e of events) text += '\n' + eventLine(e);
  return Buffer.from(text);
}

/** A batch record, in two parts: its head line, then the body as received (not copied here). */
export function encodeBatchRecord(batch: EventBatch): [Uint8Array, Uint8Array] {
  return [Buffer.from(`${JSON.stringify({ context: batch.context, refused: batch.refused })}\n`), batch.body];
}

const BATCH = 0x7b; // '{'

/** The vendor state a record carries (none for a batch), without decoding its rows. */
export function stateOfRecord(record: Buffer): StateEntry[] {
  if (record[0] === BATCH) return [];
  const end = record.indexOf(0x0a);
  const head = (end < 0 ? record : record.subarray(0, end)).toString('utf8');
  return head === '[]' ? [] : (JSON.parse(head) as StateEntry[]);
}

/** Why reports leave a stored row out (test mode first). */
export type LeftOutReason = 'test_mode' | 'bot';
export const leftOutReason = (e: Pick<StoredEvent, 'testMode' | 'isBot'>): LeftOutReason | undefined =>
  e.testMode ? 'test_mode' : e.isBot ? 'bot' : undefined;

/** What a load takes of records: rows' lines and key lines (store/event-json.ts), numbered on from `n`. */
export interface RecordRows {
  lines: string[];
  keys: string[];
  state: StateEntry[];
  /** The rows reports will leave out: [row number, reason, channel]. */
  leftOut: [number, LeftOutReason, string][];
}

/** Adds a record's state, rows and keys to `out`, its rows numbered from `first`; a batch is enriched now. */
export function decodeRecord(record: Buffer, out: RecordRows, first = out.lines.length): void {
  const end = record.indexOf(0x0a);
  const head = (end < 0 ? record : record.subarray(0, end)).toString('utf8');
  const rest = record.subarray(end < 0 ? record.length : end + 1);
  if (record[0] === BATCH) {
    const { context, refused } = JSON.parse(head) as Omit<EventBatch, 'body'>;
    for (const row of rowsOfBatch({ context, refused, body: rest })) add(out, first, row, eventLine(row));
    return;
  }
  if (head !== '[]') for (const s of JSON.parse(head) as StateEntry[]) out.state.push(s);
  if (!rest.length) return;
  for (const line of rest.toString('utf8').split('\n')) add(out, first, JSON.parse(line) as StoredEvent, line);
}

function add(out: RecordRows, first: number, row: StoredEvent, line: string) {
  const n = first + out.lines.length;
  const reason = leftOutReason(row);
  if (reason) out.leftOut.push([n, reason, row.channel]);
  out.keys.push(keyLine(row, n));
  out.lines.push(line);
}
