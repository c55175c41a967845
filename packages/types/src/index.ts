/**
 * The wire format shared by the cartbeacon tracker and collector.
 *
 * Events are the Segmentify REST events of seed 001 (`/add/events/v1.json`):
 * a JSON array of objects with a `name`, the visitor's `userId` and `sessionId`,
 * and the fields of that event type. cartbeacon adds two optional common fields,
 * `eventId` (a UUID, so a re-sent event is recognised) and `timestamp`
 * (milliseconds since the epoch, when the event happened).
 *
 * This package holds types only; nothing in it exists at run time.
 */

/** The event names the collector accepts (seed 001, "Event Types"). */
export type EventName =
  | 'PAGE_VIEW'
  | 'PRODUCT_VIEW'
  | 'BASKET_OPERATIONS'
  | 'CHECKOUT'
  | 'USER_OPERATIONS'
  | 'CUSTOM_EVENT'
  | 'INTERACTION'
  | 'USER_FORM'
  | 'BANNER_VIEW'
  | 'BANNER_OPERATIONS';

/** A flag that the seed allows as a boolean or as the string 'true' / 'false'. */
export type Flag = boolean | 'true' | 'false';

/** Fields every event may carry (seed 001, "Common Parameters"). */
export interface CommonFields {
  /** Unique id of the visitor (the tracker's browser id). */
  userId: string;
  /** Unique id of the visit (the tracker's session id). */
  sessionId: string;
  /** cartbeacon: a unique id of this event; a repeat with the same id is stored once. */
  eventId?: string;
  /** cartbeacon: when the event happened, in milliseconds since the epoch. */
  timestamp?: number;
  /** 'PC', 'TABLET', 'MOBILE', 'ANDROID' or 'IOS'; derived from the user agent when absent. */
  device?: string;
  userAgent?: string;
  lang?: string;
  currency?: string;
  browser?: string;
  os?: string;
  osversion?: string;
  pageUrl?: string;
  referrer?: string;
  params?: Record<string, unknown>;
  testMode?: Flag;
  nextPage?: Flag;
}

export interface PageViewFields {
  /** 'Home Page', 'Product Page', 'Category Page', 'Basket Page', 'Checkout Page', 'Search Page', '404 Page' or your own. */
  category: string;
  subCategory?: string;
}

export interface ProductFields {
  productId: string;
  title?: string;
  inStock?: Flag;
  url?: string;
  mUrl?: string;
  image?: string;
  imageXS?: string;
  imageS?: string;
  imageM?: string;
  imageL?: string;
  imageXL?: string;
  category?: string | string[];
  brand?: string;
  price?: number;
  oldPrice?: number;
  currency?: string;
  gender?: string;
  colors?: string[];
  sizes?: string[];
  labels?: string[];
}

export interface BasketFields {
  step: 'add' | 'remove';
  productId: string;
  price?: number;
  currency?: string;
  quantity?: number;
}

export interface BasketProduct {
  productId: string;
  price?: number;
  currency?: string;
  quantity?: number;
}

export interface CheckoutFields {
  step: 'basket' | 'customer' | 'payment' | 'purchase';
  totalPrice: number;
  currency?: string;
  orderNo?: string;
  cartUrl?: string;
  productList: BasketProduct[];
}

export interface UserFields {
  step: 'signup' | 'signin' | 'signout' | 'update';
  username: string;
  fullName?: string;
  email?: string;
  phone?: string;
  gender?: string;
  age?: number;
  birthdate?: string;
  memberSince?: string;
  location?: string;
  segments?: string[];
  isRegistered?: Flag;
  isLogin?: Flag;
  custom?: Record<string, unknown>;
}

export interface CustomFields {
  type: string;
}

export type WireEvent = CommonFields &
  (
    | ({ name: 'PAGE_VIEW' } & PageViewFields)
    | ({ name: 'PRODUCT_VIEW' } & ProductFields)
    | ({ name: 'BASKET_OPERATIONS' } & BasketFields)
    | ({ name: 'CHECKOUT' } & CheckoutFields)
    | ({ name: 'USER_OPERATIONS' } & UserFields)
    | ({ name: 'CUSTOM_EVENT' } & CustomFields)
    | { name: 'INTERACTION' | 'USER_FORM' | 'BANNER_VIEW' | 'BANNER_OPERATIONS'; [field: string]: unknown }
  );

/** The error codes of seed 001 ("API Errors") that the collector answers with. */
export type ErrorCode =
  | 'NO_API_KEY'
  | 'NO_ACCOUNT'
  | 'NO_DOMAIN_APIKEY_MATCH'
  | 'NO_EVENT'
  | 'NO_USERID'
  | 'NO_SESSIONID'
  | 'BAD_INPUT';

/** One refused event inside an otherwise accepted batch (a cartbeacon addition to the seed's body). */
export interface EventError {
  /** Position of the event in the request's array. */
  index: number;
  eventId?: string;
  statusCode: ErrorCode;
  message: string;
}

/** The body of an answer of `POST /add/events/v1.json` that stored events (200). */
export interface IngestResponse {
  /** One entry per event; always empty lists, cartbeacon runs no campaigns. */
  campaigns: unknown[][];
  /** One entry per event; always empty lists. */
  responses: unknown[][];
  /** Milliseconds since the epoch when the batch was stored, or "" when nothing was. */
  timestamp: number | '';
  /** Present when the request, or some of its events, were refused. */
  statusCode?: ErrorCode;
  /** Present when some events were refused while others were stored. */
  errors?: EventError[];
}

/** The body of an answer that stored nothing (seed 001: `{"timestamp":"","responses":[],"statusCode":…}`). */
export interface IngestErrorResponse {
  timestamp: '';
  responses: [];
  statusCode: ErrorCode;
  /** cartbeacon: what exactly was wrong. */
  message: string;
  /** cartbeacon: when every event was refused, each one's reason. */
  errors?: EventError[];
}
