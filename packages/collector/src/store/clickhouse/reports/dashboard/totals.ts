import { localDayStart } from '../../../zone.js';
import type { RangeQuery, Realtime, TimeSeriesPoint, TimeSeriesQuery, Totals, HeatmapCell, HeatmapQuery, ExcludedCounts, RealtimeQuery } from '../../../queries.js';
import type { Db } from '../../db.js';
import { quote } from '../../sql.js';
import { countedRows, rangeRows } from '../counted.js';
import { DAY_MS, HOUR_MS, moneyOf, offsetSql, PURCHASE } from './common.js';

/** The latest instant a realtime query reaches (ClickHouse's DateTime ends in 2106). */
const FAR = Date.parse('2100-01-01T00:00:00Z');

type Figures = { visitors: string; sessions: string; page_views: string; orders: string };

/**
 * The headline figures of counted rows (`rows`, a FROM … WHERE …), per the `keys` (SQL
 * `expr AS name`, else one row): the counts in one query, the revenue per currency in
 * another (ClickHouse 18.16 has no CTE to share the scan, and the purchases are few).
 */
async function totalsBy(db: Db, rows: string, keys: string[], names: string[], currency: string) {
  const k = keys.map((x) => `${x}, `).join('');
  const group = names.length ? `GROUP BY ${names.join(', ')}` : '';
  const [counts, revenue] = await Promise.all([
    db.query<Figures & Record<string, string>>(
      `SELECT ${k}uniqExact(user_id) AS visitors, uniqExact(session_id) AS sessions,
         countIf(name = 'PAGE_VIEW') AS page_views, countIf(${PURCHASE}) AS orders
       ${rows} ${group}`,
    ),
    db.query<{ cur: string; value: string } & Record<string, string>>(
      `SELECT ${k}ifNull(currency, ${quote(currency)}) AS cur, toString(sum(total_price)) AS value
       ${rows} AND ${PURCHASE} AND total_price IS NOT NULL
       GROUP BY ${[...names, 'cur'].join(', ')} ORDER BY cur`,
    ),
  ]);
  const keyOf = (r: Record<string, string>) => names.map((n) => r[n]).join('\u0000');
  const money = new Map<string, typeof revenue>();
  for (const m of revenue) (money.get(keyOf(m)) ?? money.set(keyOf(m), []).get(keyOf(m))!).push(m);
  return counts.map((r) => ({
    row: r,
    totals: {
      visitors: Number(r.visitors),
      sessions: Number(r.sessions),
      pageViews: Number(r.page_views),
      orders: Number(r.orders),
      revenue: moneyOf(money.get(keyOf(r)) ?? []),
    } satisfies Totals,
  }));
}

export async function totals(db: Db, q: RangeQuery): Promise<Totals> {
  const [one] = await totalsBy(db, await countedRows(db, q.accountId, q.start, q.end), [], [], q.currency);
  return one!.totals;
}

/** Per local hour (with its offset: the hour a clock change repeats is two) or local day. */
export async function timeSeries(db: Db, q: TimeSeriesQuery): Promise<TimeSeriesPoint[]> {
  const hourly = q.bucket === 'hour';
  const size = hourly ? HOUR_MS : DAY_MS;
  const offset = offsetSql(q.timeZone, q.start, q.end);
  const keys = hourly ? [`${offset} AS o`, `intDiv(toInt64(ts_ms) + o, ${size}) AS b`] : [`intDiv(toInt64(ts_ms) + ${offset}, ${size}) AS b`];
  const rows = await countedRows(db, q.accountId, q.start, q.end);
  const buckets = await totalsBy(db, rows, keys, hourly ? ['b', 'o'] : ['b'], q.currency);
  return buckets
    .map(({ row, totals: t }) => ({ start: hourly ? Number(row.b) * HOUR_MS - Number(row.o) : localDayStart(Number(row.b), q.timeZone), ...t }))
    .sort((a, b) => a.start - b.start);
}

export async function heatmap(db: Db, q: HeatmapQuery): Promise<HeatmapCell[]> {
  const rows = await countedRows(db, q.accountId, q.start, q.end);
  const cells = await db.query<{ weekday: string; hour: string; page_views: string }>(
    `SELECT (intDiv(l, ${DAY_MS}) + 3) % 7 + 1 AS weekday, intDiv(l, ${HOUR_MS}) % 24 AS hour, count() AS page_views
     FROM (SELECT toInt64(ts_ms) + ${offsetSql(q.timeZone, q.start, q.end)} AS l ${rows} AND name = 'PAGE_VIEW')
     GROUP BY weekday, hour ORDER BY weekday, hour`,
  );
  return cells.map((c) => ({ weekday: Number(c.weekday), hour: Number(c.hour), pageViews: Number(c.page_views) }));
}

export async function realtime(db: Db, q: RealtimeQuery): Promise<Realtime> {
  const rows = await countedRows(db, q.accountId, q.since, FAR);
  const [r] = await db.query<Omit<Figures, 'orders'>>(
    `SELECT uniqExact(user_id) AS visitors, uniqExact(session_id) AS sessions, countIf(name = 'PAGE_VIEW') AS page_views ${rows}`,
  );
  return { visitors: Number(r?.visitors ?? 0), sessions: Number(r?.sessions ?? 0), pageViews: Number(r?.page_views ?? 0) };
}

export async function excluded(db: Db, q: RangeQuery): Promise<ExcludedCounts> {
  const { from, stillHeld } = await rangeRows(db, q.accountId, q.start, q.end);
  // Named apart from the columns: ClickHouse reads an alias in place of its column.
  const [r] = await db.query<{ n_test_mode: string; n_bots: string; n_held: string }>(
    `SELECT countIf(test_mode = 1) AS n_test_mode, countIf(test_mode = 0 AND is_bot = 1) AS n_bots,
       countIf(test_mode = 0 AND is_bot = 0 AND ${stillHeld}) AS n_held
     ${from}`,
  );
  return { testMode: Number(r?.n_test_mode ?? 0), bots: Number(r?.n_bots ?? 0), held: Number(r?.n_held ?? 0) };
}
