import { rm, writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { StateEntry } from '../event.js';
import type { LoadResult } from '../ports.js';
import { selectFromLines } from './rows.js';
import { SET_POSITION } from './schema.js';
import { writeState } from './state.js';

const DAY_MS = 86_400_000;
/**
 * How long an event's id is kept in recent_ids: a repeat that comes within a week is found
 * whatever its time; one that comes later is found only with the same time as the first.
 */
export const RECEIVED_REPEAT_WINDOW_MS = 7 * DAY_MS;
/** Events more than this far apart in time are looked for in separate ranges of rows. */
const CLUSTER_GAP_MS = 3_600_000;

/**
 * The writer connection's table of a load's keys (store/event-json.ts keyLine), and
 * whether each row is new. Narrow: repeats and releases are worked out here, and the wide
 * rows are read once, straight into `events`.
 */
const KEYS = (file: string) => `CREATE OR REPLACE TEMP TABLE load_keys AS
  SELECT n, a AS account_id, e AS event_id, epoch_ms(t)::TIMESTAMPTZ AS ts, epoch_ms(r)::TIMESTAMPTZ AS received_at,
         c AS channel, u AS user_id, p AS releases, true AS keep
  FROM read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited',
    columns = {n: 'INTEGER', a: 'VARCHAR', e: 'VARCHAR', t: 'BIGINT', r: 'BIGINT', c: 'VARCHAR', u: 'VARCHAR', p: 'BOOLEAN'})`;

/** Marks as repeats the keys that match a stored row of the same id and time in [lo, hi). */
const markStored = (c: DuckDBConnection, lo: bigint, hi: bigint) =>
  c.run(
    `UPDATE load_keys SET keep = false
     FROM (SELECT account_id, event_id, ts FROM events WHERE ts >= epoch_ms($lo::BIGINT)::TIMESTAMPTZ AND ts < epoch_ms($hi::BIGINT)::TIMESTAMPTZ) e
     WHERE load_keys.keep AND e.ts = load_keys.ts AND e.account_id = load_keys.account_id AND e.event_id = load_keys.event_id`,
    { lo, hi },
  );

/** The ranges [lo, hi) of ms that the times `of` (a query of one column t) fall in, in clusters. */
async function clusters(c: DuckDBConnection, of: string): Promise<[bigint, bigint][]> {
  const r = await c.runAndReadAll(`
    SELECT min(t), max(t) + 1 FROM (
      SELECT t, sum(gap) OVER (ORDER BY t) AS cluster FROM (
        SELECT t, CASE WHEN t - lag(t) OVER (ORDER BY t) > ${CLUSTER_GAP_MS} THEN 1 ELSE 0 END AS gap FROM (SELECT DISTINCT t FROM (${of}))))
    GROUP BY cluster`);
  return r.getRows() as [bigint, bigint][];
}

/**
 * Repeats of stored events, found without an index of every event id. A repeat of an
 * event that carries its own time (the tracker's, and every event sent with a
 * `timestamp`) mostly has the same time however late it comes, so it is looked for among
 * the rows of that time only, which DuckDB finds by its min/max statistics on `ts`. Any
 * repeat within a week, whatever its time, is found through recent_ids. Runs inside the
 * load's transaction.
 */
async function markRepeats(c: DuckDBConnection) {
  // Repeats within the batch: the first one counts.
  await c.run(`UPDATE load_keys SET keep = false WHERE n IN (
    SELECT n FROM (SELECT n, row_number() OVER (PARTITION BY account_id, event_id ORDER BY n) AS k FROM load_keys) WHERE k > 1)`);
  for (const [lo, hi] of await clusters(c, 'SELECT epoch_ms(ts) AS t FROM load_keys')) await markStored(c, lo, hi);
  // Within the week, whatever their time: the stored time of an earlier one with the same id's hash.
  await c.run(`CREATE OR REPLACE TEMP TABLE earlier AS
    SELECT s.n, epoch_ms(k.ts) AS t FROM load_keys s JOIN recent_ids k ON k.k = hash(s.account_id, s.event_id) WHERE s.keep`);
  for (const [lo, hi] of await clusters(c, 'SELECT t FROM earlier'))
    await c.run(
      `UPDATE load_keys SET keep = false
       FROM (SELECT x.n, e.account_id, e.event_id FROM earlier x JOIN events e ON e.ts = epoch_ms(x.t)::TIMESTAMPTZ
             WHERE e.ts >= epoch_ms($lo::BIGINT)::TIMESTAMPTZ AND e.ts < epoch_ms($hi::BIGINT)::TIMESTAMPTZ) m
       WHERE load_keys.n = m.n AND m.account_id = load_keys.account_id AND m.event_id = load_keys.event_id`,
      { lo, hi },
    );
  await c.run(`INSERT INTO recent_ids SELECT hash(account_id, event_id), ts, received_at FROM load_keys WHERE keep`);
}

/** Forgets the recent ids older than the repeat window (run now and then, not in every load). */
export const PRUNE_RECENT_IDS = (now: number) => `DELETE FROM recent_ids WHERE received_at < epoch_ms(${Math.trunc(now - RECEIVED_REPEAT_WINDOW_MS)}::BIGINT)::TIMESTAMPTZ`;

/** A held event is released by a later page view of the same visitor (in this batch or after). */
async function releaseHeld(c: DuckDBConnection) {
  const visitors = `SELECT account_id, user_id, max(ts) AS ts FROM load_keys WHERE keep AND releases GROUP BY ALL`;
  const due = await c.runAndReadAll(
    `SELECT 1 FROM events e JOIN (${visitors}) p ON e.account_id = p.account_id AND e.user_id = p.user_id WHERE e.held AND e.ts < p.ts LIMIT 1`,
  );
  if (!due.currentRowCount) return;
  await c.run(`UPDATE events SET held = false FROM (${visitors}) p
    WHERE events.held AND events.account_id = p.account_id AND events.user_id = p.user_id AND events.ts < p.ts`);
}

/** JSON lines less those numbered in `skip` (ascending). */
function withoutLines(lines: Uint8Array, skip: readonly number[]): Uint8Array {
  const bytes = Buffer.from(lines.buffer, lines.byteOffset, lines.byteLength);
  const kept: Buffer[] = [];
  const newline = Buffer.from('\n');
  let n = 0;
  let next = 0;
  for (let start = 0; start <= bytes.length; n++) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl < 0 ? bytes.length : nl;
    if (skip[next] === n) next++;
    else kept.push(...(kept.length ? [newline] : []), bytes.subarray(start, end));
    start = end + 1;
  }
  return Buffer.concat(kept);
}

/** Where a load's lines and keys are written for DuckDB to read them itself. */
export interface LoadFiles {
  lines: string;
  keys: string;
}

/**
 * Loads a batch in one transaction on the writer connection: the repeats of stored events
 * are found among the batch's keys; the new rows are read once, by DuckDB from their JSON
 * lines, straight into `events`; then the releases of held events, the vendor state, and
 * the spool position after the batch, so that a crash anywhere in it neither loses nor
 * doubles a row.
 */
export async function loadBatch(
  c: DuckDBConnection,
  files: LoadFiles,
  batch: { lines: Uint8Array; keys: Uint8Array; state: StateEntry[]; position?: string },
): Promise<LoadResult> {
  const result: LoadResult = { stored: 0, duplicates: 0, byChannel: {}, repeats: [] };
  const rows = batch.lines.byteLength > 0;
  if (rows) await writeFile(files.keys, batch.keys);
  await c.run('BEGIN TRANSACTION');
  try {
    if (rows) {
      await c.run(KEYS(files.keys));
      await markRepeats(c);
      const counts = await c.runAndReadAll(
        `SELECT channel, count(*) FILTER (WHERE keep)::INTEGER, count(*) FILTER (WHERE NOT keep)::INTEGER FROM load_keys GROUP BY channel`,
      );
      for (const [channel, stored, duplicates] of counts.getRows() as [string, number, number][]) {
        result.byChannel[channel] = { stored, duplicates };
        result.stored += stored;
        result.duplicates += duplicates;
      }
      if (result.duplicates) {
        const rows = await c.runAndReadAll(`SELECT n FROM load_keys WHERE NOT keep ORDER BY n`);
        result.repeats = rows.getRows().map(([n]) => n as number);
      }
      if (result.stored) {
        // Mostly every row is new and the lines go as they are; else the repeats are left out here.
        await writeFile(files.lines, result.repeats.length ? withoutLines(batch.lines, result.repeats) : batch.lines);
        await c.run(`INSERT INTO events ${selectFromLines(files.lines)}`);
        await releaseHeld(c);
      }
    }
    if (batch.state.length) await writeState(c, batch.state);
    if (batch.position !== undefined) await c.run(SET_POSITION, { position: batch.position });
    await c.run('COMMIT');
    return result;
  } catch (e) {
    await c.run('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    // They may be in memory: held no longer than the load.
    if (rows) await Promise.all([rm(files.lines, { force: true }), rm(files.keys, { force: true })]);
  }
}
