import type { AccountConfig } from '../../../config/config.js';
import { escapeHtml as esc } from '../../../http/html.js';
import { NAMED_RANGES } from '../date-range.js';
import { REPORT_TYPES } from '../funnel-params.js';

/**
 * The dashboard's two pages as HTML. Neither has an inline script or style: the script
 * and the stylesheet are files the collector serves (dashboard/assets/), so that a
 * Content-Security-Policy of `default-src 'self'` is all they need. Links are absolute
 * under `base`, the collector's mount path.
 */

const RANGE_LABELS: Record<(typeof NAMED_RANGES)[number], string> = {
  today: 'Today',
  yesterday: 'Yesterday',
  this_week: 'This week',
  last_week: 'Last week',
  this_month: 'This month',
  last_month: 'Last month',
  last_7_days: 'Last 7 days (before today)',
  last_30_days: 'Last 30 days (before today)',
};

const head = (base: string, title: string, script: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${esc(title)}</title>
<link rel="icon" href="${base}/dashboard/assets/dashboard-icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${base}/dashboard/assets/dashboard.css">
${script ? `<script defer src="${base}/dashboard/assets/dashboard.js"></script>\n` : ''}</head>`;

export interface SignInOptions {
  base: string;
  /** Shown above the form, as an alert. */
  message?: string;
  /** The dashboard's query string to come back to after signing in. */
  returnTo: string;
}

/** The sign-in form: the report token, posted to dashboard/sign-in. */
export function signInPage(o: SignInOptions): string {
  return `${head(o.base, 'Sign in · cartbeacon dashboard', false)}
<body class="signin">
<main class="signin-box">
<h1>cartbeacon dashboard</h1>
<form method="post" action="${o.base}/dashboard/sign-in">
${o.message ? `<p class="error" role="alert" id="signin-error">${esc(o.message)}</p>` : ''}
<label for="token">Report token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus aria-describedby="token-help${o.message ? ' signin-error' : ''}">
<p id="token-help" class="help">The account's <code>reportToken</code> from the collector's configuration (<code>npm start</code> prints the demo account's).</p>
<input type="hidden" name="return" value="${esc(o.returnTo)}">
<button type="submit">Sign in</button>
</form>
</main>
</body></html>`;
}

/** A control with its label above it. */
const field = (id: string, label: string, control: string) => `<span class="field"><label for="${id}">${label}</label>${control}</span>`;

const option = (value: string, label: string) => `<option value="${esc(value)}">${esc(label)}</option>`;

/** A panel's heading, its table's place (the script fills it) and a note. */
const tablePanel = (name: string, title: string, note = '') => `<section class="panel" aria-labelledby="h-${name}">
<h2 id="h-${name}">${title}</h2>
${note ? `<p class="note">${note}</p>` : ''}<div class="table-panel" data-panel="${name}" aria-busy="true"></div>
</section>`;

export interface DashboardPageOptions {
  base: string;
  /** The accounts the session opens; the first is shown unless the address names another. */
  accounts: AccountConfig[];
}

/** The dashboard's page: its controls and the places of its panels, which the script fills. */
export function dashboardPage(o: DashboardPageOptions): string {
  const { base, accounts } = o;
  const accountField =
    accounts.length > 1
      ? field('account_id', 'Account', `<select name="account_id" id="account_id">${accounts.map((a) => option(a.id, a.name)).join('')}</select>`)
      : '';
  return `${head(base, 'cartbeacon dashboard', true)}
<body>
<header class="top">
<h1>cartbeacon <span class="account" id="account-name">${esc(accounts[0]!.name)}</span></h1>
<form method="post" action="${base}/dashboard/sign-out"><button type="submit" class="quiet">Sign out</button></form>
</header>
<main id="dashboard" data-base="${base}/dashboard">
<form id="controls" class="controls" method="get" action="${base}/dashboard" aria-label="What to show">
${accountField}
${field('date_range', 'Dates', `<select name="date_range" id="date_range">${NAMED_RANGES.map((r) => option(r, RANGE_LABELS[r])).join('')}${option('custom', 'Custom range…')}</select>`)}
<span id="custom-range" class="custom" hidden>
${field('from', 'From', '<input type="date" id="from" min="1970-01-01">')}
${field('to', 'To', '<input type="date" id="to" min="1970-01-01">')}
</span>
${field('report_type', 'Funnel by', `<select name="report_type" id="report_type">${Object.keys(REPORT_TYPES).map((t) => option(t, t)).join('')}</select>`)}
${field('country', 'Funnel country', '<input name="country" id="country" size="3" maxlength="2" autocomplete="off" spellcheck="false" placeholder="any" aria-describedby="country-help">')}
<span id="country-help" class="visually-hidden">A two-letter country code such as FI; only sessions that landed from there count in the funnel.</span>
<button type="submit">Apply</button>
</form>
<p id="range" class="range" aria-live="polite"></p>
<p id="problem" class="error" role="alert" hidden></p>

<section class="panel" aria-labelledby="h-summary">
<h2 id="h-summary">Summary</h2>
<div id="summary" class="cards" aria-busy="true"></div>
<p id="realtime" class="realtime"></p>
<p id="excluded" class="note"></p>
</section>

<section class="panel" aria-labelledby="h-time">
<h2 id="h-time">Over time</h2>
<label class="inline">Show <select id="metric"></select></label>
<div id="chart" class="chart"></div>
<details><summary>Table</summary><div class="table-panel" data-panel="timeseries" aria-busy="true"></div></details>
</section>

<section class="panel" aria-labelledby="h-funnel">
<h2 id="h-funnel">Funnel</h2>
<div id="stages" class="chart"></div>
<details><summary>Stages as a table</summary><div class="table-panel" data-panel="stages" aria-busy="true"></div></details>
<h3 id="h-funnel-table">Sessions by <span id="funnel-by">Source</span></h3>
<div class="table-panel" data-panel="funnel" aria-busy="true"></div>
</section>

${tablePanel('sources', 'Top sources', 'Sessions by the source and medium of their landing page, with their orders and revenue.')}
<div class="pair">
${tablePanel('campaigns', 'Top campaigns', 'Sessions that landed with a campaign.')}
${tablePanel('pages', 'Top pages')}
</div>
${tablePanel('products', 'Top products', 'Purchases are orders that held the product; revenue is price × quantity of those lines.')}
${tablePanel('heatmap', 'Weekday × hour', 'Page views by local weekday and hour.')}
</main>
</body></html>`;
}
