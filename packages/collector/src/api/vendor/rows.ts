import type { Context } from 'koa';
import type { Accounts } from '../../config/accounts.js';
import type { AccountConfig } from '../../config/config.js';
import { enrich } from '../../pipeline/enrich.js';
import type { RequestContext } from '../../pipeline/enrich.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import { countryOf } from '../../http/body.js';
import type { StateEntry, Store, StoredEvent } from '../../store/ports.js';
import type { KeyedLock } from './keyed-lock.js';
import { InputError } from './request.js';

/** What the vendor-compatible routes share with the rest of the collector. */
export interface VendorDeps {
  accounts: Accounts;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** The trusted proxy header that carries the visitor's country, lower case. */
  countryHeader?: string;
  /** Serialises the work on one cart or one visitor's session. */
  lock: KeyedLock;
}

/** The enrichment context of a vendor request (as the seed-001 route builds it). */
export function requestContext(ctx: Context, deps: VendorDeps, account: AccountConfig, channel: string, receivedAt: number): RequestContext {
  return {
    accountId: account.id,
    currency: account.currency,
    receivedAt,
    userAgent: ctx.get('user-agent') || undefined,
    fromBrowser: !!ctx.get('origin'),
    country: countryOf(ctx, deps.countryHeader),
    channel,
  };
}

/**
 * The stored row of a canonical record (a seed-001 event: name, userId, sessionId,
 * eventId, …) through the collector's one enrichment; `data` keeps the vendor's request.
 */
export function toRow(record: Record<string, unknown>, rctx: RequestContext, data: string): StoredEvent {
  return { ...enrich(record, rctx), data };
}

/**
 * Stores rows and state in one transaction. A storage failure is a 503 with
 * Retry-After (nothing of the request is stored), as on the seed-001 route.
 */
export async function storeAll(ctx: Context, deps: VendorDeps, channel: string, rows: StoredEvent[], state: StateEntry[]): Promise<void> {
  let inserted: number;
  try {
    ({ inserted } = await deps.store.insert(rows, { state }));
  } catch (e) {
    deps.logger.error({ err: e, channel }, 'storing events failed');
    ctx.set('Retry-After', '1');
    throw new InputError('storage is unavailable; send the request again later', 503);
  }
  deps.metrics.eventsStored.inc({ channel }, inserted);
  deps.metrics.eventsDuplicate.inc({ channel }, rows.length - inserted);
}

/** Counts a route's refusals by status, then lets the app's error handler answer them. */
export function counted(deps: VendorDeps, channel: string, handler: (ctx: Context) => Promise<void>) {
  return async (ctx: Context) => {
    try {
      await handler(ctx);
    } catch (e) {
      if (e instanceof InputError && e.status < 500) deps.metrics.eventsRefused.inc({ code: `${channel.toUpperCase()}_${e.status}` });
      throw e;
    }
  };
}
