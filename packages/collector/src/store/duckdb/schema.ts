import type { DuckDBConnection } from '@duckdb/node-api';
import { eventsTable } from './rows.js';
import { STATE_TABLE } from './state.js';

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

/** A step of the schema from the version before to `to`. */
interface Migration {
  to: number;
  run(c: DuckDBConnection): Promise<void>;
}

/**
 * The store's schema, versioned in `cartbeacon_meta`: the steps from each version to the
 * next, in order. Version 1 (no `cartbeacon_meta` yet, found by its `events` table) had
 * events with a primary key on (account_id, event_id), and vendor_states. A file older than
 * the collector is taken through every step after its version at open, each step in one
 * transaction with its version (a crash mid-way leaves the version before, and the step
 * runs again at the next start). A new step goes at the end; a released one never changes.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    // 2: events without the key (its index held every event id in memory; load.ts finds
    // repeats by their time instead), rows rewritten in time order; recent_ids; the spool
    // position in cartbeacon_meta.
    to: 2,
    async run(c) {
      await c.run(eventsTable('events_v2'));
      await c.run('INSERT INTO events_v2 SELECT * FROM events ORDER BY ts');
      await c.run('DROP TABLE events');
      await c.run('ALTER TABLE events_v2 RENAME TO events');
      await c.run(RECENT_IDS);
    },
  },
];

/** The schema version this collector writes. */
export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.to;

/** Runs `fn` and sets the version to `to` in one transaction. */
async function step(c: DuckDBConnection, to: number, fn: () => Promise<void>): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await c.run(META);
    await fn();
    await c.run(setVersion(to));
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK').catch(() => {});
    throw e;
  }
}

/**
 * Creates the schema in a new file, or migrates an older one to SCHEMA_VERSION; refuses a
 * file of a newer version (a downgrade: restore the backup taken before the upgrade).
 * @returns the version the file had (0 for a new one)
 */
export async function migrate(c: DuckDBConnection): Promise<number> {
  const version = await versionOf(c);
  if (version > SCHEMA_VERSION)
    throw new Error(`the database file has schema version ${version}, newer than this collector's ${SCHEMA_VERSION}: upgrade the collector`);
  if (version === 0) {
    await step(c, SCHEMA_VERSION, async () => {
      await c.run(STATE_TABLE);
      await c.run(eventsTable());
      await c.run(RECENT_IDS);
    });
    return version;
  }
  for (const m of MIGRATIONS) if (m.to > version) await step(c, m.to, () => m.run(c));
  return version;
}

/** The spool position the last load committed, or undefined. */
export const loadedPosition = async (c: DuckDBConnection): Promise<string | undefined> =>
  ((await one(c, `SELECT value FROM cartbeacon_meta WHERE key = 'spool_position'`)) as string | undefined) ?? undefined;

export const SET_POSITION = `INSERT OR REPLACE INTO cartbeacon_meta VALUES ('spool_position', $position)`;
