import type { DuckDBInstance } from '@duckdb/node-api';
import { countedEvents, inInterval, instant, Params } from './conditions.js';
import { readRows, withConnection } from './connection.js';
import { bindLandingOrder, num, ORDER_SCALED, ORDER_WIDE, REACHED } from './reports.js';
import { localDayStart, offsetSpans, offsetSql } from './zone.js';
import { SESSION_LOOKBACK_MS } from '../queries.js';
import type { LandingRow, Money, RangeQuery, Totals } from '../queries.js';
import type { Store } from '../ports.js';

export type DashboardMethods = Pick<
  Store,
  'totals' | 'timeSeries' | 'heatmap' | 'topPages' | 'topProducts' | 'acquisition' | 'realtime' | 'excluded'
>;

const PURCHASE = (a = '') => `${a}name = 'CHECKOUT' AND ${a}step = 'purchase'`;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** A list of {currency, value} structs, sorted, from rows of (keys…, currency, value). */
const moneyList = `list({'currency': currency, 'value': value::VARCHAR} ORDER BY currency)`;

/**
 * The headline figures, per bucket when `keys` name columns of `e` (else one row). `e`
 * is a query of counted events in the range with at least the columns read here; it is
 * read three times rather than materialised (a copy of its strings costs more than a
 * scan), and the two distinct counts are apart: DuckDB runs two DISTINCT aggregates of
 * one GROUP BY several times slower than each on its own.
 */
function totalsSql(e: string, keys: string[]): string {
  const k = keys.map((c) => `${c}, `).join('');
  const on = (t: string) => (keys.length ? keys.map((c) => `u.${c} IS NOT DISTINCT FROM ${t}.${c}`).join(' AND ') : 'true');
  return `
WITH u AS (
  SELECT ${k}count(DISTINCT user_id) AS visitors FROM (${e}) GROUP BY ALL
), m AS (
  SELECT ${k}count(DISTINCT session_id) AS sessions, count_if(name = 'PAGE_VIEW') AS page_views, count_if(${PURCHASE()}) AS orders
  FROM (${e}) GROUP BY ALL
), r AS (
  SELECT ${k}${moneyList} AS revenue FROM (
    SELECT ${k}coalesce(currency, $currency) AS currency, sum(total_price) AS value
    FROM (${e}) WHERE ${PURCHASE()} AND total_price IS NOT NULL GROUP BY ALL
  ) GROUP BY ALL
)
SELECT u.*, m.sessions, m.page_views, m.orders, r.revenue FROM u JOIN m ON ${on('m')} LEFT JOIN r ON ${on('r')}`;
}

const EVENT_COLUMNS = 'user_id, session_id, name, step, total_price, currency';

/** Amounts as the store sums them (DECIMAL, read as text) to numbers, sorted by currency. */
const money = (v: unknown): Money[] =>
  ((v as { currency: string; value: string }[] | null) ?? []).map((m) => ({ currency: m.currency, value: Number(m.value) }));

const totalsOf = (r: Record<string, unknown> | undefined): Totals => ({
  visitors: num(r?.visitors),
  sessions: num(r?.sessions),
  pageViews: num(r?.page_views),
  orders: num(r?.orders),
  revenue: money(r?.revenue),
});

/**
 * The page URL's path: after the scheme and host, up to `?` or `#`; `/` when empty. Not
 * decoded or normalised, so it is the same in every store.
 */
const PAGE_PATH = `CASE WHEN page_url IS NOT NULL THEN coalesce(nullif(regexp_extract(page_url, '^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)', 1), ''), '/') END`;

/** The product lines of a purchase: the event API's productList, as text fields. */
const LINES = `unnest(from_json(json_extract(data, '$.productList'), '[{"productId":"VARCHAR","price":"VARCHAR","currency":"VARCHAR","quantity":"VARCHAR"}]'))`;

function productsSql(): string {
  // Only purchases' JSON is read: the data column is the table's widest.
  return `
WITH va AS (
  SELECT product_id AS product, count_if(name = 'PRODUCT_VIEW') AS views, count_if(name = 'BASKET_OPERATIONS' AND step = 'add') AS adds
  FROM events
  WHERE ${countedEvents()} AND ${inInterval()} AND name IN ('PRODUCT_VIEW', 'BASKET_OPERATIONS') AND product_id IS NOT NULL
  GROUP BY 1
), lines AS (
  SELECT event_id, currency AS event_currency, ${LINES} AS l FROM events
  WHERE ${countedEvents()} AND ${inInterval()} AND ${PURCHASE()}
), pl AS MATERIALIZED (
  SELECT l.productId AS product, event_id,
    coalesce(nullif(upper(trim(l.currency)), ''), event_currency, $currency) AS currency,
    TRY_CAST(trim(l.price) AS DECIMAL(18,4)) * coalesce(TRY_CAST(trim(l.quantity) AS DECIMAL(18,4)), 1) AS amount
  FROM lines WHERE l.productId IS NOT NULL
), pu AS (
  SELECT product, count(DISTINCT event_id) AS purchases FROM pl GROUP BY 1
), top AS (
  SELECT coalesce(va.product, pu.product) AS product, coalesce(views, 0) AS views, coalesce(adds, 0) AS adds,
    coalesce(purchases, 0) AS purchases
  FROM va FULL JOIN pu ON va.product = pu.product
  ORDER BY purchases DESC, adds DESC, views DESC, product ASC LIMIT $limit
), rev AS (
  SELECT product, ${moneyList} AS revenue FROM (
    SELECT product, currency, sum(amount) AS value FROM pl
    WHERE amount IS NOT NULL AND product IN (SELECT product FROM top) GROUP BY ALL
  ) GROUP BY product
)
SELECT top.*, rev.revenue FROM top LEFT JOIN rev ON top.product = rev.product
ORDER BY purchases DESC, adds DESC, views DESC, product ASC`;
}

/**
 * Page views per path, and the distinct visitors of the top paths only: the paths are
 * ranked by views first (cheap), so that the distinct count reads the top pages' views
 * rather than every page view.
 */
const pagesSql = (pageViews: string) => `
WITH pv AS (${pageViews}),
top AS (SELECT page, count(*) AS page_views FROM pv GROUP BY page ORDER BY page_views DESC, page ASC NULLS LAST LIMIT $limit),
v AS (
  SELECT pv.page, count(DISTINCT pv.user_id) AS visitors FROM pv SEMI JOIN top ON pv.page IS NOT DISTINCT FROM top.page GROUP BY pv.page
)
SELECT top.page, top.page_views, v.visitors FROM top JOIN v ON top.page IS NOT DISTINCT FROM v.page
ORDER BY page_views DESC, page ASC NULLS LAST`;

/**
 * Sessions by landing, as the funnel finds them (reports.ts, funnelSql): one pass per
 * session over the range and the look-back before it, then the stages over all, the top
 * (source, medium) pairs and campaigns, each with the orders and revenue of its sessions.
 */
function acquisitionSql(scaled: boolean): string {
  const order = scaled ? ORDER_SCALED : ORDER_WIDE;
  const ranked = (key: string, cols: string) =>
    `row_number() OVER (ORDER BY count(*) DESC, ${cols.split(', ').map((c) => `${c} ASC NULLS LAST`).join(', ')}) AS rank, ${key}`;
  // The landing's source, medium and campaign as one struct: one arg_min_null instead of
  // three, measured at less than half the time over 10 million events.
  // The purchases' revenue by landing: purchases are few, so their sessions' landings are
  // found again on their own (a semi-join on the purchases' sessions) rather than carried
  // through every session of the pass above.
  return `
WITH s AS MATERIALIZED (
  SELECT l.source, l.medium, l.campaign, reached, orders FROM (
    SELECT arg_min_null({'source': source, 'medium': medium, 'campaign': campaign}, ${order}) AS l,
      ${REACHED} AS reached, count_if(ts >= $start AND ${PURCHASE()}) AS orders
    FROM events
    WHERE ${countedEvents()} AND ts >= $from AND ts < $end
    GROUP BY session_id
    HAVING max(ts) >= $start
  )
), pp AS MATERIALIZED (
  SELECT session_id, coalesce(currency, $currency) AS currency, total_price AS value FROM events
  WHERE ${countedEvents()} AND ${inInterval()} AND ${PURCHASE()} AND total_price IS NOT NULL
), land AS (
  SELECT session_id,
    arg_min_null(source, ${order}) AS source, arg_min_null(medium, ${order}) AS medium, arg_min_null(campaign, ${order}) AS campaign
  FROM events
  WHERE ${countedEvents()} AND ts >= $from AND ts < $end AND session_id IN (SELECT session_id FROM pp)
  GROUP BY session_id
), p AS (
  SELECT land.source, land.medium, land.campaign, pp.currency, pp.value FROM pp JOIN land ON pp.session_id = land.session_id
), src AS (
  SELECT ${ranked('source AS key, medium', 'source, medium')}, count(*) AS sessions, sum(orders) AS orders
  FROM s GROUP BY source, medium QUALIFY rank <= $limit
), cmp AS (
  SELECT ${ranked('campaign AS key', 'campaign')}, count(*) AS sessions, sum(orders) AS orders
  FROM s WHERE campaign IS NOT NULL GROUP BY campaign QUALIFY rank <= $limit
), rs AS (
  SELECT source, medium, ${moneyList} AS revenue FROM (SELECT source, medium, currency, sum(value) AS value FROM p GROUP BY ALL) GROUP BY ALL
), rc AS (
  SELECT campaign, ${moneyList} AS revenue FROM (SELECT campaign, currency, sum(value) AS value FROM p WHERE campaign IS NOT NULL GROUP BY ALL) GROUP BY ALL
)
SELECT 0 AS kind, 0 AS rank, NULL AS key, NULL AS medium, count(*) AS sessions, sum(orders) AS orders, NULL AS revenue,
  count_if(reached & 1 <> 0) AS product_views, count_if(reached & 2 <> 0) AS add_to_cart,
  count_if(reached & 4 <> 0) AS checkout, count_if(reached & 8 <> 0) AS purchases
FROM s
UNION ALL
SELECT 1, rank, key, src.medium, sessions, orders, rs.revenue, NULL, NULL, NULL, NULL
FROM src LEFT JOIN rs ON src.key IS NOT DISTINCT FROM rs.source AND src.medium IS NOT DISTINCT FROM rs.medium
UNION ALL
SELECT 2, rank, key, NULL, sessions, orders, rc.revenue, NULL, NULL, NULL, NULL
FROM cmp LEFT JOIN rc ON cmp.key = rc.campaign
ORDER BY kind, rank`;
}

/** The dashboard's queries over the `events` table, each on a connection of its own. */
export function createDuckDBDashboard(instance: DuckDBInstance): DashboardMethods {
  const run = (sql: string, params: Params) => withConnection(instance, (c) => readRows(c, sql, params));
  const rangeParams = (q: { accountId: string; start: number; end: number }, more: Record<string, string | number> = {}) =>
    new Params({ account: q.accountId, start: instant(q.start), end: instant(q.end), ...more });
  const counted = (columns: string) => `SELECT ${columns} FROM events WHERE ${countedEvents()} AND ${inInterval()}`;

  return {
    async totals(q: RangeQuery) {
      const [row] = await run(totalsSql(counted(EVENT_COLUMNS), []), rangeParams(q, { currency: q.currency }));
      return totalsOf(row);
    },

    async timeSeries(q) {
      const params = rangeParams(q, { currency: q.currency });
      const offset = offsetSql('t', offsetSpans(q.timeZone, q.start, q.end), params);
      // A local hour is (local hour, offset): the hour that a clock change repeats is two.
      const hourly = q.bucket === 'hour';
      const size = hourly ? HOUR_MS : DAY_MS;
      const e = `SELECT *, (t + o) // ${size} AS b FROM (SELECT *, ${offset} AS o FROM (${counted(`${EVENT_COLUMNS}, epoch_ms(ts) AS t`)}))`;
      const rows = await run(totalsSql(e, hourly ? ['b', 'o'] : ['b']), params);
      return rows
        .map((r) => ({
          start: hourly ? num(r.b) * HOUR_MS - num(r.o) : localDayStart(num(r.b), q.timeZone),
          ...totalsOf(r),
        }))
        .sort((a, b) => a.start - b.start);
    },

    async heatmap(q) {
      const params = rangeParams(q);
      const local = `t + ${offsetSql('t', offsetSpans(q.timeZone, q.start, q.end), params)}`;
      const rows = await run(
        `SELECT (l // ${DAY_MS} + 3) % 7 + 1 AS weekday, (l // ${HOUR_MS}) % 24 AS hour, count(*) AS page_views
         FROM (SELECT ${local} AS l FROM (${counted('epoch_ms(ts) AS t')} AND name = 'PAGE_VIEW'))
         GROUP BY ALL ORDER BY weekday, hour`,
        params,
      );
      return rows.map((r) => ({ weekday: num(r.weekday), hour: num(r.hour), pageViews: num(r.page_views) }));
    },

    async topPages(q) {
      const rows = await run(pagesSql(`${counted(`${PAGE_PATH} AS page, user_id`)} AND name = 'PAGE_VIEW'`), rangeParams(q, { limit: q.limit }));
      return rows.map((r) => ({ page: (r.page as string | null) ?? null, pageViews: num(r.page_views), visitors: num(r.visitors) }));
    },

    async topProducts(q) {
      const rows = await run(productsSql(), rangeParams(q, { currency: q.currency, limit: q.limit }));
      return rows.map((r) => ({
        product: r.product as string,
        views: num(r.views),
        adds: num(r.adds),
        purchases: num(r.purchases),
        revenue: money(r.revenue),
      }));
    },

    async acquisition(q) {
      const params = rangeParams(q, { currency: q.currency, limit: q.limit });
      const from = q.start - SESSION_LOOKBACK_MS;
      params.values.from = instant(from);
      const rows = await withConnection(instance, async (c) =>
        readRows(c, acquisitionSql(await bindLandingOrder(c, params, from, q.end)), params),
      );
      const [all, ...groups] = rows;
      const landing = (r: Record<string, unknown>, withMedium: boolean): LandingRow => ({
        key: (r.key as string | null) ?? null,
        ...(withMedium ? { medium: (r.medium as string | null) ?? null } : {}),
        sessions: num(r.sessions),
        orders: num(r.orders),
        revenue: money(r.revenue),
      });
      return {
        stages: {
          sessions: num(all?.sessions),
          productViews: num(all?.product_views),
          addToCart: num(all?.add_to_cart),
          checkout: num(all?.checkout),
          purchases: num(all?.purchases),
        },
        sources: groups.filter((r) => num(r.kind) === 1).map((r) => landing(r, true)),
        campaigns: groups.filter((r) => num(r.kind) === 2).map((r) => landing(r, false)),
      };
    },

    async realtime(q) {
      const [row] = await run(
        `SELECT count(DISTINCT user_id) AS visitors, count(DISTINCT session_id) AS sessions, count_if(name = 'PAGE_VIEW') AS page_views
         FROM events WHERE ${countedEvents()} AND ts >= $since`,
        new Params({ account: q.accountId, since: instant(q.since) }),
      );
      return { visitors: num(row?.visitors), sessions: num(row?.sessions), pageViews: num(row?.page_views) };
    },

    async excluded(q) {
      const [row] = await run(
        `SELECT count_if(test_mode) AS test_mode, count_if(NOT test_mode AND is_bot) AS bots,
           count_if(NOT test_mode AND NOT is_bot AND held) AS held
         FROM events WHERE account_id = $account AND ${inInterval()}`,
        rangeParams(q),
      );
      return { testMode: num(row?.test_mode), bots: num(row?.bots), held: num(row?.held) };
    },
  };
}
