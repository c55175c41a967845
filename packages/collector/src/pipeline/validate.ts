import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { EVENT_NAMES, eventSchema } from '@cartbeacon/schema';
import type { ErrorCode } from '@cartbeacon/schema';
import { excerpt } from '../http/excerpt.js';
import { MAX_DEPTH, tooDeep } from '../http/json-depth.js';
import { timestampValue } from './values.js';

/**
 * Checks one event of the event API against its schema (@cartbeacon/schema, the one
 * source of truth of the wire format), with the API's error codes: NO_USERID,
 * NO_SESSIONID, else BAD_INPUT naming the field at fault.
 */

export { EVENT_NAMES };

const ajv = new Ajv({ allErrors: false, strict: false });
const validators: Record<string, ValidateFunction> = Object.fromEntries(EVENT_NAMES.map((name) => [name, ajv.compile(eventSchema(name))]));

export type Checked<T = Record<string, unknown>> =
  | { ok: true; event: T }
  | { ok: false; code: ErrorCode; message: string };

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

function describe(name: string, err: ErrorObject): string {
  const field = err.instancePath.slice(1).replace(/\//g, '.');
  if (err.keyword === 'required') return `${name} needs ${field ? field + '.' : ''}${(err.params as { missingProperty: string }).missingProperty}`;
  if (err.keyword === 'enum') return `${name} ${field} must be one of ${(err.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (err.keyword === 'pattern') return `${name} ${field} must be a number`;
  if (err.keyword === 'exclusiveMinimum' || err.keyword === 'exclusiveMaximum') return `${name} ${field} must be between -10^14 and 10^14`;
  return `${name} ${field} ${err.message}`;
}

/** Checks one element of an event API request body. */
export function checkEvent(value: unknown): Checked {
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { ok: false, code: 'BAD_INPUT', message: 'each event must be a JSON object' };
  const e = value as Record<string, unknown>;
  const validate = typeof e.name === 'string' ? validators[e.name] : undefined;
  if (!validate)
    return {
      ok: false,
      code: 'BAD_INPUT',
      message: `unknown event name ${excerpt(e.name ?? null)}; use one of ${EVENT_NAMES.join(', ')}`,
    };
  if (!present(e.userId)) return { ok: false, code: 'NO_USERID', message: `${e.name} has no userId` };
  if (!present(e.sessionId)) return { ok: false, code: 'NO_SESSIONID', message: `${e.name} has no sessionId` };
  if (tooDeep(e)) return { ok: false, code: 'BAD_INPUT', message: `${e.name} is nested deeper than ${MAX_DEPTH} levels` };
  const valid: boolean = validate(e);
  if (!valid) return { ok: false, code: 'BAD_INPUT', message: describe(e.name as string, validate.errors![0]!) };
  if (e.timestamp !== undefined && Number.isNaN(timestampValue(e.timestamp)))
    return { ok: false, code: 'BAD_INPUT', message: `${e.name} timestamp must be milliseconds since the epoch or an ISO 8601 time` };
  return { ok: true, event: e };
}
