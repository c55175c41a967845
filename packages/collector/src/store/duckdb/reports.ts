import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { CONDITION_COLUMNS, conditionSql, countedEvents, inInterval, instant, Params } from './conditions.js';
import { SESSION_LOOKBACK_MS } from '../queries.js';
import type {
  FunnelGroup,
  FunnelQuery,
  FunnelRow,
  InteractionQuery,
  InteractionStats,
  PageNavigationQuery,
  PageNavigationStats,
} from '../queries.js';
import type { Store } from '../ports.js';
import { readRows as read, withConnection } from './connection.js';

export type ReportMethods = Pick<Store, 'funnel' | 'pageNavigation' | 'interaction'>;


/** The columns a funnel may group by; the only names that reach the SQL text from a query. */
const GROUP_COLUMNS: Record<FunnelGroup, string> = {
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  country: 'country',
  device: 'device',
};

/**
 * The order of a session's events for its landing: by time, and of events in the same
 * millisecond (times are stored in ms), the one stored first (rowid grows with every
 * insert; events are never deleted). As one number, so that arg_min compares it cheaply:
 * a (ts, event_id) struct costs twice the time at 10 million events, a HUGEINT a quarter
 * more than a BIGINT. The time offset from the query's first instant needs few bits, so a
 * BIGINT holds it and the rowid; the HUGEINT form is for spans or tables too large for that.
 */
export const ORDER_SCALED = `(epoch_ms(ts) - $t0) * $scale + rowid`;
export const ORDER_WIDE = `epoch_us(ts)::HUGEINT * 1099511627776 + rowid`;

/** The BIGINT scale for rowids over a span of `spanMs`, or undefined when rowids may not fit. */
export function rowidScale(spanMs: number, rows: number): number | undefined {
  const rowBits = 62 - Math.ceil(Math.log2(spanMs + 1));
  // A power of two is exact as a JS number; bound as BIGINT (INTEGER when small).
  return rowBits > 0 && rows * 2 < 2 ** rowBits ? 2 ** rowBits : undefined;
}

/**
 * Which funnel steps a session reached in the range, as bits: 1 product view, 2 add to
 * cart, 4 checkout, 8 purchase (one bit_or instead of four bool_or: a third less time).
 */
export const REACHED = `bit_or(CASE
    WHEN ts < $start THEN 0
    WHEN name = 'PRODUCT_VIEW' THEN 1
    WHEN name = 'BASKET_OPERATIONS' AND step = 'add' THEN 2
    WHEN name = 'CHECKOUT' THEN CASE WHEN step = 'purchase' THEN 12 ELSE 4 END
    ELSE 0 END)`;

/**
 * One pass over the range and the SESSION_LOOKBACK_MS before it: per session, its landing
 * (the first counted event of that span) and the steps it reached in the range; sessions
 * without a counted event in the range are dropped. The landing's values are taken with
 * arg_min_null, as a missing medium or campaign is a value here ("(none)"), which arg_min
 * would skip.
 */
function funnelSql(groupBy: FunnelGroup, byCountry: boolean, scaled: boolean): string {
  const column = GROUP_COLUMNS[groupBy];
  const order = scaled ? ORDER_SCALED : ORDER_WIDE;
  // The landing country is needed apart only when filtering a grouping by something else.
  const country = byCountry && groupBy !== 'country';
  return `
SELECT key, count(*) AS clicks,
  count_if(reached & 1 <> 0) AS microconversions,
  count_if(reached & 2 <> 0) AS add_to_cart,
  count_if(reached & 4 <> 0) AS checkout,
  count_if(reached & 8 <> 0) AS conversions
FROM (
  SELECT arg_min_null(${column}, ${order}) AS key,
    ${country ? `arg_min_null(country, ${order}) AS country,` : ''}
    ${REACHED} AS reached
  FROM events
  WHERE ${countedEvents()} AND ts >= $from AND ts < $end
  GROUP BY session_id
  HAVING max(ts) >= $start
)
${byCountry ? `WHERE ${country ? 'country' : 'key'} = $country` : ''}
GROUP BY key
ORDER BY clicks DESC, key ASC NULLS LAST
LIMIT $limit OFFSET $skip`;
}

/**
 * Page views per local hour and weekday. Converting every event's time to the account's
 * zone costs ICU a third of a microsecond per row, so page views are first counted per
 * UTC minute and only those buckets are converted. Every UTC offset and every zone
 * transition since 1980 falls on a whole minute (not always on a quarter hour: St. John's
 * switched at 00:01 local until 2011, Casey until 2022), so the result is the same.
 */
const localBuckets = (source: string) => `
q AS (
  SELECT epoch_ms(ts) // 60000 AS minute, count(*) AS views FROM ${source} GROUP BY minute
), l AS MATERIALIZED (
  -- Read twice (hours, weekdays): made once.
  SELECT timezone($tz, to_timestamp(minute * 60)) AS t, views FROM q
)`;

const timeframeColumns = (days: boolean) => `
  (SELECT list([coalesce(v.views, 0), r.h] ORDER BY r.h)
     FROM range(24) r(h) LEFT JOIN (SELECT hour(t) AS h, sum(views) AS views FROM l GROUP BY h) v ON v.h = r.h) AS hours
  ${
    days
      ? `, (SELECT list([coalesce(v.views, 0), r.d] ORDER BY r.d)
     FROM range(1, 8) r(d) LEFT JOIN (SELECT isodow(t) AS d, sum(views) AS views FROM l GROUP BY d) v ON v.d = r.d) AS days`
      : ''
  }`;

function pageNavigationSql(query: PageNavigationQuery, params: Params): string {
  if (!query.entry)
    return `
WITH pv AS (SELECT ts FROM events WHERE ${countedEvents()} AND ${inInterval()} AND name = 'PAGE_VIEW'),
${localBuckets('pv')},
u AS (SELECT count(DISTINCT user_id) AS visitors, count(DISTINCT session_id) AS sessions FROM events WHERE ${countedEvents()} AND ${inInterval()})
SELECT u.visitors, u.sessions, ${timeframeColumns(query.days)} FROM u`;
  return `
WITH e AS (
  SELECT session_id, user_id, ts FROM events WHERE ${countedEvents()} AND ${inInterval()} AND ${conditionSql(query.entry, params)}
), starts AS (
  SELECT session_id, min(ts) AS at FROM e GROUP BY session_id
), pv AS (
  SELECT p.ts FROM events p JOIN starts s ON p.session_id = s.session_id AND p.ts >= s.at
  WHERE ${countedEvents('p.')} AND ${inInterval('p.')} AND p.name = 'PAGE_VIEW'
),
${localBuckets('pv')},
u AS (SELECT count(DISTINCT user_id) AS visitors, count(DISTINCT session_id) AS sessions FROM e)
SELECT u.visitors, u.sessions, ${timeframeColumns(query.days)} FROM u`;
}

function interactionSql(query: InteractionQuery, params: Params): string {
  const goals = query.goals.map((g, i) => `count(DISTINCT r.session_id) FILTER (WHERE ${conditionSql(g.when, params, 'r.')}) AS g${i}`);
  const outer = query.outerGoals.map((g, i) => `count(DISTINCT r.user_id) FILTER (WHERE ${conditionSql(g.when, params, 'r.')}) AS a${i}`);
  return `
WITH r AS (
  SELECT ${CONDITION_COLUMNS}, session_id, user_id, ts, total_price, currency
  FROM events WHERE ${countedEvents()} AND ${inInterval()}
), e AS (
  SELECT session_id, user_id, ts FROM r WHERE ${conditionSql(query.entry, params)}
), runs AS (
  SELECT session_id, min(ts) AS at FROM e GROUP BY session_id
), visitors AS (
  SELECT user_id, min(ts) AS at FROM e GROUP BY user_id
), tg AS (
  SELECT ${['count(*) AS n', ...goals].join(', ')} FROM r JOIN runs ON r.session_id = runs.session_id AND r.ts >= runs.at
), ag AS (
  SELECT ${['count(*) AS n', ...outer].join(', ')} FROM r JOIN visitors v ON r.user_id = v.user_id AND r.ts >= v.at
), pu AS (
  -- Purchases, less the cancelations and refunds of the same visitors (custom events of
  -- that type, whose totalPrice may be given as the amount or as its negation).
  SELECT coalesce(r.currency, $currency) AS currency,
    sum(CASE WHEN r.name = 'CHECKOUT' THEN r.total_price ELSE -abs(r.total_price) END)::VARCHAR AS value
  FROM r JOIN visitors v ON r.user_id = v.user_id AND r.ts >= v.at
  WHERE ((r.name = 'CHECKOUT' AND r.step = 'purchase') OR (r.name = 'CUSTOM_EVENT' AND r.type IN ('cancelation', 'refund')))
    AND r.total_price IS NOT NULL
  GROUP BY 1
)
SELECT (SELECT count(*) FROM runs) AS started, (SELECT count(*) FROM visitors) AS visitors,
  ${[...query.goals.map((_, i) => `tg.g${i}`), ...query.outerGoals.map((_, i) => `ag.a${i}`)].join(', ') || 'NULL AS none'},
  (SELECT list({'currency': currency, 'value': value} ORDER BY currency) FROM pu) AS purchases
FROM tg, ag`;
}

/** Rows in `events` (the catalog's count; rowids stay below the rows ever inserted). */
export async function tableRows(c: DuckDBConnection): Promise<number> {
  const r = await c.runAndReadAll(`SELECT estimated_size FROM duckdb_tables() WHERE table_name = 'events' AND schema_name = 'main'`);
  return Number(r.getRows()[0]?.[0] ?? Number.MAX_SAFE_INTEGER);
}

/**
 * Binds the landing order's parameters for a session pass over [from, end): `$t0` and
 * `$scale` when the scaled form fits; answers whether it does (ORDER_SCALED, else ORDER_WIDE).
 */
export async function bindLandingOrder(c: DuckDBConnection, params: Params, from: number, end: number): Promise<boolean> {
  const scale = rowidScale(end - from, await tableRows(c));
  if (scale) Object.assign(params.values, { t0: Math.trunc(from), scale });
  return !!scale;
}

export const num = (v: unknown) => Number(v ?? 0);
const pairs = (v: unknown) => ((v as unknown[][] | null) ?? []).map(([n, i]) => [num(n), num(i)] as [number, number]);

/**
 * The report queries over the `events` table. Each runs on a connection of its own, so
 * that reports run beside each other and beside the writer.
 */
export function createDuckDBReports(instance: DuckDBInstance): ReportMethods {
  const run = (sql: string, params: Params) => withConnection(instance, (c) => read(c, sql, params));

  return {
    async funnel(query: FunnelQuery): Promise<FunnelRow[]> {
      const params = new Params({
        account: query.accountId,
        start: instant(query.start),
        end: instant(query.end),
        limit: query.limit,
        skip: query.skip,
      });
      if (query.country) params.values.country = query.country;
      const from = query.start - SESSION_LOOKBACK_MS;
      params.values.from = instant(from);
      const rows = await withConnection(instance, async (c) =>
        read(c, funnelSql(query.groupBy, !!query.country, await bindLandingOrder(c, params, from, query.end)), params),
      );
      return rows.map((r) => ({
        key: (r.key as string | null) ?? null,
        clicks: num(r.clicks),
        microconversions: num(r.microconversions),
        addToCart: num(r.add_to_cart),
        checkout: num(r.checkout),
        conversions: num(r.conversions),
      }));
    },

    async pageNavigation(query: PageNavigationQuery): Promise<PageNavigationStats> {
      const params = new Params({ account: query.accountId, start: instant(query.start), end: instant(query.end), tz: query.timeZone });
      const [row] = await run(pageNavigationSql(query, params), params);
      const stats: PageNavigationStats = {
        hourInDay: pairs(row!.hours),
        uniqueVisitors: num(row!.visitors),
        uniqueSessions: num(row!.sessions),
      };
      if (query.days) stats.dayInWeek = pairs(row!.days);
      return stats;
    },

    async interaction(query: InteractionQuery): Promise<InteractionStats> {
      const params = new Params({
        account: query.accountId,
        start: instant(query.start),
        end: instant(query.end),
        currency: query.currency,
      });
      const [row] = await run(interactionSql(query, params), params);
      const purchases = ((row!.purchases as { currency: string; value: string }[] | null) ?? []).map((p) => ({
        currency: p.currency,
        value: Number(p.value),
      }));
      return {
        uniqueVisitors: num(row!.visitors),
        startedWorkflows: num(row!.started),
        goals: query.goals.map((_, i) => num(row![`g${i}`])),
        outerGoals: query.outerGoals.map((_, i) => num(row![`a${i}`])),
        purchases,
      };
    },
  };
}
