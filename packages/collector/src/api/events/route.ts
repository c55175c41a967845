import type Router from '@koa/router';
import { browserCors } from '../../http/cors.js';
import { speaks } from '../../http/dialect.js';
import { queryParam } from '../../http/params.js';
import { countRefusals } from '../ingest-context.js';
import { limitedBy } from '../ingest-limit.js';
import type { IngestDeps } from '../ingest-context.js';
import { acceptEvents } from './accept.js';
import { eventApiCode, renderEventApiError } from './errors.js';

/** The event API's path. */
export const EVENT_API_PATH = '/add/events/v1.json';

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
  const cors = browserCors('POST, OPTIONS');
  router.options(EVENT_API_PATH, cors);
  router.post(
    EVENT_API_PATH,
    cors,
    speaks(renderEventApiError),
    limitedBy(deps.limit),
    countRefusals(deps.metrics, eventApiCode, async (ctx) => {
      const answer = await acceptEvents(deps, { req: ctx.req, get: (field) => ctx.get(field), query: (name) => queryParam(ctx, name) });
      ctx.status = answer.status;
      ctx.body = answer.body;
    }),
  );
}
