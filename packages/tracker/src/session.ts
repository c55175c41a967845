import { uuid } from './uuid';

/** A visit as kept in IndexedDB: id, start, last activity, campaign key. */
export interface Session {
  i: string;
  s: number;
  t: number;
  c: string;
}

/** A session ends after 30 minutes without an event. */
export const SESSION_IDLE = 30 * 60e3;
/** A session never lasts longer than 24 hours. */
export const SESSION_MAX = 24 * 3600e3;

const CAMPAIGN_PARAMS = ['utm_source', 'utm_medium', 'utm_campaign', 'gclid', 'fbclid', 'msclkid', 'dclid', 'ttclid'];

/** The campaign a URL carries (UTM tags and ad click ids), or '' for none. */
export function campaignKey(url: string): string {
  try {
    const p = new URL(url).searchParams;
    return CAMPAIGN_PARAMS.map((k) => p.get(k) || '').join('|').replace(/^\|+$/, '');
  } catch {
    return '';
  }
}

/**
 * The session an event at `now` belongs to: the previous one, or a new one when the
 * previous one was idle for 30 minutes, is 24 hours old, or the page arrived by another
 * campaign than the one that started it.
 */
export function touchSession(prev: Session | undefined, now: number, campaign: string): Session {
  return prev &&
    now - prev.t < SESSION_IDLE &&
    now - prev.s < SESSION_MAX &&
    (!campaign || campaign === prev.c)
    ? { ...prev, t: Math.max(prev.t, now) }
    : { i: uuid(), s: now, t: now, c: campaign };
}
