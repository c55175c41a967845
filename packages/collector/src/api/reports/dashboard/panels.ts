import { fromStore } from '../../../http/errors.js';
import type { DashboardQueries, ReportQueries } from '../../../store/ports.js';
import type { Acquisition, Money, RangeQuery, Totals } from '../../../store/queries.js';
import { funnelData, funnelQuery } from '../funnel-answer.js';
import { NO_VALUE } from '../funnel-params.js';
import { buckets } from './params.js';
import type { DashboardParams } from './params.js';

/** What a panel answers: its JSON body; for a table, its rows and their field names (what its CSV holds). */
export interface PanelAnswer {
  body: Record<string, unknown>;
  table?: { fields: string[]; rows: Record<string, unknown>[] };
}

export type Panel = (p: DashboardParams) => Promise<PanelAnswer>;

/** How far back "visitors now" looks. */
export const REALTIME_MS = 30 * 60_000;

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const hourKey = (h: number) => `h${String(h).padStart(2, '0')}`;

const totalsJson = (t: Totals) => ({
  visitors: t.visitors,
  sessions: t.sessions,
  page_views: t.pageViews,
  orders: t.orders,
  revenue: t.revenue.map((m) => ({ currency: m.currency, value: m.value })),
});

/**
 * Revenue as one column per currency (`revenue_EUR`, …) so that a table and its CSV stay
 * flat: the account's currency always, then every other one that the rows hold, by code.
 */
function withRevenue(fields: string[], rows: { row: Record<string, unknown>; revenue: Money[] }[], currency: string) {
  const codes = [...new Set([currency, ...rows.flatMap((r) => r.revenue.map((m) => m.currency))])];
  codes.sort((a, b) => (a === currency ? -1 : b === currency ? 1 : a < b ? -1 : a > b ? 1 : 0));
  return table(
    [...fields, ...codes.map((c) => `revenue_${c}`)],
    rows.map(({ row, revenue }) => {
      const out: Record<string, unknown> = { ...row };
      for (const c of codes) out[`revenue_${c}`] = revenue.find((m) => m.currency === c)?.value ?? 0;
      return out;
    }),
  );
}

/** A table's answer: `{status, …more, fields, data}`, the rows' keys in the order of `fields`. */
const table = (fields: string[], rows: Record<string, unknown>[], more: Record<string, unknown> = {}): PanelAnswer => ({
  body: { status: 'ok', ...more, fields, data: rows },
  table: { fields, rows },
});

/**
 * The dashboard's panels by name: each reads the store through its ports and shapes the
 * answer. The store counts; these only name fields, fill empty buckets and lay out.
 */
export function createPanels(store: ReportQueries & DashboardQueries, now: () => number): Record<string, Panel> {
  const range = (p: DashboardParams): RangeQuery => ({
    accountId: p.account.id,
    start: p.period.start,
    end: p.period.end,
    currency: p.account.currency,
  });
  // The stages, sources and campaigns come from one pass over the sessions: requests for
  // the same range that arrive together (as the page sends them) share it.
  const inFlight = new Map<string, Promise<Acquisition>>();
  const acquisition = (p: DashboardParams) => {
    const q = { ...range(p), limit: p.top };
    const key = JSON.stringify(q);
    let answer = inFlight.get(key);
    if (!answer) {
      answer = fromStore(store.acquisition(q)).finally(() => inFlight.delete(key));
      inFlight.set(key, answer);
    }
    return answer;
  };

  return {
    async summary(p) {
      const tz = p.account.timezone;
      const [current, previous] = await Promise.all([
        fromStore(store.totals(range(p))),
        fromStore(store.totals({ ...range(p), start: p.previous.start, end: p.previous.end })),
      ]);
      return {
        body: {
          status: 'ok',
          range: {
            date_range: p.dateRange,
            first: p.period.first,
            last: p.period.last,
            timezone: tz,
            currency: p.account.currency,
            previous: { first: p.previous.first, last: p.previous.last },
          },
          current: totalsJson(current),
          previous: totalsJson(previous),
        },
      };
    },

    async timeseries(p) {
      const tz = p.account.timezone;
      const { bucket, list } = buckets(p.period, tz, now());
      const points = await fromStore(store.timeSeries({ ...range(p), timeZone: tz, bucket }));
      const byStart = new Map(points.map((x) => [x.start, x]));
      const answer = withRevenue(
        ['time', 'visitors', 'sessions', 'page_views', 'orders'],
        list.map((b) => {
          const x = byStart.get(b.start);
          return {
            row: { time: b.time, visitors: x?.visitors ?? 0, sessions: x?.sessions ?? 0, page_views: x?.pageViews ?? 0, orders: x?.orders ?? 0 },
            revenue: x?.revenue ?? [],
          };
        }),
        p.account.currency,
      );
      Object.assign(answer.body, { bucket, timezone: tz });
      return answer;
    },

    async funnel(p) {
      const rows = funnelData(p.funnel, await fromStore(store.funnel(funnelQuery(p.account.id, p.funnel))));
      return table([p.funnel.reportType, 'clicks', 'conversions', 'microconversions', 'add-to-cart', 'checkout'], rows);
    },

    async stages(p) {
      const s = (await acquisition(p)).stages;
      const rows = [
        { stage: 'sessions', sessions: s.sessions },
        { stage: 'product_views', sessions: s.productViews },
        { stage: 'add_to_cart', sessions: s.addToCart },
        { stage: 'checkout', sessions: s.checkout },
        { stage: 'purchase', sessions: s.purchases },
      ];
      return table(['stage', 'sessions'], rows);
    },

    async sources(p) {
      const rows = (await acquisition(p)).sources.map((r) => ({
        row: { source: r.key ?? NO_VALUE.source, medium: r.medium ?? NO_VALUE.medium, sessions: r.sessions, orders: r.orders },
        revenue: r.revenue,
      }));
      return withRevenue(['source', 'medium', 'sessions', 'orders'], rows, p.account.currency);
    },

    async campaigns(p) {
      const rows = (await acquisition(p)).campaigns.map((r) => ({
        row: { campaign: r.key ?? NO_VALUE.campaign, sessions: r.sessions, orders: r.orders },
        revenue: r.revenue,
      }));
      return withRevenue(['campaign', 'sessions', 'orders'], rows, p.account.currency);
    },

    async heatmap(p) {
      const tz = p.account.timezone;
      const cells = await fromStore(store.heatmap({ accountId: p.account.id, start: p.period.start, end: p.period.end, timeZone: tz }));
      const rows = WEEKDAYS.map((weekday, d) => {
        const row: Record<string, unknown> = { weekday };
        for (let h = 0; h < 24; h++) row[hourKey(h)] = cells.find((c) => c.weekday === d + 1 && c.hour === h)?.pageViews ?? 0;
        return row;
      });
      return table(['weekday', ...Array.from({ length: 24 }, (_, h) => hourKey(h))], rows, { timezone: tz });
    },

    async pages(p) {
      const rows = (await fromStore(store.topPages({ ...range(p), limit: p.top }))).map((r) => ({
        page: r.page ?? '(not set)',
        page_views: r.pageViews,
        visitors: r.visitors,
      }));
      return table(['page', 'page_views', 'visitors'], rows);
    },

    async products(p) {
      const rows = (await fromStore(store.topProducts({ ...range(p), limit: p.top }))).map((r) => ({
        row: { product: r.product, views: r.views, adds: r.adds, purchases: r.purchases },
        revenue: r.revenue,
      }));
      return withRevenue(['product', 'views', 'adds', 'purchases'], rows, p.account.currency);
    },

    async realtime(p) {
      const since = now() - REALTIME_MS;
      const r = await fromStore(store.realtime({ accountId: p.account.id, since }));
      return { body: { status: 'ok', since: new Date(since).toISOString(), data: { visitors: r.visitors, sessions: r.sessions, page_views: r.pageViews } } };
    },

    async excluded(p) {
      const r = await fromStore(store.excluded(range(p)));
      return { body: { status: 'ok', data: { test_mode: r.testMode, bots: r.bots, held: r.held } } };
    },
  };
}
