import { COLUMN_LIST } from '../columns.js';
import type { Column, ColumnKind } from '../columns.js';
import type { StoredEvent } from '../event.js';
import { PRODUCT_LINE_COLUMNS_DDL, productLineFields } from './product-lines.js';

/**
 * The `event_rows` table in ClickHouse, made from the one column table (store/columns.ts):
 * its columns, the making of its JSONEachRow lines from the spool's JSON lines
 * (store/event-json.ts), and the reading of a stored row back.
 *
 * Types are those ClickHouse 18.16 has and current releases keep: no DateTime64 there,
 * so a time is two columns, `name` (DateTime, for time functions and partitions) and
 * `name_ms` (UInt64, the exact milliseconds).
 */

const TYPES: Record<Exclude<ColumnKind, 'ms'>, string> = {
  text: 'String',
  money: 'Decimal(18, 4)',
  double: 'Float64',
  bool: 'UInt8',
  json: 'String',
};

const typed = (col: Column, type: string) => (col.nullable ? `Nullable(${type})` : type);

/** Each column's DDL, in the column table's order; a time gives two. */
export const EVENT_COLUMNS_DDL: string[] = COLUMN_LIST.flatMap(([, col]) =>
  col.kind === 'ms' ? [`${col.name} DateTime('UTC')`, `${col.name}_ms UInt64`] : [`${col.name} ${typed(col, TYPES[col.kind])}`],
);

/**
 * Columns the store adds to each row: `seq`, its place in the store's order
 * (store/clickhouse/seq.ts), and a purchase's product lines (product-lines.ts).
 */
export const STORE_COLUMNS_DDL = ['seq UInt64', ...PRODUCT_LINE_COLUMNS_DDL];

/** The fields of a spool line that the load works with, besides the row itself. */
export interface LineFacts {
  accountId: string;
  eventId: string;
  ts: number;
  receivedAt: number;
  userId: string;
  name: string;
  held: boolean;
  channel: string;
}

const DATA = COLUMN_LIST.at(-1)!;
// The spool's serializer writes `data` last; the row is read without it (a JSON value that
// need not be parsed) and the raw text after its key is kept as it came.
if (DATA[1].kind !== 'json' || COLUMN_LIST.some(([, c], i) => c.kind === 'json' && i !== COLUMN_LIST.length - 1))
  throw new Error('store/columns.ts: the JSON column must be the last');
const DATA_KEY = `,"${DATA[0]}":`;

const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

/** Each kind's JSONEachRow text from a parsed line's value; `v` is the JS expression of the value. */
const VALUE: Record<Exclude<ColumnKind, 'json'>, (v: string, name: string) => string> = {
  text: (v) => `(${v} === null ? 'null' : JSON.stringify(${v}))`,
  // ClickHouse 18.16 takes a Decimal only as a bare JSON number; its digits go in as they are.
  money: (v) => `(${v} === null ? 'null' : money(${v}))`,
  ms: (v, name) => `Math.floor(${v} / 1000) + ',"${name}_ms":' + ${v}`,
  double: (v) => `(${v} === null ? 'null' : String(${v}))`,
  bool: (v) => `(${v} ? '1' : '0')`,
};

function money(v: string): string {
  if (!DECIMAL.test(v)) throw new Error(`not a decimal of the store's precision: ${JSON.stringify(v)}`);
  return v;
}

/** The row's line without `data` and `seq`, made once from the column table (as event-json.ts makes the spool's). */
const serialize = new Function(
  'e',
  'money',
  `return '{' + ${COLUMN_LIST.slice(0, -1)
    .map(([key, col], i) => `'${i ? ',' : ''}"${col.name}":' + ${VALUE[col.kind as Exclude<ColumnKind, 'json'>](`e.${key}`, col.name)}`)
    .join(' + ')};`,
) as (e: StoredEvent, m: typeof money) => string;

/** A spool line read: what the load needs to know of it, and its start as an `event_rows` line. */
export interface ParsedLine {
  facts: LineFacts;
  /** `{"account_id":…,…` up to `data`, which `rowLine` adds with the row's seq. */
  head: string;
  /** `data` as JSON text. */
  data: string;
  /** A purchase's product-line columns (`,"line_products":…`), '' for other rows. */
  lines: string;
}

/** Reads one JSON line of the spool (store/event-json.ts). */
export function parseLine(line: string): ParsedLine {
  const at = line.indexOf(DATA_KEY);
  // Every value before `data` is a scalar, and a JSON string cannot hold a bare quote, so
  // the first `,"data":` is the row's own key.
  if (at < 0 || !line.endsWith('}')) throw new Error(`not a stored row: ${line.slice(0, 80)}`);
  const e = JSON.parse(line.slice(0, at) + '}') as StoredEvent;
  const data = line.slice(at + DATA_KEY.length, -1);
  return {
    facts: e,
    head: serialize(e, money),
    data,
    // Only purchases' lines are read (the dashboard's products), so only theirs are parsed.
    lines: e.name === 'CHECKOUT' && e.step === 'purchase' ? productLineFields(data) : '',
  };
}

/** The `event_rows` line of a parsed line with its seq. */
export const rowLine = (p: ParsedLine, seq: bigint) => `${p.head},"${DATA[1].name}":${JSON.stringify(p.data)},"seq":${seq}${p.lines}}`;

/** Each column read back as the JS value StoredEvent holds: times as ms, money as text. */
const READ: Record<ColumnKind, (name: string) => string> = {
  text: (n) => n,
  bool: (n) => n,
  double: (n) => n,
  ms: (n) => `${n}_ms AS ${n}`,
  money: (n) => `toString(${n}) AS ${n}`,
  json: (n) => n,
};

/** The select list that reads every column for `eventOf` (`held` from `heldSql`, as releases make it). */
export const eventSelect = (heldSql: string) =>
  COLUMN_LIST.map(([, col]) => (col.name === 'held' ? `${heldSql} AS held` : READ[col.kind](col.name))).join(', ');

/** A row read with `eventSelect` (JSONEachRow, 64-bit integers quoted) as a StoredEvent. */
export function eventOf(row: Record<string, unknown>): StoredEvent {
  const e: Record<string, unknown> = {};
  for (const [key, col] of COLUMN_LIST) {
    const v = row[col.name];
    e[key] =
      v === null || v === undefined
        ? null
        : col.kind === 'ms' || col.kind === 'double'
          ? Number(v)
          : col.kind === 'bool'
            ? Number(v) !== 0
            : col.kind === 'money'
              ? fourPlaces(v as string)
              : v;
  }
  return e as unknown as StoredEvent;
}

/** A decimal with its four places, as DuckDB writes DECIMAL(18,4) ("12.5000"): ClickHouse 18.16 writes them, current releases drop trailing zeros. */
function fourPlaces(v: string): string {
  const [int, frac = ''] = v.split('.');
  return `${int}.${frac.padEnd(4, '0')}`;
}
