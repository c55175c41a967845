import type { PageNavigationQuery, PageNavigationStats } from '../../queries.js';
import type { Db } from '../db.js';
import { quote } from '../sql.js';
import { conditionSql } from './conditions.js';
import { countedRows } from './counted.js';

/** Page views per local hour and weekday (168 buckets), of rows `from` (a FROM … WHERE … of page views with `ts`). */
const bucketsSql = (timeZone: string, from: string) => `
SELECT toHour(local) AS h, toDayOfWeek(local) AS d, count() AS views
FROM (SELECT toTimeZone(ts, ${quote(timeZone)}) AS local ${from})
GROUP BY h, d`;

/**
 * A page-navigation workflow: sessions enter at their first event matching the entry
 * condition in the interval (without one, at their first event) and their page views from
 * there on are counted by local hour and weekday; with the distinct visitors and sessions
 * of the entering events. Hours and weekdays come from toTimeZone, which follows the
 * zone's daylight saving (ClickHouse 18.16 and current alike).
 */
export async function pageNavigation(db: Db, query: PageNavigationQuery): Promise<PageNavigationStats> {
  const rows = await countedRows(db, query.accountId, query.start, query.end);
  const entry = query.entry ? conditionSql(query.entry) : '1';
  const views = query.entry
    ? `FROM (SELECT session_id, ts, ts_ms ${rows} AND name = 'PAGE_VIEW') AS views
       ALL INNER JOIN (SELECT session_id, min(ts_ms) AS entered ${rows} AND ${entry} GROUP BY session_id) AS runs USING session_id
       WHERE ts_ms >= entered`
    : `${rows} AND name = 'PAGE_VIEW'`;
  const [buckets, [unique]] = await Promise.all([
    db.query<{ h: number; d: number; views: string }>(bucketsSql(query.timeZone, views)),
    db.query<{ visitors: string; sessions: string }>(`SELECT uniqExact(user_id) AS visitors, uniqExact(session_id) AS sessions ${rows} AND ${entry}`),
  ]);
  const hours = Array.from({ length: 24 }, (_, h): [number, number] => [0, h]);
  const days = Array.from({ length: 7 }, (_, d): [number, number] => [0, d + 1]);
  for (const b of buckets) {
    hours[Number(b.h)]![0] += Number(b.views);
    days[Number(b.d) - 1]![0] += Number(b.views);
  }
  const stats: PageNavigationStats = { hourInDay: hours, uniqueVisitors: Number(unique!.visitors), uniqueSessions: Number(unique!.sessions) };
  if (query.days) stats.dayInWeek = days;
  return stats;
}
