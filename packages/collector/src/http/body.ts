import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { refuse } from './errors.js';

/** The largest request body the ingest endpoints read. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads the request body as UTF-8 text, refusing more than `limit` bytes
 * (BODY_TOO_LARGE), a compressed body (UNSUPPORTED_ENCODING) and one broken off
 * (BODY_UNREADABLE).
 */
export async function readText(ctx: BodySource, limit = MAX_BODY_BYTES): Promise<string> {
  return (await readBytes(ctx, limit)).toString('utf8');
}

/** What reading a body needs of a request: Koa's context, or the collector's own fast path. */
export interface BodySource {
  req: IncomingMessage;
  get(field: string): string;
}

/** Reads the request body as it came (the errors of readText). */
export async function readBytes(ctx: BodySource, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const encoding = ctx.get('content-encoding');
  if (encoding && encoding !== 'identity')
    throw refuse('UNSUPPORTED_ENCODING', `Content-Encoding "${encoding.slice(0, 40)}" is not supported; send the body uncompressed`);
  try {
    return await getRawBody(ctx.req, { limit, length: ctx.get('content-length') || undefined });
  } catch (e) {
    if ((e as { type?: string }).type === 'entity.too.large') throw refuse('BODY_TOO_LARGE', `the request body is larger than ${limit} bytes`);
    throw refuse('BODY_UNREADABLE', `the request body could not be read: ${(e as Error).message}`);
  }
}

/**
 * Reads the request body as JSON: undefined when it is empty (each endpoint says what
 * that means); the errors of readText, or BAD_JSON.
 */
export async function readJson(ctx: BodySource, limit = MAX_BODY_BYTES): Promise<unknown> {
  return parseJson(await readText(ctx, limit));
}

/** A request body's JSON: undefined when it is empty, else BAD_JSON for what is not JSON. */
export function parseJson(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw refuse('BAD_JSON', `the request body is not valid JSON: ${(e as Error).message}`);
  }
}
