import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { CustomAmount } from '@cartbeacon/schema';

/**
 * The values of checked events as enrichment reads them. Apart from validate.ts, so that
 * the loader's thread, which enriches but never checks, does not compile every event's
 * validator at its start.
 */

/** An event API flag as a boolean: true, 'true' → true. */
export const flagValue = (v: unknown): boolean => v === true || v === 'true';

/**
 * A timestamp in milliseconds since the epoch, from milliseconds, seconds (a number
 * below 10^11, i.e. before 1973 as milliseconds) or an ISO 8601 string; NaN when invalid.
 */
export function timestampValue(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isNaN(n)) return n < 0 || !Number.isFinite(n) ? NaN : Math.round(n < 1e11 ? n * 1000 : n);
  return typeof v === 'string' ? Date.parse(v) : NaN;
}

let customAmount: ValidateFunction | undefined;
/**
 * The amount, currency and order number in a custom event's params, where they are of the
 * types the event's own fields must have (else the event keeps them in its params only).
 */
export const amountOfParams = (params: unknown): { totalPrice: unknown; currency?: unknown; orderNo?: unknown } | undefined =>
  (customAmount ??= new Ajv({ strict: false }).compile(CustomAmount))(params) ? (params as { totalPrice: unknown }) : undefined;
