import { Temporal } from 'temporal-polyfill';

/**
 * Local time without converting each row's time in the store: a time zone's UTC offset
 * changes a few times a year, so over a report's range it is a handful of spans of one
 * offset each, found once here through Temporal, and a row's local time is its instant
 * plus the offset of its span — integer arithmetic, the same in every store's SQL
 * (store/duckdb/zone.ts, store/clickhouse/reports/dashboard/local-time.ts).
 */

/** From `from` (ms since the epoch) on, until the next span, the zone is `offsetMs` ahead of UTC. */
export interface OffsetSpan {
  from: number;
  offsetMs: number;
}

const zoned = (ms: number, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);

/** The offset spans of `timeZone` over [start, end), in order; the first starts at `start`. */
export function offsetSpans(timeZone: string, start: number, end: number): OffsetSpan[] {
  let z = zoned(start, timeZone);
  const spans: OffsetSpan[] = [{ from: start, offsetMs: z.offsetNanoseconds / 1e6 }];
  for (;;) {
    const next = z.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= end) return spans;
    spans.push({ from: next.epochMilliseconds, offsetMs: next.offsetNanoseconds / 1e6 });
    z = next;
  }
}

const DAY_MS = 86_400_000;

/** The first instant, in `timeZone`, of the local day that is `day` days after 1970-01-01. */
export function localDayStart(day: number, timeZone: string): number {
  const date = new Date(day * DAY_MS);
  return Temporal.PlainDate.from({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() }).toZonedDateTime({ timeZone })
    .epochMilliseconds;
}
