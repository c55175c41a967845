import type Router from '@koa/router';
import { securePage } from '../../http/security-headers.js';
import { escapeHtml as escape } from '../../http/html.js';

export interface HomeOptions {
  /** Where the demo shop is mounted, when it is. */
  demoShop?: string;
}

/** The start page's styles: a file of its own, as the pages' Content-Security-Policy allows no inline style. */
const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}code,pre{background:#f4f4f4;padding:.2em .4em;border-radius:4px}pre{padding:1em;overflow:auto}
`;

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
    const shop = options.demoShop
      ? `<p><a href="${escape(options.demoShop)}">Open the demo shop</a>: every page of it sends events here.</p>`
      : '';
    ctx.type = 'html';
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cartbeacon collector</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${mount}/start.css">
</head><body>
<h1>cartbeacon</h1>
<p>This collector is running. It receives events from the cartbeacon script and from shop backends, stores them, and answers reports.</p>
${shop}
<p><a href="${mount}/dashboard">Open the dashboard</a>: visitors, sales, the funnel and more, after signing in with the account's report token (<code>npm start</code> prints the demo account's).</p>
<h2>Add it to a shop</h2>
<pre>&lt;script async src="${base}/cartbeacon.js" data-key="YOUR_API_KEY"&gt;&lt;/script&gt;</pre>
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
