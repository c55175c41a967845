import type { StoredEvent } from './event.js';

/** A lone surrogate escape as JSON.stringify writes it (it never escapes a well-formed pair). */
const LONE = /\\u[dD][89a-fA-F]/;

/** `s` with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
const wf = (s: string) => s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

/** A parsed JSON value with its strings and keys well-formed. */
const clean = (v: unknown): unknown =>
  typeof v === 'string'
    ? wf(v)
    : Array.isArray(v)
      ? v.map(clean)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [wf(k), clean(x)]))
        : v;

/** A copy whose strings are well-formed (a lone surrogate becomes U+FFFD), `data` included. */
function wellFormed(e: StoredEvent): StoredEvent {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) out[k] = typeof v === 'string' ? wf(v) : v;
  out.data = JSON.stringify(clean(JSON.parse(e.data)));
  return out as unknown as StoredEvent;
}

/**
 * A stored row as one line of JSON (its fields as StoredEvent names them): how rows travel
 * through the spool and into a store's bulk load. Strings are well-formed, because the
 * stores' JSON readers refuse a lone surrogate and one visitor's string must never fail a
 * whole load.
 */
export function eventLine(e: StoredEvent): string {
  const line = JSON.stringify(e);
  return LONE.test(line) ? JSON.stringify(wellFormed(e)) : line;
}
