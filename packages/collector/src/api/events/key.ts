import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import { queryParam } from '../../http/body.js';

/** The most keys one request may ask for. */
export const MAX_KEYS = 100;

/**
 * `GET /get/key?count=N` — seed 001's key generation: a JSON array of N new unique ids
 * (UUIDs) for user and session ids. `count` defaults to 1.
 */
export function keyRoutes(router: Router) {
  router.get('/get/key', (ctx) => {
    ctx.set('Access-Control-Allow-Origin', '*');
    ctx.set('Cache-Control', 'no-store');
    const raw = queryParam(ctx, 'count');
    const count = raw === undefined || raw === '' ? 1 : Number(raw);
    if (!Number.isInteger(count) || count < 1 || count > MAX_KEYS) {
      ctx.status = 400;
      ctx.body = { statusCode: 'BAD_INPUT', message: `count must be a whole number from 1 to ${MAX_KEYS}` };
      return;
    }
    ctx.body = Array.from({ length: count }, randomUUID);
  });
}
