import { ConfigError } from '../config/config.js';
import type { Settings } from '../config/config.js';
import { createDuckDBStore } from './duckdb/store.js';
import type { Store } from './ports.js';

export type { Store, StoredEvent, InsertResult, InsertOptions, StateEntry } from './ports.js';
export { createDuckDBStore } from './duckdb/store.js';
export type { DuckDBStore, DuckDBStoreOptions } from './duckdb/store.js';

/** The store the settings name (CARTBEACON_STORAGE). */
export async function openStore(settings: Pick<Settings, 'storage' | 'dataDir' | 'clickhouseUrl' | 'memoryLimit'>): Promise<Store> {
  if (settings.storage === 'duckdb') return createDuckDBStore({ dataDir: settings.dataDir, memoryLimit: settings.memoryLimit });
  throw new ConfigError(`CARTBEACON_STORAGE "${settings.storage}" is not available in this version; use "duckdb"`);
}
