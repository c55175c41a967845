import type { AccountConfig } from '../../../config/config.js';
import { addDays, dateAt, startOfDay, wallTime } from '../dates.js';
import type { PlainDate } from '../dates.js';
import { parseFunnelParams } from '../funnel-params.js';
import type { FunnelParams } from '../funnel-params.js';

/** The range the dashboard shows when the address names none: a new install sees its first visit at once. */
export const DEFAULT_RANGE = 'today';
/** The grouping of the funnel table when the address names none. */
export const DEFAULT_REPORT_TYPE = 'Source';
/** Rows of the top lists (pages, products, sources, campaigns) unless `limit` says otherwise. */
export const TOP_ROWS = 10;

/** Whole local days, their instants [start, end), and their text (YYYY-MM-DD). */
export interface Period {
  first: string;
  last: string;
  start: number;
  end: number;
}

/** What every dashboard panel reads from the address: the funnel's parameters, with defaults. */
export interface DashboardParams {
  account: AccountConfig;
  /** `date_range` as given, or the default. */
  dateRange: string;
  /** The funnel's own reading of the parameters (range, report type, country, skip, limit). */
  funnel: FunnelParams;
  period: Period;
  /** The period of the same number of days just before. */
  previous: Period;
  /** Rows of a top list. */
  top: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
export const isoDate = (d: PlainDate) => `${pad(d.y, 4)}-${pad(d.m)}-${pad(d.d)}`;

const dayCount = (first: PlainDate, last: PlainDate) =>
  Math.round((Date.UTC(last.y, last.m - 1, last.d) - Date.UTC(first.y, first.m - 1, first.d)) / 86_400_000) + 1;

const period = (first: PlainDate, last: PlainDate, timeZone: string): Period => ({
  first: isoDate(first),
  last: isoDate(last),
  start: startOfDay(first, timeZone),
  end: startOfDay(addDays(last, 1), timeZone),
});

/**
 * Reads the dashboard's parameters: those of the funnel report (`date_range`, `report_type`,
 * `country`, `skip`, `limit`) with the dashboard's defaults (today, Source), read by the
 * funnel's own parser so that the funnel table equals `GET /api/funnel`. Throws the
 * funnel's 400s.
 */
export function parseDashboardParams(get: (name: string) => string | undefined, account: AccountConfig, now: number, topDefault = TOP_ROWS): DashboardParams {
  const given = (name: string) => {
    const v = get(name);
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const dateRange = given('date_range') ?? DEFAULT_RANGE;
  const funnel = parseFunnelParams(
    (name) => (name === 'date_range' ? dateRange : name === 'report_type' ? (given(name) ?? DEFAULT_REPORT_TYPE) : get(name)),
    account.timezone,
    now,
  );
  const tz = account.timezone;
  const first = dateAt(funnel.start, tz);
  const last = addDays(dateAt(funnel.end, tz), -1);
  const days = dayCount(first, last);
  return {
    account,
    dateRange,
    funnel,
    period: period(first, last, tz),
    previous: period(addDays(first, -days), addDays(first, -1), tz),
    // The funnel's parser has checked it (1–100).
    top: given('limit') === undefined ? topDefault : funnel.limit,
  };
}

/** A bucket of the time series: its first instant and its local label. */
export interface Bucket {
  start: number;
  /** `YYYY-MM-DD` for a day; `YYYY-MM-DDTHH:00±HH:MM` for an hour (the offset tells a repeated hour apart). */
  time: string;
}

/**
 * The buckets of a period that have begun by `now`: its local hours when it is one day,
 * else its local days. Hours are an hour apart from the day's first instant (every
 * zone's offset changes by whole hours, but Lord Howe's half hour).
 */
export function buckets(p: Period, timeZone: string, now: number): { bucket: 'hour' | 'day'; list: Bucket[] } {
  const list: Bucket[] = [];
  if (p.first === p.last) {
    for (let t = p.start; t < p.end && t <= now; t += 3_600_000) {
      const w = wallTime(t, timeZone);
      const offset = Math.round((Date.UTC(w.y, w.m - 1, w.d, w.h, w.mi) - t) / 60_000);
      const sign = offset < 0 ? '-' : '+';
      list.push({ start: t, time: `${isoDate(w)}T${pad(w.h)}:${pad(w.mi)}${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}` });
    }
    return { bucket: 'hour', list };
  }
  for (let d = dateAt(p.start, timeZone); ; d = addDays(d, 1)) {
    const start = startOfDay(d, timeZone);
    if (start >= p.end || start > now) break;
    list.push({ start, time: isoDate(d) });
  }
  return { bucket: 'day', list };
}
