import { COLUMN_LIST } from './columns.js';
import type { ColumnKind } from './columns.js';
import type { StoredEvent } from './event.js';

/** A lone surrogate escape as JSON.stringify writes it (it never escapes a well-formed pair). */
const LONE = /\\u[dD][89a-fA-F]/;

/** `s` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
const wf = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A parsed JSON value with its strings and keys well-formed. */
const clean = (v: unknown): unknown =>
  typeof v === 'string'
    ? wf(v)
    : Array.isArray(v)
      ? v.map(clean)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [wf(k), clean(x)]))
        : v;

/** A copy whose strings are well-formed (a lone surrogate becomes U+FFFD), `data` included. */
function wellFormed(e: StoredEvent): StoredEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'string' ? wf(v) : v;
  out.data = JSON.stringify(clean(JSON.parse(e.data)));
  return out as unknown as StoredEvent;
}

/** Each kind's JSON: `data` is JSON text already and goes in as it is (not escaped into a string). */
const VALUE: Record<ColumnKind, (v: string) => string> = {
  text: (v) => `(${v} === null ? 'null' : JSON.stringify(${v}))`,
  money: (v) => `(${v} === null ? 'null' : JSON.stringify(${v}))`,
  ms: (v) => `(${v} === null ? 'null' : String(${v}))`,
  double: (v) => `(${v} === null ? 'null' : String(${v}))`,
  bool: (v) => `(${v} ? 'true' : 'false')`,
  json: (v) => v,
};

/**
 * The serializer of a row, made once from the column table: a string built field by
 * field costs a third of JSON.stringify of the row, which would escape `data` into a
 * string and re-read every key (bench/ingest: encoding was a fifth of a request's CPU).
 */
const serialize = new Function(
  'e',
  `return '{' + ${COLUMN_LIST.map(([key, col], i) => `'${i ? ',' : ''}"${key}":' + ${VALUE[col.kind](`e.${key}`)}`).join(' + ')} + '}';`,
) as (e: StoredEvent) => string;

/**
 * A stored row as one line of JSON (its fields as StoredEvent names them, `data` as a JSON
 * value): how rows travel through the spool and into a store's bulk load. Strings are
 * well-formed, because the stores' JSON readers refuse a lone surrogate and one visitor's
 * string must never fail a whole load.
 */
export function eventLine(e: StoredEvent): string {
  const line = serialize(e);
  return LONE.test(line) ? serialize(wellFormed(e)) : line;
}

/**
 * A row's key line for a load: its number in the batch (`n`), account (`a`), event id
 * (`e`), time and receipt in ms (`t`, `r`), channel (`c`), visitor (`u`), and whether it is
 * a page view that releases the visitor's held events (`p`). A store finds repeats and
 * releases among these few fields before it reads the wide rows, once.
 */
export function keyLine(e: Pick<StoredEvent, 'accountId' | 'eventId' | 'ts' | 'receivedAt' | 'channel' | 'userId' | 'name' | 'held'>, n: number): string {
  const line = `{"n":${n},"a":${JSON.stringify(e.accountId)},"e":${JSON.stringify(e.eventId)},"t":${e.ts},"r":${e.receivedAt},"c":${JSON.stringify(e.channel)},"u":${JSON.stringify(e.userId)},"p":${e.name === 'PAGE_VIEW' && !e.held}}`;
  // As eventLine makes the row's strings well-formed, so the key's, so that they match.
  return LONE.test(line) ? keyLine({ ...e, accountId: wf(e.accountId), eventId: wf(e.eventId), channel: wf(e.channel), userId: wf(e.userId) }, n) : line;
}

const utf8 = new TextEncoder();

/**
 * JSON lines as a load takes them: UTF-8 in a buffer of their own (never a slice of a
 * shared pool), so that a thread can hand them over without a copy.
 */
export const linesBytes = (lines: readonly string[]): Uint8Array => utf8.encode(lines.join('\n'));

/** A load's lines and keys for rows (the direct writes, tools and tests). */
export const loadBatchOf = (events: readonly StoredEvent[]): { lines: Uint8Array; keys: Uint8Array } => ({
  lines: linesBytes(events.map(eventLine)),
  keys: linesBytes(events.map((e, n) => keyLine(e, n))),
});
