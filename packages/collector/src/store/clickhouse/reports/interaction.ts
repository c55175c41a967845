import type { InteractionQuery, InteractionStats } from '../../queries.js';
import type { Db } from '../db.js';
import { quote } from '../sql.js';
import { conditionSql } from './conditions.js';
import { countedRows } from './counted.js';

/** Purchases, and the cancelations and refunds that take them back (custom events of that type). */
const PURCHASE_LIKE = `((name = 'CHECKOUT' AND ifNull(step = 'purchase', 0)) OR (name = 'CUSTOM_EVENT' AND ifNull(type IN ('cancelation', 'refund'), 0)))`;

/**
 * An interaction workflow: a run starts at a session's first event matching the entry
 * condition in the interval; the workflow's goals count the runs that reach them (later
 * in the same session), the account's goals the visitors (from their first run on), and
 * the purchases of those visitors are summed by currency. Four queries, run at once: the
 * runs and visitors, the goals per run, the goals per visitor, the purchases.
 */
export async function interaction(db: Db, query: InteractionQuery): Promise<InteractionStats> {
  const rows = await countedRows(db, query.accountId, query.start, query.end);
  const entry = conditionSql(query.entry);
  const firstEntry = (by: string) => `(SELECT ${by}, min(ts_ms) AS entered ${rows} AND ${entry} GROUP BY ${by}) AS entries`;
  /** Per goal, whether an event reached it after its run's (or visitor's) entry, as uniqExactIf columns. */
  const reached = (by: 'session_id' | 'user_id', goals: InteractionQuery['goals']) => {
    if (!goals.length) return Promise.resolve([] as number[]);
    const flags = goals.map((g, i) => `${conditionSql(g.when)} AS g${i}`).join(', ');
    const any = goals.map((_, i) => `g${i}`).join(' OR ');
    return db
      .query<Record<string, string>>(
        `SELECT ${goals.map((_, i) => `uniqExactIf(${by}, g${i} = 1) AS n${i}`).join(', ')}
         FROM (SELECT ${by}, ts_ms, ${flags} ${rows} AND (${any})) AS reached
         ALL INNER JOIN ${firstEntry(by)} USING ${by}
         WHERE ts_ms >= entered`,
      )
      .then(([r]) => goals.map((_, i) => Number(r?.[`n${i}`] ?? 0)));
  };
  const [[started], goals, outerGoals, purchases] = await Promise.all([
    db.query<{ runs: string; visitors: string }>(`SELECT uniqExact(session_id) AS runs, uniqExact(user_id) AS visitors ${rows} AND ${entry}`),
    reached('session_id', query.goals),
    reached('user_id', query.outerGoals),
    db.query<{ cur: string; value: string }>(
      `SELECT ifNull(currency, ${quote(query.currency)}) AS cur,
         toString(sum(if(name = 'CHECKOUT', total_price, -abs(total_price)))) AS value
       FROM (SELECT user_id, ts_ms, name, currency, total_price ${rows} AND ${PURCHASE_LIKE} AND total_price IS NOT NULL) AS purchases
       ALL INNER JOIN ${firstEntry('user_id')} USING user_id
       WHERE ts_ms >= entered
       GROUP BY cur
       ORDER BY cur`,
    ),
  ]);
  return {
    uniqueVisitors: Number(started!.visitors),
    startedWorkflows: Number(started!.runs),
    goals,
    outerGoals,
    purchases: purchases.map((p) => ({ currency: p.cur, value: Number(p.value) })),
  };
}
