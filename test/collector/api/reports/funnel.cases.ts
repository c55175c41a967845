import { beforeAll, describe, expect, it } from 'vitest';
import { expectedFunnel, local } from './model.js';
import type { Group, ModelEvent } from './model.js';
import { RECENT, SHOP, TZ } from './fixture.js';
import type { ReportFixture } from './fixture.js';

const TYPES: [string, Group][] = [
  ['Source', 'source'],
  ['Medium', 'medium'],
  ['Campaign', 'campaign'],
  ['Country', 'country'],
  ['Device', 'device'],
];

const funnelPath = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return `/api/funnel?${q}`;
};

/** YYYYMMDD → YYYY-MM-DD */
const dashed = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;

/**
 * The GET /api/funnel tests, against the collector of `fixture` (one per store: funnel.test.ts
 * runs them on DuckDB, clickhouse.test.ts on ClickHouse 18.16 and on a current release).
 */
export function funnelTests(store: string, fixture: () => Promise<ReportFixture>) {
  describe(`GET /api/funnel on ${store}`, () => {
    let f: ReportFixture;
    beforeAll(async () => {
      f = await fixture();
    }, 600_000);

    const funnel = async (params: Record<string, string | undefined>, account = SHOP) => {
      const res = await f.get(funnelPath({ account_id: account.id, ...params }));
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body;
    };

    it('is given traffic with every awkward case in it', () => {
      expect(f.stats.repeats).toBeGreaterThan(50);
      expect(f.stats.releasedHeld).toBeGreaterThan(5);
      expect(f.stats.stillHeld).toBeGreaterThan(0);
      expect(f.stats.test).toBeGreaterThan(100);
      expect(f.stats.bot).toBeGreaterThan(100);
      expect(f.stats.counted).toBeGreaterThan(5000);
      expect(f.stats.alteredIgnored).toBeGreaterThan(3);
      expect(f.stats.alteredStored).toBe(0);
      // Sessions whose first millisecond holds two events of different sources: store order decides.
      const bySession = new Map<string, ModelEvent[]>();
      for (const e of f.shop) bySession.set(e.sessionId, [...(bySession.get(e.sessionId) ?? []), e]);
      const ties = [...bySession.values()].filter((list) => {
        const first = Math.min(...list.map((e) => e.ts));
        return new Set(list.filter((e) => e.ts === first).map((e) => e.traffic[0])).size > 1;
      });
      expect(ties.length).toBeGreaterThan(10);
      // Sessions that a backend kept going for days (longer than the 24-hour look-back).
      const long = [...bySession.values()].filter((list) => Math.max(...list.map((e) => e.ts)) - Math.min(...list.map((e) => e.ts)) > 86_400_000);
      expect(long.length).toBeGreaterThan(10);
    });

    describe('matches the independent calculation', () => {
      const RANGES = [
        ['20251020,20251102', 'the two weeks'],
        ['20251026,20251026', 'the 25-hour day of the clock change'],
        ['20251022,20251028', 'a week across the clock change'],
        ['20251030,20251030', 'one day late in the data'],
        ['20251015,20251019', 'days before most of the data'],
      ];
      for (const [range, what] of RANGES) {
        for (const [label, group] of TYPES) {
          it(`${label} for ${what} (${range})`, async () => {
            const [a, b] = range!.split(',');
            const expected = expectedFunnel(f.shop, { when: { firstDay: dashed(a!), lastDay: dashed(b!), timeZone: TZ }, group, label });
            const body = await funnel({ report_type: label, date_range: range });
            expect(body).toEqual({ status: 'ok', data: expected });
          });
        }
      }

      it('has rows worth comparing', () => {
        const rows = expectedFunnel(f.shop, { when: { firstDay: '2025-10-20', lastDay: '2025-11-02', timeZone: TZ }, group: 'source', label: 'Source' });
        expect(rows.length).toBeGreaterThan(6);
        for (const k of ['clicks', 'conversions', 'microconversions', 'add-to-cart', 'checkout'])
          expect(rows.reduce((s, r) => s + (r[k] as number), 0), k).toBeGreaterThan(20);
      });

      it.each([
        ['FI', 'FI'],
        ['se', 'SE'],
        ['De', 'DE'],
        ['US', 'US'],
        ['xk', 'XK'],
        ['DE', 'DE'],
      ])('filters sessions by their landing country=%s', async (given, code) => {
        for (const [label, group] of [TYPES[0]!, TYPES[3]!]) {
          const expected = expectedFunnel(f.shop, {
            when: { firstDay: '2025-10-20', lastDay: '2025-11-02', timeZone: TZ },
            group,
            label,
            country: code,
          });
          const body = await funnel({ report_type: label, date_range: '20251020,20251102', country: given });
          expect(body.data).toEqual(expected);
        }
      });

      it.each([
        ['0', '3'],
        ['2', '3'],
        ['5', '100'],
        ['1000', '10'],
        [undefined, '1'],
      ])('pages with skip=%s limit=%s', async (skip, limit) => {
        const expected = expectedFunnel(f.shop, {
          when: { firstDay: '2025-10-20', lastDay: '2025-11-02', timeZone: TZ },
          group: 'source',
          label: 'Source',
          skip: Number(skip ?? 0),
          limit: Number(limit),
        });
        const body = await funnel({ report_type: 'Source', date_range: '20251020,20251102', skip, limit });
        expect(body.data).toEqual(expected);
      });
    });

    it('answers rows in the seed\'s shape: the group under the report type\'s name, then the counts', async () => {
      const body = await funnel({ report_type: 'medium', date_range: '20251020,20251102' });
      expect(body.status).toBe('ok');
      for (const row of body.data) {
        expect(Object.keys(row)).toEqual(['Medium', 'clicks', 'conversions', 'microconversions', 'add-to-cart', 'checkout']);
        expect(typeof row.Medium).toBe('string');
      }
      expect(body.data.map((r: { Medium: string }) => r.Medium)).toContain('(none)');
    });

    it('attributes a session to its landing page, not to later pages with other campaigns', async () => {
      const body = await funnel({ report_type: 'Source', date_range: '20251020,20251102' });
      const sources = body.data.map((r: { Source: string }) => r.Source);
      expect(sources).toContain('newsletter');
      expect(sources).not.toContain('retarget');
    });

    describe('named date ranges, in the account\'s time zone', () => {
      const DAY = 86_400_000;
      /** The days each name covers, worked out here from today's local date. */
      const days = (name: string, now: number): [string, string] => {
        const today = local(now, TZ).date;
        const shift = (d: string, n: number) => new Date(Date.parse(`${d}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
        const weekday = local(now, TZ).weekday;
        const monday = shift(today, 1 - weekday);
        const first = `${today.slice(0, 8)}01`;
        const lastMonthEnd = shift(first, -1);
        return {
          today: [today, today],
          yesterday: [shift(today, -1), shift(today, -1)],
          this_week: [monday, today],
          last_week: [shift(monday, -7), shift(monday, -1)],
          this_month: [first, today],
          last_month: [`${lastMonthEnd.slice(0, 8)}01`, lastMonthEnd],
          last_7_days: [shift(today, -7), shift(today, -1)],
          last_30_days: [shift(today, -30), shift(today, -1)],
        }[name] as [string, string];
      };

      it.each(['today', 'yesterday', 'this_week', 'last_week', 'this_month', 'last_month', 'last_7_days', 'last_30_days'])('%s', async (name) => {
        for (let attempt = 0; ; attempt++) {
          const before = Date.now();
          const body = await funnel({ report_type: 'Source', date_range: name }, RECENT);
          const after = Date.now();
          const [firstDay, lastDay] = days(name, before);
          // Midnight passed during the request: ask again.
          if (days(name, after).join() !== `${firstDay},${lastDay}` && attempt < 2) continue;
          expect(body.data).toEqual(expectedFunnel(f.recent, { when: { firstDay, lastDay, timeZone: TZ }, group: 'source', label: 'Source' }));
          if (name === 'last_30_days') expect(body.data.length).toBeGreaterThan(3);
          break;
        }
      });
    });

    describe('authentication', () => {
      const path = () => funnelPath({ account_id: SHOP.id, report_type: 'Source', date_range: 'today' });
      it.each([
        ['no Authorization', undefined],
        ['an empty Bearer', 'Bearer '],
        ['a wrong token', 'Bearer not-the-token-0123456789'],
        ['another account\'s token', `Bearer ${RECENT.reportToken}`],
        ['the ingest key', `Bearer ${SHOP.apiKey}`],
        ['the token by Basic auth', `Basic ${Buffer.from(`x:${SHOP.reportToken}`).toString('base64')}`],
        ['the token with extra words', `Bearer ${SHOP.reportToken} extra`],
      ])('401 Unauthenticated for %s', async (_what, authorization) => {
        const res = await f.get(path(), authorization === undefined ? { token: null } : { authorization });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
      });

      it('401 for an account that does not exist, even with a valid token of another', async () => {
        const res = await f.get(funnelPath({ account_id: 'no-such-account', report_type: 'Source', date_range: 'today' }));
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
      });

      it('401 before any 400: without a report token, a missing or bad parameter is not told', async () => {
        for (const query of [{}, { report_type: 'Source' }, { account_id: '' }, { account_id: SHOP.id }, { account_id: SHOP.id, report_type: 'Nope', date_range: 'never' }]) {
          for (const init of [{ token: null }, { authorization: 'Bearer not-the-token-0123456789' }]) {
            const res = await f.get(funnelPath(query), init);
            expect(res.status, JSON.stringify([query, init])).toBe(401);
            expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
          }
        }
        // With a report token, the missing account_id is told.
        const res = await f.get(funnelPath({ report_type: 'Source', date_range: 'today' }));
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ status: 'error', message: 'Missing required parameter: account_id' });
      });

      it('takes the scheme in any case', async () => {
        const res = await f.get(path(), { authorization: `bearer ${SHOP.reportToken}` });
        expect(res.status).toBe(200);
      });
    });

    describe('bad parameters', () => {
      it.each(['account_id', 'report_type', 'date_range'])('400 Missing required parameter: %s', async (name) => {
        const params: Record<string, string | undefined> = { account_id: SHOP.id, report_type: 'Source', date_range: 'today' };
        for (const value of [undefined, '']) {
          params[name] = value;
          const res = await f.get(funnelPath(params));
          expect(res.status).toBe(400);
          expect(await res.json()).toEqual({ status: 'error', message: `Missing required parameter: ${name}` });
        }
      });

      it.each([
        ['report_type', 'Referrer'],
        ['report_type', "Source'; DROP TABLE events; --"],
        ['date_range', 'this_year'],
        ['date_range', '20250601'],
        ['date_range', '2025-06-01,2025-06-30'],
        ['date_range', '20250230,20250301'],
        ['date_range', '20250630,20250601'],
        ['date_range', '20251301,20251302'],
        ['date_range', '19690101,19700101'],
        ['date_range', '20250601,20250630,20250701'],
        ['skip', '-1'],
        ['skip', 'abc'],
        ['skip', '1.5'],
        ['skip', '1e3'],
        ['limit', '0'],
        ['limit', '101'],
        ['limit', 'ten'],
        ['limit', '99999999999999999999'],
        ['country', 'XX'],
        ['country', 'esp'],
        ['country', 'e'],
        ['country', "' OR 1=1 --"],
      ])('400 naming %s for %j', async (name, value) => {
        const res = await f.get(funnelPath({ account_id: SHOP.id, report_type: 'Source', date_range: 'today', [name]: value }));
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.status).toBe('error');
        expect(body.message).toContain(name);
      });

      it('answers 503 with Retry-After (not 500) when the store fails, and logs it', async () => {
        const store = f.c.store as { funnel: typeof f.c.store.funnel };
        const funnel = store.funnel;
        store.funnel = () => Promise.reject(new Error('disk on fire'));
        try {
          const res = await f.get(funnelPath({ account_id: SHOP.id, report_type: 'Source', date_range: 'today' }));
          expect(res.status).toBe(503);
          expect(res.headers.get('retry-after')).toBeTruthy();
          expect((await res.json()).status).toBe('error');
        } finally {
          store.funnel = funnel;
        }
      });

      it('never answers 5xx, whatever the query string', async () => {
        const raw = [
          `account_id=${SHOP.id}&report_type=Source&date_range=today&account_id=other`,
          `account_id=${SHOP.id}&report_type[]=Source&date_range=today`,
          `account_id=${SHOP.id}&report_type=Source&date_range=${'9'.repeat(5000)}`,
          `account_id=${SHOP.id}&report_type=Source&date_range=%00%01`,
          `account_id=${SHOP.id}&report_type=Source&date_range=today&limit=100&skip=999999999`,
          `account_id=%E0%A4%A&report_type=Source&date_range=today`,
          `account_id=${'x'.repeat(10000)}&report_type=Source&date_range=today`,
        ];
        for (const q of raw) {
          const res = await f.get(`/api/funnel?${q}`);
          expect(res.status, q.slice(0, 80)).toBeLessThan(500);
        }
      });
    });
  });
}
