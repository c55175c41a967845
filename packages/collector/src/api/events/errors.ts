import type { ErrorCode as EventApiCode } from '@cartbeacon/schema';
import { isEventApiCode } from '../../http/errors.js';
import type { ErrorRenderer } from '../../http/errors.js';

/**
 * The Segmentify-compatible event API's error body: `{"timestamp":"","responses":[],
 * "statusCode":CODE,"message":…}`. Refusals of the request's form (a body too large,
 * compressed, not JSON) are BAD_INPUT under their own status; a 429 or a 5xx carries no
 * code (the API has none for them), so that a sender retries.
 */
export const renderEventApiError: ErrorRenderer = (err) =>
  err.status >= 500 || err.status === 429
    ? { timestamp: '', responses: [], message: err.message }
    : { timestamp: '', responses: [], statusCode: eventApiCode(err), message: err.message };

/** The event API's code for a refusal: its own, or BAD_INPUT. */
export const eventApiCode = (err: { code?: string }): EventApiCode => (err.code && isEventApiCode(err.code) ? err.code : 'BAD_INPUT');
