import { DuckDBTimestampTZValue } from '@duckdb/node-api';
import type { DuckDBValue } from '@duckdb/node-api';
import type { EventCondition } from '../queries.js';
import { CONDITION_FIELDS as COLUMNS } from '../queries.js';

/** An instant (ms since the epoch) as a bound TIMESTAMPTZ. */
export const instant = (ms: number) => new DuckDBTimestampTZValue(BigInt(Math.trunc(ms)) * 1000n);

/**
 * Events that count (store/queries.ts): of the account (`$account`), not test-mode, not
 * bots, not held back (nextPage, not yet released). Every report's rows start from these.
 */
export const countedEvents = (a = '') => `${a}account_id = $account AND NOT ${a}test_mode AND NOT ${a}is_bot AND NOT ${a}held`;

/** Events of the range [`$start`, `$end`). */
export const inInterval = (a = '') => `${a}ts >= $start AND ${a}ts < $end`;

/**
 * A query's parameters, named as they are added. Values are always bound, never written
 * into the SQL text; only column names from the fixed lists below are.
 */
export class Params {
  readonly values: Record<string, DuckDBValue> = {};
  private n = 0;

  constructor(initial: Record<string, DuckDBValue> = {}) {
    Object.assign(this.values, initial);
  }

  /** Binds a value and returns its placeholder. */
  add(value: DuckDBValue): string {
    const name = `p${this.n++}`;
    this.values[name] = value;
    return `$${name}`;
  }
}

/** The columns that conditions read, for queries that select them first. */
export const CONDITION_COLUMNS = [...Object.values(COLUMNS), 'page_url'].join(', ');

/**
 * A condition as a SQL boolean over the `events` columns of `alias` (e.g. "e."), its
 * values bound in `params`. An empty condition matches every event.
 */
export function conditionSql(condition: EventCondition, params: Params, alias = ''): string {
  const parts: string[] = [];
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = condition[field as keyof typeof COLUMNS];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    if (!list.length) parts.push('false');
    else if (list.length === 1) parts.push(`${alias}${column} = ${params.add(list[0]!)}`);
    else parts.push(`${alias}${column} IN (${list.map((v) => params.add(v)).join(', ')})`);
  }
  if (condition.pageUrlContains !== undefined) parts.push(`contains(${alias}page_url, ${params.add(condition.pageUrlContains)})`);
  return parts.length ? `(${parts.join(' AND ')})` : 'true';
}
