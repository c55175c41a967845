import type { Db } from '../db.js';
import { inList, literal, quote } from '../sql.js';

/** Marks of a range beyond this many are read by a subquery instead of being written into the SQL. */
const INLINE_MARKS = 20_000;

/** Rows whose `ts_ms` is in [start, end) (ms). */
const msBetween = (start: number, end: number) => `ts_ms >= ${literal(Math.trunc(start))} AND ts_ms < ${literal(Math.ceil(end))}`;

/**
 * Events of [start, end) (ms): by `ts_ms`, the sort key after the account, and by `ts`,
 * which prunes the monthly partitions.
 */
export const between = (start: number, end: number) =>
  `${msBetween(start, end)} AND ts >= toDateTime(${literal(Math.floor(start / 1000))}) AND ts <= toDateTime(${literal(Math.ceil(end / 1000))})`;

/** The rows of an account in a range, less the later copies of stored ids, and which are still held back. */
export interface RangeRows {
  /** `FROM event_rows WHERE` the account, the range and not a repeat. */
  from: string;
  /** A UInt8 over a row: held back (held, without a `released` mark). */
  stillHeld: string;
}

/**
 * The rows of `event_rows` of an account in [start, end) that are stored events (not a
 * later copy of a stored id: a `repeat` mark), and whether each is still held back.
 *
 * The marks of the range are read first: usually there are none (a repeat is kept out as
 * it is loaded; a mark is the rare copy two collectors loaded at once, or a released held
 * event), and the query has no filter for them; a few are written into the SQL as values;
 * many are left to subqueries (on a cluster, GLOBAL: read once, sent to every shard). Over
 * 10 million events the three cost the same to within the noise
 * (bench/clickhouse/reports.mjs): the lookups are cheap, the subqueries only avoided.
 */
export async function rangeRows(db: Db, accountId: string, start: number, end: number): Promise<RangeRows> {
  const account = quote(accountId);
  const marksOf = (kind: string) => `SELECT seq FROM ${db.table('event_marks')} WHERE account_id = ${account} AND kind = '${kind}' AND ${msBetween(start, end)}`;
  const marks = await db.query<{ kind: string; seq: string }>(
    `SELECT kind, seq FROM ${db.table('event_marks')} WHERE account_id = ${account} AND ${msBetween(start, end)} LIMIT ${INLINE_MARKS + 1}`,
  );
  let repeat: string;
  let released: string;
  if (marks.length > INLINE_MARKS) {
    repeat = `AND seq ${db.global}NOT IN (${marksOf('repeat')})`;
    released = `seq ${db.global}IN (${marksOf('released')})`;
  } else {
    const of = (kind: string) => marks.filter((m) => m.kind === kind).map((m) => BigInt(m.seq));
    const [repeats, releases] = [of('repeat'), of('released')];
    repeat = repeats.length ? `AND seq NOT IN ${inList(repeats)}` : '';
    released = releases.length ? `seq IN ${inList(releases)}` : '0';
  }
  return {
    from: `FROM ${db.table('event_rows')}
    WHERE account_id = ${account} ${repeat} AND ${between(start, end)}`,
    stillHeld: released === '0' ? 'held' : `(held = 1 AND NOT (${released}))`,
  };
}

/**
 * The rows of `event_rows` that count in [start, end), as the `FROM … WHERE …` of a
 * report's query — the one definition every report uses: the account's events that are
 * not test-mode, not from bots, not a later copy of a stored id (a `repeat` mark) and not
 * held back (held, without a `released` mark).
 */
export async function countedRows(db: Db, accountId: string, start: number, end: number): Promise<string> {
  const { from, stillHeld } = await rangeRows(db, accountId, start, end);
  return `${from} AND test_mode = 0 AND is_bot = 0 AND ${stillHeld === 'held' ? 'held = 0' : `NOT ${stillHeld}`}`;
}
