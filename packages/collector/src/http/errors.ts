import type { ErrorCode, IngestErrorResponse } from '@cartbeacon/types';

/**
 * The error codes of seed 001 ("API Errors"), with the sentence each answer carries.
 * They are the only codes the ingest endpoint answers with.
 */
export const ERROR_CODES = {
  NO_API_KEY: 'The request has no apiKey parameter.',
  NO_ACCOUNT: 'The api key is not associated with an account.',
  NO_DOMAIN_APIKEY_MATCH: "The request's Origin is not one of the account's origins.",
  NO_EVENT: 'The request body holds no events.',
  NO_USERID: 'An event has no userId.',
  NO_SESSIONID: 'An event has no sessionId.',
  BAD_INPUT: 'The request body must be a JSON array of events.',
} as const satisfies Record<ErrorCode, string>;

/** A refusal of a whole ingest request: the seed's error body, with a message naming the problem. */
export class IngestError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = ERROR_CODES[code],
    readonly status = 400,
  ) {
    super(message);
  }

  body(): IngestErrorResponse {
    return { timestamp: '', responses: [], statusCode: this.code, message: this.message };
  }
}
