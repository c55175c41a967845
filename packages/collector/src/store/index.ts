export type * from './ports.js';
export type { StoredEvent, StateEntry } from './event.js';
export { EVENT_COLUMNS } from './columns.js';
export { eventLine, keyLine, loadBatchOf } from './event-json.js';
export { createDuckDBStore } from './duckdb/store.js';
export type { DuckDBStore, DuckDBStoreOptions } from './duckdb/store.js';
