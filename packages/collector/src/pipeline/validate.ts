import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ErrorCode } from '@cartbeacon/types';
import { excerpt } from '../http/excerpt.js';
import { MAX_DEPTH, tooDeep } from '../http/json-depth.js';

/**
 * Checks one seed-001 event. The fields that identify an event are required: `name`,
 * `userId` (NO_USERID), `sessionId` (NO_SESSIONID), and per type the fields without which
 * the event means nothing (below). Every field that is present must have the seed's type.
 *
 * The seed also marks `device` and the descriptive product fields (title, url, image,
 * category, price) mandatory: they feed Segmentify's recommendation engine, which
 * cartbeacon does not run, and the seed's own first example sends a PRODUCT_VIEW with a
 * productId alone. cartbeacon accepts them missing and derives `device` from the user agent.
 */

const text = { type: 'string', maxLength: 4096 } as const;
const id = { type: ['string', 'number'], minLength: 1, maxLength: 512 } as const;
/**
 * A number, or a string holding one ("349.99"): the seed says "must be numeric". At most
 * 14 integer digits: amounts are stored exactly as DECIMAL(18,4).
 */
const numeric = {
  type: ['number', 'string'],
  pattern: '^\\s*-?\\d{1,14}(\\.\\d{1,10})?\\s*$',
  exclusiveMinimum: -1e14,
  exclusiveMaximum: 1e14,
} as const;
/** A boolean or the string 'true' / 'false' (the seed writes flags as strings). */
const flag = { enum: [true, false, 'true', 'false'] } as const;
const map = { type: 'object' } as const;
const textList = { type: 'array', maxItems: 1000, items: text } as const;

const common = {
  name: text,
  userId: id,
  sessionId: id,
  eventId: { type: 'string', minLength: 1, maxLength: 128 },
  timestamp: { type: ['number', 'string'], minLength: 1, maxLength: 64 },
  device: text,
  userAgent: text,
  lang: text,
  currency: { type: 'string', maxLength: 16 },
  browser: text,
  os: text,
  osversion: text,
  pageUrl: text,
  referrer: text,
  params: map,
  testMode: flag,
  nextPage: flag,
  // Stored for every event that has them (an INTERACTION may carry a productId, a custom
  // event a totalPrice), so they are checked on every event.
  category: { anyOf: [text, textList] },
  subCategory: text,
  step: text,
  productId: id,
  price: numeric,
  totalPrice: numeric,
  orderNo: id,
} as const;

const basketProduct = {
  type: 'object',
  required: ['productId'],
  properties: { productId: id, price: numeric, currency: common.currency, quantity: numeric },
} as const;

/** Per event name: the fields it needs besides the common ones, and their types. */
const TYPES: Record<string, { required: string[]; properties: Record<string, object> }> = {
  PAGE_VIEW: { required: ['category'], properties: { category: text, subCategory: text } },
  PRODUCT_VIEW: {
    required: ['productId'],
    properties: {
      productId: id,
      title: text,
      inStock: flag,
      url: text,
      mUrl: text,
      image: text,
      imageXS: text,
      imageS: text,
      imageM: text,
      imageL: text,
      imageXL: text,
      category: { anyOf: [text, textList] },
      brand: text,
      price: numeric,
      oldPrice: numeric,
      gender: text,
      colors: textList,
      sizes: textList,
      labels: textList,
    },
  },
  BASKET_OPERATIONS: {
    required: ['step', 'productId'],
    properties: { step: { enum: ['add', 'remove'] }, productId: id, price: numeric, quantity: numeric },
  },
  CHECKOUT: {
    required: ['step', 'totalPrice', 'productList'],
    properties: {
      step: { enum: ['basket', 'customer', 'payment', 'purchase'] },
      totalPrice: numeric,
      orderNo: id,
      cartUrl: text,
      productList: { type: 'array', maxItems: 1000, items: basketProduct },
    },
  },
  USER_OPERATIONS: {
    required: ['step', 'username'],
    properties: {
      step: { enum: ['signup', 'signin', 'signout', 'update'] },
      username: id,
      fullName: text,
      email: text,
      phone: text,
      gender: text,
      age: numeric,
      birthdate: text,
      memberSince: text,
      location: text,
      segments: textList,
      isRegistered: flag,
      isLogin: flag,
      custom: map,
    },
  },
  CUSTOM_EVENT: { required: ['type'], properties: { type: { type: 'string', minLength: 1, maxLength: 256 } } },
  // Seed 001 names these but documents no fields ("available in next releases").
  INTERACTION: { required: [], properties: {} },
  USER_FORM: { required: [], properties: {} },
  BANNER_VIEW: { required: [], properties: {} },
  BANNER_OPERATIONS: { required: [], properties: {} },
};

/** The event names the collector accepts. */
export const EVENT_NAMES = Object.keys(TYPES);

const ajv = new Ajv({ allErrors: false, strict: false });
const validators: Record<string, ValidateFunction> = Object.fromEntries(
  Object.entries(TYPES).map(([name, t]) => [
    name,
    ajv.compile({ type: 'object', required: t.required, properties: { ...common, ...t.properties } }),
  ]),
);

/**
 * The amount, currency and order number in a custom event's params, where they are of the
 * types the event's own fields must have (else the event keeps them in its params only).
 */
const customAmount = ajv.compile({
  type: 'object',
  required: ['totalPrice'],
  properties: { totalPrice: numeric, currency: common.currency, orderNo: id },
});
export const amountOfParams = (params: unknown): { totalPrice: unknown; currency?: unknown; orderNo?: unknown } | undefined =>
  customAmount(params) ? (params as { totalPrice: unknown }) : undefined;

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

/** Checks one element of a seed-001 request body. */
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

/** A seed flag as a boolean: true, 'true' → true. */
export const flagValue = (v: unknown): boolean => v === true || v === 'true';

/**
 * A timestamp in milliseconds since the epoch, from milliseconds, seconds (a number
 * below 10^11, i.e. before 1973 as milliseconds) or an ISO 8601 string; NaN when invalid.
 */
export function timestampValue(v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isNaN(n)) return n < 0 || !Number.isFinite(n) ? NaN : Math.round(n < 1e11 ? n * 1000 : n);
  return typeof v === 'string' ? Date.parse(v) : NaN;
}
