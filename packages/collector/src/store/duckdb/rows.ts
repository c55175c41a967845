import { DuckDBDecimalValue, DuckDBTimestampTZValue } from '@duckdb/node-api';
import type { DuckDBAppender } from '@duckdb/node-api';
import { COLUMN_LIST } from '../columns.js';
import type { ColumnKind } from '../columns.js';
import type { StoredEvent } from '../event.js';

/**
 * The `events` table in DuckDB, made from the one column table (store/columns.ts): its
 * DDL, the appender of a row and the reader of one.
 */

const TYPES: Record<ColumnKind, string> = {
  text: 'VARCHAR',
  money: 'DECIMAL(18,4)',
  ms: 'TIMESTAMPTZ',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  json: 'JSON',
};

export const EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  ${COLUMN_LIST.map(([, col]) => `${col.name} ${TYPES[col.kind]}${col.nullable ? '' : ' NOT NULL'}`).join(',\n  ')},
  PRIMARY KEY (account_id, event_id)
);`;

const micros = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);

const MAX_DECIMAL_18 = 10n ** 18n - 1n;

/** "349.99" → 3499900n at scale 4; the validator guarantees the shape. */
function decimal4(v: string): DuckDBDecimalValue {
  const [int, frac = ''] = v.split('.');
  const neg = int!.startsWith('-');
  const digits = BigInt((neg ? int!.slice(1) : int!) + (frac + '0000').slice(0, 4));
  // Round half away from zero on the fifth decimal, but never past the column's 18 digits
  // (99999999999999.99995 is kept as 99999999999999.9999, the largest it can hold).
  const round = frac.length > 4 && frac[4]! >= '5' && digits < MAX_DECIMAL_18 ? 1n : 0n;
  return new DuckDBDecimalValue((digits + round) * (neg ? -1n : 1n), 18, 4);
}

type Append = (a: DuckDBAppender, v: never) => void;
const APPEND: Record<ColumnKind, Append> = {
  text: (a, v: string) => a.appendVarchar(v),
  json: (a, v: string) => a.appendVarchar(v),
  money: (a, v: string) => a.appendDecimal(decimal4(v)),
  ms: (a, v: number) => a.appendTimestampTZ(micros(v)),
  double: (a, v: number) => a.appendDouble(v),
  bool: (a, v: boolean) => a.appendBoolean(v),
};
const appenders = COLUMN_LIST.map(([key, col]) => [key, APPEND[col.kind]] as const);

/** Appends one event as a row of `events` (or of a table of the same columns). */
export function appendEvent(a: DuckDBAppender, e: StoredEvent) {
  for (const [key, append] of appenders) {
    const v = e[key];
    if (v === null) a.appendNull();
    else append(a, v as never);
  }
  a.endRow();
}

/** Each column read back as the JS value StoredEvent holds: times as ms, money and JSON as text. */
const READ: Record<ColumnKind, (name: string) => string> = {
  text: (n) => n,
  bool: (n) => n,
  double: (n) => n,
  ms: (n) => `epoch_ms(${n}) AS ${n}`,
  money: (n) => `${n}::VARCHAR AS ${n}`,
  json: (n) => `${n}::VARCHAR AS ${n}`,
};

/** The select list that reads every column for `eventOf`. */
export const EVENT_SELECT = COLUMN_LIST.map(([, col]) => READ[col.kind](col.name)).join(', ');

/** A row read with EVENT_SELECT as a StoredEvent. */
export function eventOf(row: Record<string, unknown>): StoredEvent {
  const e: Record<string, unknown> = {};
  for (const [key, col] of COLUMN_LIST) {
    const v = row[col.name];
    e[key] = v === null || v === undefined ? null : col.kind === 'ms' || col.kind === 'double' ? Number(v) : v;
  }
  return e as unknown as StoredEvent;
}
