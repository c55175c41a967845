import { decimalAmount } from '../vendor/money.js';
import { refuse } from '../../http/errors.js';

/**
 * The Yespo-compatible API's "Generate event v2" read into cartbeacon's canonical events.
 * Pure: the route adds ids, the visitor's session and the stored cart.
 */

/** A checked request: the event type, the visitor, the params by name (JSON values parsed). */
export interface YespoEvent {
  eventTypeKey: string;
  /** The visitor: keyValue, else the first of the KEY_PARAMS present. */
  keyValue: string;
  params: Map<string, unknown>;
}

/** Where keyValue comes from when it is not given, in the API's order. */
export const KEY_PARAMS = ['contactId', 'externalCustomerId', 'email', 'phone', 'pushToken'] as const;

/** Params whose value is JSON inside a string. */
const JSON_PARAMS = new Set(['product', 'products', 'page', 'category']);
/**
 * The event types whose params the API defines as JSON: there, a value that is not JSON
 * is refused. Any other type may use the same names for plain text ("category": "Shoes").
 */
const JSON_REQUIRED = new Set(['pageViewed', 'productViewed', 'productCategoryViewed', 'cartUpdated', 'productImpressions', 'productAddedToWishlist']);

const MAX_PARAMS = 1000;

/** An event of the event API without userId, sessionId and eventId (the route adds them). */
export type CanonicalRecord = Record<string, unknown> & { name: string };

/** One line of a cart, by product. */
export interface CartLine {
  productId: string;
  quantity: number;
  /** Unit price as a decimal string. */
  price: string;
}

/** A cart as stored per recycleStateId. */
export interface Cart {
  /** Counts the cart's changes; part of the ids of the basket events of each change. */
  version: number;
  currency: string;
  lines: CartLine[];
}

/** What a request becomes: events, or (cartUpdated) a new cart to compare with the last one. */
export type YespoPlan = { kind: 'events'; records: CanonicalRecord[] } | { kind: 'cart'; recycleStateId: string; currency: string; lines: CartLine[] };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** A non-empty string, or a number taken as its text; undefined for anything else. */
const idText = (v: unknown): string | undefined =>
  typeof v === 'string' && v.trim() && v.length <= 512 ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** Checks the body's shape and finds the visitor; throws an InputError naming the problem. */
export function parseYespo(body: Record<string, unknown>): YespoEvent {
  const { eventTypeKey, keyValue, params = [] } = body;
  if (eventTypeKey === undefined || eventTypeKey === null || eventTypeKey === '')
    throw refuse('INVALID_REQUEST', 'eventTypeKey is required: the key of the event type, e.g. "pageViewed"');
  if (typeof eventTypeKey !== 'string' || eventTypeKey.length > 256)
    throw refuse('INVALID_REQUEST', 'eventTypeKey must be a string of at most 256 characters');
  if (params !== null && !Array.isArray(params)) throw refuse('INVALID_REQUEST', 'params must be an array of {"name": …, "value": …} pairs');
  const list = (params ?? []) as unknown[];
  if (list.length > MAX_PARAMS) throw refuse('INVALID_REQUEST', `params has more than ${MAX_PARAMS} entries`);

  const byName = new Map<string, unknown>();
  list.forEach((p, i) => {
    if (!isObject(p)) throw refuse('INVALID_REQUEST', `params[${i}] must be an object with a name and a value`);
    if (typeof p.name !== 'string' || !p.name || p.name.length > 256)
      throw refuse('INVALID_REQUEST', `params[${i}].name must be a non-empty string of at most 256 characters`);
    if (byName.has(p.name)) return; // the first of a repeated name counts
    let value = p.value ?? null;
    if (JSON_PARAMS.has(p.name) && typeof value === 'string' && value.trim()) {
      try {
        value = JSON.parse(value);
      } catch (e) {
        if (JSON_REQUIRED.has(eventTypeKey))
          throw refuse('INVALID_REQUEST', `params "${p.name}" must hold JSON in its string value: ${(e as Error).message}`);
      }
    }
    byName.set(p.name, value);
  });

  let visitor: string | undefined;
  if (keyValue !== undefined && keyValue !== null && keyValue !== '') {
    visitor = idText(keyValue);
    if (visitor === undefined) throw refuse('INVALID_REQUEST', 'keyValue must be a string of at most 512 characters');
  } else {
    for (const name of KEY_PARAMS) if ((visitor = idText(byName.get(name)))) break;
    if (!visitor)
      throw refuse('INVALID_REQUEST', 
        `the event has no keyValue, and its params have none of ${KEY_PARAMS.join(', ')} to take it from: such an event is not accepted`,
      );
  }
  return { eventTypeKey, keyValue: visitor, params: byName };
}

function currencyOf(e: YespoEvent, fallback: string): string {
  const c = e.params.get('currencyCode');
  if (c === undefined || c === null || c === '') return fallback;
  if (typeof c !== 'string' || !/^[A-Za-z]{3}$/.test(c)) throw refuse('INVALID_REQUEST', 'currencyCode must be an ISO 4217 code such as "USD"');
  return c.toUpperCase();
}

/** params[name] as an object (JSON already parsed), or an InputError. */
function objectParam(e: YespoEvent, name: string): Record<string, unknown> {
  const v = e.params.get(name);
  if (v === undefined || v === null || v === '') throw refuse('INVALID_REQUEST', `${e.eventTypeKey} needs the "${name}" parameter`);
  if (!isObject(v)) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} "${name}" must be a JSON object`);
  return v;
}

function listParam(e: YespoEvent, name: string, required: boolean): Record<string, unknown>[] {
  const v = e.params.get(name);
  if (v === undefined || v === null || v === '') {
    if (required) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} needs the "${name}" parameter`);
    return [];
  }
  if (!Array.isArray(v) || v.length > MAX_PARAMS) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} "${name}" must be a JSON array of at most ${MAX_PARAMS} products`);
  return v.map((p, i) => {
    if (!isObject(p)) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} ${name}[${i}] must be a JSON object`);
    return p;
  });
}

function productId(e: YespoEvent, p: Record<string, unknown>, at: string): string {
  const id = idText(p.productId);
  if (id === undefined) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} ${at}.productId is required (a string)`);
  return id;
}

function price(e: YespoEvent, p: Record<string, unknown>, at: string): string {
  if (p.price === undefined || p.price === null) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} ${at}.price is required`);
  const v = decimalAmount(p.price);
  if (v === undefined) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} ${at}.price must be a number from 0 to 10^14`);
  return v;
}

function flag01(e: YespoEvent, v: unknown, at: string) {
  if (v !== undefined && v !== null && ![0, 1, '0', '1'].includes(v as number)) throw refuse('INVALID_REQUEST', `${e.eventTypeKey} ${at} must be 0 or 1`);
}

/**
 * The canonical events of a checked request (the API's seven types; any other type is a
 * custom event of that type, as Yespo creates a new event type for an unknown key).
 */
export function planYespo(e: YespoEvent, accountCurrency: string): YespoPlan {
  switch (e.eventTypeKey) {
    case 'pageViewed': {
      const page = e.params.get('page');
      const location = (isObject(page) ? page.location : undefined) ?? e.params.get('location');
      if (typeof location !== 'string' || !location.trim()) throw refuse('INVALID_REQUEST', 'pageViewed needs page.location, the page URL or deep link');
      return { kind: 'events', records: [{ name: 'PAGE_VIEW', pageUrl: location }] };
    }
    case 'productViewed': {
      const p = objectParam(e, 'product');
      flag01(e, p.isInStock, 'product.isInStock');
      const record = { name: 'PRODUCT_VIEW', productId: productId(e, p, 'product'), price: price(e, p, 'product'), currency: currencyOf(e, accountCurrency) };
      return { kind: 'events', records: [record] };
    }
    case 'productCategoryViewed': {
      const c = objectParam(e, 'category');
      const id = idText(c.productCategoryId);
      if (id === undefined) throw refuse('INVALID_REQUEST', 'productCategoryViewed category.productCategoryId is required (a string)');
      // The event API's way to say "a category listing": category "Category Page", the category below it.
      return { kind: 'events', records: [{ name: 'PAGE_VIEW', category: 'Category Page', subCategory: id }] };
    }
    case 'cartUpdated': {
      const rsid = idText(e.params.get('recycleStateId'));
      if (rsid === undefined) throw refuse('INVALID_REQUEST', 'cartUpdated needs the "recycleStateId" parameter, the id of the cart');
      const lines = new Map<string, CartLine>();
      listParam(e, 'products', false).forEach((p, i) => {
        const at = `products[${i}]`;
        const id = productId(e, p, at);
        const q = typeof p.quantity === 'string' && p.quantity.trim() ? Number(p.quantity) : p.quantity;
        if (typeof q !== 'number' || !Number.isFinite(q) || q < 0 || q > 1e9) throw refuse('INVALID_REQUEST', `cartUpdated ${at}.quantity is required: a number from 0 to 10^9`);
        const line = lines.get(id);
        if (line) line.quantity = round(line.quantity + q);
        else lines.set(id, { productId: id, quantity: q, price: price(e, p, at) });
      });
      return { kind: 'cart', recycleStateId: rsid, currency: currencyOf(e, accountCurrency), lines: [...lines.values()].filter((l) => l.quantity > 0) };
    }
    case 'productImpressions': {
      const variant = e.params.get('recomVariantId');
      if (typeof variant !== 'string' || !variant) throw refuse('INVALID_REQUEST', 'productImpressions needs the "recomVariantId" parameter (r{recomId}v{variantId})');
      listParam(e, 'products', true).forEach((p, i) => productId(e, p, `products[${i}]`));
      // The event API's INTERACTION: "view a widget" — a block of recommendations shown.
      return { kind: 'events', records: [{ name: 'INTERACTION' }] };
    }
    case 'productAddedToWishlist': {
      const p = objectParam(e, 'product');
      flag01(e, p.isInStock, 'product.isInStock');
      const record = {
        name: 'CUSTOM_EVENT',
        type: 'wishlist',
        productId: productId(e, p, 'product'),
        price: price(e, p, 'product'),
        currency: currencyOf(e, accountCurrency),
      };
      return { kind: 'events', records: [record] };
    }
    case 'searchRequest': {
      const search = idText(e.params.get('search'));
      if (search === undefined) throw refuse('INVALID_REQUEST', 'searchRequest needs the "search" parameter, the text searched for');
      flag01(e, e.params.get('isFound'), 'isFound');
      // The tracker's search() is the same custom event.
      return { kind: 'events', records: [{ name: 'CUSTOM_EVENT', type: 'search' }] };
    }
    default:
      return { kind: 'events', records: [{ name: 'CUSTOM_EVENT', type: e.eventTypeKey }] };
  }
}

/** Quantities are doubles: keep 9 decimals so that 1.1 − 1 is 0.1. */
const round = (q: number) => Math.round(q * 1e9) / 1e9;

/** A basket add or remove that turns the last cart into the new one. */
export interface BasketChange {
  step: 'add' | 'remove';
  productId: string;
  quantity: number;
  price: string;
  currency: string;
}

/**
 * The basket operations between two carts: per product, more items are an add (at the
 * new cart's price), fewer a remove (at the last cart's price). Removes come first.
 */
export function diffCart(last: Omit<Cart, 'version'> | undefined, next: Omit<Cart, 'version'>): BasketChange[] {
  const before = new Map((last?.lines ?? []).map((l) => [l.productId, l]));
  const after = new Map(next.lines.map((l) => [l.productId, l]));
  const removes: BasketChange[] = [];
  const adds: BasketChange[] = [];
  for (const [id, old] of before) {
    const q = round(old.quantity - (after.get(id)?.quantity ?? 0));
    if (q > 0) removes.push({ step: 'remove', productId: id, quantity: q, price: old.price, currency: last!.currency });
  }
  for (const [id, now] of after) {
    const q = round(now.quantity - (before.get(id)?.quantity ?? 0));
    if (q > 0) adds.push({ step: 'add', productId: id, quantity: q, price: now.price, currency: next.currency });
  }
  return [...removes, ...adds];
}
