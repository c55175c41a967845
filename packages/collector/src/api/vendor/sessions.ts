import { randomUUID } from 'node:crypto';
import type { StateEntry } from '../../store/event.js';
import type { StateReader } from '../../store/ports.js';

/** A visit ends after this long without an event (the tracker's idle limit too). */
export const SESSION_IDLE_MS = 30 * 60e3;

/** The state kind that holds each visitor's current session (the one the collector derives). */
export const VISITOR_SESSION_KIND = 'session';

interface CurrentSession {
  sessionId: string;
  /** The visitor's latest event time (ms). */
  lastTs: number;
}

/**
 * The key of a visitor's lock in an API (`scope`): its session is read, derived and written
 * under it (api/vendor/keyed-lock.ts).
 */
export const visitorLock = (accountId: string, scope: string, visitor: string) => `${accountId}\u0000${scope}\u0000visitor\u0000${visitor}`;

/** A visitor's session for one event, and the state entry to store with that event. */
export interface DerivedSession {
  sessionId: string;
  entry: StateEntry;
}

/**
 * The session of a visitor's event for APIs whose events carry no session (Yespo), or
 * only sometimes (Da Vinci): the visitor's current session while its last event is at
 * most 30 minutes away, else a new one. A session the API names (`given`) is taken as is
 * and becomes the current one (unless the event is older than the current one's last).
 * Call it holding the visitor's lock, and store `entry` with the event.
 *
 * @param scope keeps the APIs' visitors apart ("yespo", "davinci")
 */
export async function deriveSession(
  state: StateReader,
  accountId: string,
  scope: string,
  visitorId: string,
  ts: number,
  given?: string,
): Promise<DerivedSession> {
  const key = `${scope}\u0000${visitorId}`;
  const raw = await state.getState(accountId, VISITOR_SESSION_KIND, key);
  const last = raw ? (JSON.parse(raw) as CurrentSession) : undefined;
  let sessionId: string;
  let next: CurrentSession;
  if (last && (given ?? last.sessionId) === last.sessionId && (given || Math.abs(ts - last.lastTs) <= SESSION_IDLE_MS)) {
    // Both ways: a backend may send an event dated a little before the visitor's last one.
    sessionId = last.sessionId;
    next = { sessionId, lastTs: Math.max(last.lastTs, ts) };
  } else {
    sessionId = given ?? randomUUID();
    // An event dated before the visitor's current session (an order processed hours ago)
    // gets its own session but leaves the current one current.
    next = last && ts < last.lastTs ? last : { sessionId, lastTs: ts };
  }
  return { sessionId, entry: { accountId, kind: VISITOR_SESSION_KIND, key, value: JSON.stringify(next) } };
}
