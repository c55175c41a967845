import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import { renderStatusMessage } from '../../http/errors.js';
import { speaks } from '../../http/dialect.js';
import type { StateEntry } from '../../store/event.js';
import { countRefusals, requestContext, writeEvents } from '../ingest-context.js';
import { limitedBy } from '../ingest-limit.js';
import { yespoAccount } from '../vendor/auth.js';
import { enrich } from '../../pipeline/enrich.js';
import { vendorLabel } from '../vendor/deps.js';
import type { VendorDeps } from '../vendor/deps.js';
import { idempotentId, readJsonObject, stableId } from '../vendor/request.js';
import { deriveSession, visitorLock } from '../vendor/sessions.js';
import { diffCart, parseYespo, planYespo } from './cart.js';
import type { CanonicalRecord, Cart } from './cart.js';

const CHANNEL = 'yespo';
/** The state kind of Yespo carts, by recycleStateId. */
export const CART_KIND = 'yespo.cart';

/**
 * `POST /api/v2/event` — the Yespo-compatible API ("Generate event v2"), for shops that send
 * their events there from a backend: point the same code at the collector.
 *
 * The API key is the Basic auth password (any user name) or `?apiKey=`; without it 401.
 * The visitor is the keyValue (or the first of contactId, externalCustomerId, email,
 * phone, pushToken among the params); sessions are derived (30 minutes idle ends one).
 * cartUpdated carries the whole cart: its difference from the last cart of the same
 * recycleStateId becomes basket add / remove events.
 *
 * Answers 200 with an empty body once the events are durably stored; 4xx with
 * `{"status":"error","message":…}` naming the problem, and nothing stored; 503 with
 * Retry-After when storage fails (http/errors.ts).
 */
export function yespoRoutes(router: Router, deps: VendorDeps) {
  const { state: stored, metrics, lock } = deps;

  router.post(
    '/api/v2/event',
    speaks(renderStatusMessage),
    limitedBy(deps.limit),
    countRefusals(metrics, vendorLabel(CHANNEL), async (ctx) => {
      const account = yespoAccount(ctx, deps.accounts);
      const body = await readJsonObject(ctx);
      const event = parseYespo(body);
      const plan = planYespo(event, account.currency);
      const receivedAt = Date.now();
      const rctx = requestContext(ctx, deps, account, CHANNEL, receivedAt);
      const given = idempotentId(ctx, account.id);
      const data = JSON.stringify(body);
      const visitor = visitorLock(account.id, CHANNEL, event.keyValue);

      const received = await lock.run(
        plan.kind === 'cart' ? [visitor, `${account.id}\u0000${CART_KIND}\u0000${plan.recycleStateId}`] : [visitor],
        async () => {
          const state: StateEntry[] = [];
          let records: CanonicalRecord[];
          if (plan.kind === 'cart') {
            const raw = await stored.getState(account.id, CART_KIND, plan.recycleStateId);
            const last = raw ? (JSON.parse(raw) as Cart) : undefined;
            const changes = diffCart(last, plan);
            const version = (last?.version ?? 0) + (changes.length ? 1 : 0);
            // Ids from the cart's change count: a re-sent cart changes nothing, and a
            // change that was stored is never stored again.
            records = changes.map((c) => ({
              name: 'BASKET_OPERATIONS',
              ...c,
              eventId: stableId(account.id, CART_KIND, plan.recycleStateId, String(version), c.step, c.productId),
            }));
            const next: Cart = { version, currency: plan.currency, lines: plan.lines };
            if (!last || JSON.stringify(last) !== JSON.stringify(next))
              state.push({ accountId: account.id, kind: CART_KIND, key: plan.recycleStateId, value: JSON.stringify(next) });
          } else {
            records = plan.records.map((r) => ({ ...r, eventId: given ?? randomUUID() }));
          }
          if (records.length) {
            const session = await deriveSession(stored, account.id, CHANNEL, event.keyValue, receivedAt);
            state.push(session.entry);
            records = records.map((r) => ({ ...r, userId: event.keyValue, sessionId: session.sessionId }));
          }
          const rows = records.map((r) => enrich(r, rctx, data));
          await writeEvents(deps, rows, state);
          return rows.length;
        },
      );
      metrics.eventsReceived.inc({ channel: CHANNEL }, received);
      ctx.status = 200;
      ctx.body = '';
    }),
  );
}
