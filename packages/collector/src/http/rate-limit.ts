import { LRUCache } from 'lru-cache';

/** A sustained rate and the burst allowed above it. */
export interface Bucket {
  /** Requests per second, sustained. */
  rate: number;
  /** Requests that may come at once after a quiet spell (the bucket's size). */
  burst: number;
}

/** The ingest rate limits: per client address and per account (API key); `null` turns one off. */
export interface RateLimits {
  /** @defaultValue 100 requests/s, burst 1 000 */
  client: Bucket | null;
  /** @defaultValue 1 000 requests/s, burst 5 000 */
  key: Bucket | null;
  /** At most this many clients (or keys) are remembered; the least recently seen are forgotten first. @defaultValue 100 000 */
  maxKeys?: number;
}

/**
 * The documented defaults (docs/operations.md). A browser sends a batch or two a page
 * view, so 100/s from one address is many visitors behind one NAT, or a backend; 1 000/s
 * for one account is about what one collector on two cores takes in all, so that one
 * account cannot starve the others.
 */
export const DEFAULT_RATE_LIMITS: Readonly<RateLimits> = Object.freeze({
  client: Object.freeze({ rate: 100, burst: 1000 }),
  key: Object.freeze({ rate: 1000, burst: 5000 }),
  maxKeys: 100_000,
});

/**
 * Token buckets by key, kept as one number each: the time at which the bucket would be
 * full again (GCRA, the "virtual scheduling" form of a token bucket), so a check is one
 * cache lookup and one store. Memory is bounded by `maxKeys`: a forgotten key starts
 * again with a full bucket, which is what a key not seen for a while has anyway.
 */
export class TokenBuckets {
  /** Milliseconds a request costs. */
  readonly #cost: number;
  /** How far ahead of now the full-again time may run: the burst's worth. */
  readonly #capacity: number;
  readonly #full: LRUCache<string, number>;

  constructor(bucket: Bucket, maxKeys = DEFAULT_RATE_LIMITS.maxKeys!) {
    if (!(bucket.rate > 0) || !(bucket.burst >= 1)) throw new RangeError('a bucket needs a rate above 0 and a burst of at least 1');
    this.#cost = 1000 / bucket.rate;
    this.#capacity = bucket.burst * this.#cost;
    this.#full = new LRUCache({ max: maxKeys });
  }

  /**
   * Takes one request's token from `key`'s bucket: 0 when it had one, else how many
   * milliseconds until it will (nothing is taken then). `now` is in ms, monotonic.
   */
  take(key: string, now: number): number {
    const full = Math.max(this.#full.get(key) ?? now, now) + this.#cost;
    const over = full - now - this.#capacity;
    // A microsecond's slack: (now + cost) - now is not always cost in floating point, and a
    // full bucket of one must not refuse its one request.
    if (over > 1e-3) return over;
    this.#full.set(key, full);
    return 0;
  }

  /** How many keys are remembered. */
  get size(): number {
    return this.#full.size;
  }
}

/**
 * The bucket key of a client address: an IPv4 address as it is (also when IPv4-mapped,
 * `::ffff:192.0.2.1`), an IPv6 address by its /64 network, as one host usually holds a
 * whole /64 and could otherwise take a new address for every request. Anything else (a
 * proxy header's odd value) cut to 64 characters, so that it cannot grow the cache.
 */
export function clientKey(address: string): string {
  const colon = address.indexOf(':');
  if (colon < 0) return address.length > 64 ? address.slice(0, 64) : address;
  if (address.startsWith('::ffff:') && address.indexOf(':', 7) < 0) return address.slice(7);
  const [head = '', tail] = address.split('::', 2) as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.slice(0, 4).join(':').slice(0, 64).toLowerCase() + '::/64';
}

/** Why a request was refused: the limit it hit and when to send again (whole seconds, at least 1). */
export interface RateLimited {
  scope: 'client' | 'key';
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /**
   * Counts one request of `client` (its address) for `key` (the account it sends for,
   * when known): undefined when it may go on, else the limit it hit. O(1), no I/O, so
   * any HTTP layer can call it before it reads the body.
   */
  check(client: string, key: string | undefined, now?: number): RateLimited | undefined;
  /** Clients and keys remembered. */
  size(): { clients: number; keys: number };
}

/**
 * The ingest rate limiter: a token bucket per client address, then one per account. A
 * client over its limit costs its account nothing.
 */
export function createRateLimiter(limits: Readonly<RateLimits> = DEFAULT_RATE_LIMITS): RateLimiter {
  const maxKeys = limits.maxKeys ?? DEFAULT_RATE_LIMITS.maxKeys;
  const clients = limits.client ? new TokenBuckets(limits.client, maxKeys) : undefined;
  const keys = limits.key ? new TokenBuckets(limits.key, maxKeys) : undefined;
  const refusal = (scope: RateLimited['scope'], waitMs: number): RateLimited => ({ scope, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) });
  return {
    check(client, key, now = performance.now()) {
      if (clients) {
        const wait = clients.take(clientKey(client), now);
        if (wait) return refusal('client', wait);
      }
      if (keys && key !== undefined) {
        const wait = keys.take(key, now);
        if (wait) return refusal('key', wait);
      }
      return undefined;
    },
    size: () => ({ clients: clients?.size ?? 0, keys: keys?.size ?? 0 }),
  };
}
