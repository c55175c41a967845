import type { DuckDBConnection } from '@duckdb/node-api';
import { eventsTable } from './rows.js';
import { STATE_TABLE } from './state.js';

/**
 * The store's schema, versioned in `cartbeacon_meta` and migrated at open, each step in
 * one transaction (so a crash mid-way leaves the previous version):
 * 1. events with a primary key on (account_id, event_id); vendor_states.
 * 2. events without the key (its index held every event id in memory; load.ts finds
 *    repeats by their time instead), rows rewritten in time order; recent_ids; the spool
 *    position.
 */
export const SCHEMA_VERSION = 2;

/**
 * The ids of the last week's events, by a 64-bit hash, with the time each was stored
 * under: a repeat that comes with another time (a backend that stamps a retry anew, an
 * event timed by its receipt) is found here, then confirmed among the rows of that time.
 * No index: a load joins its rows against it (a week of 24-byte rows, scanned), so memory
 * holds none of it, and a week is all it keeps.
 */
export const RECENT_IDS = `CREATE TABLE IF NOT EXISTS recent_ids (k UBIGINT NOT NULL, ts TIMESTAMPTZ NOT NULL, received_at TIMESTAMPTZ NOT NULL)`;

const META = `CREATE TABLE IF NOT EXISTS cartbeacon_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`;

const one = async (c: DuckDBConnection, sql: string) => (await c.runAndReadAll(sql)).getRows()[0]?.[0];

/** The schema version of the open file: 0 for a new one. */
async function versionOf(c: DuckDBConnection): Promise<number> {
  const hasTable = async (name: string) => Number(await one(c, `SELECT count(*) FROM duckdb_tables() WHERE table_name = '${name}' AND NOT temporary`)) > 0;
  if (await hasTable('cartbeacon_meta')) return Number((await one(c, `SELECT value FROM cartbeacon_meta WHERE key = 'schema_version'`)) ?? 0);
  return (await hasTable('events')) ? 1 : 0;
}

const setVersion = (v: number) => `INSERT OR REPLACE INTO cartbeacon_meta VALUES ('schema_version', '${v}')`;

/** Creates or migrates the schema to SCHEMA_VERSION; refuses a file from a newer version. */
export async function migrate(c: DuckDBConnection): Promise<void> {
  const version = await versionOf(c);
  if (version > SCHEMA_VERSION)
    throw new Error(`the database file has schema version ${version}, newer than this collector's ${SCHEMA_VERSION}: upgrade the collector`);
  if (version === SCHEMA_VERSION) return;
  await c.run('BEGIN TRANSACTION');
  try {
    await c.run(META);
    await c.run(STATE_TABLE);
    if (version === 1) {
      await c.run(eventsTable('events_v2'));
      await c.run('INSERT INTO events_v2 SELECT * FROM events ORDER BY ts');
      await c.run('DROP TABLE events');
      await c.run('ALTER TABLE events_v2 RENAME TO events');
    } else await c.run(eventsTable());
    await c.run(RECENT_IDS);
    await c.run(setVersion(SCHEMA_VERSION));
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** The spool position the last load committed, or undefined. */
export const loadedPosition = async (c: DuckDBConnection): Promise<string | undefined> =>
  ((await one(c, `SELECT value FROM cartbeacon_meta WHERE key = 'spool_position'`)) as string | undefined) ?? undefined;

export const SET_POSITION = `INSERT OR REPLACE INTO cartbeacon_meta VALUES ('spool_position', $position)`;
