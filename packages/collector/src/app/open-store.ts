import { ConfigError } from '../config/config.js';
import type { Settings } from '../config/config.js';
import { createClickHouseStore } from '../store/clickhouse/store.js';
import { createDuckDBStore } from '../store/duckdb/store.js';
import type { Store } from '../store/ports.js';

/**
 * The store the settings name (CARTBEACON_STORAGE): DuckDB in the data dir, or a ClickHouse
 * server or cluster. A ClickHouse that cannot be reached or refuses the schema stops the
 * start with one line naming the setting (the spool needs the store's position to start).
 */
export async function openStore(
  settings: Pick<Settings, 'storage' | 'dataDir' | 'clickhouseUrl' | 'clickhouse' | 'memoryLimit'>,
): Promise<Store> {
  if (settings.storage === 'clickhouse') {
    const ch = settings.clickhouse ?? { url: settings.clickhouseUrl ?? 'http://127.0.0.1:8123', database: 'cartbeacon', username: 'default', password: '' };
    try {
      return await createClickHouseStore({ ...ch, dataDir: settings.dataDir });
    } catch (e) {
      const cause = (e as Error).message.replace(/^ClickHouse \w+ failed: /, '');
      throw new ConfigError(
        `CARTBEACON_CLICKHOUSE_URL "${ch.url}" (database ${ch.database}${ch.cluster ? `, cluster ${ch.cluster}` : ''}): ClickHouse cannot be used: ${cause}`,
      );
    }
  }
  return createDuckDBStore({ dataDir: settings.dataDir, memoryLimit: settings.memoryLimit });
}
