import type { StateEntry } from '../../store/event.js';
import type { StateReader } from '../../store/ports.js';
import { deriveSession } from '../vendor/sessions.js';
import { BROWSER_TTL_S, SESSION_TTL_S } from './check.js';
import type { DaVinciKind } from './check.js';

/**
 * What the Da Vinci Signal-compatible API registers (browsers, sessions, identities, by
 * the id it answered with) and how an event finds its visitor and session among them.
 * Plain functions over the state port: the route does the HTTP.
 */

export const CHANNEL = 'davinci';
/** State kinds: what the API registered, by the id it answered with. */
export const BROWSER_KIND = 'davinci.browser';
export const REGISTERED_SESSION_KIND = 'davinci.session';
export const IDENTITY_KIND = 'davinci.identity';

export interface BrowserRegistration {
  userAgent: string | null;
  language: string | null;
  createdAt: number;
  expiresAt: number;
}
export interface SessionRegistration {
  browserId: string | null;
  createdAt: number;
  expiresAt: number;
}
export interface IdentityRegistration {
  browserId: string | null;
  sessionId: string | null;
  contactId: string | null;
  email: string | null;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);


const entry = (accountId: string, kind: string, key: string, value: object): StateEntry => ({ accountId, kind, key, value: JSON.stringify(value) });

async function registered<T>(state: StateReader, accountId: string, kind: string, key: string | undefined): Promise<T | undefined> {
  const raw = key ? await state.getState(accountId, kind, key) : undefined;
  return raw ? (JSON.parse(raw) as T) : undefined;
}

/** A browser's registration ("if a user_agent or language is not provided, their values are taken from request headers"). */
export function browserRegistration(accountId: string, id: string, given: { userAgent: string | null; language: string | null }, createdAt: number) {
  const browser: BrowserRegistration = { ...given, createdAt, expiresAt: createdAt + BROWSER_TTL_S };
  return { browser, entries: [entry(accountId, BROWSER_KIND, id, browser)] };
}

/**
 * A session's registration, and for a session of a known browser, that browser's current
 * session, so that its events that name no session join this one. Call it holding the
 * browser's visitor lock.
 */
export async function sessionRegistration(state: StateReader, accountId: string, id: string, browserId: string | null, receivedAt: number) {
  const createdAt = Math.floor(receivedAt / 1000);
  const session: SessionRegistration = { browserId, createdAt, expiresAt: createdAt + SESSION_TTL_S };
  const entries = [entry(accountId, REGISTERED_SESSION_KIND, id, session)];
  if (browserId) entries.push((await deriveSession(state, accountId, CHANNEL, browserId, receivedAt, id)).entry);
  return { session, entries };
}

/** Whose event it is: the browser given (or the session's or identity's browser), else the identity's contact, … */
export interface Visitor {
  /** undefined when nothing names one. */
  visitor: string | undefined;
  browserId: string | undefined;
  /** The registered browser, whose agent and language stand for the visitor's. */
  browser: BrowserRegistration | undefined;
  sessionGiven: string | undefined;
}

/** Finds the visitor of an event from the ids its body gives and what was registered. */
export async function resolveVisitor(state: StateReader, accountId: string, kind: DaVinciKind, inner: Record<string, unknown>): Promise<Visitor> {
  const sessionGiven = str(inner.session_id);
  const identityGiven = str(inner.identity_id);
  const session = await registered<SessionRegistration>(state, accountId, REGISTERED_SESSION_KIND, sessionGiven);
  const identity = await registered<IdentityRegistration>(state, accountId, IDENTITY_KIND, identityGiven);
  const browserId = str(inner.browser_id) ?? session?.browserId ?? identity?.browserId ?? undefined;
  const browser = await registered<BrowserRegistration>(state, accountId, BROWSER_KIND, browserId);
  const contact = kind === 'identity' ? (str(inner.contact_id) ?? str(inner.email_address)) : undefined;
  const visitor = browserId ?? identity?.contactId ?? identity?.email ?? contact ?? sessionGiven ?? identityGiven;
  return { visitor, browserId, browser, sessionGiven };
}

/**
 * The session of a visitor's event at `ts`, and the state to store with it: the derived
 * session, and for an identity, its registration. Call it holding the visitor's lock.
 */
export async function visitState(
  state: StateReader,
  accountId: string,
  kind: DaVinciKind,
  inner: Record<string, unknown>,
  id: string,
  v: Visitor & { visitor: string },
  ts: number,
) {
  const derived = await deriveSession(state, accountId, CHANNEL, v.visitor, ts, v.sessionGiven);
  const entries: StateEntry[] = [derived.entry];
  if (kind === 'identity') {
    const identity: IdentityRegistration = {
      browserId: v.browserId ?? null,
      sessionId: v.sessionGiven ?? null,
      contactId: str(inner.contact_id) ?? null,
      email: str(inner.email_address) ?? null,
    };
    entries.push(entry(accountId, IDENTITY_KIND, id, identity));
  }
  return { sessionId: derived.sessionId, entries };
}
