import type { Context, Next } from 'koa';
import type { ErrorRenderer } from './errors.js';

/** The renderer the app's error handler uses for this request (`{status, message}` unless a route says otherwise). */
export const rendererOf = (ctx: Context): ErrorRenderer | undefined => (ctx.state as { renderError?: ErrorRenderer }).renderError;

/** A route middleware: this API's errors are rendered by `render`. */
export const speaks =
  (render: ErrorRenderer) =>
  (ctx: Context, next: Next): Promise<unknown> => {
    (ctx.state as { renderError?: ErrorRenderer }).renderError = render;
    return next();
  };
