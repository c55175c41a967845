import type { Consent } from './consent';
import type { Kv } from './kv';
import type { Log } from './log';
import { touchSession } from './session';
import type { Session } from './session';
import { uuid } from './uuid';

/**
 * The localStorage key of a copy of the ids and the consent choice, read synchronously at
 * start: an event made before IndexedDB answers gets the visitor's ids at once, and can
 * leave by beacon if the page is left in the same moment.
 */
export const IDS = 'cartbeacon-ids';

/** The ids an event carries. */
export interface Stamped {
  timestamp: number;
  userId?: unknown;
  sessionId?: unknown;
}

/**
 * The visitor's ids: the browser id and the session, kept in IndexedDB (`b`, `s`, shared by
 * all tabs) and copied, with the consent choice, to localStorage.
 */
export interface Ids {
  /** The campaign of this page's address (see campaignKey), for new sessions. */
  _campaign: string;
  /**
   * The one place that gives an event the ids: those in memory, when both are there or
   * `always` (then a new browser id or session if there is none); whether it did. The first
   * ids an event gets stay: the copy that a beacon carries and the one that the queue sends
   * agree, and an event kept by an earlier page keeps that page's.
   */
  _stamp(e: Stamped, always?: boolean): unknown;
  /** The ids that IndexedDB answered at start. */
  _load(b: string | undefined, s: Session | undefined): void;
  /** Brings the stored ids up to an event at `ts` (a new browser id or session if needed). */
  _save(ts: number): Promise<unknown>;
  /** Copies the ids and the consent choice to localStorage. */
  _mirror(): void;
  /** A refusal: the ids are forgotten, and the copy says so. */
  _forget(): void;
}

export function createIds(meta: Kv, consent: Consent, campaign: string, log: Log): Ids {
  let browserId: string | undefined;
  let session: Session | undefined;
  // The browser id is in IndexedDB (as far as this page knows).
  let stored: unknown;
  try {
    const copy = JSON.parse(localStorage.getItem(IDS)!);
    if (Array.isArray(copy)) [browserId, session, consent._given] = copy;
  } catch {
    // no localStorage, or not ours: IndexedDB alone
  }
  // The session in `s` (as stored) or this page's, whichever saw an event last.
  const newer = (s?: Session) => (!s || (session && session.t > s.t) ? session : s);

  const ids: Ids = {
    _campaign: campaign,
    _stamp(e, always) {
      const known = always || (browserId && session);
      if (known) {
        browserId ||= uuid();
        session = touchSession(session, e.timestamp, ids._campaign);
        e.userId ??= browserId;
        e.sessionId ??= session.i;
      }
      return known;
    },
    _load(b, s) {
      stored = b;
      browserId = b || browserId;
      session = newer(s);
    },
    async _save(ts) {
      if (!stored) await meta._upd<string>('b', (v) => (stored = browserId = v || browserId || uuid()));
      await meta._upd<Session>('s', (v) => (session = touchSession(newer(v), ts, ids._campaign)));
    },
    _mirror() {
      try {
        localStorage.setItem(IDS, JSON.stringify([browserId, session, consent._given]));
      } catch (e) {
        log(e);
      }
    },
    _forget() {
      browserId = session = stored = undefined;
      ids._mirror();
    },
  };
  return ids;
}
