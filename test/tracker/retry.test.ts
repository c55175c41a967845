import { describe, expect, it } from 'vitest';
import { DONE, MAX_DELAY, RETRY, outcome, retryDelay } from '../../packages/tracker/src/retry.js';

describe('outcome', () => {
  it.each([
    [0, RETRY],
    [408, RETRY],
    [429, RETRY],
    [500, RETRY],
    [502, RETRY],
    [503, RETRY],
    [200, DONE],
    [204, DONE],
    [400, DONE],
    [401, DONE],
    [404, DONE],
    [413, DONE],
  ])('HTTP %i → %i', (status, expected) => expect(outcome(status)).toBe(expected));
});

describe('retryDelay', () => {
  it('doubles from one second, with equal jitter between half and all of it', () => {
    expect(retryDelay(1, null, 0)).toBe(500);
    expect(retryDelay(1, null, 1)).toBe(1000);
    expect(retryDelay(2, null, 0)).toBe(1000);
    expect(retryDelay(4, null, 1)).toBe(8000);
    for (let i = 0; i < 100; i++) {
      const d = retryDelay(3);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('is capped at five minutes', () => {
    expect(retryDelay(30, null, 1)).toBe(MAX_DELAY);
    expect(retryDelay(1000, null, 0)).toBe(MAX_DELAY / 2);
  });

  it('honours Retry-After in seconds or as an HTTP date, capped too', () => {
    expect(retryDelay(1, '7', 0)).toBe(7000);
    expect(retryDelay(5, '0', 0.5)).toBe(0);
    const date = new Date(Date.now() + 20_000).toUTCString();
    const d = retryDelay(1, date, 0);
    expect(d).toBeGreaterThan(18_000);
    expect(d).toBeLessThanOrEqual(20_000);
    expect(retryDelay(1, '86400', 0)).toBe(MAX_DELAY);
  });

  it('falls back to backoff for a Retry-After it cannot read or that lies in the past', () => {
    expect(retryDelay(2, 'soon', 0)).toBe(1000);
    expect(retryDelay(2, new Date(Date.now() - 60_000).toUTCString(), 0)).toBe(1000);
  });
});
