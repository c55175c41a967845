import { describe, expect, it } from 'vitest';
import { addDays, instantOf, isoWeekday, startOfDay, wallTime } from '../../../../packages/collector/src/api/reports/dates.js';
import { namedRange, parseDateRange, rangeInstants } from '../../../../packages/collector/src/api/reports/date-range.js';
import { parseInterval, parseIsoTime } from '../../../../packages/collector/src/api/reports/interval.js';
import { CollectorError } from '../../../../packages/collector/src/http/errors.js';

const iso = (ms: number) => new Date(ms).toISOString();
const d = (s: string) => ({ y: Number(s.slice(0, 4)), m: Number(s.slice(5, 7)), d: Number(s.slice(8, 10)) });
const fmt = (p: { y: number; m: number; d: number }) => `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;

describe('instants of wall-clock times', () => {
  it('finds local midnight in summer and winter time', () => {
    expect(iso(startOfDay(d('2025-07-01'), 'Europe/Helsinki'))).toBe('2025-06-30T21:00:00.000Z');
    expect(iso(startOfDay(d('2025-12-01'), 'Europe/Helsinki'))).toBe('2025-11-30T22:00:00.000Z');
    expect(iso(startOfDay(d('2025-12-01'), 'America/St_Johns'))).toBe('2025-12-01T03:30:00.000Z');
    expect(iso(startOfDay(d('2025-12-01'), 'Asia/Kathmandu'))).toBe('2025-11-30T18:15:00.000Z');
  });

  it('takes the earlier of a time that happens twice (clocks going back)', () => {
    expect(iso(instantOf({ ...d('2025-10-26'), h: 3, mi: 30, s: 0, ms: 0 }, 'Europe/Helsinki'))).toBe('2025-10-26T00:30:00.000Z');
  });

  it('moves a time that does not happen forward by the gap (clocks going forward)', () => {
    expect(iso(instantOf({ ...d('2025-03-30'), h: 3, mi: 30, s: 0, ms: 0 }, 'Europe/Helsinki'))).toBe('2025-03-30T01:30:00.000Z');
    // Chile skips midnight: 2025-09-07 begins at 01:00 local (UTC-3).
    expect(iso(startOfDay(d('2025-09-07'), 'America/Santiago'))).toBe('2025-09-07T04:00:00.000Z');
    expect(wallTime(startOfDay(d('2025-09-07'), 'America/Santiago'), 'America/Santiago')).toMatchObject({ d: 7, h: 1, mi: 0 });
  });

  it('counts days and weekdays on the calendar', () => {
    expect(fmt(addDays(d('2024-02-28'), 1))).toBe('2024-02-29');
    expect(fmt(addDays(d('2025-02-28'), 1))).toBe('2025-03-01');
    expect(fmt(addDays(d('2025-01-01'), -1))).toBe('2024-12-31');
    expect(isoWeekday(d('2025-10-20'))).toBe(1);
    expect(isoWeekday(d('2025-10-26'))).toBe(7);
  });
});

describe('date_range', () => {
  const H = 'Europe/Helsinki';
  // Sunday 2025-10-26 at 00:30 local (summer time still), 21:30 UTC the day before.
  const now = Date.parse('2025-10-25T21:30:00Z');

  it.each([
    ['today', '2025-10-26', '2025-10-26'],
    ['yesterday', '2025-10-25', '2025-10-25'],
    ['this_week', '2025-10-20', '2025-10-26'],
    ['last_week', '2025-10-13', '2025-10-19'],
    ['this_month', '2025-10-01', '2025-10-26'],
    ['last_month', '2025-09-01', '2025-09-30'],
    ['last_7_days', '2025-10-19', '2025-10-25'],
    ['last_30_days', '2025-09-26', '2025-10-25'],
  ])('%s is %s … %s in the account zone (not UTC)', (name, first, last) => {
    const r = parseDateRange(name, H, now);
    expect([fmt(r.first), fmt(r.last)]).toEqual([first, last]);
  });

  it('starts weeks on Monday and months on the 1st across year ends', () => {
    const jan1 = d('2025-01-01'); // a Wednesday
    expect(namedRange('this_week', jan1)).toEqual({ first: d('2024-12-30'), last: jan1 });
    expect(namedRange('last_month', jan1)).toEqual({ first: d('2024-12-01'), last: d('2024-12-31') });
    expect(namedRange('last_month', d('2024-03-15'))).toEqual({ first: d('2024-02-01'), last: d('2024-02-29') });
    expect(namedRange('this_week', d('2025-10-20'))).toEqual({ first: d('2025-10-20'), last: d('2025-10-20') });
  });

  it('reads YYYYMMDD,YYYYMMDD as whole local days, the 25-hour day included', () => {
    const r = rangeInstants(parseDateRange('20251026,20251026', H, now), H);
    expect([iso(r.start), iso(r.end)]).toEqual(['2025-10-25T21:00:00.000Z', '2025-10-26T22:00:00.000Z']);
    expect(r.end - r.start).toBe(25 * 3_600_000);
  });

  it.each(['', 'now', '2025-06-01,2025-06-30', '20250601', '20250631,20250701', '20250701,20250601', '20250101,20250101,'])(
    'refuses %j, naming date_range',
    (v) => {
      expect(() => parseDateRange(v, H, now)).toThrow(CollectorError);
      expect(() => parseDateRange(v, H, now)).toThrow(/date_range/);
    },
  );
});

describe('the sidedata interval', () => {
  const H = 'Europe/Helsinki';
  it.each([
    ['2025-06-01T08:00:00Z', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01t08:00:00z', '2025-06-01T08:00:00.000Z'],
    ['2025-06-01T08:00:00+02:00', '2025-06-01T06:00:00.000Z'],
    ['2025-06-01T08:00:00-0330', '2025-06-01T11:30:00.000Z'],
    ['2025-06-01T08:00:00+05', '2025-06-01T03:00:00.000Z'],
    ['2025-06-01T08:00:00.123456Z', '2025-06-01T08:00:00.123Z'],
    ['2025-06-01 08:00', '2025-06-01T05:00:00.000Z'],
    ['2025-06-01T08:00:00', '2025-06-01T05:00:00.000Z'],
    ['2025-06-01', '2025-05-31T21:00:00.000Z'],
  ])('reads %s (without an offset: the account zone)', (text, expected) => {
    expect(iso(parseIsoTime(text, H)!)).toBe(expected);
  });

  it.each(['2025-6-1', '2025-06-01T8:00', '2025-06-31', '2025-06-01T24:00:00Z', '01/06/2025', 'June 1, 2025', '2025-06-01T08:00:00+2400', ''])(
    'refuses %j',
    (text) => expect(parseIsoTime(text, H)).toBeUndefined(),
  );

  it('needs start before end', () => {
    expect(parseInterval({ interval: { start: '2025-06-01', end: '2025-06-02' } }, H)).toEqual({
      start: Date.parse('2025-05-31T21:00:00Z'),
      end: Date.parse('2025-06-01T21:00:00Z'),
    });
    expect(() => parseInterval({ interval: { start: '2025-06-02', end: '2025-06-01' } }, H)).toThrow(/interval.end/);
  });
});
