import { writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StateEntry } from '../event.js';
import type { LoadResult } from '../ports.js';
import { selectFromLines } from './rows.js';
import { SET_POSITION } from './schema.js';
import { writeState } from './state.js';

const DAY_MS = 86_400_000;
/**
 * How far back a repeat of an event that carries no time of its own (its time is when
 * the collector received it) is looked for: a retry of the same request within a week.
 */
export const RECEIVED_REPEAT_WINDOW_MS = 7 * DAY_MS;

/** The writer connection's staging table: the columns of events, and whether a row is new. */
export const STAGING = `CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT *, true AS keep FROM events LIMIT 0`;

/**
 * Repeats of stored events, found without an index of every event id: a repeat carries
 * the time of its first sending (the tracker's events and every event with a `timestamp`
 * of its own), so it is looked for among that day's rows only, which DuckDB finds by its
 * min/max statistics on `ts`; an event timed by its receipt (ts = received_at) among the
 * rows of the week before. Runs inside the load's transaction, on its staging rows.
 */
async function markRepeats(c: DuckDBConnection) {
  // Repeats within the batch: the first one counts.
  await c.run(`UPDATE staging SET keep = false WHERE rowid IN (
    SELECT rowid FROM (SELECT rowid, row_number() OVER (PARTITION BY account_id, event_id ORDER BY rowid) AS n FROM staging) WHERE n > 1)`);
  const windows = (
    await c.runAndReadAll(`
      SELECT DISTINCT epoch_ms(ts) // ${DAY_MS} * ${DAY_MS} AS lo, lo + ${DAY_MS} AS hi, false AS received FROM staging WHERE ts <> received_at
      UNION ALL
      SELECT min(epoch_ms(received_at)) - ${RECEIVED_REPEAT_WINDOW_MS}, max(epoch_ms(received_at)) + 1, true FROM staging WHERE ts = received_at HAVING count(*) > 0`)
  ).getRows() as [bigint, bigint, boolean][];
  for (const [lo, hi, received] of windows) {
    await c.run(
      `UPDATE staging SET keep = false
       FROM (SELECT account_id, event_id FROM events WHERE ts >= epoch_ms($lo::BIGINT)::TIMESTAMPTZ AND ts < epoch_ms($hi::BIGINT)::TIMESTAMPTZ) e
       WHERE staging.keep AND ${received ? 'staging.ts = staging.received_at' : 'staging.ts <> staging.received_at AND staging.ts >= epoch_ms($lo::BIGINT)::TIMESTAMPTZ AND staging.ts < epoch_ms($hi::BIGINT)::TIMESTAMPTZ'}
         AND e.account_id = staging.account_id AND e.event_id = staging.event_id`,
      { lo, hi },
    );
  }
}

/** A held event is released by a later page view of the same visitor (in this batch or after). */
async function releaseHeld(c: DuckDBConnection) {
  const visitors = `SELECT account_id, user_id, max(ts) AS ts FROM staging WHERE keep AND name = 'PAGE_VIEW' AND NOT held GROUP BY ALL`;
  const due = await c.runAndReadAll(
    `SELECT 1 FROM events e JOIN (${visitors}) p ON e.account_id = p.account_id AND e.user_id = p.user_id WHERE e.held AND e.ts < p.ts LIMIT 1`,
  );
  if (!due.currentRowCount) return;
  await c.run(`UPDATE events SET held = false FROM (${visitors}) p
    WHERE events.held AND events.account_id = p.account_id AND events.user_id = p.user_id AND events.ts < p.ts`);
}

/**
 * Loads a batch in one transaction on the writer connection: the rows (JSON lines, read by
 * DuckDB itself from `file`), less the repeats of stored events; the releases of held
 * events; the vendor state; and the spool position after the batch, so that a crash
 * anywhere in it neither loses nor doubles a row.
 */
export async function loadBatch(
  c: DuckDBConnection,
  file: string,
  batch: { lines: string; state: StateEntry[]; position?: string },
): Promise<LoadResult> {
  const result: LoadResult = { stored: 0, duplicates: 0, byChannel: {}, repeats: [] };
  if (batch.lines) await writeFile(file, batch.lines);
  await c.run('BEGIN TRANSACTION');
  try {
    if (batch.lines) {
      await c.run(`INSERT INTO staging SELECT *, true FROM (${selectFromLines(file)})`);
      await markRepeats(c);
      await c.run('INSERT INTO events SELECT * EXCLUDE (keep) FROM staging WHERE keep ORDER BY rowid');
      await releaseHeld(c);
      const counts = await c.runAndReadAll(
        `SELECT channel, count(*) FILTER (WHERE keep)::INTEGER, count(*) FILTER (WHERE NOT keep)::INTEGER FROM staging GROUP BY channel`,
      );
      for (const [channel, stored, duplicates] of counts.getRows() as [string, number, number][]) {
        result.byChannel[channel] = { stored, duplicates };
        result.stored += stored;
        result.duplicates += duplicates;
      }
      if (result.duplicates) {
        const rows = await c.runAndReadAll(`SELECT (rowid - (SELECT min(rowid) FROM staging))::INTEGER FROM staging WHERE NOT keep ORDER BY 1`);
        result.repeats = rows.getRows().map(([i]) => i as number);
      }
      await c.run('DELETE FROM staging');
    }
    if (batch.state.length) await writeState(c, batch.state);
    if (batch.position !== undefined) await c.run(SET_POSITION, { position: batch.position });
    await c.run('COMMIT');
    return result;
  } catch (e) {
    await c.run('ROLLBACK').catch(() => {});
    await c.run('DELETE FROM staging').catch(() => {});
    throw e;
  }
}
