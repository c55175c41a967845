import { fitsStore, fromMinorUnits } from '../vendor/money.js';
import { refuse } from '../../http/errors.js';
import type { DaVinciKind } from './check.js';

/**
 * The Da Vinci Signal-compatible API read into cartbeacon's canonical events, and its
 * answers. Pure: the route resolves visitors, sessions and ids.
 */



type Obj = Record<string, unknown>;
/** The value given, or the default the answers show for a missing one. */
const or = <T>(v: unknown, d: T) => (v === undefined || v === null ? d : v);
/** A copy without some keys (spread and fromEntries define keys; assignment could set a __proto__). */
export const without = (o: Obj, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

const fillMoney = (m: unknown, currency: string) => (m ? { ...(m as Obj), currency: or((m as Obj).currency, currency) } : null);
const fillVariant = (v: Obj, c: string) => ({ ...v, name: or(v.name, null), price: fillMoney(v.price, c), tags: or(v.tags, []), attributes: or(v.attributes, {}) });
const fillProduct = (p: Obj, c: string) => ({
  ...p,
  name: or(p.name, null),
  variants: ((p.variants as Obj[] | null) ?? []).map((v) => fillVariant(v, c)),
  tags: or(p.tags, []),
  attributes: or(p.attributes, {}),
});
const fillItem = (i: Obj, c: string) => ({
  ...i,
  tags: or(i.tags, []),
  attributes: or(i.attributes, {}),
  name: or(i.name, null),
  quantity: or(i.quantity, null),
  discount: fillMoney(i.discount, c),
  price: fillMoney(i.price, c),
});
const fillOrder = (o: Obj | null | undefined, c: string) =>
  o
    ? {
        ...o,
        tags: or(o.tags, []),
        attributes: or(o.attributes, {}),
        processed_at: or(o.processed_at, null),
        discount: fillMoney(o.discount, c),
        subtotal: fillMoney(o.subtotal, c),
        items: ((o.items as Obj[] | null) ?? []).map((i) => fillItem(i, c)),
      }
    : null;

/**
 * The answer's object for a visit-based request: the request's object echoed (unknown
 * keys too) with `id` and `created_at`, and every documented field present — null, or
 * [] for tags and lists, {} for attributes, money with its currency.
 */
export function answer(kind: DaVinciKind, inner: Obj, id: string, createdAt: number, currency: string): Obj {
  const visitFields = { browser_id: or(inner.browser_id, null), session_id: or(inner.session_id, null), identity_id: or(inner.identity_id, null) };
  const common = { tags: or(inner.tags, []), attributes: or(inner.attributes, {}) };
  const rest = without(inner, ['id', 'created_at']);
  switch (kind) {
    case 'identity':
      return {
        id,
        ...rest,
        browser_id: or(inner.browser_id, null),
        session_id: or(inner.session_id, null),
        created_at: createdAt,
        contact_id: or(inner.contact_id, null),
        // The API's answer names it "email".
        email: or(inner.email_address, null),
        source: or(inner.source, null),
        ...common,
      };
    case 'page_view':
    case 'product_page_view':
      return {
        id,
        ...rest,
        ...visitFields,
        created_at: createdAt,
        url: or(inner.url, null),
        title: or(inner.title, null),
        referrer: or(inner.referrer, null),
        source: or(inner.source, null),
        ...(kind === 'product_page_view' ? { product: inner.product ? fillProduct(inner.product as Obj, currency) : null } : {}),
        ...common,
      };
    case 'search':
      return {
        id,
        ...rest,
        ...visitFields,
        query: or(inner.query, null),
        created_at: createdAt,
        ...common,
        products: ((inner.products as Obj[] | null) ?? []).map((p) => fillProduct(p, currency)),
      };
    default:
      return { id, ...rest, ...visitFields, created_at: createdAt, ...common, order: fillOrder(inner.order as Obj | null, currency) };
  }
}

/** An exact decimal amount and its currency from a Money object. */
function moneyValue(m: Obj, fallback: string): { minor: bigint; currency: string } {
  return { minor: BigInt(m.amount as number), currency: ((m.currency as string | null) ?? fallback).toUpperCase() };
}

/**
 * An order's value in its currency: the subtotal (the API: "the sum of all line item
 * product prices after discounts but before shipping, and taxes"), else the sum of its
 * items' price × quantity less their discounts; null without either. Every amount of an
 * order must be in the same currency.
 */
export function orderValue(o: Obj | null | undefined, fallback: string): { total: string | null; currency: string } {
  if (!o) return { total: null, currency: fallback };
  const items = (o.items as Obj[] | null) ?? [];
  const amounts = [o.subtotal, o.discount, ...items.flatMap((i) => [i.price, i.discount])].filter((m): m is Obj => !!m);
  const currencies = [...new Set(amounts.map((m) => moneyValue(m, fallback).currency))];
  if (currencies.length > 1) throw refuse('INVALID_REQUEST', `order amounts must all be in one currency; this one has ${currencies.join(', ')}`);
  const currency = currencies[0] ?? fallback;
  let minor: bigint | undefined;
  if (o.subtotal) minor = moneyValue(o.subtotal as Obj, fallback).minor;
  else if (items.some((i) => i.price)) {
    minor = 0n;
    for (const i of items) {
      if (!i.price) continue;
      const line = moneyValue(i.price as Obj, fallback).minor * BigInt((i.quantity as number | null) ?? 1);
      minor += line - (i.discount ? moneyValue(i.discount as Obj, fallback).minor : 0n);
    }
    if (minor < 0n) throw refuse('INVALID_REQUEST', "order items' discounts are larger than their prices");
  }
  if (minor === undefined) return { total: null, currency };
  if (!fitsStore(minor, currency)) throw refuse('INVALID_REQUEST', 'order amount is too large to store');
  return { total: fromMinorUnits(minor, currency), currency };
}

/** The event API's user operation for an identity's source ("login" → signin). */
export function userStep(source: unknown): string {
  const s = typeof source === 'string' ? source.toLowerCase().replace(/[^a-z]/g, '') : '';
  if (s === 'login' || s === 'signin') return 'signin';
  if (s === 'signup' || s === 'register' || s === 'registration') return 'signup';
  if (s === 'logout' || s === 'signout') return 'signout';
  return 'update';
}

/** A canonical record (an event of the event API without visitor, session and id). */
export type DaVinciRecord = Obj & { name: string };

/**
 * The canonical events of a visit-based request, the first carrying the answer's id:
 * a page view; a product page view is a product view and a page view ("Product Page");
 * a search is the tracker's "search" custom event; an identity a user operation; an
 * order completion a CHECKOUT purchase. A cancelation or refund is a custom event of
 * that type (as the tracker sends GA4's refund), so that no funnel step counts it, whose
 * totalPrice is the order's value negated: purchase sums that add these rows to the
 * purchases net them out.
 */
export function recordsOf(kind: DaVinciKind, inner: Obj, currency: string, receivedAt: number): DaVinciRecord[] {
  const page = { pageUrl: inner.url ?? null, referrer: inner.referrer ?? null };
  switch (kind) {
    case 'identity':
      return [{ name: 'USER_OPERATIONS', step: userStep(inner.source), username: inner.contact_id ?? inner.email_address }];
    case 'page_view':
      return [{ name: 'PAGE_VIEW', ...page }];
    case 'product_page_view': {
      const p = (inner.product as Obj | null) ?? {};
      const priced = ((p.variants as Obj[] | null) ?? []).find((v) => v.price);
      const value = priced ? moneyValue(priced.price as Obj, currency) : undefined;
      if (value && !fitsStore(value.minor, value.currency)) throw refuse('INVALID_REQUEST', 'page_view.product price is too large to store');
      return [
        {
          name: 'PRODUCT_VIEW',
          ...page,
          // Da Vinci products have no id: the name is what names them.
          productId: p.name ?? null,
          price: value ? fromMinorUnits(value.minor, value.currency) : null,
          currency: value?.currency ?? currency,
        },
        { name: 'PAGE_VIEW', ...page, category: 'Product Page' },
      ];
    }
    case 'search':
      return [{ name: 'CUSTOM_EVENT', type: 'search' }];
    default: {
      const o = inner.order as Obj | null | undefined;
      const { total, currency: c } = orderValue(o, currency);
      if (kind === 'completion') {
        // When the shop processed it, else now.
        const at = typeof o?.processed_at === 'number' ? o.processed_at * 1000 : receivedAt;
        return [{ name: 'CHECKOUT', step: 'purchase', totalPrice: total, currency: c, timestamp: at }];
      }
      // Counted when it happens (now), not at the order's processed_at.
      const negated = total === null || /^0(\.0+)?$/.test(total) ? total : `-${total}`;
      return [{ name: 'CUSTOM_EVENT', type: kind, totalPrice: negated, currency: c }];
    }
  }
}
