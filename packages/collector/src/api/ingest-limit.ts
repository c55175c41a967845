import type { Context, Next } from 'koa';
import type { Accounts } from '../config/accounts.js';
import { CollectorError } from '../http/errors.js';
import { basicPasswordOf, bearerOf, queryParam } from '../http/params.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { HeaderReader } from './ingest-context.js';

export interface IngestLimitOptions {
  accounts: Accounts;
  metrics: Metrics;
  /**
   * A header set by a trusted proxy in front of the collector that carries the client's
   * address (lower case); its last entry counts, the one the proxy added. Without it the
   * client is the connection's peer.
   */
  clientIpHeader?: string;
}

/** What the rate limit reads of a request, whichever HTTP layer carries it (Koa, or the event API's fast path). */
export interface LimitedRequest extends HeaderReader {
  /** The first value of a query parameter. */
  query(name: string): string | undefined;
  /** The connection's peer. */
  remoteAddress: string | undefined;
}

/** Throws RATE_LIMITED (429, Retry-After) for a request over its client's or its account's limit. */
export type IngestLimit = (request: LimitedRequest) => void;

/**
 * The API key of an ingest request, wherever its API carries it: `?apiKey=` (the event
 * API, the Yespo-compatible API), the Basic auth password (Yespo), a Bearer token (Da Vinci).
 */
function apiKeyOf(request: LimitedRequest): string | undefined {
  const query = request.query('apiKey');
  if (query) return query;
  const authorization = request.get('authorization');
  if (!authorization) return undefined;
  return /^basic/i.test(authorization) ? basicPasswordOf(authorization) : bearerOf(authorization);
}

/** The client's address: the trusted proxy's header's last entry, else the connection's peer. */
function clientOf(request: LimitedRequest, header: string | undefined): string {
  if (header) {
    const value = request.get(header);
    const last = value.slice(value.lastIndexOf(',') + 1).trim();
    if (last) return last;
  }
  return request.remoteAddress ?? '';
}

/**
 * The ingest APIs' rate limit, checked before a body is read: a request over its client's
 * or its account's limit is refused with 429 RATE_LIMITED and Retry-After (the tracker
 * honours it), counted in `cartbeacon_rate_limited_total`. Only known API keys have a
 * bucket, so made-up keys cannot fill the limiter's memory; an unknown key is refused by
 * the route itself.
 */
export function ingestRateLimit(limiter: RateLimiter | undefined, options: IngestLimitOptions): IngestLimit {
  if (!limiter) return () => {};
  const { accounts, metrics, clientIpHeader } = options;
  return (request) => {
    const key = apiKeyOf(request);
    const limited = limiter.check(clientOf(request, clientIpHeader), key === undefined ? undefined : accounts.byApiKey(key)?.id);
    if (!limited) return;
    metrics.rateLimited.inc({ scope: limited.scope });
    const whose = limited.scope === 'client' ? 'from this client' : 'for this account';
    throw new CollectorError('RATE_LIMITED', `Too many requests ${whose}; send them again in ${limited.retryAfterSeconds} s`, {
      headers: { 'Retry-After': String(limited.retryAfterSeconds) },
    });
  };
}

/** The Koa route middleware of an ingest limit. */
export const limitedBy =
  (limit: IngestLimit) =>
  (ctx: Context, next: Next): Promise<unknown> => {
    limit({ get: (field) => ctx.get(field), query: (name) => queryParam(ctx, name), remoteAddress: ctx.req.socket.remoteAddress });
    return next();
  };
