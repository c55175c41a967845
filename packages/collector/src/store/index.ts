import { ConfigError } from '../config.js';
import type { Settings } from '../config.js';
import { createDuckDBStore } from './duckdb.js';
import type { Store } from './types.js';

export type { Store, StoredEvent, InsertResult, InsertOptions, StateEntry } from './types.js';
export { createDuckDBStore } from './duckdb.js';
export type { DuckDBStore, DuckDBStoreOptions } from './duckdb.js';

/** The store the settings name (CARTBEACON_STORAGE). */
export async function openStore(settings: Pick<Settings, 'storage' | 'dataDir' | 'clickhouseUrl' | 'memoryLimit'>): Promise<Store> {
  if (settings.storage === 'duckdb') return createDuckDBStore({ dataDir: settings.dataDir, memoryLimit: settings.memoryLimit });
  throw new ConfigError(`CARTBEACON_STORAGE "${settings.storage}" is not available in this version; use "duckdb"`);
}
