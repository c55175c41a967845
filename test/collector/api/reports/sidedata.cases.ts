import { beforeAll, describe, expect, it } from 'vitest';
import { expectedInteraction, expectedPageNavigation } from './model.js';
import type { When } from './model.js';
import { ACCOUNT_GOALS, FROM, PURCHASE, RECENT, SHOP, TO, TZ, WORKFLOWS } from './fixture.js';
import type { ReportFixture } from './fixture.js';

const path = (workflowId: string, org = SHOP.id) => `/api/reporting/workflow/v1/orgs/${org}/workflows/${workflowId}/sidedata/`;
const HOUR = 3_600_000;

/** Intervals as sent, with the same interval for the independent calculation. */
const INTERVALS: [string, { start: string; end: string }, When][] = [
  [
    'the two weeks, in UTC',
    { start: new Date(FROM).toISOString(), end: new Date(TO).toISOString() },
    { start: FROM, end: TO },
  ],
  [
    'one local day without offsets (24 h: no day_in_week)',
    { start: '2025-10-22T00:00:00', end: '2025-10-23T00:00:00' },
    { firstDay: '2025-10-22', lastDay: '2025-10-22', timeZone: TZ },
  ],
  [
    'the 25-hour day of the clock change, with offsets',
    { start: '2025-10-26T00:00:00+03:00', end: '2025-10-27T00:00:00+02:00' },
    { firstDay: '2025-10-26', lastDay: '2025-10-26', timeZone: TZ },
  ],
  [
    'three hours across the repeated hour',
    { start: '2025-10-25T23:00:00Z', end: '2025-10-26T02:00:00Z' },
    { start: Date.parse('2025-10-25T23:00:00Z'), end: Date.parse('2025-10-26T02:00:00Z') },
  ],
  [
    'dates only, a week',
    { start: '2025-10-27', end: '2025-11-03' },
    { firstDay: '2025-10-27', lastDay: '2025-11-02', timeZone: TZ },
  ],
  [
    'from before the data, with fractions and a +0530 offset',
    { start: '2025-10-01T05:30:00.000+0530', end: '2025-10-21T12:34:56.789Z' },
    { start: Date.parse('2025-10-01T00:00:00Z'), end: Date.parse('2025-10-21T12:34:56.789Z') },
  ],
];

const longerThanADay = (w: When) => ('start' in w ? w.end - w.start > 24 * HOUR : w.firstDay !== w.lastDay || w.firstDay === '2025-10-26');

/**
 * The POST /api/reporting/workflow/v1/orgs/:organization_id/workflows/:workflow_id/sidedata/ tests, against the collector of `fixture` (one per store: funnel.test.ts
 * runs them on DuckDB, clickhouse.test.ts on ClickHouse 18.16 and on a current release).
 */
export function sidedataTests(store: string, fixture: () => Promise<ReportFixture>) {
  describe(`POST /api/reporting/workflow/v1/orgs/:organization_id/workflows/:workflow_id/sidedata/ on ${store}`, () => {
    let f: ReportFixture;
    beforeAll(async () => {
      f = await fixture();
    }, 600_000);

    const sidedata = async (workflowId: string, interval: unknown, org = SHOP.id) => {
      const res = await f.post(path(workflowId, org), { interval });
      const body = await res.json();
      expect(res.status, JSON.stringify(body)).toBe(200);
      return body;
    };

    describe('the built-in page-navigation workflow (id = the account id): all traffic', () => {
      for (const [what, interval, when] of INTERVALS) {
        it(`matches the independent calculation for ${what}`, async () => {
          const expected = expectedPageNavigation(f.shop, { when, timeZone: TZ, days: longerThanADay(when) });
          expect(await sidedata(SHOP.id, interval)).toEqual(expected);
        });
      }

      it('answers the seed\'s shape: 24 hours 0–23 and 7 days 1–7 (Monday = 1), sorted', async () => {
        const body = await sidedata(SHOP.id, INTERVALS[0]![1]);
        expect(Object.keys(body)).toEqual(['timeframe_stat', 'unique_visitors_count', 'unique_sessions_count']);
        expect(body.timeframe_stat.hour_in_day.map(([, h]: number[]) => h)).toEqual([...Array(24).keys()]);
        expect(body.timeframe_stat.day_in_week.map(([, d]: number[]) => d)).toEqual([1, 2, 3, 4, 5, 6, 7]);
        const views = body.timeframe_stat.hour_in_day.reduce((s: number, [n]: number[]) => s + n, 0);
        expect(views).toBe(body.timeframe_stat.day_in_week.reduce((s: number, [n]: number[]) => s + n, 0));
        expect(views).toBeGreaterThan(2000);
        expect(body.unique_sessions_count).toBeGreaterThan(body.unique_visitors_count);
      });

      it('counts the repeated hour of the clock change twice over (03:00–04:00 happens twice)', async () => {
        const body = await sidedata(SHOP.id, { start: '2025-10-26T00:00:00Z', end: '2025-10-26T02:00:00Z' });
        const hours = Object.fromEntries(body.timeframe_stat.hour_in_day.map(([n, h]: number[]) => [h, n]));
        // 00:00–02:00 UTC is 03:00–04:00 summer time, then 03:00–04:00 winter time.
        expect(Object.entries(hours).filter(([, n]) => (n as number) > 0).map(([h]) => h)).toEqual(['3']);
      });

      it('answers without the trailing slash too', async () => {
        const res = await f.post(path(SHOP.id).slice(0, -1), { interval: INTERVALS[1]![1] });
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual(await sidedata(SHOP.id, INTERVALS[1]![1]));
      });

      it('sees nothing of another account', async () => {
        const body = await sidedata(RECENT.id, INTERVALS[0]![1], RECENT.id);
        expect(body.unique_visitors_count).toBe(0);
        expect(body.timeframe_stat.hour_in_day.every(([n]: number[]) => n === 0)).toBe(true);
      });
    });

    describe('a configured page-navigation workflow (entry: a product view)', () => {
      for (const [what, interval, when] of INTERVALS.slice(0, 3)) {
        it(`matches the independent calculation for ${what}`, async () => {
          const wf = WORKFLOWS.productPages;
          const expected = expectedPageNavigation(f.shop, { when, timeZone: TZ, entry: wf.entry, days: longerThanADay(when) });
          const body = await sidedata(wf.id, interval);
          expect(body).toEqual(expected);
          expect(body.unique_sessions_count).toBeGreaterThan(0);
        });
      }
    });

    describe('interaction workflows', () => {
      for (const wf of [WORKFLOWS.chat, WORKFLOWS.newsletter]) {
        for (const [what, interval, when] of INTERVALS.slice(0, 3)) {
          it(`${wf.name}: matches the independent calculation for ${what}`, async () => {
            const expected = expectedInteraction(f.shop, {
              when,
              entry: wf.entry as Record<string, string>,
              goals: wf.goals as never,
              outerGoals: [...ACCOUNT_GOALS, PURCHASE],
            });
            const body = await sidedata(wf.id, interval);
            expect(body).toEqual(expected);
          });
        }
      }

      it('binds condition values as values: a workflow whose entry looks like SQL matches nothing', async () => {
        const body = await sidedata(WORKFLOWS.quoted.id, INTERVALS[0]![1]);
        expect(body).toMatchObject({ unique_visitors_count: 0, started_workflows_count: 0, sum_of_visitor_purchases: [] });
        expect(body.triggered_goals).toEqual([{ uid: WORKFLOWS.quoted.goals[0].uid, name: 'Any', metrics: 0 }]);
        // The events are all still there.
        expect((await sidedata(SHOP.id, INTERVALS[0]![1])).unique_sessions_count).toBeGreaterThan(500);
      });

      it('answers the seed\'s shape, with purchases by currency and the built-in purchase goal', async () => {
        const body = await sidedata(WORKFLOWS.chat.id, INTERVALS[0]![1]);
        expect(Object.keys(body)).toEqual(['unique_visitors_count', 'started_workflows_count', 'sum_of_visitor_purchases', 'triggered_goals', 'affected_goals']);
        expect(body.started_workflows_count).toBeGreaterThan(body.unique_visitors_count / 2);
        expect(body.sum_of_visitor_purchases.map((p: { currency: string }) => p.currency)).toEqual(['EUR', 'SEK']);
        expect(body.triggered_goals.map((g: { name: string }) => g.name)).toEqual(['Visitor chatted', 'Added to cart']);
        expect(Object.keys(body.triggered_goals[0])).toEqual(['uid', 'name', 'metrics']);
        expect(Object.keys(body.affected_goals[0])).toEqual(['uid', 'metrics', 'name']);
        expect(body.affected_goals.at(-1)).toMatchObject({ uid: PURCHASE.uid, name: 'System: Visitor purchased' });
        expect(body.affected_goals.at(-1).metrics).toBeGreaterThan(0);
        expect(body.triggered_goals[0].metrics).toBeGreaterThan(0);
      });
    });

    describe('errors', () => {
      const interval = INTERVALS[0]![1];

      it.each([
        ['no Authorization', null],
        ['a wrong token', 'not-the-right-token-0123456789'],
        ["another account's token", RECENT.reportToken],
      ])('401 Unauthenticated for %s', async (_what, token) => {
        const res = await f.post(path(SHOP.id), { interval }, { token });
        expect(res.status).toBe(401);
        expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
      });

      it('401 before any 400 or 404: without a report token, neither the body nor the workflow is looked at', async () => {
        for (const [workflow, body] of [[SHOP.id, undefined], [SHOP.id, {}], ['no-such-workflow', { interval }]] as const) {
          const res = await f.post(path(workflow), body, { token: null });
          expect(res.status, `${workflow} ${JSON.stringify(body)}`).toBe(401);
          expect(await res.json()).toEqual({ status: 'error', message: 'Unauthenticated' });
        }
      });

      it('401 for an organization that does not exist', async () => {
        const res = await f.post(path(SHOP.id, 'no-such-org'), { interval });
        expect(res.status).toBe(401);
      });

      it('404 for a workflow the account does not have (another account\'s built-in one included)', async () => {
        for (const id of ['no-such-workflow', RECENT.id]) {
          const res = await f.post(path(id), { interval });
          expect(res.status).toBe(404);
          expect((await res.json()).message).toContain(id);
        }
      });

      it.each([
        ['no body', undefined, 'Missing required parameter: interval'],
        ['{}', '{}', 'Missing required parameter: interval'],
        ['no start', JSON.stringify({ interval: { end: interval.end } }), 'Missing required parameter: interval.start'],
        ['no end', JSON.stringify({ interval: { start: interval.start } }), 'Missing required parameter: interval.end'],
      ])('400 for %s', async (_what, raw, message) => {
        const res = await f.post(path(SHOP.id), null, { raw: raw ?? '' });
        expect(res.status).toBe(400);
        expect(await res.json()).toEqual({ status: 'error', message });
      });

      it.each([
        ['not JSON', '{"interval":', 'JSON'],
        ['an array', '[1,2]', 'JSON object'],
        ['interval as text', '{"interval":"last week"}', 'interval'],
        ['a start that is not a time', JSON.stringify({ interval: { start: 'yesterday', end: interval.end } }), 'interval.start'],
        ['a number for end', JSON.stringify({ interval: { start: interval.start, end: 1700000000 } }), 'interval.end'],
        ['February 30', JSON.stringify({ interval: { start: '2025-02-30T00:00:00Z', end: interval.end } }), 'interval.start'],
        ['hour 25', JSON.stringify({ interval: { start: '2025-10-01T25:00:00Z', end: interval.end } }), 'interval.start'],
        ['an offset of 25 hours', JSON.stringify({ interval: { start: '2025-10-01T00:00:00+25:00', end: interval.end } }), 'interval.start'],
        ['end before start', JSON.stringify({ interval: { start: interval.end, end: interval.start } }), 'interval.end'],
        ['end equal to start', JSON.stringify({ interval: { start: interval.start, end: interval.start } }), 'interval.end'],
        ['an SQL-looking start', JSON.stringify({ interval: { start: "2025-10-01'; DROP TABLE events; --", end: interval.end } }), 'interval.start'],
      ])('400 naming the field for %s', async (_what, raw, named) => {
        const res = await f.post(path(SHOP.id), null, { raw });
        expect(res.status).toBe(400);
        const body = await res.json();
        expect(body.status).toBe('error');
        expect(body.message).toContain(named);
      });

      it('413 for a body over 16 KB, and never a 5xx', async () => {
        const res = await f.post(path(SHOP.id), { interval, pad: 'x'.repeat(20_000) });
        expect(res.status).toBe(413);
        for (const raw of ['\u0000', 'null', '"x"', '{"interval":null}', '{"interval":{"start":null,"end":[]}}', '['.repeat(10_000)]) {
          const r = await f.post(path(SHOP.id), null, { raw });
          expect(r.status, raw.slice(0, 20)).toBeLessThan(500);
        }
      });
    });
  });
}
