import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountConfig } from '../../config/config.js';
import { speaks } from '../../http/dialect.js';
import { refuse, renderStatusMessage } from '../../http/errors.js';
import { countRefusals, requestContext, writeEvents } from '../ingest-context.js';
import { limitedBy } from '../ingest-limit.js';
import { davinciAccount } from '../vendor/auth.js';
import { idempotentId, readJsonObject, stableId } from '../vendor/request.js';
import { enrich } from '../../pipeline/enrich.js';
import { vendorLabel } from '../vendor/deps.js';
import type { VendorDeps } from '../vendor/deps.js';
import { checkDaVinci, ENDPOINTS } from './check.js';
import type { DaVinciKind } from './check.js';
import { answer, recordsOf, without } from './records.js';
import { visitorLock } from '../vendor/sessions.js';
import { browserRegistration, CHANNEL, resolveVisitor, sessionRegistration, visitState } from './visitors.js';

/** The first language tag of an Accept-Language header ("en-US,en;q=0.9" → "en-US"; "*" is none). */
function firstLanguage(header: string): string | null {
  const tag = header.split(',')[0]!.split(';')[0]!.trim();
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

/** The requester's address, IPv4 without the IPv6 mapping prefix. */
const requesterIp = (ctx: Context) => ctx.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The nine endpoints of the Da Vinci Signal-compatible API, for shops that send their
 * events there: point the same code at the collector. `Authorization: Bearer <API key>`;
 * without it 401.
 *
 * Browsers and sessions are registered (kept by id, with nothing of the remote IP); the
 * other seven endpoints store canonical events whose visitor is the browser_id (else the
 * session's or identity's browser, the identity's contact) and whose session is the
 * session_id (else the visitor's current one, 30 minutes idle ending it): visitors.ts.
 *
 * Answers 201 with the wrapped object as the API shows it (id, created_at, documented
 * fields filled) once stored; 4xx with `{"status":"error","message":…}` naming the
 * problem, and nothing stored; 503 with Retry-After when storage fails.
 */
export function davinciRoutes(router: Router, deps: VendorDeps) {
  for (const { path, kind, wrapper } of ENDPOINTS) {
    router.post(
      path,
      speaks(renderStatusMessage),
      limitedBy(deps.limit),
      countRefusals(deps.metrics, vendorLabel(CHANNEL), async (ctx) => {
        const account = davinciAccount(ctx, deps.accounts);
        const inner = checkDaVinci(kind, await readJsonObject(ctx));
        const receivedAt = Date.now();
        const id = idempotentId(ctx, account.id) ?? randomUUID();
        const createdAt = Math.floor(receivedAt / 1000);
        let out: Record<string, unknown>;
        if (kind === 'browser') out = await registerBrowser(ctx, deps, account, inner, id, createdAt);
        else if (kind === 'session') out = await registerSession(ctx, deps, account, inner, id, receivedAt);
        else {
          await storeVisit(ctx, deps, account, kind, inner, id, receivedAt);
          out = answer(kind, inner, id, createdAt, account.currency);
        }
        ctx.status = 201;
        ctx.body = { [wrapper]: out };
      }),
    );
  }
}

async function registerBrowser(ctx: Context, deps: VendorDeps, account: AccountConfig, inner: Record<string, unknown>, id: string, createdAt: number) {
  const given = {
    userAgent: str(inner.user_agent) ?? (ctx.get('user-agent') || null),
    language: str(inner.language) ?? firstLanguage(ctx.get('accept-language')),
  };
  const { browser, entries } = browserRegistration(account.id, id, given, createdAt);
  await writeEvents(deps, [], entries);
  return { id, ...without(inner, ['id']), created_at: createdAt, expires_at: browser.expiresAt, user_agent: browser.userAgent, language: browser.language };
}

async function registerSession(ctx: Context, deps: VendorDeps, account: AccountConfig, inner: Record<string, unknown>, id: string, receivedAt: number) {
  const given = str(inner.remote_ip);
  if (given !== undefined && !isIP(given)) throw refuse('INVALID_REQUEST', 'session.remote_ip must be an IPv4 or IPv6 address');
  // Answered, never stored: the collector keeps no raw IP.
  const remoteIp = given ?? requesterIp(ctx);
  const browserId = str(inner.browser_id) ?? null;
  const register = async () => {
    const { session, entries } = await sessionRegistration(deps.state, account.id, id, browserId, receivedAt);
    await writeEvents(deps, [], entries);
    return session;
  };
  const session = await (browserId ? deps.lock.run([visitorLock(account.id, CHANNEL, browserId)], register) : register());
  return { id, ...without(inner, ['id']), browser_id: browserId, created_at: session.createdAt, expires_at: session.expiresAt, remote_ip: remoteIp };
}

async function storeVisit(
  ctx: Context,
  deps: VendorDeps,
  account: AccountConfig,
  kind: DaVinciKind,
  inner: Record<string, unknown>,
  id: string,
  receivedAt: number,
) {
  const v = await resolveVisitor(deps.state, account.id, kind, inner);
  const visitor = v.visitor;
  if (!visitor) throw refuse('INVALID_REQUEST', `${kind === 'product_page_view' ? 'page_view' : kind} needs browser_id, session_id or identity_id: whose is it?`);

  const records = recordsOf(kind, inner, account.currency, receivedAt);
  const rctx = requestContext(ctx, deps, account, CHANNEL, receivedAt);
  const data = JSON.stringify(inner);
  await deps.lock.run([visitorLock(account.id, CHANNEL, visitor)], async () => {
    const ts = typeof records[0]!.timestamp === 'number' ? Math.min(records[0]!.timestamp, receivedAt) : receivedAt;
    const { sessionId, entries } = await visitState(deps.state, account.id, kind, inner, id, { ...v, visitor }, ts);
    const rows = records.map((r, i) =>
      enrich(
        {
          ...r,
          // The answer's id is the first event's; a product page view's page view follows from it.
          eventId: i ? stableId(id, r.name) : id,
          userId: visitor,
          sessionId,
          // The registered browser's agent and language stand for the visitor's.
          ...(v.browser?.userAgent ? { userAgent: v.browser.userAgent } : {}),
          ...(v.browser?.language ? { lang: v.browser.language } : {}),
        },
        rctx,
        data,
      ),
    );
    deps.metrics.eventsReceived.inc({ channel: CHANNEL }, rows.length);
    await writeEvents(deps, rows, entries);
  });
}
