import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Accounts } from '../../../config/accounts.js';
import type { AccountConfig } from '../../../config/config.js';
import { readText } from '../../../http/body.js';
import { speaks } from '../../../http/dialect.js';
import { refuse, renderStatusMessage } from '../../../http/errors.js';
import { queryParam } from '../../../http/params.js';
import { loadAssets, sendAsset } from '../../../http/static-assets.js';
import { securePage } from '../../../http/security-headers.js';
import type { DashboardQueries, ReportQueries } from '../../../store/ports.js';
import { unauthenticated } from '../refusals.js';
import { noStore } from '../route.js';
import { toCsv } from './csv.js';
import { dashboardPage, signInPage } from './html.js';
import { createPanels } from './panels.js';
import { parseDashboardParams } from './params.js';
import { createSessions, dashboardPath } from './session.js';
import { accountsOfToken } from './session.js';
import { createThrottle } from './throttle.js';

export interface DashboardDeps {
  accounts: Accounts;
  reports: ReportQueries & DashboardQueries;
  /**
   * Signs the session cookies, with the accounts' report tokens. Keep it across restarts
   * (`cartbeacon serve` keeps one in the data dir). @defaultValue none: the tokens alone
   */
  sessionSecret?: string | Buffer;
  /** The built front-end. @defaultValue the @cartbeacon/dashboard package's dist */
  assetsDir?: string;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** The directory of the built front-end (the @cartbeacon/dashboard package's dist). */
export function defaultDashboardDir(): string | undefined {
  try {
    // Files of a dependency, read from disk: the collector does not import the front-end.
    return dirname(createRequire(import.meta.url).resolve('@cartbeacon/dashboard/dashboard.js'));
  } catch {
    return undefined;
  }
}

/** The address's parameters that a view keeps (the funnel's names). */
const VIEW_PARAMS = ['date_range', 'report_type', 'country', 'account_id'];

/** Only the view's own parameters of a query string, so that a sign-in returns to nowhere else. */
const viewQuery = (query: string) => {
  const given = new URLSearchParams(query.replace(/^\?/, ''));
  const kept = new URLSearchParams();
  for (const name of VIEW_PARAMS) {
    const v = given.get(name);
    if (v) kept.set(name, v.slice(0, 200));
  }
  const s = kept.toString();
  return s ? `?${s}` : '';
};

/**
 * A form post from another site is refused: the cookie is SameSite=Strict, and the
 * sign-in must not be driven from elsewhere either (login CSRF).
 */
function checkSameSite(ctx: Context) {
  const site = ctx.get('sec-fetch-site');
  const origin = ctx.get('origin');
  let host: string | undefined;
  try {
    host = origin && origin !== 'null' ? new URL(origin).host : undefined;
  } catch {
    host = '';
  }
  if ((site && site !== 'same-origin' && site !== 'none') || (origin && host !== ctx.host))
    throw refuse('ORIGIN_NOT_ALLOWED', 'The form was sent from another site.');
}

const WRONG_TOKEN = 'That is not the report token of any account. Check it and try again.';

/**
 * `GET /dashboard`, its sign-in and sign-out, its files, and the JSON (and CSV) of its
 * panels at `GET /dashboard/api/<panel>`, each answering 401 without a session.
 */
export function dashboardRoutes(router: Router, deps: DashboardDeps) {
  const now = deps.now ?? Date.now;
  const sessions = createSessions(deps.accounts, deps.sessionSecret, now);
  const throttle = createThrottle(now);
  const panels = createPanels(deps.reports, now);
  const assets = loadAssets(deps.assetsDir ?? defaultDashboardDir(), /^dashboard(\.js|\.css|\.js\.map|-icon\.svg)$/);
  const base = (ctx: Context) => (ctx as { mountPath?: string }).mountPath ?? '';
  // Its pages, files and JSON with the collector's strict Content-Security-Policy and security headers.
  router.use('/dashboard', securePage);

  const html = (ctx: Context, status: number, body: string) => {
    ctx.status = status;
    ctx.type = 'html';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  };

  /** The session's account for this request: the one `account_id` names, else its first. */
  const accountOf = (ctx: Context): AccountConfig => {
    const open = sessions.read(ctx);
    const wanted = queryParam(ctx, 'account_id');
    const account = wanted ? open.find((a) => a.id === wanted) : open[0];
    if (!account) throw unauthenticated();
    return account;
  };

  router.get('/dashboard', (ctx) => {
    // The router takes /dashboard/ here too; relative links would break there: one address only.
    if (ctx.path.endsWith('/')) {
      ctx.status = 301;
      return ctx.redirect(`${dashboardPath(ctx)}${viewQuery(ctx.querystring)}`);
    }
    const open = sessions.read(ctx);
    if (!open.length) return html(ctx, 200, signInPage({ base: base(ctx), returnTo: viewQuery(ctx.querystring) }));
    const wanted = queryParam(ctx, 'account_id');
    const first = open.find((a) => a.id === wanted);
    html(ctx, 200, dashboardPage({ base: base(ctx), accounts: first ? [first, ...open.filter((a) => a !== first)] : open }));
  });

  router.post('/dashboard/sign-in', async (ctx) => {
    checkSameSite(ctx);
    const form = new URLSearchParams(await readText(ctx, 8 * 1024));
    const returnTo = viewQuery(form.get('return') ?? '');
    const address = ctx.ip;
    const wait = throttle.wait(address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      ctx.set('Retry-After', String(seconds));
      return html(ctx, 429, signInPage({ base: base(ctx), returnTo, message: `Too many wrong tokens. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.` }));
    }
    const open = accountsOfToken(deps.accounts, (form.get('token') ?? '').trim());
    if (!open.length) {
      throttle.failed(address);
      return html(ctx, 401, signInPage({ base: base(ctx), returnTo, message: WRONG_TOKEN }));
    }
    throttle.succeeded(address);
    sessions.issue(ctx, open);
    ctx.status = 303;
    ctx.redirect(`${dashboardPath(ctx)}${returnTo}`);
  });

  router.post('/dashboard/sign-out', (ctx) => {
    checkSameSite(ctx);
    sessions.clear(ctx);
    ctx.status = 303;
    ctx.redirect(dashboardPath(ctx));
  });

  router.get('/dashboard/assets/:file', (ctx, next) => {
    const asset = assets.get(ctx.params.file!);
    if (!asset) return next();
    // Not fingerprinted: the browser asks again each time and gets a 304 while unchanged.
    sendAsset(ctx, asset, 'no-cache');
    return undefined;
  });

  router.get('/dashboard/api/:panel', noStore, speaks(renderStatusMessage), async (ctx, next) => {
    const [name, format] = ctx.params.panel!.split('.', 2) as [string, string | undefined];
    const panel = Object.hasOwn(panels, name) ? panels[name] : undefined;
    if (!panel || (format !== undefined && format !== 'csv')) return next();
    const account = accountOf(ctx);
    const p = parseDashboardParams((n) => queryParam(ctx, n), account, now());
    const answer = await panel(p);
    if (format !== 'csv') {
      ctx.body = answer.body;
      return undefined;
    }
    if (!answer.table) return next();
    ctx.type = 'text/csv; charset=utf-8';
    ctx.attachment(`cartbeacon-${name}-${p.period.first}-${p.period.last}.csv`);
    ctx.body = toCsv(answer.table.rows, answer.table.fields);
    return undefined;
  });
}
