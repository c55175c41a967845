import { SESSION_LOOKBACK_MS } from '../../../queries.js';
import type { Acquisition, LandingRow, TopQuery } from '../../../queries.js';
import type { Db } from '../../db.js';
import { literal, quote } from '../../sql.js';
import { countedRows } from '../counted.js';
import { GROUP_COLUMNS, landing, reached } from '../funnel.js';
import { byBytes, PURCHASE, sumDecimals } from './common.js';

type Group = { source: string; medium: string | null; campaign: string | null };

/**
 * Sessions by landing, as the funnel finds them (funnel.ts): one pass per session over the
 * range and the look-back before it gives each (source, medium, campaign) landing its
 * sessions, orders and stages — few groups, summed here into the stages, the top sources
 * and campaigns. The revenue by landing: only the sessions with a priced purchase in the
 * range are passed over again (ClickHouse 18.16 has no CTE to keep the first pass), each
 * with its purchases' totals per currency, summed per landing here exactly.
 */
export async function acquisition(db: Db, q: TopQuery): Promise<Acquisition> {
  const start = literal(Math.trunc(q.start));
  const [lookback, range] = await Promise.all([
    countedRows(db, q.accountId, q.start - SESSION_LOOKBACK_MS, q.end),
    countedRows(db, q.accountId, q.start, q.end),
  ]);
  const landed = `${landing(GROUP_COLUMNS.source)} AS source, ${landing(GROUP_COLUMNS.medium)} AS medium, ${landing(GROUP_COLUMNS.campaign)} AS campaign`;
  const paid = `${PURCHASE} AND total_price IS NOT NULL`;
  const [groups, revenue] = await Promise.all([
    db.query<Group & { sessions: string; orders: string; pv: string; add: string; co: string; pu: string }>(
      `SELECT source, medium, campaign, count() AS sessions, sum(session_orders) AS orders,
         countIf(bitAnd(reached, 1) != 0) AS pv, countIf(bitAnd(reached, 2) != 0) AS add,
         countIf(bitAnd(reached, 4) != 0) AS co, countIf(bitAnd(reached, 8) != 0) AS pu
       FROM (
         SELECT ${landed}, ${reached(start)} AS reached, countIf(ts_ms >= ${start} AND ${PURCHASE}) AS session_orders
         ${lookback}
         GROUP BY session_id
         HAVING max(ts_ms) >= ${start}
       )
       GROUP BY source, medium, campaign`,
    ),
    db.query<Group & { cur: string; value: string }>(
      `SELECT source, medium, campaign, tupleElement(p, 1) AS cur, toString(sum(tupleElement(p, 2))) AS value
       FROM (
         SELECT ${landed}, groupArrayIf((ifNull(currency, ${quote(q.currency)}), assumeNotNull(total_price)), ts_ms >= ${start} AND ${paid}) AS paid
         ${lookback} AND session_id ${db.global}IN (SELECT session_id ${range} AND ${paid})
         GROUP BY session_id
       )
       ARRAY JOIN paid AS p
       GROUP BY source, medium, campaign, cur`,
    ),
  ]);
  const n = (v: string) => Number(v);
  const stages = { sessions: 0, productViews: 0, addToCart: 0, checkout: 0, purchases: 0 };
  for (const g of groups) {
    stages.sessions += n(g.sessions);
    stages.productViews += n(g.pv);
    stages.addToCart += n(g.add);
    stages.checkout += n(g.co);
    stages.purchases += n(g.pu);
  }

  /** The top `limit` landings by `keys` (sessions, then the keys, NULL last), with their orders and revenue. */
  const top = (keys: ('source' | 'medium' | 'campaign')[], keep: (g: Group) => boolean): { key: (string | null)[]; row: LandingRow }[] => {
    const of = (g: Group) => keys.map((k) => g[k]);
    const id = (g: Group) => JSON.stringify(of(g));
    const rows = new Map<string, { key: (string | null)[]; sessions: number; orders: number; money: Map<string, string[]> }>();
    for (const g of groups.filter(keep)) {
      const r = rows.get(id(g)) ?? rows.set(id(g), { key: of(g), sessions: 0, orders: 0, money: new Map() }).get(id(g))!;
      r.sessions += n(g.sessions);
      r.orders += n(g.orders);
    }
    for (const m of revenue.filter(keep)) {
      const r = rows.get(id(m));
      if (r) (r.money.get(m.cur) ?? r.money.set(m.cur, []).get(m.cur)!).push(m.value);
    }
    return [...rows.values()]
      .sort((a, b) => b.sessions - a.sessions || a.key.reduce((c, k, i) => c || byBytes(k, b.key[i]!), 0))
      .slice(0, q.limit)
      .map((r) => ({
        key: r.key,
        row: {
          key: r.key[0]!,
          sessions: r.sessions,
          orders: r.orders,
          revenue: [...r.money.entries()].sort(([a], [b]) => byBytes(a, b)).map(([currency, values]) => ({ currency, value: sumDecimals(values) })),
        },
      }));
  };
  return {
    stages,
    sources: top(['source', 'medium'], () => true).map(({ key, row }) => ({ key: row.key, medium: key[1]!, sessions: row.sessions, orders: row.orders, revenue: row.revenue })),
    campaigns: top(['campaign'], (g) => g.campaign !== null).map(({ row }) => row),
  };
}
