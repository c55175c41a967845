import type { Db } from '../db.js';
import { literal, quote } from '../sql.js';

/**
 * Which rows of `event_rows` count, the one definition every report uses: the account's
 * events that are not test-mode, not from bots, not a later copy of a stored id (a
 * `repeat` mark) and not held back (held, and no `released` mark).
 */
export function counted(db: Db, accountId: string): string {
  const account = quote(accountId);
  const marks = (kind: string) => `(SELECT seq FROM ${db.table('event_marks')} WHERE account_id = ${account} AND kind = '${kind}')`;
  return `account_id = ${account} AND test_mode = 0 AND is_bot = 0
    AND seq ${db.global}NOT IN ${marks('repeat')}
    AND (held = 0 OR seq ${db.global}IN ${marks('released')})`;
}

/**
 * Events of [start, end) (ms): by `ts_ms`, the sort key after the account, and by `ts`,
 * which prunes the monthly partitions.
 */
export const between = (start: number, end: number) =>
  `ts_ms >= ${literal(Math.trunc(start))} AND ts_ms < ${literal(Math.ceil(end))}
    AND ts >= toDateTime(${literal(Math.floor(start / 1000))}) AND ts <= toDateTime(${literal(Math.ceil(end / 1000))})`;

/** The rows of `event_rows` that count in [start, end): `FROM … WHERE …` for a report's query. */
export const countedBetween = (db: Db, accountId: string, start: number, end: number) =>
  `FROM ${db.table('event_rows')} WHERE ${counted(db, accountId)} AND ${between(start, end)}`;
