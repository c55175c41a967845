import type { IncomingMessage, ServerResponse } from 'node:http';
import { CollectorError } from '../../http/errors.js';
import type { HttpErrorLike } from '../../http/errors.js';
import type { IngestDeps } from '../ingest-context.js';
import type { LimitedRequest } from '../ingest-limit.js';
import { acceptEvents } from './accept.js';
import type { EventApiRequest } from './accept.js';
import { eventApiCode, renderEventApiError } from './errors.js';
import { EVENT_API_PATH } from './route.js';

/** Serves a request and says so, or leaves it (false) to the Koa app. */
export type FastPath = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * `POST /add/events/v1.json` without Koa, for a collector that serves its own app
 * (app.callback()): the busiest route answers as the Koa route does (ingestRoutes, the
 * same `acceptEvents`, the same CORS headers, error bodies and metrics) at the cost of
 * node:http alone — Koa's context, router and middleware cost as much again as the
 * request's own work (BENCHMARKS.md). Mounted in another Koa app, the Koa route serves.
 */
export function eventApiFastPath(deps: IngestDeps, onError: (err: unknown) => void): FastPath {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const q = url.indexOf('?');
    if ((q < 0 ? url : url.slice(0, q)) !== EVENT_API_PATH) return false;
    void serve(deps, req, res, q < 0 ? '' : url.slice(q + 1), onError);
    return true;
  };
}

async function serve(deps: IngestDeps, req: IncomingMessage, res: ServerResponse, search: string, onError: (err: unknown) => void) {
  const end = deps.metrics.requestDuration.startTimer({ route: EVENT_API_PATH });
  const get = (field: string) => {
    const v = req.headers[field.toLowerCase()];
    return (Array.isArray(v) ? v[0] : v) ?? '';
  };
  let params: URLSearchParams | undefined;
  const request: EventApiRequest & LimitedRequest = {
    req,
    get,
    query: (name) => (params ??= new URLSearchParams(search)).get(name) ?? undefined,
    remoteAddress: req.socket.remoteAddress,
  };
  // As @koa/cors (http/cors.ts) answers a browser: any origin may read the answer and Retry-After.
  const origin = get('origin');
  const headers: Record<string, string> = origin
    ? { vary: 'Origin', 'access-control-allow-origin': origin, 'access-control-expose-headers': 'Retry-After' }
    : { vary: 'Origin' };
  let status: number;
  let body: unknown;
  try {
    // Before the body is read, as the Koa route's limitedBy.
    deps.limit(request);
    ({ status, body } = await acceptEvents(deps, request));
  } catch (e) {
    // As the app's error handler (app/error-handler.ts) would, in the event API's dialect.
    const err = e instanceof CollectorError ? e : undefined;
    status = err ? err.status : 500;
    if (err) Object.assign(headers, err.headers);
    const shown: HttpErrorLike = err ? { status, message: err.message, code: err.code } : { status, message: 'Internal Server Error' };
    // A rate limit's refusal is counted by the limit (cartbeacon_rate_limited_total), as on the Koa route, where it comes before countRefusals.
    if (err && status < 500 && err.code !== 'RATE_LIMITED') deps.metrics.eventsRefused.inc({ code: eventApiCode(err) });
    // Logged as the error handler has Koa emit every 5xx.
    if (status >= 500) onError(e);
    body = renderEventApiError(shown);
  }
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = String(Buffer.byteLength(text));
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(status, headers);
    res.end(text);
  }
  end({ status: String(status) });
}
