import type { StoredEvent } from './event.js';

/**
 * How a value is kept: `text`; `money`, a decimal string stored as DECIMAL(18,4);
 * `ms`, milliseconds since the epoch stored as a timestamp; `double`; `bool`; `json`,
 * a JSON text.
 */
export type ColumnKind = 'text' | 'money' | 'ms' | 'double' | 'bool' | 'json';

export interface Column<K extends ColumnKind = ColumnKind> {
  /** The column's name in every store (snake case: the `events` table users query). */
  name: string;
  kind: K;
  nullable: boolean;
}

/** The kinds a field of type T may be kept as. */
type KindOf<T> = NonNullable<T> extends string ? 'text' | 'money' | 'json' : NonNullable<T> extends number ? 'ms' | 'double' : 'bool';
type ColumnOf<T> = Column<KindOf<T>> & { nullable: null extends T ? true : false };

const c = <K extends ColumnKind, N extends boolean>(name: string, kind: K, nullable: N) => ({ name, kind, nullable });

/**
 * The one table of the stored row: every field of StoredEvent, in column order, with its
 * column's name and kind. The DDL, the appenders and the readers of every store are made
 * from it, so a field added here is added everywhere (and the compiler refuses a field of
 * StoredEvent missing here, or here and not there, or of the wrong kind or nullability).
 */
export const EVENT_COLUMNS = {
  accountId: c('account_id', 'text', false),
  eventId: c('event_id', 'text', false),
  name: c('name', 'text', false),
  step: c('step', 'text', true),
  type: c('type', 'text', true),
  ts: c('ts', 'ms', false),
  receivedAt: c('received_at', 'ms', false),
  userId: c('user_id', 'text', false),
  sessionId: c('session_id', 'text', false),
  pageUrl: c('page_url', 'text', true),
  referrer: c('referrer', 'text', true),
  category: c('category', 'text', true),
  subCategory: c('sub_category', 'text', true),
  productId: c('product_id', 'text', true),
  price: c('price', 'money', true),
  currency: c('currency', 'text', true),
  quantity: c('quantity', 'double', true),
  totalPrice: c('total_price', 'money', true),
  orderNo: c('order_no', 'text', true),
  source: c('source', 'text', false),
  medium: c('medium', 'text', true),
  campaign: c('campaign', 'text', true),
  device: c('device', 'text', false),
  browser: c('browser', 'text', true),
  os: c('os', 'text', true),
  osVersion: c('os_version', 'text', true),
  deviceClass: c('device_class', 'text', false),
  isBot: c('is_bot', 'bool', false),
  country: c('country', 'text', true),
  lang: c('lang', 'text', true),
  testMode: c('test_mode', 'bool', false),
  held: c('held', 'bool', false),
  channel: c('channel', 'text', false),
  data: c('data', 'json', false),
} as const satisfies { [K in keyof StoredEvent]-?: ColumnOf<StoredEvent[K]> };

/** The fields of StoredEvent in column order, each with its column. */
export const COLUMN_LIST = Object.entries(EVENT_COLUMNS) as [keyof StoredEvent, Column][];
