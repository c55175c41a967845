import { addDays, dateAt, isDate, isoWeekday, startOfDay } from './dates.js';
import type { PlainDate } from './dates.js';
import { invalidParameter } from './refusals.js';

/** The named date ranges of the funnel's `date_range`. */
export const NAMED_RANGES = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'last_7_days',
  'last_30_days',
] as const;

export type NamedRange = (typeof NAMED_RANGES)[number];

/** Whole calendar days, first to last inclusive. */
export interface DayRange {
  first: PlainDate;
  last: PlainDate;
}

/**
 * The days a named range covers, given today's date. Weeks start on Monday (ISO 8601).
 * `this_week` and `this_month` run up to and including today; `last_7_days` and
 * `last_30_days` are the complete days before today (as in most analytics tools), so a
 * figure does not change while the day goes on.
 */
export function namedRange(name: NamedRange, today: PlainDate): DayRange {
  const monday = addDays(today, 1 - isoWeekday(today));
  const firstOfMonth = { ...today, d: 1 };
  switch (name) {
    case 'today':
      return { first: today, last: today };
    case 'yesterday': {
      const y = addDays(today, -1);
      return { first: y, last: y };
    }
    case 'this_week':
      return { first: monday, last: today };
    case 'last_week':
      return { first: addDays(monday, -7), last: addDays(monday, -1) };
    case 'this_month':
      return { first: firstOfMonth, last: today };
    case 'last_month': {
      const last = addDays(firstOfMonth, -1);
      return { first: { ...last, d: 1 }, last };
    }
    case 'last_7_days':
      return { first: addDays(today, -7), last: addDays(today, -1) };
    case 'last_30_days':
      return { first: addDays(today, -30), last: addDays(today, -1) };
  }
}

const EXPLICIT = /^(\d{4})(\d{2})(\d{2}),(\d{4})(\d{2})(\d{2})$/;
const RULE = `date_range must be YYYYMMDD,YYYYMMDD or one of ${NAMED_RANGES.join(', ')}`;

/**
 * Reads `date_range`: `YYYYMMDD,YYYYMMDD` (both days included) or a named range, in the
 * account's time zone at `now`. Throws a 400 (refusals.ts) naming the parameter.
 */
export function parseDateRange(value: string, timeZone: string, now: number): DayRange {
  const v = value.trim();
  if ((NAMED_RANGES as readonly string[]).includes(v)) return namedRange(v as NamedRange, dateAt(now, timeZone));
  const m = EXPLICIT.exec(v);
  if (!m) throw invalidParameter(`${RULE}; got "${value.slice(0, 40)}"`);
  const [y1, m1, d1, y2, m2, d2] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  for (const [y, mo, d, which] of [[y1, m1, d1, 'first'], [y2, m2, d2, 'second']] as const)
    if (!isDate(y, mo, d) || y < 1970) throw invalidParameter(`date_range: the ${which} date is not a calendar date from 1970 on`);
  const first = { y: y1, m: m1, d: d1 };
  const last = { y: y2, m: m2, d: d2 };
  if (y1 * 10000 + m1 * 100 + d1 > y2 * 10000 + m2 * 100 + d2)
    throw invalidParameter('date_range: the first date is after the second');
  return { first, last };
}

/** The instants [start, end) of a day range in a time zone: first day's start to the day after the last. */
export const rangeInstants = (range: DayRange, timeZone: string) => ({
  start: startOfDay(range.first, timeZone),
  end: startOfDay(addDays(range.last, 1), timeZone),
});
