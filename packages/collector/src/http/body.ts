import getRawBody from 'raw-body';
import type { Context } from 'koa';
import { countryCode } from '../pipeline/country.js';

/** The largest request body the ingest endpoints read. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Why a body could not be read: too large (413) or broken off (400). */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads the request body as UTF-8 text, refusing more than `limit` bytes. */
export async function readText(ctx: Context, limit = MAX_BODY_BYTES): Promise<string> {
  const encoding = ctx.get('content-encoding');
  if (encoding && encoding !== 'identity') throw new BodyError(415, `Content-Encoding "${encoding}" is not supported; send the body uncompressed`);
  try {
    return await getRawBody(ctx.req, { limit, encoding: 'utf-8', length: ctx.get('content-length') || undefined });
  } catch (e) {
    const err = e as { type?: string; status?: number };
    if (err.type === 'entity.too.large') throw new BodyError(413, `the request body is larger than ${limit} bytes`);
    throw new BodyError(400, `the request body could not be read: ${(e as Error).message}`);
  }
}

/**
 * Reads the request body as JSON: undefined when it is empty (each endpoint says what
 * that means), a BodyError (415, 413, 400) when it cannot be read or is not JSON.
 */
export async function readJson(ctx: Context, limit = MAX_BODY_BYTES): Promise<unknown> {
  const text = await readText(ctx, limit);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BodyError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
}

/** The first value of a query parameter. */
export const queryParam = (ctx: Context, name: string): string | undefined => {
  const v = ctx.query[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Lets any page read the answer (for the tracker, which runs on the shop's origin). */
export function allowOrigin(ctx: Context) {
  const origin = ctx.get('origin');
  if (!origin) return;
  ctx.set('Access-Control-Allow-Origin', origin);
  ctx.set('Access-Control-Expose-Headers', 'Retry-After');
  ctx.vary('Origin');
}

/** Answers a CORS preflight for the given methods. */
export function preflight(methods: string) {
  return (ctx: Context) => {
    allowOrigin(ctx);
    ctx.set('Access-Control-Allow-Methods', methods);
    ctx.set('Access-Control-Allow-Headers', ctx.get('access-control-request-headers') || 'Content-Type');
    ctx.set('Access-Control-Max-Age', '86400');
    ctx.status = 204;
  };
}

/** The visitor's country from the trusted proxy header (lower-case name), or null. */
export const countryOf = (ctx: Context, header: string | undefined): string | null => (header ? countryCode(ctx.get(header)) : null);

/** The token of a Bearer Authorization header value, or undefined. */
export const bearerOf = (authorization: string): string | undefined => /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
