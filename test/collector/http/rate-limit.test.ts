import { describe, expect, it } from 'vitest';
import { clientKey, createRateLimiter, TokenBuckets } from '@cartbeacon/collector';

describe('TokenBuckets', () => {
  it('lets a burst through at once, then one request per 1/rate s', () => {
    const b = new TokenBuckets({ rate: 10, burst: 5 });
    const t = 1_000_000;
    expect([1, 2, 3, 4, 5].map(() => b.take('a', t))).toEqual([0, 0, 0, 0, 0]);
    expect(b.take('a', t)).toBeCloseTo(100, 6); // the next token in 100 ms
    expect(b.take('a', t + 99)).toBeCloseTo(1, 6);
    expect(b.take('a', t + 100)).toBe(0);
    expect(b.take('a', t + 100)).toBeGreaterThan(0);
    // Another key has its own bucket.
    expect(b.take('b', t)).toBe(0);
  });

  it('lets through exactly burst + rate × time over a steady flood', () => {
    const b = new TokenBuckets({ rate: 50, burst: 20 });
    let allowed = 0;
    // A request every millisecond for 10 s.
    for (let ms = 0; ms < 10_000; ms++) if (b.take('k', ms) === 0) allowed++;
    expect(allowed).toBe(20 + 500 - 1);
  });

  it('is full again after a quiet spell, and a refused request takes nothing', () => {
    const b = new TokenBuckets({ rate: 1, burst: 2 });
    expect([b.take('a', 0), b.take('a', 0)]).toEqual([0, 0]);
    for (let i = 0; i < 100; i++) expect(b.take('a', 10)).toBeGreaterThan(0);
    expect(b.take('a', 1000)).toBe(0);
    expect([b.take('a', 60_000), b.take('a', 60_000), b.take('a', 60_000) > 0]).toEqual([0, 0, true]);
  });

  it('lets the one request of a bucket of one through at any time (no rounding refuses it)', () => {
    const b = new TokenBuckets({ rate: 0.1, burst: 1 });
    for (let i = 0; i < 10_000; i++) expect(b.take(`k${i}`, 123_456.789 + i * 0.1234567)).toBe(0);
  });

  it('remembers at most maxKeys keys, however many come', () => {
    const b = new TokenBuckets({ rate: 1, burst: 1 }, 1000);
    for (let i = 0; i < 50_000; i++) b.take(`client-${i}`, i);
    expect(b.size).toBe(1000);
  });

  it('refuses a bucket that could never give a token', () => {
    expect(() => new TokenBuckets({ rate: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new TokenBuckets({ rate: 1, burst: 0 })).toThrow(RangeError);
  });
});

describe('clientKey', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3:8d3::/64'],
    ['2001:DB8:85a3:8d3::1', '2001:db8:85a3:8d3::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8::1:2:3:4:5', '2001:db8:0:1::/64'],
    ['::1', '0:0:0:0::/64'],
    ['x'.repeat(100), 'x'.repeat(64)],
  ])('keys %s as %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('gives the addresses of one IPv6 /64 one bucket', () => {
    const l = createRateLimiter({ client: { rate: 1, burst: 2 }, key: null });
    expect(l.check('2001:db8:1:2::a', undefined, 0)).toBeUndefined();
    expect(l.check('2001:db8:1:2::b', undefined, 0)).toBeUndefined();
    expect(l.check('2001:db8:1:2:ffff::c', undefined, 0)?.scope).toBe('client');
    expect(l.check('2001:db8:1:3::a', undefined, 0)).toBeUndefined();
  });
});

describe('createRateLimiter', () => {
  it('checks the client first, and a refused client costs its account nothing', () => {
    const l = createRateLimiter({ client: { rate: 1, burst: 1 }, key: { rate: 1, burst: 2 } });
    expect(l.check('1.1.1.1', 'acct', 0)).toBeUndefined();
    expect(l.check('1.1.1.1', 'acct', 0)).toEqual({ scope: 'client', retryAfterSeconds: 1 });
    expect(l.check('2.2.2.2', 'acct', 0)).toBeUndefined();
    expect(l.check('3.3.3.3', 'acct', 0)).toEqual({ scope: 'key', retryAfterSeconds: 1 });
    // A request with no known account only meets the client's limit.
    expect(l.check('4.4.4.4', undefined, 0)).toBeUndefined();
  });

  it('says when to come back in whole seconds, rounded up', () => {
    const l = createRateLimiter({ client: { rate: 0.2, burst: 1 }, key: null });
    expect(l.check('a', undefined, 0)).toBeUndefined();
    expect(l.check('a', undefined, 100)).toEqual({ scope: 'client', retryAfterSeconds: 5 });
    expect(l.check('a', undefined, 4500)).toEqual({ scope: 'client', retryAfterSeconds: 1 });
  });

  it('has no limit where it is null, and keeps a long client address to 64 characters', () => {
    const off = createRateLimiter({ client: null, key: null });
    for (let i = 0; i < 1000; i++) expect(off.check('a', 'k', 0)).toBeUndefined();
    expect(off.size()).toEqual({ clients: 0, keys: 0 });
    const l = createRateLimiter({ client: { rate: 1, burst: 1 }, key: null });
    expect(l.check('x'.repeat(10_000), undefined, 0)).toBeUndefined();
    expect(l.check('x'.repeat(64), undefined, 0)?.scope).toBe('client');
  });
});
