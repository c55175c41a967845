import type { Context } from 'koa';
import type { Accounts } from '../config/accounts.js';
import type { AccountConfig } from '../config/config.js';
import { CollectorError, fromStore } from '../http/errors.js';
import { queryParam } from '../http/params.js';
import { countryCode } from '../pipeline/country.js';
import type { RequestContext } from '../pipeline/enrich.js';
import type { StateEntry, StoredEvent } from '../store/event.js';
import type { BatchWriter } from '../ingest/ingest.js';
import type { EventWriter } from '../store/ports.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { RefusalLog } from '../telemetry/refusals.js';
import { apiKeyOf } from './ingest-limit.js';
import type { IngestLimit, LimitedRequest } from './ingest-limit.js';

/** What every ingest API (the event API, Yespo, Da Vinci) is given. */
export interface IngestDeps {
  accounts: Accounts;
  /** Where their events go; the route knows nothing of the store behind it. */
  writer: EventWriter;
  /** Where the event API's checked requests go, to be enriched as they are loaded. */
  batches: BatchWriter;
  metrics: Metrics;
  /** The trusted proxy header that carries the visitor's country, lower case. */
  countryHeader?: string;
  /** The ingest rate limit (api/ingest-limit.ts), checked before the body is read. */
  limit: IngestLimit;
  /** Where refusals are logged and counted for the start page and the dashboard. */
  refusals: RefusalLog;
}

/** A request's headers, as Koa's `ctx.get` reads them ('' for one missing). */
export interface HeaderReader {
  get(field: string): string;
}

/** The enrichment context of an ingest request: the one place it is built from a request. */
export function requestContext(ctx: HeaderReader, deps: IngestDeps, account: AccountConfig, channel: string, receivedAt: number): RequestContext {
  return {
    accountId: account.id,
    currency: account.currency,
    receivedAt,
    userAgent: ctx.get('user-agent') || undefined,
    fromBrowser: !!ctx.get('origin'),
    country: deps.countryHeader ? countryCode(ctx.get(deps.countryHeader)) : null,
    channel,
  };
}

/**
 * Writes rows and the state that goes with them, all or nothing, resolving once they are
 * durable; a failure is a 503 with Retry-After (STORE_UNAVAILABLE, or the spool's own
 * refusal): nothing of the request is kept. (The ingest path counts what reports leave out.)
 */
export async function writeEvents(deps: IngestDeps, rows: StoredEvent[], state: StateEntry[] = []): Promise<void> {
  await fromStore(deps.writer.insert(rows, { state }));
}

/**
 * A refused ingest request: counted in `cartbeacon_events_refused_total` under `label`, and
 * told to the refusal log (logged at warn, shown on the start page and the dashboard) with
 * the account its API key names, if any, and its origin. A rate limit's refusal is not
 * one: the limit counts it (cartbeacon_rate_limited_total).
 */
export function noteRefusal(deps: Pick<IngestDeps, 'accounts' | 'metrics' | 'refusals'>, err: CollectorError, label: string, request: LimitedRequest) {
  if (err.status >= 500 || err.code === 'RATE_LIMITED') return;
  deps.metrics.eventsRefused.inc({ code: label });
  const key = apiKeyOf(request);
  const account = key === undefined ? undefined : deps.accounts.byApiKey(key);
  deps.refusals.record({ code: err.code, accountId: account?.id, origin: request.get('origin'), message: err.message });
}

/**
 * Wraps a Koa route handler so that each refusal (a CollectorError under 500) is noted
 * (noteRefusal) under `labelOf(err)`, then answered by the app's error handler.
 */
export function countRefusals(deps: IngestDeps, labelOf: (err: CollectorError) => string, handler: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    try {
      await handler(ctx);
    } catch (e) {
      if (e instanceof CollectorError)
        noteRefusal(deps, e, labelOf(e), { get: (field) => ctx.get(field), query: (name) => queryParam(ctx, name), remoteAddress: undefined });
      throw e;
    }
  };
}
