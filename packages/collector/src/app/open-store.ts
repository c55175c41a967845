import { ConfigError } from '../config/config.js';
import type { Settings } from '../config/config.js';
import { createDuckDBStore } from '../store/duckdb/store.js';
import type { Store } from '../store/ports.js';

/** The store the settings name (CARTBEACON_STORAGE). */
export async function openStore(settings: Pick<Settings, 'storage' | 'dataDir' | 'clickhouseUrl' | 'memoryLimit'>): Promise<Store> {
  if (settings.storage === 'duckdb') return createDuckDBStore({ dataDir: settings.dataDir, memoryLimit: settings.memoryLimit });
  throw new ConfigError(`CARTBEACON_STORAGE "${settings.storage}" is not available in this version; use "duckdb"`);
}
