/**
 * The canonical event: one row of the store, whichever path (tracker, the event API,
 * the vendor-compatible APIs) it came in by. Money is kept as a decimal string so that
 * it is stored exactly.
 */
export interface StoredEvent {
  accountId: string;
  eventId: string;
  /** PAGE_VIEW, PRODUCT_VIEW, BASKET_OPERATIONS, CHECKOUT, USER_OPERATIONS, CUSTOM_EVENT, … */
  name: string;
  /** basket add/remove, checkout basket/customer/payment/purchase, user signup/…; null otherwise. */
  step: string | null;
  /** The CUSTOM_EVENT type (e.g. "search", "wishlist"); null otherwise. */
  type: string | null;
  /** When it happened (ms since the epoch), clamped to the receive time if in the future. */
  ts: number;
  /** When the collector received it (ms since the epoch). */
  receivedAt: number;
  userId: string;
  sessionId: string;
  pageUrl: string | null;
  referrer: string | null;
  category: string | null;
  subCategory: string | null;
  productId: string | null;
  /** Unit price of PRODUCT_VIEW / BASKET_OPERATIONS, as a decimal string. */
  price: string | null;
  currency: string | null;
  quantity: number | null;
  /** CHECKOUT total, as a decimal string. */
  totalPrice: string | null;
  orderNo: string | null;
  /** Traffic source of this event's page: utm_source, a click id's network, the referrer's kind, or "Direct". */
  source: string;
  medium: string | null;
  campaign: string | null;
  /** The event API's device: PC, TABLET, MOBILE, ANDROID or IOS (given, or derived from the user agent). */
  device: string;
  browser: string | null;
  os: string | null;
  osVersion: string | null;
  /** Desktop, Mobile, Tablet or Other, from the user agent. */
  deviceClass: string;
  isBot: boolean;
  /** ISO 3166-1 alpha-2, from the trusted proxy header; null when unknown. */
  country: string | null;
  lang: string | null;
  testMode: boolean;
  /** A nextPage event sent server-side: kept until the visitor's next page view. */
  held: boolean;
  /** Which API the event came in by: "events" (the event API and the tracker), "yespo", "davinci". */
  channel: string;
  /** The event as received (after validation), as JSON: every field, for later use. */
  data: string;
}

/**
 * A piece of server-side state that the vendor-compatible APIs keep (a Yespo cart by
 * recycleStateId, the session derived for a visitor, a Da Vinci browser / session /
 * identity by id): one JSON value per (account, kind, key).
 */
export interface StateEntry {
  accountId: string;
  kind: string;
  key: string;
  /** JSON. */
  value: string;
}
