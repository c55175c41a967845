import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { Params } from './conditions.js';

/**
 * Runs `fn` on a connection of its own, closed after: reports run beside each other and
 * beside the writer.
 */
export async function withConnection<T>(instance: DuckDBInstance, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

/** A query's rows as JS objects (BIGINTs as bigint, lists as arrays). */
export const readRows = async (c: DuckDBConnection, sql: string, params: Params) =>
  (await c.runAndReadAll(sql, params.values)).getRowObjectsJS();
