import type Router from '@koa/router';
import type { IngestErrorResponse, IngestResponse } from '@cartbeacon/types';
import type { Accounts } from '../../config/accounts.js';
import { IngestError } from '../../http/errors.js';
import { allowOrigin, BodyError, countryOf, preflight, queryParam, readJson } from '../../http/body.js';
import { prepareBatch } from '../../pipeline/batch.js';
import type { Logger } from '../../telemetry/logger.js';
import type { Metrics } from '../../telemetry/metrics.js';
import type { Store } from '../../store/ports.js';

export interface IngestDeps {
  accounts: Accounts;
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** The trusted proxy header that carries the visitor's country, lower case. */
  countryHeader?: string;
}


/**
 * `POST /add/events/v1.json?apiKey=` — seed 001's ingest, which is also the tracker's
 * wire format (a JSON array; application/json, or text/plain from the tracker so that
 * browsers send it without a preflight).
 *
 * Answers: 200 with the seed's body when the events are durably stored (with
 * `statusCode` and `errors` naming the refused ones, if some were); 400 with the seed's
 * error body when nothing could be stored; 413 / 415 for bodies that cannot be read;
 * 503 with Retry-After when storage is failing, so that senders retry.
 */
export function ingestRoutes(router: Router, deps: IngestDeps) {
  const { accounts, store, metrics, logger } = deps;
  const path = '/add/events/v1.json';

  router.options(path, preflight('POST, OPTIONS'));
  router.post(path, async (ctx) => {
    allowOrigin(ctx);
    try {
      const key = queryParam(ctx, 'apiKey');
      if (!key) throw new IngestError('NO_API_KEY');
      const account = accounts.byApiKey(key);
      if (!account) throw new IngestError('NO_ACCOUNT');
      const origin = ctx.get('origin');
      if (origin && !accounts.allows(account, origin))
        throw new IngestError('NO_DOMAIN_APIKEY_MATCH', `Origin ${origin} is not one of the account's origins`);

      let body: unknown;
      try {
        body = await readJson(ctx);
      } catch (e) {
        if (e instanceof BodyError) throw new IngestError('BAD_INPUT', e.message, e.status);
        throw e;
      }
      if (body === undefined) throw new IngestError('NO_EVENT');
      if (!Array.isArray(body)) throw new IngestError('BAD_INPUT', 'the request body must be a JSON array of events');
      if (!body.length) throw new IngestError('NO_EVENT');

      const dropped = Number(queryParam(ctx, 'dropped'));
      if (Number.isInteger(dropped) && dropped > 0 && dropped < 1e6) metrics.trackerDropped.inc(dropped);

      const receivedAt = Date.now();
      const { rows, errors } = prepareBatch(body, {
        accountId: account.id,
        currency: account.currency,
        receivedAt,
        userAgent: ctx.get('user-agent') || undefined,
        fromBrowser: !!origin,
        country: countryOf(ctx, deps.countryHeader),
        channel: 'events',
      });
      metrics.eventsReceived.inc({ channel: 'events' }, body.length);
      errors.forEach((e) => metrics.eventsRefused.inc({ code: e.statusCode }));
      const first = errors[0];
      if (!rows.length) {
        ctx.status = 400;
        const refused: IngestErrorResponse = { timestamp: '', responses: [], statusCode: first!.statusCode, message: first!.message, errors };
        ctx.body = refused;
        return;
      }

      let inserted: number;
      try {
        ({ inserted } = await store.insert(rows));
      } catch (e) {
        logger.error({ err: e }, 'storing events failed');
        ctx.status = 503;
        ctx.set('Retry-After', '1');
        ctx.body = { timestamp: '', responses: [], message: 'storage is unavailable; send the events again later' };
        return;
      }
      metrics.eventsStored.inc({ channel: 'events' }, inserted);
      metrics.eventsDuplicate.inc({ channel: 'events' }, rows.length - inserted);

      const answer: IngestResponse = {
        campaigns: body.map(() => []),
        responses: body.map(() => []),
        timestamp: receivedAt,
      };
      if (first) Object.assign(answer, { statusCode: first.statusCode, errors });
      ctx.body = answer;
    } catch (e) {
      if (!(e instanceof IngestError)) throw e;
      metrics.eventsRefused.inc({ code: e.code });
      ctx.status = e.status;
      ctx.body = e.body();
    }
  });
}
