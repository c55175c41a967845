import { describe, expect, it } from 'vitest';
import { SESSION_IDLE, SESSION_MAX, campaignKey, touchSession } from '../../packages/tracker/src/session.js';

describe('campaignKey', () => {
  it('is empty without UTM tags or click ids', () => {
    expect(campaignKey('https://shop.test/p?q=shoes')).toBe('');
    expect(campaignKey('not a url')).toBe('');
  });
  it('names the UTM tags and click ids of a URL', () => {
    expect(campaignKey('https://shop.test/?utm_source=news&utm_campaign=bf')).toBe('news||bf|||||');
    expect(campaignKey('https://shop.test/?gclid=abc')).toBe('|||abc||||');
  });
});

describe('touchSession', () => {
  const t0 = 1_700_000_000_000;

  it('starts a session when there is none', () => {
    const s = touchSession(undefined, t0, '');
    expect(s).toEqual({ i: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), s: t0, t: t0, c: '' });
  });

  it('keeps the session while events come less than 30 minutes apart', () => {
    const s = touchSession(undefined, t0, '');
    const later = touchSession(s, t0 + SESSION_IDLE - 1, '');
    expect(later.i).toBe(s.i);
    expect(later.t).toBe(t0 + SESSION_IDLE - 1);
    expect(later.s).toBe(t0);
  });

  it('starts a new one after 30 minutes without an event', () => {
    const s = touchSession(undefined, t0, '');
    expect(touchSession(s, t0 + SESSION_IDLE, '').i).not.toBe(s.i);
  });

  it('never lasts longer than 24 hours', () => {
    let s = touchSession(undefined, t0, '');
    const first = s.i;
    for (let t = t0; t < t0 + SESSION_MAX; t += SESSION_IDLE / 2) s = touchSession(s, t, '');
    expect(s.i).toBe(first);
    expect(touchSession(s, t0 + SESSION_MAX, '').i).not.toBe(first);
  });

  it('starts a new one when the page arrives by another campaign, not on pages without one', () => {
    const s = touchSession(undefined, t0, 'news||bf|||||');
    expect(touchSession(s, t0 + 1000, '').i).toBe(s.i);
    expect(touchSession(s, t0 + 1000, 'news||bf|||||').i).toBe(s.i);
    const other = touchSession(s, t0 + 2000, '|||gclid1||||');
    expect(other.i).not.toBe(s.i);
    expect(other.c).toBe('|||gclid1||||');
  });

  it('never moves the last activity back for a late event', () => {
    const s = touchSession(undefined, t0, '');
    expect(touchSession({ ...s, t: t0 + 5000 }, t0 + 1000, '').t).toBe(t0 + 5000);
  });
});
