import cors from '@koa/cors';

/**
 * CORS for an API that browsers call from a shop's pages: every origin may send and read
 * the answer (whether the origin may send for an account is the account's check, and a
 * refused tracker must be able to read why), Retry-After included, so that the tracker
 * honours it; preflights are cached for a day.
 */
export const browserCors = (allowMethods: string) =>
  cors({ origin: (ctx) => ctx.get('origin'), allowMethods, exposeHeaders: ['Retry-After'], maxAge: 86400 });
