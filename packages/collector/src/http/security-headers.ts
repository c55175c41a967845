import type { Context, Next } from 'koa';

/**
 * A strict Content-Security-Policy for the collector's own pages: everything from the
 * collector itself, no inline script or style (no 'unsafe-inline', no eval), no plugins,
 * no framing, forms posting only back to it.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers every HTML page of the collector is sent with. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': PAGE_CSP,
  'X-Content-Type-Options': 'nosniff',
  // For browsers older than CSP's frame-ancestors.
  'X-Frame-Options': 'DENY',
  // A page's address (a dashboard view's parameters) is nobody else's business.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
});

/**
 * A route middleware that sends PAGE_HEADERS with whatever the route answers, errors
 * included: `router.get('/dashboard', securePage, …)`, or `router.use('/dashboard', securePage)`
 * for every route under a path.
 */
export function securePage(ctx: Context, next: Next): Promise<unknown> {
  ctx.set(PAGE_HEADERS);
  return next();
}
