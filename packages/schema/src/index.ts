/**
 * The wire format shared by the cartbeacon tracker and collector.
 *
 * Events are those of the Segmentify-compatible event API (`/add/events/v1.json`): a
 * JSON array of objects with a `name`, the visitor's `userId` and `sessionId`, and the
 * fields of that event type. cartbeacon adds three optional common fields, `eventId` (a
 * UUID, so a re-sent event is recognised), `timestamp` (milliseconds since the epoch,
 * when the event happened) and `hints` (the browser's own word on its device).
 *
 * The schema (schema.ts) is the one source of truth: the collector validates with it and
 * the types below come from it. The tracker imports types only, so none of it reaches
 * the browser.
 */

export * from './schema.js';
import type {
  BasketFields,
  CheckoutFields,
  CommonFields,
  CustomFields,
  PageViewFields,
  ProductFields,
  UserFields,
} from './schema.js';

/** A flag that the API allows as a boolean or as the string 'true' / 'false'. */
export type Flag = boolean | 'true' | 'false';

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

/** The error codes of the event API ("API Errors") that the collector answers with. */
export const ERROR_CODES = ['NO_API_KEY', 'NO_ACCOUNT', 'NO_DOMAIN_APIKEY_MATCH', 'NO_EVENT', 'NO_USERID', 'NO_SESSIONID', 'BAD_INPUT'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One refused event inside an otherwise accepted batch (a cartbeacon addition to the API's body). */
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

/** The body of an answer that stored nothing (the API's `{"timestamp":"","responses":[],"statusCode":…}`). */
export interface IngestErrorResponse {
  timestamp: '';
  responses: [];
  statusCode: ErrorCode;
  /** cartbeacon: what exactly was wrong. */
  message: string;
  /** cartbeacon: when every event was refused, each one's reason. */
  errors?: EventError[];
}
