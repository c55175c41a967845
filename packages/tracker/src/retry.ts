/** The collector stored or refused the batch for good: drop it from the queue. */
export const DONE = 0;
/** A passing failure: keep the batch and send it again later. */
export const RETRY = 1;

/**
 * What to do after an answer with HTTP `status` (0 for a network error). Only network
 * errors, 408, 429 and 5xx are worth a retry; any other answer means the collector stored
 * the events or refused them as invalid.
 */
export const outcome = (status: number): typeof DONE | typeof RETRY =>
  !status || status === 408 || status === 429 || status >= 500 ? RETRY : DONE;

/** The longest wait between two attempts. */
export const MAX_DELAY = 5 * 60e3;

/**
 * Milliseconds to wait before attempt number `attempt` (1 for the first retry):
 * the server's Retry-After when it sent one, else exponential backoff from one second,
 * capped at five minutes, with "equal jitter" so that tabs and visitors spread out.
 */
export function retryDelay(attempt: number, retryAfter?: string | null, random = Math.random()): number {
  if (retryAfter) {
    const secs = +retryAfter;
    const ms = secs >= 0 ? secs * 1e3 : Date.parse(retryAfter) - Date.now();
    if (ms >= 0) return Math.min(ms, MAX_DELAY);
  }
  const base = Math.min(MAX_DELAY, 1e3 * 2 ** (attempt - 1));
  return base / 2 + (random * base) / 2;
}
