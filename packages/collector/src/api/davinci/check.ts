import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { refuse } from '../../http/errors.js';

/** The Da Vinci Signal-compatible API's endpoints and the checks of their requests. */

export type DaVinciKind =
  | 'browser'
  | 'session'
  | 'identity'
  | 'page_view'
  | 'product_page_view'
  | 'search'
  | 'completion'
  | 'cancelation'
  | 'refund';

/** The nine endpoints: path, and the key that wraps the request's and the answer's object. */
export const ENDPOINTS: { path: string; kind: DaVinciKind; wrapper: string }[] = [
  { path: '/v1/websites/browsers', kind: 'browser', wrapper: 'browser' },
  { path: '/v1/websites/sessions', kind: 'session', wrapper: 'session' },
  { path: '/v1/websites/identities', kind: 'identity', wrapper: 'identity' },
  { path: '/v1/websites/page_views', kind: 'page_view', wrapper: 'page_view' },
  { path: '/v1/products/page_views', kind: 'product_page_view', wrapper: 'page_view' },
  { path: '/v1/products/searches', kind: 'search', wrapper: 'search' },
  { path: '/v1/orders/completions', kind: 'completion', wrapper: 'completion' },
  { path: '/v1/orders/cancelations', kind: 'cancelation', wrapper: 'cancelation' },
  { path: '/v1/orders/refunds', kind: 'refund', wrapper: 'refund' },
];

/** A browser lives 30 days, a session 15 minutes (the API's created_at → expires_at). */
export const BROWSER_TTL_S = 30 * 86400;
export const SESSION_TTL_S = 15 * 60;

// The API marks nothing required but an identity's contact_id or email_address; every
// field that is present must have its type. null is taken as absent (the answers say null).
const text = (maxLength = 4096) => ({ type: 'string', maxLength, nullable: true });
const ref = { type: 'string', minLength: 1, maxLength: 256, nullable: true };
const tags = { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 1024 }, nullable: true };
const attributes = { type: 'object', nullable: true };
const money = {
  type: 'object',
  nullable: true,
  required: ['amount'],
  properties: {
    amount: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    currency: { type: 'string', pattern: '^[A-Za-z]{3}$', nullable: true },
  },
};
const variant = { type: 'object', properties: { name: text(), price: money, tags, attributes } };
const product = {
  type: 'object',
  properties: { name: text(), variants: { type: 'array', maxItems: 1000, items: variant, nullable: true }, tags, attributes },
};
const item = {
  type: 'object',
  properties: {
    name: text(),
    quantity: { type: 'integer', minimum: 0, maximum: 1e9, nullable: true },
    discount: money,
    price: money,
    tags,
    attributes,
  },
};
const order = {
  type: 'object',
  nullable: true,
  properties: {
    tags,
    attributes,
    processed_at: { type: 'integer', minimum: 0, maximum: 1e11, nullable: true },
    discount: money,
    subtotal: money,
    items: { type: 'array', maxItems: 1000, items: item, nullable: true },
  },
};
const visit = { browser_id: ref, session_id: ref, identity_id: ref, tags, attributes };
const pageView = { ...visit, url: text(), title: text(), referrer: text(), source: text(256) };

const FIELDS: Record<DaVinciKind, Record<string, object>> = {
  browser: { user_agent: text(), language: text(256) },
  session: { browser_id: ref, remote_ip: text(64) },
  identity: { browser_id: ref, session_id: ref, contact_id: ref, email_address: text(320), source: text(256), tags, attributes },
  page_view: pageView,
  product_page_view: { ...pageView, product: { ...product, nullable: true } },
  search: { ...visit, query: text(), products: { type: 'array', maxItems: 1000, items: product, nullable: true } },
  completion: { ...visit, order },
  cancelation: { ...visit, order },
  refund: { ...visit, order },
};

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = Object.fromEntries(
  ENDPOINTS.map(({ kind, wrapper }) => [
    kind,
    ajv.compile({ type: 'object', required: [wrapper], properties: { [wrapper]: { type: 'object', properties: FIELDS[kind] } } }),
  ]),
) as Record<DaVinciKind, ValidateFunction>;

/** "/page_view/order/items/0/price" → "page_view.order.items[0].price". */
const pathOf = (p: string) => p.slice(1).replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');

function describe(err: ErrorObject): string {
  const at = pathOf(err.instancePath);
  if (err.keyword === 'required') {
    const missing = (err.params as { missingProperty: string }).missingProperty;
    return at ? `${at} needs ${missing}` : `the request body needs a "${missing}" object`;
  }
  if (err.keyword === 'pattern') return `${at} must be an ISO 4217 code such as "USD"`;
  if (err.keyword === 'type' && /amount$/.test(at)) return `${at} must be an integer in minor units (100 is $1.00)`;
  return `${at} ${err.message}`;
}

/** The request's wrapped object, checked; an InputError names the first problem. */
export function checkDaVinci(kind: DaVinciKind, body: Record<string, unknown>): Record<string, unknown> {
  const validate = validators[kind];
  if (!validate(body)) throw refuse('INVALID_REQUEST', describe(validate.errors![0]!));
  const wrapper = ENDPOINTS.find((e) => e.kind === kind)!.wrapper;
  const inner = body[wrapper] as Record<string, unknown>;
  if (kind === 'identity' && !present(inner.contact_id) && !present(inner.email_address))
    throw refuse('INVALID_REQUEST', 'identity needs contact_id or email_address: one of them must be provided when creating an identity');
  return inner;
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';
