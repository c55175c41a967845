export type * from './ports.js';
export type { StoredEvent, StateEntry } from './event.js';
export { EVENT_COLUMNS } from './columns.js';
export { createDuckDBStore } from './duckdb/store.js';
export type { DuckDBStore, DuckDBStoreOptions } from './duckdb/store.js';
export { createClickHouseStore } from './clickhouse/store.js';
export type { ClickHouseStore, ClickHouseStoreOptions } from './clickhouse/store.js';
export type { Db as ClickHouseDb } from './clickhouse/db.js';
export { quote as clickhouseQuote, literal as clickhouseLiteral } from './clickhouse/sql.js';
