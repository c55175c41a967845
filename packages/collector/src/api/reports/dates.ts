/**
 * Calendar days and wall-clock times in an account's time zone, and the instants they
 * begin at. Plain dates are kept as { y, m, d } and computed with UTC arithmetic; only
 * the conversion to and from instants looks at the zone (through Intl, i.e. ICU's tz data).
 */

/** A calendar date: month 1–12, day 1–31. */
export interface PlainDate {
  y: number;
  m: number;
  d: number;
}

/** A wall-clock time in some zone. */
export interface WallTime extends PlainDate {
  h: number;
  mi: number;
  s: number;
  ms: number;
}

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time in `timeZone` at an instant (ms since the epoch). */
export function wallTime(ms: number, timeZone: string): WallTime {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(timeZone).formatToParts(ms)) if (type !== 'literal') p[type] = Number(value);
  const y = p.year!;
  return { y, m: p.month!, d: p.day!, h: p.hour!, mi: p.minute!, s: p.second!, ms: ((ms % 1000) + 1000) % 1000 };
}

/** The wall time read as if it were UTC (years from 100 on: Date.UTC maps 0–99 to 19xx). */
const wallMs = (w: WallTime) => Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi, w.s, w.ms);

/** The zone's offset from UTC at an instant, in ms (e.g. +10800000 for EEST). */
export function offsetAt(ms: number, timeZone: string): number {
  const base = Math.floor(ms / 1000) * 1000;
  return wallMs({ ...wallTime(base, timeZone), ms: 0 }) - base;
}

/**
 * The instant of a wall-clock time in `timeZone`. A time that occurs twice (clocks going
 * back) is the earlier one; a time that does not occur (clocks going forward) is read
 * with the offset before the change, i.e. moved forward by the gap — so the start of a
 * day whose midnight is skipped is the first instant of that day.
 */
export function instantOf(w: WallTime, timeZone: string): number {
  const local = wallMs(w);
  const before = offsetAt(local - DAY, timeZone);
  const after = offsetAt(local + DAY, timeZone);
  const candidates = [local - before, local - after].filter((t) => t + offsetAt(t, timeZone) === local);
  return candidates.length ? Math.min(...candidates) : local - before;
}

/** The calendar date in `timeZone` at an instant. */
export const dateAt = (ms: number, timeZone: string): PlainDate => {
  const { y, m, d } = wallTime(ms, timeZone);
  return { y, m, d };
};

/** The first instant of a calendar day in `timeZone`. */
export const startOfDay = (date: PlainDate, timeZone: string) => instantOf({ ...date, h: 0, mi: 0, s: 0, ms: 0 }, timeZone);

/** The date `days` days after `date` (before, when negative). */
export function addDays(date: PlainDate, days: number): PlainDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(date: PlainDate): number {
  return new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay() || 7;
}

/** Whether y-m-d is a real calendar date. */
export function isDate(y: number, m: number, d: number): boolean {
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return false;
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}
