import type { Context } from 'koa';

/** The first value of a query parameter. */
export const queryParam = (ctx: Context, name: string): string | undefined => {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The token of a Bearer Authorization header value, or undefined. */
export const bearerOf = (authorization: string): string | undefined => /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
