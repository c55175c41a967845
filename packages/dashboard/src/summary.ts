import { h } from './dom.js';
import { change, formatCount, formatMoney } from './format.js';
import type { Figures, SummaryAnswer } from './api.js';

/** One headline figure: its value now, and its change against the previous period. */
function card(metric: string, title: string, now: number, before: number, show: (n: number) => string) {
  const pct = change(now, before);
  const direction = pct === undefined || Math.abs(pct) < 0.05 ? 'same' : pct > 0 ? 'up' : 'down';
  const text = pct === undefined ? (now ? 'new' : 'no change') : `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct).toFixed(1)}%`;
  return h(
    'div',
    { class: 'card', 'data-metric': metric, 'data-value': now, 'data-previous': before },
    h('h3', {}, title),
    h('p', { class: 'value' }, show(now)),
    h('p', { class: `change ${direction}` }, text, h('span', { class: 'muted' }, ` from ${show(before)}`)),
  );
}

/**
 * The headline cards: visitors, sessions, page views, orders and revenue per currency,
 * each with its change against the period of the same length before (the page's range
 * line names it).
 */
export function renderSummary(box: HTMLElement, a: SummaryAnswer): void {
  const counts: [keyof Figures & string, string][] = [
    ['visitors', 'Visitors'],
    ['sessions', 'Sessions'],
    ['page_views', 'Page views'],
    ['orders', 'Orders'],
  ];
  const currencies = [...new Set([a.range.currency, ...a.current.revenue.map((m) => m.currency), ...a.previous.revenue.map((m) => m.currency)])];
  const value = (f: Figures, c: string) => f.revenue.find((m) => m.currency === c)?.value ?? 0;
  box.replaceChildren(
    ...counts.map(([k, t]) => card(k, t, a.current[k] as number, a.previous[k] as number, formatCount)),
    ...currencies.map((c) => card(`revenue_${c}`, `Revenue (${c})`, value(a.current, c), value(a.previous, c), (n) => formatMoney(n, c))),
  );
  box.removeAttribute('aria-busy');
}
