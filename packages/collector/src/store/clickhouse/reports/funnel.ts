import { SESSION_LOOKBACK_MS } from '../../queries.js';
import type { FunnelGroup, FunnelQuery, FunnelRow } from '../../queries.js';
import type { Db } from '../db.js';
import { literal, quote } from '../sql.js';
import { countedRows } from './counted.js';

/** The columns a funnel may group by, and whether they may be NULL; the only names that reach the SQL text from a query. */
export const GROUP_COLUMNS: Record<FunnelGroup, { column: string; nullable: boolean }> = {
  source: { column: 'source', nullable: false },
  medium: { column: 'medium', nullable: true },
  campaign: { column: 'campaign', nullable: true },
  country: { column: 'country', nullable: true },
  device: { column: 'device', nullable: false },
};

/**
 * A column's value at the session's landing: its first counted event by time, and of
 * events of the same millisecond the first stored (the smallest seq). A missing medium is
 * a value here, which ClickHouse's aggregates would skip, so a column that may be NULL
 * goes in as a pair of whether it is NULL and its text, and comes out as NULL again (the
 * pair costs a quarter more CPU: the others go in as they are).
 */
export const landing = ({ column, nullable }: { column: string; nullable: boolean }) => {
  if (!nullable) return `argMin(${column}, (ts_ms, seq))`;
  const first = `argMin((isNull(${column}), ifNull(${column}, '')), (ts_ms, seq))`;
  return `if(tupleElement(${first}, 1) = 1, NULL, tupleElement(${first}, 2))`;
};

/** The steps a session reached from `start` (a literal), as bits: 1 product view, 2 add to cart, 4 checkout, 8 purchase. */
export const reached = (start: string) => `groupBitOr(multiIf(ts_ms < ${start}, 0,
      name = 'PRODUCT_VIEW', 1,
      name = 'BASKET_OPERATIONS' AND ifNull(step = 'add', 0), 2,
      name = 'CHECKOUT', if(ifNull(step = 'purchase', 0), 12, 4),
      0))`;

/**
 * One pass over the range and the SESSION_LOOKBACK_MS before it: per session, its landing
 * and the steps it reached in the range, as bits (1 product view, 2 add to cart, 4
 * checkout, 8 purchase); sessions without a counted event in the range are dropped.
 */
function funnelSql(query: FunnelQuery, rows: string): string {
  const group = GROUP_COLUMNS[query.groupBy];
  const start = literal(Math.trunc(query.start));
  // The landing country is needed apart only when filtering a grouping by something else.
  const country = query.country !== undefined && query.groupBy !== 'country';
  return `
SELECT group_key, count() AS clicks,
  countIf(bitAnd(reached, 1) != 0) AS microconversions,
  countIf(bitAnd(reached, 2) != 0) AS add_to_cart,
  countIf(bitAnd(reached, 4) != 0) AS checkout,
  countIf(bitAnd(reached, 8) != 0) AS conversions
FROM (
  SELECT ${landing(group)} AS group_key,
    ${country ? `${landing(GROUP_COLUMNS.country)} AS landing_country,` : ''}
    ${reached(start)} AS reached
  ${rows}
  GROUP BY session_id
  HAVING max(ts_ms) >= ${start}
)
${query.country !== undefined ? `WHERE ${country ? 'landing_country' : 'group_key'} = ${quote(query.country)}` : ''}
GROUP BY group_key
ORDER BY clicks DESC, group_key ASC
LIMIT ${literal(query.skip)}, ${literal(query.limit)}`;
}

/** Funnel counts per landing source, medium, … (see FunnelRow). */
export async function funnel(db: Db, query: FunnelQuery): Promise<FunnelRow[]> {
  const counted = await countedRows(db, query.accountId, query.start - SESSION_LOOKBACK_MS, query.end);
  const rows = await db.query<Record<string, string | null>>(funnelSql(query, counted));
  return rows.map((r) => ({
    key: r.group_key ?? null,
    clicks: Number(r.clicks),
    microconversions: Number(r.microconversions),
    addToCart: Number(r.add_to_cart),
    checkout: Number(r.checkout),
    conversions: Number(r.conversions),
  }));
}
