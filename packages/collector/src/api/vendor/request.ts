import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { readJson } from '../../http/body.js';
import { refuse } from '../../http/errors.js';
import { MAX_DEPTH, tooDeep } from '../../http/json-depth.js';

/**
 * Reads the request body as one JSON object (within the ingest body limit); anything
 * else is refused: the errors of readJson, or INVALID_REQUEST for a body that is empty,
 * not an object, or nested deeper than 32 levels.
 */
export async function readJsonObject(ctx: Context): Promise<Record<string, unknown>> {
  const body = await readJson(ctx);
  if (body === undefined) throw refuse('INVALID_REQUEST', 'the request body is empty; send a JSON object');
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw refuse('INVALID_REQUEST', 'the request body must be a JSON object');
  if (tooDeep(body)) throw refuse('INVALID_REQUEST', `the request body is nested deeper than ${MAX_DEPTH} levels`);
  return body as Record<string, unknown>;
}

/** A UUID-shaped id that is always the same for the same parts. */
export function stableId(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  // Version 8 (custom) with the RFC 9562 variant, so that it reads as a UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The id a request's Idempotency-Key header fixes for it (a cartbeacon extension to both
 * vendor APIs, whose requests carry no id of their own): the same key on the same path
 * gives the same event id, so a retried request is stored once.
 */
export function idempotentId(ctx: Context, accountId: string, part = ''): string | undefined {
  const key = ctx.get('idempotency-key').trim();
  if (!key) return undefined;
  if (key.length > 255) throw refuse('INVALID_REQUEST', 'the Idempotency-Key header is longer than 255 characters');
  return stableId(accountId, ctx.path, key, part);
}
