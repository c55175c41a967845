import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import { speaks } from '../../http/dialect.js';
import { refuse } from '../../http/errors.js';
import { queryParam } from '../../http/params.js';
import { renderEventApiError } from './errors.js';

/** The most keys one request may ask for. */
export const MAX_KEYS = 100;

/**
 * `GET /get/key?count=N` — the event API's key generation: a JSON array of N new unique
 * ids (UUIDs) for user and session ids. `count` defaults to 1.
 */
export function keyRoutes(router: Router) {
  router.get('/get/key', speaks(renderEventApiError), (ctx) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cache-Control', 'no-store');
    const raw = queryParam(ctx, 'count');
    const count = raw === undefined || raw === '' ? 1 : Number(raw);
    if (!Number.isInteger(count) || count < 1 || count > MAX_KEYS) throw refuse('BAD_INPUT', `count must be a whole number from 1 to ${MAX_KEYS}`);
    ctx.body = Array.from({ length: count }, randomUUID);
  });
}
