import { optedOut } from './privacy';
import type { Item } from './queue';

/** What becomes of an event now: nothing (refused, or the browser opted out); */
export const DROP = 0;
/** kept in memory until consent(true) (requireConsent), never stored before it; */
export const HOLD = 1;
/** stored and sent. */
export const SEND = 2;
export type Mode = typeof DROP | typeof HOLD | typeof SEND;

/** What the page said through consent(): nothing; */
export const UNSAID = 0;
/** grants only; */
export const GRANTED = 1;
/** a refusal among its calls. Once it has said, the page's choice holds, not the stored one. */
export const REFUSED = 2;
export type Said = typeof UNSAID | typeof GRANTED | typeof REFUSED;

export interface Consent {
  /** The visitor's choice: granted, refused, or not known (undefined). */
  _given?: boolean | undefined;
  _said: Said;
  /** The events made while the mode was HOLD. */
  _held: Item[];
  _mode(): Mode;
  /** A consent() call of this page (or another tab's refusal). */
  _say(granted: boolean): void;
  /** The choice stored in IndexedDB (`k`: 1 granted, 0 refused), once it answers. */
  _stored(k: unknown): void;
}

/** The visitor's consent and what it allows, by the tracker's options. */
export function createConsent(o: { requireConsent?: boolean; respectOptOut?: boolean }): Consent {
  const c: Consent = {
    _said: UNSAID,
    _held: [],
    _mode: () =>
      c._given ? SEND : c._given === false || (o.respectOptOut && optedOut()) ? DROP : o.requireConsent ? HOLD : SEND,
    _say(granted) {
      c._given = granted;
      c._said = granted ? c._said || GRANTED : REFUSED;
    },
    // A refusal wins, wherever it is stored: in IndexedDB, or only in the localStorage copy
    // (the page that refused was left before its storage step).
    _stored(k) {
      if (k != null && !c._said && c._given !== false) c._given = !!k;
    },
  };
  return c;
}
