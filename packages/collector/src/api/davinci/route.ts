import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type Router from '@koa/router';
import type { Context } from 'koa';
import type { AccountConfig } from '../../config/config.js';
import type { StateEntry } from '../../store/ports.js';
import { davinciAccount } from '../vendor/auth.js';
import { answer, recordsOf, without } from './records.js';
import { BROWSER_TTL_S, checkDaVinci, ENDPOINTS, SESSION_TTL_S } from './check.js';
import type { DaVinciKind } from './check.js';
import { counted, requestContext, storeAll, toRow } from '../vendor/rows.js';
import type { VendorDeps } from '../vendor/rows.js';
import { idempotentId, InputError, readJsonObject, stableId } from '../vendor/request.js';
import { deriveSession } from '../vendor/sessions.js';

const CHANNEL = 'davinci';
/** State kinds: what the API registered, by the id it answered with. */
export const BROWSER_KIND = 'davinci.browser';
export const SESSION_KIND = 'davinci.session';
export const IDENTITY_KIND = 'davinci.identity';

interface BrowserState {
  userAgent: string | null;
  language: string | null;
  createdAt: number;
  expiresAt: number;
}
interface SessionState {
  browserId: string | null;
  createdAt: number;
  expiresAt: number;
}
interface IdentityState {
  browserId: string | null;
  sessionId: string | null;
  contactId: string | null;
  email: string | null;
}

/** The first language tag of an Accept-Language header ("en-US,en;q=0.9" → "en-US"; "*" is none). */
function firstLanguage(header: string): string | null {
  const tag = header.split(',')[0]!.split(';')[0]!.trim();
  return /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

/** The requester's address, IPv4 without the IPv6 mapping prefix. */
const requesterIp = (ctx: Context) => ctx.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/**
 * The nine endpoints of the Da Vinci Signal API (seed 003), for shops that send their
 * events there: point the same code at the collector. `Authorization: Bearer <API key>`;
 * without it 401.
 *
 * Browsers and sessions are registered (kept by id, with nothing of the remote IP); the
 * other seven endpoints store canonical events whose visitor is the browser_id (else the
 * session's or identity's browser, the identity's contact) and whose session is the
 * session_id (else the visitor's current one, 30 minutes idle ending it).
 *
 * Answers 201 with the wrapped object as the seed shows it (id, created_at, documented
 * fields filled) once stored; 4xx with `{"status":"error","message":…}` naming the
 * problem, and nothing stored; 503 with Retry-After when storage fails.
 */
export function davinciRoutes(router: Router, deps: VendorDeps) {
  for (const { path, kind, wrapper } of ENDPOINTS) {
    router.post(
      path,
      counted(deps, CHANNEL, async (ctx) => {
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
  // "If a user_agent or language is not provided - their values will be taken from request headers."
  const state: BrowserState = {
    userAgent: str(inner.user_agent) ?? (ctx.get('user-agent') || null),
    language: str(inner.language) ?? firstLanguage(ctx.get('accept-language')),
    createdAt,
    expiresAt: createdAt + BROWSER_TTL_S,
  };
  await storeAll(ctx, deps, CHANNEL, [], [{ accountId: account.id, kind: BROWSER_KIND, key: id, value: JSON.stringify(state) }]);
  return { id, ...without(inner, ['id']), created_at: createdAt, expires_at: state.expiresAt, user_agent: state.userAgent, language: state.language };
}

async function registerSession(ctx: Context, deps: VendorDeps, account: AccountConfig, inner: Record<string, unknown>, id: string, receivedAt: number) {
  const createdAt = Math.floor(receivedAt / 1000);
  const given = str(inner.remote_ip);
  if (given !== undefined && !isIP(given)) throw new InputError('session.remote_ip must be an IPv4 or IPv6 address');
  // Answered, never stored: the collector keeps no raw IP.
  const remoteIp = given ?? requesterIp(ctx);
  const browserId = str(inner.browser_id) ?? null;
  const session: SessionState = { browserId, createdAt, expiresAt: createdAt + SESSION_TTL_S };
  const state: StateEntry[] = [{ accountId: account.id, kind: SESSION_KIND, key: id, value: JSON.stringify(session) }];
  const store = async () => {
    // The browser's events that name no session join this one.
    if (browserId) state.push((await deriveSession(deps.store, account.id, CHANNEL, browserId, receivedAt, id)).entry);
    await storeAll(ctx, deps, CHANNEL, [], state);
  };
  await (browserId ? deps.lock.run([visitorLock(account, browserId)], store) : store());
  return { id, ...without(inner, ['id']), browser_id: browserId, created_at: createdAt, expires_at: session.expiresAt, remote_ip: remoteIp };
}

const visitorLock = (account: AccountConfig, visitor: string) => `${account.id}\u0000${CHANNEL}\u0000visitor\u0000${visitor}`;

async function stateOf<T>(deps: VendorDeps, account: AccountConfig, kind: string, key: string | undefined): Promise<T | undefined> {
  const raw = key ? await deps.store.getState(account.id, kind, key) : undefined;
  return raw ? (JSON.parse(raw) as T) : undefined;
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
  const browserGiven = str(inner.browser_id);
  const sessionGiven = str(inner.session_id);
  const identityGiven = str(inner.identity_id);
  const session = await stateOf<SessionState>(deps, account, SESSION_KIND, sessionGiven);
  const identity = await stateOf<IdentityState>(deps, account, IDENTITY_KIND, identityGiven);
  const browserId = browserGiven ?? session?.browserId ?? identity?.browserId ?? undefined;
  const browser = await stateOf<BrowserState>(deps, account, BROWSER_KIND, browserId);
  const contact = kind === 'identity' ? (str(inner.contact_id) ?? str(inner.email_address)) : undefined;
  const visitor = browserId ?? identity?.contactId ?? identity?.email ?? contact ?? sessionGiven ?? identityGiven;
  if (!visitor) throw new InputError(`${kind === 'product_page_view' ? 'page_view' : kind} needs browser_id, session_id or identity_id: whose is it?`);

  const records = recordsOf(kind, inner, account.currency, receivedAt);
  const rctx = requestContext(ctx, deps, account, CHANNEL, receivedAt);
  const data = JSON.stringify(inner);
  await deps.lock.run([visitorLock(account, visitor)], async () => {
    const ts = typeof records[0]!.timestamp === 'number' ? Math.min(records[0]!.timestamp, receivedAt) : receivedAt;
    const derived = await deriveSession(deps.store, account.id, CHANNEL, visitor, ts, sessionGiven);
    const state: StateEntry[] = [derived.entry];
    if (kind === 'identity') {
      const registered: IdentityState = {
        browserId: browserId ?? null,
        sessionId: sessionGiven ?? null,
        contactId: str(inner.contact_id) ?? null,
        email: str(inner.email_address) ?? null,
      };
      state.push({ accountId: account.id, kind: IDENTITY_KIND, key: id, value: JSON.stringify(registered) });
    }
    const rows = records.map((r, i) =>
      toRow(
        {
          ...r,
          // The answer's id is the first event's; a product page view's page view follows from it.
          eventId: i ? stableId(id, r.name) : id,
          userId: visitor,
          sessionId: derived.sessionId,
          // The registered browser's agent and language stand for the visitor's.
          ...(browser?.userAgent ? { userAgent: browser.userAgent } : {}),
          ...(browser?.language ? { lang: browser.language } : {}),
        },
        rctx,
        data,
      ),
    );
    deps.metrics.eventsReceived.inc({ channel: CHANNEL }, rows.length);
    await storeAll(ctx, deps, CHANNEL, rows, state);
  });
}
