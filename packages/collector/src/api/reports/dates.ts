import { Temporal } from 'temporal-polyfill';

/**
 * Calendar days and wall-clock times in an account's time zone, and the instants they
 * begin at, through Temporal (temporal-polyfill until Node ships it): the zone arithmetic
 * — offsets, days of 23 or 25 hours, midnights that do not happen — is the polyfill's,
 * over the same tz data as Intl. Plain dates are kept as { y, m, d }.
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

const plain = (date: PlainDate) => Temporal.PlainDate.from({ year: date.y, month: date.m, day: date.d }, { overflow: 'reject' });
const fromPlain = (p: Temporal.PlainDate): PlainDate => ({ y: p.year, m: p.month, d: p.day });

/** The wall-clock time in `timeZone` at an instant (ms since the epoch). */
export function wallTime(ms: number, timeZone: string): WallTime {
  const z = Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);
  return { y: z.year, m: z.month, d: z.day, h: z.hour, mi: z.minute, s: z.second, ms: z.millisecond };
}

/**
 * The instant of a wall-clock time in `timeZone`. A time that occurs twice (clocks going
 * back) is the earlier one; a time that does not occur (clocks going forward) is moved
 * forward by the gap — so the start of a day whose midnight is skipped is the first
 * instant of that day (Temporal's "compatible" disambiguation, as RFC 5545 has it).
 */
export function instantOf(w: WallTime, timeZone: string): number {
  const local = Temporal.PlainDateTime.from({ year: w.y, month: w.m, day: w.d, hour: w.h, minute: w.mi, second: w.s, millisecond: w.ms });
  return local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
}

/** The calendar date in `timeZone` at an instant. */
export const dateAt = (ms: number, timeZone: string): PlainDate => {
  const { y, m, d } = wallTime(ms, timeZone);
  return { y, m, d };
};

/** The first instant of a calendar day in `timeZone`. */
export const startOfDay = (date: PlainDate, timeZone: string) => plain(date).toZonedDateTime({ timeZone }).epochMilliseconds;

/** The date `days` days after `date` (before, when negative). */
export const addDays = (date: PlainDate, days: number): PlainDate => fromPlain(plain(date).add({ days }));

/** ISO weekday: Monday 1 … Sunday 7. */
export const isoWeekday = (date: PlainDate): number => plain(date).dayOfWeek;

/** Whether y-m-d is a real calendar date. */
export function isDate(y: number, m: number, d: number): boolean {
  if (![y, m, d].every(Number.isInteger)) return false;
  try {
    plain({ y, m, d });
    return true;
  } catch {
    return false;
  }
}
