import { instantOf, isDate } from './dates.js';
import { excerpt } from '../../http/excerpt.js';
import { invalidParameter, missingParameter } from './refusals.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO 8601 date or date-time as an instant (ms since the epoch). Without an offset
 * (`2025-06-01` or `2025-06-01T08:00`) it is a wall-clock time in `timeZone`. Returns
 * undefined when the text is not one.
 */
export function parseIsoTime(text: string, timeZone: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1, 7).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  if (!isDate(y!, mo!, d!) || y! < 1970 || h > 23 || mi > 59 || s > 59) return undefined;
  const zone = m[8];
  if (!zone) return instantOf({ y: y!, m: mo!, d: d!, h, mi, s, ms }, timeZone);
  const wall = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms);
  if (zone.toUpperCase() === 'Z') return wall;
  const digits = zone.slice(1).replace(':', '');
  const oh = Number(digits.slice(0, 2));
  const om = Number(digits.slice(2) || 0);
  if (oh > 23 || om > 59) return undefined;
  return wall - (zone[0] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
}

/** The sidedata payload's interval: [start, end) in ms since the epoch. */
export interface Interval {
  start: number;
  end: number;
}

/**
 * Reads `{"interval": {"start": ISO8601, "end": ISO8601}}`. Throws a 400 (refusals.ts) that
 * names the field at fault.
 */
export function parseInterval(body: unknown, timeZone: string): Interval {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw invalidParameter('the request body must be a JSON object like {"interval":{"start":"…","end":"…"}}');
  const interval = (body as { interval?: unknown }).interval;
  if (interval === undefined || interval === null) throw missingParameter('interval');
  if (typeof interval !== 'object' || Array.isArray(interval)) throw invalidParameter('interval must be an object with start and end');
  const time = (name: 'start' | 'end') => {
    const v = (interval as Record<string, unknown>)[name];
    if (v === undefined || v === null || v === '') throw missingParameter(`interval.${name}`);
    const t = typeof v === 'string' ? parseIsoTime(v, timeZone) : undefined;
    if (t === undefined)
      throw invalidParameter(`interval.${name} must be an ISO 8601 date-time such as "2025-06-01T00:00:00Z"; got ${excerpt(v)}`);
    return t;
  };
  const start = time('start');
  const end = time('end');
  if (end <= start) throw invalidParameter('interval.end must be later than interval.start');
  return { start, end };
}
