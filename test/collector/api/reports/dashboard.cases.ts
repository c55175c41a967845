import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountConfig } from '@cartbeacon/collector';
import { expectedFunnel, local } from './model.js';
import type { When } from './model.js';
import {
  expectedAcquisition,
  expectedExcluded,
  expectedHeatmap,
  expectedPages,
  expectedProducts,
  expectedRealtime,
  expectedTimeSeries,
  expectedTotals,
} from './dashboard-model.js';
import { RECENT, SHOP, TZ } from './fixture.js';
import type { ReportFixture } from './fixture.js';

const DAY = 86_400_000;
const dashed = (d: string) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`;
const shift = (d: string, n: number) => new Date(Date.parse(`${d}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY) + 1;

/** Signs in through the form and answers the session cookie (name=value). */
export async function signIn(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/dashboard/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, return: '' }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/**
 * The dashboard's panel tests, against the collector of `fixture` (one per store:
 * dashboard.test.ts runs them on DuckDB, clickhouse.test.ts on ClickHouse 18.16 and on a
 * current release).
 */
export function dashboardTests(store: string, fixture: () => Promise<ReportFixture>) {
  describe(`the dashboard's panels (GET /dashboard/api/…) on ${store}`, () => {
    let f: ReportFixture;
    const cookie: Record<string, string> = {};
    beforeAll(async () => {
      // The traffic goes in over HTTP: a minute or two on a busy machine.
      f = await fixture();
      cookie[SHOP.id] = await signIn(f.c.url, SHOP.reportToken);
      cookie[RECENT.id] = await signIn(f.c.url, RECENT.reportToken);
    }, 600_000);

    const get = (path: string, account: AccountConfig = SHOP) => fetch(`${f.c.url}${path}`, { headers: { cookie: cookie[account.id]! } });
    const panel = async (name: string, params: Record<string, string>, account: AccountConfig = SHOP) => {
      const res = await get(`/dashboard/api/${name}?${new URLSearchParams(params)}`, account);
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(body.status).toBe('ok');
      return body;
    };

    it('is given traffic with purchases in two currencies, product lines, test mode, bots and held events', () => {
      const all = expectedTotals(f.shop, { start: 0, end: Infinity });
      expect(all.revenue.map((m) => m.currency)).toEqual(['EUR', 'SEK']);
      expect(f.shop.filter((e) => e.lines.length).length).toBeGreaterThan(100);
      expect(f.shopLeft.filter((l) => l.why === 'test').length).toBeGreaterThan(100);
      expect(f.shopLeft.filter((l) => l.why === 'bot').length).toBeGreaterThan(100);
      expect(f.shopLeft.filter((l) => l.why === 'held').length).toBeGreaterThan(0);
    });

    const RANGES = [
      ['20251020,20251102', 'the two weeks'],
      ['20251026,20251026', 'the 25-hour day of the clock change'],
      ['20251022,20251028', 'a week across the clock change'],
      ['20251030,20251030', 'one day late in the data'],
      ['20251101,20251109', 'days that run past the data'],
    ];
    const NOW = Date.now();

    for (const [range, what] of RANGES) {
      const [a, b] = range!.split(',').map(dashed) as [string, string];
      const when: When = { firstDay: a, lastDay: b, timeZone: TZ };
      describe(`${what} (${range})`, () => {
        it('summary: the totals, and those of the days of the same number just before', async () => {
          const body = await panel('summary', { date_range: range! });
          const n = days(a, b);
          const prev = { firstDay: shift(a, -n), lastDay: shift(a, -1), timeZone: TZ };
          expect(body.range).toEqual({ date_range: range, first: a, last: b, timezone: TZ, currency: 'EUR', previous: { first: prev.firstDay, last: prev.lastDay } });
          expect(body.current).toEqual(expectedTotals(f.shop, when));
          expect(body.previous).toEqual(expectedTotals(f.shop, prev));
        });

        it('timeseries: by hour for one day, else by day, in the account\'s time zone', async () => {
          const body = await panel('timeseries', { date_range: range! });
          const expected = expectedTimeSeries(f.shop, { firstDay: a, lastDay: b, timeZone: TZ, now: NOW, currency: 'EUR' });
          expect({ bucket: body.bucket, fields: body.fields, data: body.data }).toEqual(expected);
        });

        it('heatmap: page views per local weekday and hour', async () => {
          const body = await panel('heatmap', { date_range: range! });
          expect({ fields: body.fields, data: body.data }).toEqual(expectedHeatmap(f.shop, when, TZ));
        });

        it('pages, products, sources and campaigns: the top 10 (and the top 3)', async () => {
          for (const limit of [10, 3]) {
            const params = { date_range: range!, ...(limit === 10 ? {} : { limit: String(limit) }) };
            const pages = await panel('pages', params);
            expect({ fields: pages.fields, data: pages.data }).toEqual(expectedPages(f.shop, when, limit));
            const products = await panel('products', params);
            expect({ fields: products.fields, data: products.data }).toEqual(expectedProducts(f.shop, when, limit, 'EUR'));
            const acquisition = expectedAcquisition(f.shop, { firstDay: a, lastDay: b, timeZone: TZ, limit, currency: 'EUR' });
            const sources = await panel('sources', params);
            expect({ fields: sources.fields, data: sources.data }).toEqual(acquisition.sources);
            const campaigns = await panel('campaigns', params);
            expect({ fields: campaigns.fields, data: campaigns.data }).toEqual(acquisition.campaigns);
          }
        });

        it('stages: the funnel over every session, equal to the funnel\'s rows summed', async () => {
          const body = await panel('stages', { date_range: range! });
          const expected = expectedAcquisition(f.shop, { firstDay: a, lastDay: b, timeZone: TZ, limit: 10, currency: 'EUR' }).stages;
          expect(body.data).toEqual(expected);
          const funnel = expectedFunnel(f.shop, { when, group: 'device', label: 'Device' });
          const sum = (k: string) => funnel.reduce((s, r) => s + (r[k] as number), 0);
          expect(body.data.map((r: { sessions: number }) => r.sessions)).toEqual(['clicks', 'microconversions', 'add-to-cart', 'checkout', 'conversions'].map(sum));
        });

        it('excluded: test-mode, bot and held events of the range', async () => {
          const body = await panel('excluded', { date_range: range! });
          expect(body.data).toEqual(expectedExcluded(f.shopLeft, when));
        });

        it('funnel: equal to GET /api/funnel for the same parameters', async () => {
          const cases: Record<string, string>[] = [{ report_type: 'Source' }, { report_type: 'Device', country: 'se' }, { report_type: 'Campaign', skip: '1', limit: '2' }];
          for (const params of cases) {
            const q = { date_range: range!, ...params };
            const mine = await panel('funnel', q);
            const theirs = await (await f.get(`/api/funnel?${new URLSearchParams({ account_id: SHOP.id, ...q })}`)).json();
            expect(mine.data).toEqual(theirs.data);
            expect(mine.fields).toEqual([params.report_type, 'clicks', 'conversions', 'microconversions', 'add-to-cart', 'checkout']);
          }
        });
      });
    }

    it('has figures worth comparing', async () => {
      const two = await panel('summary', { date_range: '20251020,20251102' });
      expect(two.current.visitors).toBeGreaterThan(500);
      expect(two.current.orders).toBeGreaterThan(50);
      expect(two.current.revenue.length).toBe(2);
      const products = await panel('products', { date_range: '20251020,20251102' });
      expect(products.data[0].purchases).toBeGreaterThan(3);
      expect(products.fields).toEqual(['product', 'views', 'adds', 'purchases', 'revenue_EUR', 'revenue_SEK']);
      // The day of the clock change has 25 hours; 03:00 comes twice, with two offsets.
      const day = await panel('timeseries', { date_range: '20251026,20251026' });
      expect(day.data.length).toBe(25);
      expect(day.data.filter((r: { time: string }) => r.time.includes('T03:00')).map((r: { time: string }) => r.time)).toEqual([
        '2025-10-26T03:00+03:00',
        '2025-10-26T03:00+02:00',
      ]);
      expect(day.data.every((r: { visitors: number }) => r.visitors >= 0)).toBe(true);
      expect(day.data.some((r: { page_views: number }) => r.page_views > 0)).toBe(true);
    });

    it('defaults to today and to Source; the named ranges are the funnel\'s', async () => {
      for (const name of ['today', 'this_week', 'last_7_days']) {
        for (let attempt = 0; ; attempt++) {
          const before = Date.now();
          const summary = await panel('summary', name === 'today' ? {} : { date_range: name }, RECENT);
          const series = await panel('timeseries', { date_range: name }, RECENT);
          const after = Date.now();
          if (local(before, TZ).date !== local(after, TZ).date && attempt < 2) continue;
          const { first, last } = summary.range;
          expect(summary.range.date_range).toBe(name);
          expect(summary.current).toEqual(expectedTotals(f.recent, { firstDay: first, lastDay: last, timeZone: TZ }));
          // Buckets that have not begun are left out: the last is the current hour (or today).
          const expected = expectedTimeSeries(f.recent, { firstDay: first, lastDay: last, timeZone: TZ, now: after, currency: 'EUR' });
          if (JSON.stringify(expected.data) !== JSON.stringify(series.data) && attempt < 2) continue;
          expect(series.data).toEqual(expected.data);
          if (name === 'today') expect(first).toBe(local(before, TZ).date);
          break;
        }
      }
      const funnel = await panel('funnel', { date_range: 'last_30_days' }, RECENT);
      expect(funnel.fields[0]).toBe('Source');
    });

    it('realtime: visitors, sessions and page views of the last 30 minutes', async () => {
      for (let attempt = 0; ; attempt++) {
        const before = Date.now();
        const body = await panel('realtime', {}, RECENT);
        const after = Date.now();
        const low = expectedRealtime(f.recent, after - 30 * 60_000);
        const high = expectedRealtime(f.recent, before - 30 * 60_000);
        if (JSON.stringify(low) !== JSON.stringify(high) && attempt < 3) continue;
        expect(body.data).toEqual(high);
        expect(Date.parse(body.since)).toBeGreaterThanOrEqual(before - 30 * 60_000);
        break;
      }
    });

    it('sees nothing of another account, and answers 401 for one the session does not open', async () => {
      const other = await panel('summary', { date_range: '20251020,20251102' }, RECENT);
      expect(other.current).toEqual(expectedTotals(f.recent, { firstDay: '2025-10-20', lastDay: '2025-11-02', timeZone: TZ }));
      const res = await get(`/dashboard/api/summary?account_id=${RECENT.id}`, SHOP);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
    });

    it('downloads each table as CSV: the same fields and values', async () => {
      for (const name of ['timeseries', 'funnel', 'stages', 'sources', 'campaigns', 'pages', 'products', 'heatmap']) {
        const params = new URLSearchParams({ date_range: '20251022,20251028', report_type: 'Campaign' });
        const json = await panel(name, Object.fromEntries(params));
        const res = await get(`/dashboard/api/${name}.csv?${params}`);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(res.headers.get('content-disposition')).toContain(`cartbeacon-${name}-2025-10-22-2025-10-28.csv`);
        const lines = (await res.text()).trimEnd().split('\r\n');
        expect(lines[0]).toBe(json.fields.join(','));
        expect(lines.slice(1)).toEqual(json.data.map((r: Record<string, unknown>) => json.fields.map((k: string) => String(r[k])).join(',')));
      }
      expect((await get('/dashboard/api/summary.csv')).status).toBe(404);
    });

    it('answers the funnel\'s 400s for bad parameters, never a 5xx', async () => {
      for (const [name, value] of [['date_range', 'this_year'], ['report_type', 'Referrer'], ['country', 'XX'], ['limit', '0'], ['limit', '101']]) {
        const res = await get(`/dashboard/api/pages?${name}=${value}`);
        expect(res.status).toBe(400);
        expect((await res.json()).message).toContain(name!);
      }
      expect((await get('/dashboard/api/nothing')).status).toBe(404);
    });
  });
}
