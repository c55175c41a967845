import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Accounts } from '../../config/accounts.js';
import { BodyError, queryParam, readJson } from '../../http/body.js';
import type { Logger } from '../../telemetry/logger.js';
import { authorizeReport } from './auth.js';
import { NO_VALUE, parseFunnelParams } from './funnel-params.js';
import { parseInterval } from './interval.js';
import { missingParameter, ReportError } from './report-error.js';
import { findWorkflow, outerGoals } from '../../config/workflows.js';
import type { Store } from '../../store/ports.js';

export interface ReportDeps {
  accounts: Accounts;
  store: Store;
  logger: Logger;
  /** The clock of the named date ranges (today, this_week, …). @defaultValue Date.now */
  now?: () => number;
}

/** The sidedata path of seed 000. */
export const SIDEDATA_PATH = '/api/reporting/workflow/v1/orgs/:organization_id/workflows/:workflow_id/sidedata/';

/** The largest sidedata request body; it holds an interval and nothing else. */
const MAX_SIDEDATA_BODY = 16 * 1024;

const DAY_MS = 86_400_000;

/** A report query that the store could not answer. */
class StoreFailure extends Error {
  constructor(cause: unknown) {
    super('the store could not answer', { cause });
  }
}

/** The store's answer, its failure marked as the store's. */
const fromStore = <T>(answer: Promise<T>): Promise<T> =>
  answer.catch((e: unknown) => {
    throw new StoreFailure(e);
  });

/**
 * Answers a report request, turning a ReportError into its status and
 * `{"status":"error","message":…}`, and a store failure into a 503 that is logged: bad
 * input never reaches the store, so it never makes a 5xx.
 */
function reportHandler(logger: Logger, handle: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await handle(ctx);
    } catch (e) {
      if (e instanceof ReportError) {
        ctx.status = e.status;
        ctx.body = { status: 'error', message: e.message };
        return;
      }
      // Only the store's failures are worth a retry; a fault of this code is the app's 500.
      if (!(e instanceof StoreFailure)) throw e;
      logger.error({ err: e.cause, path: ctx.path }, 'report query failed');
      ctx.status = 503;
      ctx.set('Retry-After', '5');
      ctx.body = { status: 'error', message: 'The store could not answer the report; try again later' };
    }
  };
}

/**
 * `GET /api/funnel` (seed 004) and `POST …/workflows/:workflow_id/sidedata/` (seed 000),
 * both behind `Authorization: Bearer <the account's reportToken>`. What they count is
 * defined in the README ("Reports"); the store counts it.
 */
export function reportRoutes(router: Router, deps: ReportDeps) {
  const { accounts, store, logger } = deps;
  const now = deps.now ?? Date.now;

  router.get(
    '/api/funnel',
    reportHandler(logger, async (ctx) => {
      const accountId = queryParam(ctx, 'account_id');
      if (accountId === undefined || accountId.trim() === '') throw missingParameter('account_id');
      const account = authorizeReport(accounts, accountId, ctx.get('authorization'));
      const p = parseFunnelParams((name) => queryParam(ctx, name), account.timezone, now());
      const rows = await fromStore(store.funnel({
        accountId: account.id,
        start: p.start,
        end: p.end,
        groupBy: p.groupBy,
        skip: p.skip,
        limit: p.limit,
        ...(p.country ? { country: p.country } : {}),
      }));
      ctx.body = {
        status: 'ok',
        data: rows.map((r) => ({
          [p.reportType]: r.key ?? NO_VALUE[p.groupBy],
          clicks: r.clicks,
          conversions: r.conversions,
          microconversions: r.microconversions,
          'add-to-cart': r.addToCart,
          checkout: r.checkout,
        })),
      };
    }),
  );

  // The seed's path ends in a slash; clients that drop it are served too.
  router.post(
    [SIDEDATA_PATH, SIDEDATA_PATH.slice(0, -1)],
    reportHandler(logger, async (ctx) => {
      const account = authorizeReport(accounts, ctx.params.organization_id!, ctx.get('authorization'));
      const workflow = findWorkflow(account, ctx.params.workflow_id!);
      if (!workflow) throw new ReportError(404, `Unknown workflow: ${ctx.params.workflow_id!.slice(0, 100)}`);
      let body: unknown;
      try {
        body = await readJson(ctx, MAX_SIDEDATA_BODY);
      } catch (e) {
        if (e instanceof BodyError) throw new ReportError(e.status, e.message);
        throw e;
      }
      const { start, end } = parseInterval(body ?? {}, account.timezone);

      if (workflow.type === 'page_navigation') {
        const s = await fromStore(store.pageNavigation({
          accountId: account.id,
          start,
          end,
          timeZone: account.timezone,
          ...(workflow.entry ? { entry: workflow.entry } : {}),
          // Seed 000: day_in_week only for intervals longer than a day.
          days: end - start > DAY_MS,
        }));
        ctx.body = {
          timeframe_stat: { ...(s.dayInWeek ? { day_in_week: s.dayInWeek } : {}), hour_in_day: s.hourInDay },
          unique_visitors_count: s.uniqueVisitors,
          unique_sessions_count: s.uniqueSessions,
        };
        return;
      }

      const goals = workflow.goals ?? [];
      const outer = outerGoals(account);
      const s = await fromStore(store.interaction({
        accountId: account.id,
        start,
        end,
        entry: workflow.entry!,
        goals,
        outerGoals: outer,
        currency: account.currency,
      }));
      ctx.body = {
        unique_visitors_count: s.uniqueVisitors,
        started_workflows_count: s.startedWorkflows,
        sum_of_visitor_purchases: s.purchases.map((p) => ({ value: p.value, currency: p.currency })),
        triggered_goals: goals.map((g, i) => ({ uid: g.uid, name: g.name, metrics: s.goals[i]! })),
        affected_goals: outer.map((g, i) => ({ uid: g.uid, metrics: s.outerGoals[i]!, name: g.name })),
      };
    }),
  );
}
