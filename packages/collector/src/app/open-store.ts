import type { Settings } from '../config/config.js';
import { createClickHouseStore } from '../store/clickhouse/store.js';
import { createDuckDBStore } from '../store/duckdb/store.js';
import type { Store } from '../store/ports.js';

/** The store the settings name (CARTBEACON_STORAGE): DuckDB in the data dir, or a ClickHouse server or cluster. */
export async function openStore(
  settings: Pick<Settings, 'storage' | 'dataDir' | 'clickhouseUrl' | 'clickhouse' | 'memoryLimit'>,
): Promise<Store> {
  if (settings.storage === 'clickhouse') {
    const ch = settings.clickhouse ?? { url: settings.clickhouseUrl ?? 'http://127.0.0.1:8123', database: 'cartbeacon', username: 'default', password: '' };
    return createClickHouseStore({ ...ch, dataDir: settings.dataDir });
  }
  return createDuckDBStore({ dataDir: settings.dataDir, memoryLimit: settings.memoryLimit });
}
