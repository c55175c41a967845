import type { DuckDBInstance } from '@duckdb/node-api';
import { withConnection } from './connection.js';

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Copies the whole database into a new DuckDB file, in one transaction on a connection of
 * its own: the copy is the snapshot of its start (a load commits its events and its spool
 * position together, so the copy holds both or neither), while the writer goes on. The
 * copy is checkpointed when detached: one file, no WAL.
 */
export async function copyDatabase(instance: DuckDBInstance, file: string): Promise<void> {
  await withConnection(instance, async (c) => {
    const db = String((await c.runAndReadAll('SELECT current_database()')).getRows()[0]![0]);
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run(`ATTACH ${quote(file)} AS cartbeacon_backup`);
      await c.run(`COPY FROM DATABASE "${db.replaceAll('"', '""')}" TO cartbeacon_backup`);
      await c.run('COMMIT');
    } catch (e) {
      await c.run('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      await c.run('DETACH DATABASE IF EXISTS cartbeacon_backup').catch(() => {});
    }
  });
}
