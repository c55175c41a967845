import type { Context, Next } from 'koa';
import { refuse } from './errors.js';

/**
 * Answers requests whose target is not a path: an absolute URL (`GET http://host/…`, what
 * a client sends to a proxy; this is none) or `*` get 400, except `OPTIONS *`, which asks
 * what the server takes. Koa would otherwise route `http://other.example/healthz` as
 * `/healthz`. (CONNECT's `host:port` never gets here: the HTTP server answers it.)
 */
export function originFormOnly(ctx: Context, next: Next): Promise<unknown> | undefined {
  if (ctx.req.url?.charCodeAt(0) === 47 /* "/" */) return next();
  if (ctx.req.url === '*' && ctx.method === 'OPTIONS') {
    ctx.set('Allow', 'GET, HEAD, POST, OPTIONS');
    ctx.status = 204;
    return undefined;
  }
  throw refuse('INVALID_REQUEST', 'the request target must be a path such as /healthz, not an absolute URL');
}
