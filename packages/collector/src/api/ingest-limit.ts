import type { Context, Middleware, Next } from 'koa';
import type { Accounts } from '../config/accounts.js';
import { CollectorError } from '../http/errors.js';
import { bearerOf, queryParam } from '../http/params.js';
import type { RateLimiter } from '../http/rate-limit.js';
import type { Metrics } from '../telemetry/metrics.js';
import { basicPassword } from './vendor/auth.js';

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

/**
 * The API key of an ingest request, wherever its API carries it: `?apiKey=` (the event
 * API, the Yespo-compatible API), the Basic auth password (Yespo), a Bearer token (Da Vinci).
 */
function apiKeyOf(ctx: Context): string | undefined {
  const query = queryParam(ctx, 'apiKey');
  if (query) return query;
  const authorization = ctx.get('authorization');
  if (!authorization) return undefined;
  return /^basic/i.test(authorization) ? basicPassword(ctx) : bearerOf(authorization);
}

/** The client's address: the trusted proxy's header's last entry, else the connection's peer. */
function clientOf(ctx: Context, header: string | undefined): string {
  if (header) {
    const value = ctx.get(header);
    const last = value.slice(value.lastIndexOf(',') + 1).trim();
    if (last) return last;
  }
  return ctx.req.socket.remoteAddress ?? '';
}

/**
 * A route middleware of the ingest APIs: refuses a request over its client's or its
 * account's rate limit with 429 RATE_LIMITED and Retry-After (the tracker honours it),
 * before its body is read. Only known API keys have a bucket, so made-up keys cannot
 * fill the limiter's memory; an unknown key is refused by the route itself.
 */
export function ingestRateLimit(limiter: RateLimiter | undefined, options: IngestLimitOptions): Middleware {
  if (!limiter) return (_ctx: Context, next: Next) => next();
  const { accounts, metrics, clientIpHeader } = options;
  return (ctx: Context, next: Next) => {
    const key = apiKeyOf(ctx);
    const limited = limiter.check(clientOf(ctx, clientIpHeader), key === undefined ? undefined : accounts.byApiKey(key)?.id);
    if (!limited) return next();
    metrics.rateLimited.inc({ scope: limited.scope });
    const whose = limited.scope === 'client' ? 'from this client' : 'for this account';
    throw new CollectorError('RATE_LIMITED', `Too many requests ${whose}; send them again in ${limited.retryAfterSeconds} s`, {
      headers: { 'Retry-After': String(limited.retryAfterSeconds) },
    });
  };
}
