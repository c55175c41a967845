import type Router from '@koa/router';

/** The collector's icon: a bar chart on blue (the same on the start page, the dashboard and the demo shop). */
export const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d5fc4"/><path d="M3 12V8M6.5 12V5M10 12V7M13.5 12V3" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>\n';

/**
 * `GET /favicon.svg`, which the collector's pages and the demo shop link, and
 * `GET /favicon.ico`, which browsers ask for on their own (for /healthz, /metrics …):
 * the same SVG, so that neither is a 404 in the browser's console.
 */
export function faviconRoutes(router: Router) {
  router.get(['/favicon.svg', '/favicon.ico'], (ctx) => {
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.type = 'image/svg+xml';
    ctx.body = FAVICON_SVG;
  });
}
