import type { Context } from 'koa';
import type { Accounts } from '../config/accounts.js';
import type { AccountConfig } from '../config/config.js';
import { CollectorError, fromStore } from '../http/errors.js';
import { countryCode } from '../pipeline/country.js';
import type { RequestContext } from '../pipeline/enrich.js';
import type { StateEntry, StoredEvent } from '../store/event.js';
import type { BatchWriter } from '../ingest/ingest.js';
import type { EventWriter } from '../store/ports.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { IngestLimit } from './ingest-limit.js';

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
 * Wraps a route handler so that each refusal (a CollectorError under 500) is counted in
 * `cartbeacon_events_refused_total` under `labelOf(err)`, then answered by the app's error handler.
 */
export function countRefusals(metrics: Metrics, labelOf: (err: CollectorError) => string, handler: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    try {
      await handler(ctx);
    } catch (e) {
      if (e instanceof CollectorError && e.status < 500) metrics.eventsRefused.inc({ code: labelOf(e) });
      throw e;
    }
  };
}
