/**
 * Values written into ClickHouse SQL text. ClickHouse 18.16 has no query parameters
 * (`{name:Type}` came in 19.x), so every value that reaches a query goes through
 * `literal`, and every name through `identifier`; nothing else is ever spliced into SQL.
 */

/** A value that `literal` writes: text, a finite number, a bigint, a boolean, null, or a list or tuple of them. */
export type SqlValue = string | number | bigint | boolean | null | readonly SqlValue[];

/** Bytes ClickHouse's string literals must not hold raw: the quote, the backslash, control characters. */
const SPECIAL = /['\\\u0000-\u001f\u007f]/g;
const escape = (c: string) => (c === "'" ? "\\'" : c === '\\' ? '\\\\' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/** A string as a ClickHouse string literal: quotes, backslashes and control characters escaped. */
export function quote(s: string): string {
  return `'${s.replace(SPECIAL, escape)}'`;
}

/** A value as SQL text; a list is written as a ClickHouse array `[…]`. Refuses what has no exact literal. */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  throw new TypeError(`no SQL literal for ${typeof value}`);
}

/** Values as a parenthesized list for `IN (…)`: tuples for lists of lists. `(NULL)` for none, which matches nothing. */
export function inList(values: readonly SqlValue[]): string {
  if (!values.length) return '(NULL)';
  return `(${values.map((v) => (Array.isArray(v) ? `(${v.map(literal).join(', ')})` : literal(v))).join(', ')})`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A database, table or cluster name: plain names only (letters, digits, underscore), quoted. */
export function identifier(name: string): string {
  if (!NAME.test(name)) throw new TypeError(`not a plain ClickHouse name: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

/** Whether `name` is a plain name `identifier` takes. */
export const isPlainName = (name: string) => NAME.test(name);
