import type { EventCondition } from '../../queries.js';
import { inList, quote } from '../sql.js';
import { CONDITION_FIELDS as COLUMNS } from '../../queries.js';

/**
 * A condition as a ClickHouse UInt8 over the event columns: 1 when every field given
 * matches (a NULL column matches nothing), 1 for an empty condition. Values are literals
 * made by sql.ts; only the column names above reach the SQL text from a condition.
 */
export function conditionSql(condition: EventCondition): string {
  const parts: string[] = [];
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = condition[field as keyof typeof COLUMNS];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    if (!list.length) parts.push('0');
    else if (list.length === 1) parts.push(`${column} = ${quote(list[0]!)}`);
    else parts.push(`${column} IN ${inList(list)}`);
  }
  if (condition.pageUrlContains !== undefined) parts.push(`position(page_url, ${quote(condition.pageUrlContains)}) > 0`);
  return parts.length ? `ifNull(${parts.join(' AND ')}, 0)` : '1';
}
