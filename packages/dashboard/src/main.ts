import { getPanel, SignedOut } from './api.js';
import type { CountsAnswer, Row, SummaryAnswer, TableAnswer } from './api.js';
import { lineChart } from './chart.js';
import { byId, h } from './dom.js';
import { formatCount, formatDays, formatMoney, label } from './format.js';
import { stageChart } from './stages.js';
import { renderSummary } from './summary.js';
import { renderTable } from './table.js';
import { explicitDays, queryOf, rangeOf, viewOf } from './view.js';
import type { View } from './view.js';

/**
 * The dashboard page's script: reads the view from the address, sets the controls from it,
 * fetches every panel's JSON and draws it; a change of the controls goes into the address
 * (history.pushState), and Back and Forward show the view they name.
 */

const root = byId('dashboard');
const base = root.dataset.base!;
const form = byId<HTMLFormElement>('controls');
const rangeSelect = byId<HTMLSelectElement>('date_range');
const from = byId<HTMLInputElement>('from');
const to = byId<HTMLInputElement>('to');
const custom = byId('custom-range');
const reportType = byId<HTMLSelectElement>('report_type');
const country = byId<HTMLInputElement>('country');
const account = document.getElementById('account_id') as HTMLSelectElement | null;
const metric = byId<HTMLSelectElement>('metric');
const problem = byId('problem');

const TABLE_CAPTIONS: Record<string, string> = {
  timeseries: 'Figures over time',
  stages: 'Funnel stages',
  funnel: 'Funnel by group',
  sources: 'Top sources',
  campaigns: 'Top campaigns',
  pages: 'Top pages',
  products: 'Top products',
  heatmap: 'Page views by weekday and hour',
};

const STAGE_LABELS: Record<string, string> = {
  sessions: 'Sessions',
  product_views: 'Viewed a product',
  add_to_cart: 'Added to cart',
  checkout: 'Reached checkout',
  purchase: 'Purchased',
};

let view: View = viewOf(location.search);
/** Each load has a number: answers of an older one are dropped. */
let generation = 0;
let series: TableAnswer | undefined;

function showView(v: View) {
  const days = explicitDays(v.date_range);
  rangeSelect.value = days ? 'custom' : v.date_range;
  if (rangeSelect.value === '') rangeSelect.value = 'today';
  custom.hidden = !days;
  if (days) [from.value, to.value] = days;
  reportType.value = v.report_type;
  country.value = v.country;
  if (account && v.account_id) account.value = v.account_id;
  byId('funnel-by').textContent = reportType.value;
}

/** The view the controls show; undefined while a custom range is incomplete. */
function viewOfControls(): View | undefined {
  let date_range = rangeSelect.value;
  custom.hidden = date_range !== 'custom';
  if (date_range === 'custom') {
    if (!from.value || !to.value) return undefined;
    const [a, b] = from.value <= to.value ? [from.value, to.value] : [to.value, from.value];
    date_range = rangeOf(a, b);
  }
  return { date_range, report_type: reportType.value, country: country.value.trim().toUpperCase(), account_id: account?.value ?? '' };
}

function fail(e: unknown) {
  problem.hidden = false;
  if (e instanceof SignedOut) {
    problem.replaceChildren('Your session has ended. ', h('a', { href: `${base}${location.search}` }, 'Sign in again'), '.');
    return;
  }
  problem.textContent = e instanceof Error ? e.message : String(e);
}

const csvOf = (panel: string) => `${base}/api/${panel}.csv${queryOf(view)}`;

/** Heat levels 0–6 for the heatmap's cells, by their share of the busiest cell. */
function heatClass(max: number) {
  return (field: string, value: string | number) => (field === 'weekday' || typeof value !== 'number' ? undefined : `heat heat-${value && max ? Math.ceil((value / max) * 6) : 0}`);
}

function drawChart() {
  if (!series) return;
  const field = metric.value;
  const rows = series.data;
  const money = /^revenue_(.+)$/.exec(field)?.[1];
  const format = money ? (n: number) => formatMoney(n, money) : (n: number) => formatCount(Math.round(n));
  const hourly = series.bucket === 'hour';
  lineChart(byId('chart'), rows.map((r) => Number(r[field] ?? 0)), {
    title: `${label(field)} by ${hourly ? 'hour' : 'day'}`,
    labels: rows.map((r) => String(r.time)),
    // 2025-10-26T03:00+03:00 → 03:00; 2025-10-26 → 26 Oct
    tick: (t) => (hourly ? t.slice(11, 16) : formatDays(t, t).replace(/ \d{4}$/, '')),
    format,
  });
}

function setMetrics(fields: string[]) {
  const wanted = metric.value || 'visitors';
  const options = fields.filter((f) => f !== 'time');
  metric.replaceChildren(...options.map((f) => h('option', { value: f }, label(f))));
  metric.value = options.includes(wanted) ? wanted : 'visitors';
}

/** Fetches and draws every panel of the current view. */
async function load() {
  const mine = ++generation;
  const query = queryOf(view);
  problem.hidden = true;
  for (const box of document.querySelectorAll<HTMLElement>('[data-panel], #summary')) box.setAttribute('aria-busy', 'true');
  const get = <T>(panel: string) => getPanel<T>(base, panel, query);
  const current = () => mine === generation;
  const table = (panel: string, then?: (a: TableAnswer) => void, cellClass?: (a: TableAnswer) => (f: string, v: string | number, r: Row) => string | undefined) =>
    get<TableAnswer>(panel).then((a) => {
      if (!current()) return;
      const box = document.querySelector<HTMLElement>(`[data-panel="${panel}"]`)!;
      renderTable(box, panel, a.fields, a.data, { caption: TABLE_CAPTIONS[panel] ?? panel, csv: csvOf(panel), ...(cellClass ? { cellClass: cellClass(a) } : {}) });
      then?.(a);
    });

  const work = [
    get<SummaryAnswer>('summary').then((a) => {
      if (!current()) return;
      const r = a.range;
      byId('range').textContent = `${formatDays(r.first, r.last)} (${r.timezone}), compared with ${formatDays(r.previous.first, r.previous.last)}`;
      renderSummary(byId('summary'), a);
    }),
    table('timeseries', (a) => {
      series = a;
      setMetrics(a.fields);
      drawChart();
    }),
    table('stages', (a) => stageChart(byId('stages'), a.data.map((r) => ({ label: STAGE_LABELS[String(r.stage)] ?? String(r.stage), count: Number(r.sessions) })))),
    table('funnel'),
    table('sources'),
    table('campaigns'),
    table('pages'),
    table('products'),
    table('heatmap', undefined, (a) => heatClass(Math.max(0, ...a.data.flatMap((r) => Object.values(r).filter((v): v is number => typeof v === 'number'))))),
    get<CountsAnswer<{ test_mode: number; bots: number; held: number }>>('excluded').then((a) => {
      if (!current()) return;
      const { test_mode, bots, held } = a.data;
      byId('excluded').textContent =
        test_mode + bots + held === 0
          ? 'No test-mode, bot or held events in these dates.'
          : `Left out of these figures: ${events(test_mode, 'test-mode event')}, ${events(bots, 'event')} from bots, ${events(held, 'event')} held for the visitor's next page.`;
    }),
    realtime(mine),
  ];
  const results = await Promise.allSettled(work);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && current()) fail(failed.reason);
}

/** "1 event", "2 events". */
const events = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;

async function realtime(mine = generation) {
  const a = await getPanel<CountsAnswer<{ visitors: number; page_views: number }>>(base, 'realtime', queryOf(view));
  if (mine !== generation) return;
  const n = a.data.visitors;
  byId('realtime').textContent = `Now: ${formatCount(n)} visitor${n === 1 ? '' : 's'} in the last 30 minutes (${formatCount(a.data.page_views)} page views).`;
}

/** A change of the controls: into the address, then drawn. */
function apply() {
  const next = viewOfControls();
  if (!next) return;
  byId('funnel-by').textContent = next.report_type;
  if (queryOf(next) === queryOf(view)) return;
  view = next;
  history.pushState(null, '', `${base}${queryOf(view)}`);
  void load();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  apply();
});
for (const control of [rangeSelect, reportType, account, from, to]) control?.addEventListener('change', () => {
  // A custom range waits for both of its dates (and the Apply button, or a change of the second).
  if (control === rangeSelect && rangeSelect.value === 'custom') {
    custom.hidden = false;
    if (!from.value) from.focus();
  }
  apply();
});
metric.addEventListener('change', drawChart);
addEventListener('popstate', () => {
  view = viewOf(location.search);
  showView(view);
  void load();
});
// The chart is drawn in the container's pixels: again when its width changes.
let lastWidth = 0;
new ResizeObserver(([entry]) => {
  const w = Math.round(entry?.contentRect.width ?? 0);
  if (w && w !== lastWidth) {
    lastWidth = w;
    drawChart();
  }
}).observe(byId('chart'));
// "Now" moves on by itself: once a minute.
setInterval(() => void realtime().catch(() => undefined), 60_000);

showView(view);
void load();
