import type { IngestErrorResponse, IngestResponse } from '@cartbeacon/schema';
import { readBytes } from '../../http/body.js';
import type { BodySource } from '../../http/body.js';
import { parseJson } from '../../http/body.js';
import { fromStore, refuse } from '../../http/errors.js';
import { checkBatch } from '../../pipeline/batch.js';
import { requestContext } from '../ingest-context.js';
import type { IngestDeps } from '../ingest-context.js';

const CHANNEL = 'events';

/** What the event API reads of a request, whichever HTTP layer carries it (Koa, or the fast path). */
export interface EventApiRequest extends BodySource {
  /** The first value of a query parameter. */
  query(name: string): string | undefined;
}

/** The event API's answer to a request it took: 200 (the events are durable), or 400 when it refused them all. */
export interface EventApiAnswer {
  status: 200 | 400;
  body: IngestResponse | IngestErrorResponse;
}

/**
 * The Segmentify-compatible event API on one request: the account, its origin, the body
 * and each event are checked, and the body goes to the ingest path as it came (the loader
 * enriches it: pipeline/rows.ts). Refusals of the whole request are thrown as
 * CollectorErrors, for the caller's HTTP layer to answer.
 */
export async function acceptEvents(deps: IngestDeps, request: EventApiRequest): Promise<EventApiAnswer> {
  const { accounts, metrics } = deps;
  const key = request.query('apiKey');
  if (!key) throw refuse('NO_API_KEY');
  const account = accounts.byApiKey(key);
  if (!account) throw refuse('NO_ACCOUNT');
  const origin = request.get('origin');
  if (origin && !accounts.allows(account, origin))
    throw refuse('NO_DOMAIN_APIKEY_MATCH', `Origin ${origin.slice(0, 200)} is not one of the account's origins: add it to the account's origins in the collector's configuration`);

  const bytes = await readBytes(request);
  const body = parseJson(bytes.toString('utf8'));
  if (body === undefined) throw refuse('NO_EVENT');
  if (!Array.isArray(body)) throw refuse('BAD_INPUT', 'the request body must be a JSON array of events');
  if (!body.length) throw refuse('NO_EVENT');

  const dropped = Number(request.query('dropped'));
  if (Number.isInteger(dropped) && dropped > 0 && dropped < 1e6) metrics.trackerDropped.inc(dropped);

  const receivedAt = Date.now();
  const errors = checkBatch(body);
  metrics.eventsReceived.inc({ channel: CHANNEL }, body.length);
  for (const e of errors) metrics.eventsRefused.inc({ code: e.statusCode });
  const first = errors[0];
  // Every event refused: the API's error body, with each one's reason.
  if (first && errors.length === body.length)
    return { status: 400, body: { timestamp: '', responses: [], statusCode: first.statusCode, message: first.message, errors } };

  const context = requestContext(request, deps, account, CHANNEL, receivedAt);
  await fromStore(deps.batches.writeBatch({ context, body: bytes, refused: errors.map((e) => e.index) }));
  const empty = body.map(() => []);
  const answer: IngestResponse = { campaigns: empty, responses: empty, timestamp: receivedAt };
  if (first) Object.assign(answer, { statusCode: first.statusCode, errors });
  return { status: 200, body: answer };
}
