import { LRUCache } from 'lru-cache';

/** Wrong tokens from one address that are answered at once; after them, each waits longer. */
export const FREE_FAILURES = 5;
/** The longest wait between two tries of one address. */
export const MAX_WAIT_MS = 60_000;
/** An address's failures are forgotten after this long without one. */
const FORGET_MS = 15 * 60_000;

interface Failures {
  count: number;
  /** No try before this (ms since the epoch). */
  notBefore: number;
}

/**
 * Slows down guessing of report tokens at the sign-in form, per client address: the first
 * FREE_FAILURES wrong tokens are answered at once; after that an address may try once per
 * wait, which doubles with every further failure (1 s, 2 s, 4 s … up to MAX_WAIT_MS).
 * A try during a wait is refused without looking at the token, so that parallel requests
 * gain nothing. A right token clears the address's failures. Addresses are kept in a
 * bounded LRU, so a flood of addresses cannot grow memory.
 */
export interface SignInThrottle {
  /** Milliseconds the address must still wait; 0 when it may try now. */
  wait(address: string): number;
  failed(address: string): void;
  succeeded(address: string): void;
}

export function createThrottle(now: () => number = Date.now): SignInThrottle {
  const seen = new LRUCache<string, Failures>({ max: 10_000, ttl: FORGET_MS });
  return {
    wait(address) {
      const f = seen.get(address);
      return f ? Math.max(0, f.notBefore - now()) : 0;
    },
    failed(address) {
      const f = seen.get(address) ?? { count: 0, notBefore: 0 };
      f.count++;
      if (f.count >= FREE_FAILURES) f.notBefore = now() + Math.min(MAX_WAIT_MS, 1000 * 2 ** (f.count - FREE_FAILURES));
      seen.set(address, f);
    },
    succeeded(address) {
      seen.delete(address);
    },
  };
}
