/**
 * Local time in SQL without converting each row's time through ICU (a third of a
 * microsecond a row, store/duckdb/reports.ts): a row's local time is its instant plus the
 * offset of its span (store/zone.ts).
 */
import type { Params } from './conditions.js';
import type { OffsetSpan } from '../zone.js';

export { localDayStart, offsetSpans } from '../zone.js';
export type { OffsetSpan } from '../zone.js';

/**
 * SQL for the UTC offset (ms, BIGINT) at `ms`, an expression of ms since the epoch, over
 * the spans; the values are bound in `params`.
 */
export function offsetSql(ms: string, spans: OffsetSpan[], params: Params): string {
  const bigint = (n: number) => `${params.add(n)}::BIGINT`;
  if (spans.length === 1) return bigint(spans[0]!.offsetMs);
  const whens = spans.slice(1).map((s, i) => `WHEN ${ms} < ${bigint(s.from)} THEN ${bigint(spans[i]!.offsetMs)}`);
  return `CASE ${whens.join(' ')} ELSE ${bigint(spans[spans.length - 1]!.offsetMs)} END`;
}
