import { COLUMN_LIST } from '../columns.js';
import type { ColumnKind } from '../columns.js';
import type { StoredEvent } from '../event.js';

/**
 * The `events` table in DuckDB, made from the one column table (store/columns.ts): its
 * DDL, the reading of rows from their JSON lines (store/event-json.ts), and the reading of
 * a stored row back.
 */

const TYPES: Record<ColumnKind, string> = {
  text: 'VARCHAR',
  money: 'DECIMAL(18,4)',
  ms: 'TIMESTAMPTZ',
  double: 'DOUBLE',
  bool: 'BOOLEAN',
  json: 'JSON',
};

const COLUMN_DDL = COLUMN_LIST.map(([, col]) => `${col.name} ${TYPES[col.kind]}${col.nullable ? '' : ' NOT NULL'}`).join(',\n  ');

/** The events table. No primary key: its index would hold every event id in memory (store/duckdb/load.ts dedups). */
export const eventsTable = (name = 'events') => `CREATE TABLE IF NOT EXISTS ${name} (\n  ${COLUMN_DDL}\n);`;

/** How each kind is read from a JSON line: money as text (JSON numbers go through doubles), times as ms. */
const JSON_TYPES: Record<ColumnKind, string> = { text: 'VARCHAR', money: 'VARCHAR', ms: 'BIGINT', double: 'DOUBLE', bool: 'BOOLEAN', json: 'JSON' };
const FROM_JSON: Record<ColumnKind, (field: string) => string> = {
  text: (f) => f,
  bool: (f) => f,
  double: (f) => f,
  money: (f) => `${f}::DECIMAL(18,4)`,
  ms: (f) => `epoch_ms(${f})::TIMESTAMPTZ`,
  json: (f) => f,
};
const quoted = (s: string) => `"${s}"`;

/** The SELECT of every column from a file of JSON lines (read_json with the columns spelled out: no guessing). */
export const selectFromLines = (file: string) => {
  const columns = COLUMN_LIST.map(([key, col]) => `${quoted(key)}: '${JSON_TYPES[col.kind]}'`).join(', ');
  const exprs = COLUMN_LIST.map(([key, col]) => `${FROM_JSON[col.kind](quoted(key))} AS ${col.name}`).join(', ');
  return `SELECT ${exprs} FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {${columns}})`;
};

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
