import type { DuckDBConnection } from '@duckdb/node-api';
import type { StateEntry } from '../event.js';

/**
 * Server-side state of the vendor-compatible APIs, one JSON value per
 * (account, kind, key): a Yespo cart by recycleStateId, the session derived for a visitor,
 * a Da Vinci browser, session or identity by id. It lives beside `events` in the same file,
 * and is written in the same transaction as the events it goes with, so that a restart
 * (or a failed commit) never leaves a cart or a session out of step with the events.
 */
export const STATE_TABLE = `
CREATE TABLE IF NOT EXISTS vendor_states (
  id VARCHAR PRIMARY KEY,
  account_id VARCHAR NOT NULL,
  kind VARCHAR NOT NULL,
  key VARCHAR NOT NULL,
  -- JSON text, kept as VARCHAR: DuckDB's JSON type refuses what JSON.stringify writes for
  -- a lone surrogate ("\\ud800"), and a visitor's string must never fail a commit.
  value VARCHAR NOT NULL,
  updated_at TIMESTAMPTZ NOT NULL
);`;

/** The writer connection's own staging table for an upsert of many entries at once. */
export const STATE_STAGING = `CREATE TEMP TABLE IF NOT EXISTS state_staging (id VARCHAR, account_id VARCHAR, kind VARCHAR, key VARCHAR, value VARCHAR);`;

/**
 * The row key: (account, kind, key) in one column, because DuckDB looks rows up through
 * a single-column index (1 ms among a million rows) but scans for a composite key (100 ms).
 */
const idOf = (accountId: string, kind: string, key: string) => `${accountId}\u0000${kind}\u0000${key}`;

const UPSERT = `
INSERT INTO vendor_states SELECT id, account_id, kind, key, value, now() FROM state_staging
ON CONFLICT (id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`;

const SELECT = `SELECT value AS v FROM vendor_states WHERE id = $id`;

/**
 * Writes state entries inside the caller's open transaction, on the connection that ran
 * STATE_STAGING (its staging table is that connection's): one upsert for the whole group
 * (200 entries in 30 ms where one statement each takes a second). The last entry for a
 * key wins: DuckDB refuses to update one row twice in a statement, and a group commit may
 * hold several requests' writes to the same key, in order.
 */
export async function writeState(c: DuckDBConnection, entries: StateEntry[]): Promise<void> {
  const last = new Map<string, StateEntry>();
  for (const e of entries) last.set(idOf(e.accountId, e.kind, e.key), e);
  const appender = await c.createAppender('state_staging');
  for (const [id, e] of last) {
    appender.appendVarchar(id);
    appender.appendVarchar(e.accountId);
    appender.appendVarchar(e.kind);
    appender.appendVarchar(e.key);
    appender.appendVarchar(e.value);
    appender.endRow();
  }
  appender.closeSync();
  try {
    await c.run(UPSERT);
  } finally {
    await c.run('DELETE FROM state_staging');
  }
}

/** The JSON value stored for a key, or undefined. */
export async function readState(c: DuckDBConnection, accountId: string, kind: string, key: string): Promise<string | undefined> {
  const r = await c.runAndReadAll(SELECT, { id: idOf(accountId, kind, key) });
  const row = r.getRowObjects()[0];
  return row ? (row.v as string) : undefined;
}
