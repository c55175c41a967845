import { ERROR_CODES } from '@cartbeacon/schema';
import type { ErrorCode as EventApiCode } from '@cartbeacon/schema';

/**
 * The collector's one catalog of error codes: each stable code with the HTTP status it
 * answers and its default sentence (after fastify's lib/errors.js). Every refusal is a
 * CollectorError of one of these codes, carrying Koa's http-errors fields (`status`,
 * `expose`, `headers`), so that the app's one error handler answers it; each API's
 * renderer gives it that API's body.
 *
 * The first seven are the Segmentify-compatible event API's own codes: its clients read
 * them in `statusCode`, so they keep the API's names.
 */
export const ERRORS = {
  NO_API_KEY: { status: 400, message: 'The request has no apiKey parameter: give the script tag data-key="your API key" (or the URL ?apiKey=).' },
  NO_ACCOUNT: { status: 400, message: "The api key is not associated with an account: check the script tag's data-key (or ?apiKey=) against an apiKey of the collector's configuration." },
  NO_DOMAIN_APIKEY_MATCH: { status: 400, message: "The request's Origin is not one of the account's origins." },
  NO_EVENT: { status: 400, message: 'The request body holds no events.' },
  NO_USERID: { status: 400, message: 'An event has no userId.' },
  NO_SESSIONID: { status: 400, message: 'An event has no sessionId.' },
  BAD_INPUT: { status: 400, message: 'The request body must be a JSON array of events.' },

  /** A request that the API cannot take as it is; the message names the field at fault. */
  INVALID_REQUEST: { status: 400, message: 'The request is not valid.' },
  MISSING_PARAMETER: { status: 400, message: 'Missing required parameter.' },
  BAD_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  BODY_UNREADABLE: { status: 400, message: 'The request body could not be read.' },
  UNAUTHENTICATED: { status: 401, message: 'Unauthenticated' },
  ORIGIN_NOT_ALLOWED: { status: 403, message: "The request's Origin is not one of the account's origins." },
  NOT_FOUND: { status: 404, message: 'Not Found' },
  BODY_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_ENCODING: { status: 415, message: 'Send the request body uncompressed.' },
  /** A client or an account over its ingest rate limit (http/rate-limit.ts); Retry-After says when to send again. */
  RATE_LIMITED: { status: 429, message: 'Too many requests; send them again later.', retryAfter: 1 },
  /** The store (or the spool) cannot commit or answer now: the client should retry. */
  STORE_UNAVAILABLE: { status: 503, message: 'Storage is unavailable; send the request again later.', retryAfter: 1 },
  /** The spool holds as much unloaded data as it may (the store is down or behind). */
  SPOOL_FULL: { status: 503, message: 'The collector holds as many events as it may until its store catches up; send them again later.', retryAfter: 5 },
  /** The spool's disk cannot be written or synced (full, read-only, failing). */
  SPOOL_UNWRITABLE: { status: 503, message: 'The collector cannot write to its disk now; send the request again later.', retryAfter: 1 },
  /** The collector is stopping. */
  SHUTTING_DOWN: { status: 503, message: 'The collector is stopping; send the request again later.', retryAfter: 1 },
  /** A configuration that stops the start; never an HTTP answer. */
  BAD_CONFIG: { status: 500, message: 'The configuration is not valid.' },
} as const satisfies Record<string, { status: number; message: string; retryAfter?: number }> &
  Record<EventApiCode, { status: 400; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Whether a code is one of the event API's own, which it answers in `statusCode` (@cartbeacon/schema). */
export const isEventApiCode = (code: string): code is EventApiCode => (ERROR_CODES as readonly string[]).includes(code);

/** A refusal with a stable code; `expose` is true for every status under 500. */
export class CollectorError extends Error {
  override name = 'CollectorError';
  readonly status: number;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    message: string = ERRORS[code].message,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const entry: { status: number; retryAfter?: number } = ERRORS[code];
    this.status = entry.status;
    this.expose = entry.status < 500;
    this.headers = { ...(entry.retryAfter ? { 'Retry-After': String(entry.retryAfter) } : {}), ...options.headers };
  }
}

/** `code`'s error, with `message` naming what exactly was wrong. */
export const refuse = (code: ErrorCode, message?: string, headers?: Record<string, string>) =>
  new CollectorError(code, message, { headers });

/** The store failed: 503 with Retry-After, the store's own error kept as the cause (logged, never shown). */
export const storeUnavailable = (cause: unknown) => new CollectorError('STORE_UNAVAILABLE', undefined, { cause });

/** The answer of a store call, its failure turned into STORE_UNAVAILABLE (a refusal of our own kept as it is). */
export const fromStore = <T>(answer: Promise<T>): Promise<T> =>
  answer.catch((e: unknown) => {
    throw e instanceof CollectorError ? e : storeUnavailable(e);
  });

/** What a renderer is given: any error with http-errors fields (Koa's own, or ours). */
export interface HttpErrorLike {
  status: number;
  message: string;
  expose?: boolean;
  code?: string;
}

/** An API's error body for an error (its status and headers are set by the error handler). */
export type ErrorRenderer = (err: HttpErrorLike) => unknown;

/** `{"status":"error","message":…}`: the error body of the report, Yespo and Da Vinci APIs. */
export const renderStatusMessage: ErrorRenderer = (err) => ({ status: 'error', message: err.message });
