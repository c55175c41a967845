import type { Context } from 'koa';

/** The first value of a query parameter. */
export const queryParam = (ctx: Context, name: string): string | undefined => {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
};

/** The token of a Bearer Authorization header value, or undefined. */
export const bearerOf = (authorization: string): string | undefined => /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];

/** The password of a Basic Authorization header value (the user name is ignored), or undefined. */
export function basicPasswordOf(authorization: string): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(authorization);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}
