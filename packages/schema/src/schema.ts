import { Type } from '@sinclair/typebox';
import type { Static, TObject, TProperties } from '@sinclair/typebox';

/**
 * The wire format of the Segmentify-compatible event API (`/add/events/v1.json`, the
 * tracker's own too), as one JSON Schema written with TypeBox: the collector validates
 * with it (ajv) and both sides take their TypeScript types from it, so the two cannot
 * drift. Every field that is present must have the API's type; the fields that identify
 * an event are required: `name`, `userId`, `sessionId`, and per type the fields without
 * which the event means nothing.
 *
 * The API also marks `device` and the descriptive product fields (title, url, image,
 * category, price) mandatory: they feed a recommendation engine that cartbeacon does not
 * run, and the API's own first example sends a PRODUCT_VIEW with a productId alone.
 * cartbeacon accepts them missing and derives `device` from the user agent.
 */

const text = () => Type.String({ maxLength: 4096 });
/** An id: a string, or a number (the API allows both). */
const id = () => Type.Unsafe<string | number>({ type: ['string', 'number'], minLength: 1, maxLength: 512 });
/**
 * A number, or a string holding one ("349.99"): the API says "must be numeric". At most
 * 14 integer digits: amounts are stored exactly as DECIMAL(18,4).
 */
const numeric = () =>
  Type.Unsafe<number | string>({
    type: ['number', 'string'],
    pattern: '^\\s*-?\\d{1,14}(\\.\\d{1,10})?\\s*$',
    exclusiveMinimum: -1e14,
    exclusiveMaximum: 1e14,
  });
/** A boolean or the string 'true' / 'false' (the API writes flags as strings). */
const flag = () => Type.Unsafe<boolean | 'true' | 'false'>({ enum: [true, false, 'true', 'false'] });
const map = () => Type.Record(Type.String(), Type.Unknown());
const textList = () => Type.Array(text(), { maxItems: 1000 });
const currency = () => Type.String({ maxLength: 16 });
const categories = () => Type.Unsafe<string | string[]>({ anyOf: [text(), textList()] });
const steps = <T extends string>(...values: T[]) => Type.Unsafe<T>({ enum: values });
const opt = Type.Optional;

/** Fields every event may carry. */
export const CommonFields = Type.Object({
  /** Unique id of the visitor (the tracker's browser id). */
  userId: id(),
  /** Unique id of the visit (the tracker's session id). */
  sessionId: id(),
  /** cartbeacon: a unique id of this event; a repeat with the same id is stored once. */
  eventId: opt(Type.String({ minLength: 1, maxLength: 128 })),
  /** cartbeacon: when the event happened, in milliseconds since the epoch (or an ISO 8601 time). */
  timestamp: opt(Type.Unsafe<number | string>({ type: ['number', 'string'], minLength: 1, maxLength: 64 })),
  /** 'PC', 'TABLET', 'MOBILE', 'ANDROID' or 'IOS'; derived from the user agent when absent. */
  device: opt(text()),
  /**
   * cartbeacon: what the browser tells of its device beside its user agent, which the
   * tracker sends so that the collector can derive `device` where the agent cannot tell
   * (an iPad in desktop mode sends a Mac's agent): `navigator.userAgentData.mobile` and
   * `.platform` (Chromium), `navigator.maxTouchPoints`. Other keys are ignored.
   */
  hints: opt(
    Type.Object({
      mobile: opt(Type.Boolean()),
      platform: opt(Type.String({ maxLength: 64 })),
      maxTouchPoints: opt(Type.Integer({ minimum: 0, maximum: 1000 })),
    }),
  ),
  userAgent: opt(text()),
  lang: opt(text()),
  currency: opt(currency()),
  browser: opt(text()),
  os: opt(text()),
  osversion: opt(text()),
  pageUrl: opt(text()),
  referrer: opt(text()),
  params: opt(map()),
  /** Reports leave test-mode events out. */
  testMode: opt(flag()),
  /** Kept by the collector until the visitor's next page view. */
  nextPage: opt(flag()),
  // Stored for every event that has them (an INTERACTION may carry a productId, a custom
  // event a totalPrice), so they are checked on every event.
  category: opt(categories()),
  subCategory: opt(text()),
  step: opt(text()),
  productId: opt(id()),
  price: opt(numeric()),
  totalPrice: opt(numeric()),
  orderNo: opt(id()),
});

export const PageViewFields = Type.Object({
  /** 'Home Page', 'Product Page', 'Category Page', 'Basket Page', 'Checkout Page', 'Search Page', '404 Page' or your own. */
  category: text(),
  subCategory: opt(text()),
});

export const ProductFields = Type.Object({
  productId: id(),
  title: opt(text()),
  inStock: opt(flag()),
  url: opt(text()),
  mUrl: opt(text()),
  image: opt(text()),
  imageXS: opt(text()),
  imageS: opt(text()),
  imageM: opt(text()),
  imageL: opt(text()),
  imageXL: opt(text()),
  category: opt(categories()),
  brand: opt(text()),
  price: opt(numeric()),
  oldPrice: opt(numeric()),
  gender: opt(text()),
  colors: opt(textList()),
  sizes: opt(textList()),
  labels: opt(textList()),
});

export const BasketFields = Type.Object({
  step: steps('add', 'remove'),
  productId: id(),
  price: opt(numeric()),
  quantity: opt(numeric()),
});

export const BasketProduct = Type.Object({
  productId: id(),
  price: opt(numeric()),
  currency: opt(currency()),
  quantity: opt(numeric()),
});

export const CheckoutFields = Type.Object({
  step: steps('basket', 'customer', 'payment', 'purchase'),
  totalPrice: numeric(),
  orderNo: opt(id()),
  cartUrl: opt(text()),
  productList: Type.Array(BasketProduct, { maxItems: 1000 }),
});

export const UserFields = Type.Object({
  step: steps('signup', 'signin', 'signout', 'update'),
  username: id(),
  fullName: opt(text()),
  email: opt(text()),
  phone: opt(text()),
  gender: opt(text()),
  age: opt(numeric()),
  birthdate: opt(text()),
  memberSince: opt(text()),
  location: opt(text()),
  segments: opt(textList()),
  isRegistered: opt(flag()),
  isLogin: opt(flag()),
  custom: opt(map()),
});

export const CustomFields = Type.Object({
  /** The custom event's type, e.g. "search", "wishlist", "refund". */
  type: Type.String({ minLength: 1, maxLength: 256 }),
});

/** Names that the API documents without fields ("available in next releases"). */
const Fieldless = Type.Object({});

/** Per event name, the fields it has besides the common ones. */
export const EVENT_FIELDS = {
  PAGE_VIEW: PageViewFields,
  PRODUCT_VIEW: ProductFields,
  BASKET_OPERATIONS: BasketFields,
  CHECKOUT: CheckoutFields,
  USER_OPERATIONS: UserFields,
  CUSTOM_EVENT: CustomFields,
  INTERACTION: Fieldless,
  USER_FORM: Fieldless,
  BANNER_VIEW: Fieldless,
  BANNER_OPERATIONS: Fieldless,
} as const satisfies Record<string, TObject>;

export type EventName = keyof typeof EVENT_FIELDS;

/** The event names the collector accepts, in the API's order. */
export const EVENT_NAMES = Object.keys(EVENT_FIELDS) as EventName[];

/**
 * The whole schema of one event of a name: the common fields with the name's own on top
 * (its required fields required; where both name a field, the name's wins). The name
 * itself selects the schema.
 */
export const eventSchema = (name: EventName): TObject<TProperties> =>
  Type.Object({ ...CommonFields.properties, ...EVENT_FIELDS[name].properties });

/**
 * The amount, currency and order number that a custom event may carry in its params (the
 * tracker sends a refund so), where they are of the types the event's own fields have.
 */
export const CustomAmount = Type.Object({ totalPrice: numeric(), currency: opt(currency()), orderNo: opt(id()) });

export type CommonFields = Static<typeof CommonFields>;
export type PageViewFields = Static<typeof PageViewFields>;
export type ProductFields = Static<typeof ProductFields>;
export type BasketFields = Static<typeof BasketFields>;
export type BasketProduct = Static<typeof BasketProduct>;
export type CheckoutFields = Static<typeof CheckoutFields>;
export type UserFields = Static<typeof UserFields>;
export type CustomFields = Static<typeof CustomFields>;
