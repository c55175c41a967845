import type Router from '@koa/router';
import type { AccountConfig } from '../../config/config.js';
import { securePage } from '../../http/security-headers.js';
import { escapeHtml as escape } from '../../http/html.js';
import { describeRefusals } from '../../telemetry/refusal-text.js';
import type { RefusalCount, RefusalLog } from '../../telemetry/refusals.js';

export interface HomeOptions {
  /** Where the demo shop is mounted, when it is. */
  demoShop?: string | undefined;
  /** The refused ingest requests of the last hour. */
  refusals: RefusalLog;
  /** The demo account, when the collector runs with it: its key goes into the snippet. */
  demoAccount?: AccountConfig;
}

/** The start page's styles: a file of its own, as the pages' Content-Security-Policy allows no inline style. */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f4f4f4;padding:.2em .4em;border-radius:4px}pre{padding:1em;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
pre .attr{white-space:nowrap}.refusals li{margin:.3em 0}.refusals code{overflow-wrap:anywhere}.note{color:#555;font-size:.9rem}
`;

/** The refusals per code only: what the public page may say of them. */
function byCode(counts: RefusalCount[]): RefusalCount[] {
  const codes = new Map<string, RefusalCount>();
  for (const c of counts) {
    const seen = codes.get(c.code);
    if (seen) {
      seen.requests += c.requests;
      seen.events += c.events;
    } else codes.set(c.code, { code: c.code, origin: '', requests: c.requests, events: c.events, lastAt: c.lastAt, message: '' });
  }
  return [...codes.values()].sort((a, b) => b.requests - a.requests);
}

/**
 * The start page's list of the last hour's refusals. The page is public: it gives counts
 * and codes only, never an account, an origin or a message (those come from requests, and
 * name the shops). Only the demo account's refusals show their origin, as `npm start`'s
 * user is the one who needs it and the demo's key is on this page anyway.
 */
function refusalsHtml(log: RefusalLog, demo: AccountConfig | undefined, mount: string): string {
  const all = log.recent();
  if (!all.length) return '<p>None: every ingest request of the last hour was taken.</p>';
  const mine = demo ? all.filter((c) => c.accountId === demo.id) : [];
  const rest = byCode(demo ? all.filter((c) => c.accountId !== demo.id) : all);
  const item = (c: RefusalCount, details: boolean) => `<li>${escape(describeRefusals(c, details))}</li>`;
  return `<ul class="refusals">
${[...mine.map((c) => item(c, true)), ...rest.map((c) => item(c, false))].join('\n')}
</ul>
<p class="note">The <a href="${mount}/dashboard">dashboard</a> shows each account's refusals with their origins and messages; the collector's log names each one as it comes (at warn).</p>`;
}

/** `GET /` — a start page: what this is, the snippet, where to go next; `GET /start.css`, its styles. */
export function homeRoutes(router: Router, options: HomeOptions) {
  router.get('/start.css', (ctx) => {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'public, max-age=3600');
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = STYLE;
  });
  router.get('/', securePage, (ctx) => {
    // Koa 3's ctx.origin is the Origin header; the collector's own base URL is this, with
    // the prefix koa-mount sets when the collector is mounted in another app.
    const mount = escape((ctx as { mountPath?: string }).mountPath ?? '');
    const base = escape(`${ctx.protocol}://${ctx.host}`) + mount;
    const demo = options.demoAccount;
    const shop = options.demoShop
      ? `<p><a href="${escape(options.demoShop)}">Open the demo shop</a>: every page of it sends events here.</p>`
      : '';
    const key = demo ? escape(demo.apiKey) : 'YOUR_API_KEY';
    const whose = demo
      ? `<p>With the demo account's API key; a shop's page must be on one of its origins (${demo.origins.map((o) => `<code>${escape(o)}</code>`).join(', ')}).</p>`
      : '';
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'html';
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cartbeacon collector</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${mount}/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${mount}/start.css">
</head><body>
<h1>cartbeacon</h1>
<p>This collector is running. It receives events from the cartbeacon script and from shop backends, stores them, and answers reports.</p>
${shop}
<p><a href="${mount}/dashboard">Open the dashboard</a>: visitors, sales, the funnel and more, after signing in with the account's report token (<code>npm start</code> prints the demo account's).</p>
<h2>Add it to a shop</h2>
<pre id="snippet">&lt;script async src="${base}/cartbeacon.js" <span class="attr">data-key="${key}"&gt;&lt;/script&gt;</span></pre>
${whose}
<h2>Refused in the last hour</h2>
${refusalsHtml(options.refusals, demo, mount)}
<h2>Endpoints</h2>
<ul>
<li><code>POST ${mount}/add/events/v1.json?apiKey=</code> — events (the Segmentify-compatible event API, the tracker's format too)</li>
<li><code>GET ${mount}/get/key?count=N</code> — new unique ids</li>
<li><code>GET ${mount}/api/funnel</code> — the funnel report; <code>POST ${mount}/api/reporting/workflow/v1/orgs/…/sidedata/</code> — the workflow sidedata report (Bearer report token)</li>
<li><a href="${mount}/healthz"><code>/healthz</code></a>, <a href="${mount}/readyz"><code>/readyz</code></a>, <a href="${mount}/metrics"><code>/metrics</code></a></li>
</ul>
</body></html>`;
  });
}
