import type { Context, Next } from 'koa';
import { rendererOf } from '../http/dialect.js';
import { CollectorError, renderStatusMessage } from '../http/errors.js';
import type { HttpErrorLike } from '../http/errors.js';

/**
 * The app's one error handler (koa's docs/error-handling.md): an error with http-errors
 * fields (ours from http/errors.ts, or Koa's own `ctx.throw`) answers its status, its
 * headers (Retry-After, WWW-Authenticate, CORS) and the body of the route's API; anything
 * else is a bug, answered 500 without its message. A 5xx is emitted for the app's logger.
 */
export async function errorHandler(ctx: Context, next: Next) {
  try {
    await next();
  } catch (e) {
    const err = (e ?? {}) as Partial<HttpErrorLike> & { headers?: Record<string, string> };
    const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    ctx.status = status;
    if (err.headers) ctx.set(err.headers);
    // A client reads what it may: an exposed refusal, and our own 5xx (what to retry); never a bug's message.
    const shown: HttpErrorLike =
      err.expose && status < 500
        ? { status, message: String(err.message), ...(err.code ? { code: err.code } : {}) }
        : { status, message: e instanceof CollectorError ? e.message : status === 500 ? 'Internal Server Error' : 'Service Unavailable' };
    ctx.body = (rendererOf(ctx) ?? renderStatusMessage)(shown);
    if (status >= 500) ctx.app.emit('error', e, ctx);
  }
}
