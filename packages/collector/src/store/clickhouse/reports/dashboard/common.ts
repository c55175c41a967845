import type { Money } from '../../../queries.js';
import { offsetSpans } from '../../../zone.js';
import { literal } from '../../sql.js';

/** A purchase, as a ClickHouse condition over a row (step may be NULL). */
export const PURCHASE = `name = 'CHECKOUT' AND ifNull(step = 'purchase', 0)`;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * The zone's UTC offset (ms, Int64) at each row's `ts_ms` over [start, end): the offset
 * spans of store/zone.ts as a multiIf of literals, so that local hours and days are the
 * same integer arithmetic as on DuckDB (a repeated hour of a clock change is two).
 */
export function offsetSql(timeZone: string, start: number, end: number): string {
  const spans = offsetSpans(timeZone, start, end);
  const int = (n: number) => `toInt64(${literal(n)})`;
  if (spans.length === 1) return int(spans[0]!.offsetMs);
  const arms = spans.slice(1).flatMap((s, i) => [`ts_ms < ${literal(s.from)}`, int(spans[i]!.offsetMs)]);
  return `multiIf(${arms.join(', ')}, ${int(spans.at(-1)!.offsetMs)})`;
}

/** Money rows (currency, value as text) as the port's list, in the order given. */
export const moneyOf = (rows: { cur: string; value: string }[]): Money[] => rows.map((r) => ({ currency: r.cur, value: Number(r.value) }));

/**
 * Decimal texts summed exactly (ClickHouse's sums of a group's parts, added up here) as the
 * number the store's own sum would give.
 */
export function sumDecimals(values: string[]): number {
  let places = 0;
  for (const v of values) places = Math.max(places, v.split('.')[1]?.length ?? 0);
  let total = 0n;
  for (const v of values) {
    const [int, frac = ''] = v.replace('-', '').split('.');
    const n = BigInt(int! + frac.padEnd(places, '0'));
    total += v.startsWith('-') ? -n : n;
  }
  const digits = (total < 0n ? -total : total).toString().padStart(places + 1, '0');
  return Number(`${total < 0n ? '-' : ''}${digits.slice(0, digits.length - places)}.${digits.slice(digits.length - places) || '0'}`);
}

/** Text ordered as the stores order it: by UTF-8 bytes, NULL last. */
export function byBytes(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
