/**
 * A short quotation of a value a client sent, for an error message: a string's first
 * `max` characters, a number or boolean as written, and only the kind of anything else,
 * so that a message never serialises unbounded or deeply nested input.
 */
export function excerpt(value: unknown, max = 60): string {
  if (typeof value === 'string') return JSON.stringify(value.length > max ? `${value.slice(0, max)}…` : value);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
