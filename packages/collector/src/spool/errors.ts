/**
 * Why an append was refused, with the sentence each carries. A route answers both
 * SPOOL_FULL and SPOOL_UNWRITABLE with 503 and `Retry-After: error.retryAfterSeconds`;
 * neither leaves the spool wedged: a later append is tried afresh.
 */
export const SPOOL_ERROR_CODES = {
  SPOOL_FULL: 'The spool holds more unloaded bytes than its limit allows.',
  SPOOL_UNWRITABLE: 'The spool could not write or sync to its disk.',
  SPOOL_CLOSED: 'The spool is closed.',
} as const;

export type SpoolErrorCode = keyof typeof SPOOL_ERROR_CODES;

/** An append that was refused or failed: none of its records is acknowledged as synced. */
export class SpoolError extends Error {
  constructor(
    readonly code: SpoolErrorCode,
    /** How long a client should wait before trying again (for the Retry-After header). */
    readonly retryAfterSeconds = 1,
    options?: { cause?: unknown },
  ) {
    super(SPOOL_ERROR_CODES[code], options);
    this.name = 'SpoolError';
  }
}

export const isSpoolError = (e: unknown): e is SpoolError => e instanceof SpoolError;
