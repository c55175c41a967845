import type Router from '@koa/router';
import type { IngestErrorResponse, IngestResponse } from '@cartbeacon/schema';
import { parseJson, readBytes } from '../../http/body.js';
import { browserCors } from '../../http/cors.js';
import { speaks } from '../../http/dialect.js';
import { fromStore, refuse } from '../../http/errors.js';
import { queryParam } from '../../http/params.js';
import { checkBatch } from '../../pipeline/batch.js';
import { countRefusals, requestContext } from '../ingest-context.js';
import type { IngestDeps } from '../ingest-context.js';
import { eventApiCode, renderEventApiError } from './errors.js';

const CHANNEL = 'events';

/**
 * `POST /add/events/v1.json?apiKey=` — the Segmentify-compatible event API, which is also
 * the tracker's wire format (a JSON array; application/json, or text/plain from the
 * tracker so that browsers send it without a preflight).
 *
 * Answers: 200 with the API's body when the events are durably stored (with
 * `statusCode` and `errors` naming the refused ones, if some were); 400 with the API's
 * error body when nothing could be stored; 413 / 415 for bodies that cannot be read;
 * 503 with Retry-After when storage is failing, so that senders retry.
 */
export function ingestRoutes(router: Router, deps: IngestDeps) {
  const { accounts, metrics } = deps;
  const path = '/add/events/v1.json';
  const cors = browserCors('POST, OPTIONS');

  router.options(path, cors);
  router.post(
    path,
    cors,
    speaks(renderEventApiError),
    countRefusals(metrics, eventApiCode, async (ctx) => {
      const key = queryParam(ctx, 'apiKey');
      if (!key) throw refuse('NO_API_KEY');
      const account = accounts.byApiKey(key);
      if (!account) throw refuse('NO_ACCOUNT');
      const origin = ctx.get('origin');
      if (origin && !accounts.allows(account, origin))
        throw refuse('NO_DOMAIN_APIKEY_MATCH', `Origin ${origin.slice(0, 200)} is not one of the account's origins`);

      const bytes = await readBytes(ctx);
      const body = parseJson(bytes.toString('utf8'));
      if (body === undefined) throw refuse('NO_EVENT');
      if (!Array.isArray(body)) throw refuse('BAD_INPUT', 'the request body must be a JSON array of events');
      if (!body.length) throw refuse('NO_EVENT');

      const dropped = Number(queryParam(ctx, 'dropped'));
      if (Number.isInteger(dropped) && dropped > 0 && dropped < 1e6) metrics.trackerDropped.inc(dropped);

      const receivedAt = Date.now();
      const errors = checkBatch(body);
      metrics.eventsReceived.inc({ channel: CHANNEL }, body.length);
      errors.forEach((e) => metrics.eventsRefused.inc({ code: e.statusCode }));
      const first = errors[0];
      if (errors.length === body.length) {
        // Every event refused: the API's error body, with each one's reason.
        const refused: IngestErrorResponse = { timestamp: '', responses: [], statusCode: first!.statusCode, message: first!.message, errors };
        ctx.status = 400;
        ctx.body = refused;
        return;
      }

      // The body goes to the spool as it came; the loader enriches it (pipeline/batch.ts).
      const context = requestContext(ctx, deps, account, CHANNEL, receivedAt);
      await fromStore(deps.batches.writeBatch({ context, body: bytes, refused: errors.map((e) => e.index) }));
      const answer: IngestResponse = {
        campaigns: body.map(() => []),
        responses: body.map(() => []),
        timestamp: receivedAt,
      };
      if (first) Object.assign(answer, { statusCode: first.statusCode, errors });
      ctx.body = answer;
    }),
  );
}
