import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { Accounts } from '../../config/accounts.js';
import { findWorkflow, outerGoals } from '../../config/workflows.js';
import { readJson } from '../../http/body.js';
import { speaks } from '../../http/dialect.js';
import { fromStore, refuse, renderStatusMessage } from '../../http/errors.js';
import { queryParam } from '../../http/params.js';
import type { ReportQueries } from '../../store/ports.js';
import { authorizeReport } from './auth.js';
import { parseFunnelParams } from './funnel-params.js';
import { funnelData, funnelQuery } from './funnel-answer.js';
import { parseInterval } from './interval.js';
import { missingParameter } from './refusals.js';

export interface ReportDeps {
  accounts: Accounts;
  reports: ReportQueries;
  /** The clock of the named date ranges (today, this_week, …). @defaultValue Date.now */
  now?: () => number;
}

/** The workflow sidedata report's path. */
export const SIDEDATA_PATH = '/api/reporting/workflow/v1/orgs/:organization_id/workflows/:workflow_id/sidedata/';

/** The largest sidedata request body; it holds an interval and nothing else. */
const MAX_SIDEDATA_BODY = 16 * 1024;

const DAY_MS = 86_400_000;

/** Report answers are per account and per moment: never cached by a proxy or the browser. */
export const noStore = (ctx: Context, next: Next) => {
  ctx.set('Cache-Control', 'no-store');
  return next();
};

/**
 * `GET /api/funnel` (the funnel report) and `POST …/workflows/:workflow_id/sidedata/` (the workflow sidedata report),
 * both behind `Authorization: Bearer <the account's reportToken>`. What they count is
 * defined in the README ("Reports"); the store counts it.
 */
export function reportRoutes(router: Router, deps: ReportDeps) {
  const { accounts, reports } = deps;
  const now = deps.now ?? Date.now;
  const report = [noStore, speaks(renderStatusMessage)];

  router.get(
    '/api/funnel',
    ...report,
    async (ctx) => {
      const accountId = queryParam(ctx, 'account_id');
      if (accountId === undefined || accountId.trim() === '') throw missingParameter('account_id');
      const account = authorizeReport(accounts, accountId, ctx.get('authorization'));
      const p = parseFunnelParams((name) => queryParam(ctx, name), account.timezone, now());
      const rows = await fromStore(reports.funnel(funnelQuery(account.id, p)));
      ctx.body = { status: 'ok', data: funnelData(p, rows) };
    },
  );

  // The report's path ends in a slash; clients that drop it are served too.
  router.post(
    [SIDEDATA_PATH, SIDEDATA_PATH.slice(0, -1)],
    ...report,
    async (ctx) => {
      const account = authorizeReport(accounts, ctx.params.organization_id!, ctx.get('authorization'));
      const workflow = findWorkflow(account, ctx.params.workflow_id!);
      if (!workflow) throw refuse('NOT_FOUND', `Unknown workflow: ${ctx.params.workflow_id!.slice(0, 100)}`);
      const body = await readJson(ctx, MAX_SIDEDATA_BODY);
      const { start, end } = parseInterval(body ?? {}, account.timezone);

      if (workflow.type === 'page_navigation') {
        const s = await fromStore(reports.pageNavigation({
          accountId: account.id,
          start,
          end,
          timeZone: account.timezone,
          ...(workflow.entry ? { entry: workflow.entry } : {}),
          // As the sidedata report has it: day_in_week only for intervals longer than a day.
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
      const s = await fromStore(reports.interaction({
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
    },
  );
}
