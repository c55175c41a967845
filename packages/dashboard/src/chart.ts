import { s } from './dom.js';

/**
 * The time chart, drawn as SVG in the container's own pixels (no viewBox scaling, so
 * its text stays readable on a phone): a line and area over the buckets, four grid
 * lines, a few time labels, and each point with its value as a tooltip. The table
 * beside it holds the same numbers for screen readers and copying.
 */
export interface LineChartOptions {
  /** Names the chart for assistive technology. */
  title: string;
  /** A label for each point: what its time axis and tooltip show. */
  labels: string[];
  /** The shorter label the axis shows (every few points). */
  tick: (label: string) => string;
  format: (n: number) => string;
}

const HEIGHT = 220;
const PAD = { top: 12, right: 12, bottom: 28, left: 56 };

/** The grid's step: 1, 2 or 5 × a power of ten (at least 1), so that about four steps reach `max`. */
export function gridStep(max: number): number {
  const rough = max / 4;
  if (rough <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(rough));
  return ([1, 2, 5, 10].find((m) => m * p >= rough) ?? 10) * p;
}

export function lineChart(box: HTMLElement, values: number[], o: LineChartOptions): void {
  const width = Math.max(240, box.clientWidth);
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = gridStep(Math.max(0, ...values));
  const top = Math.max(1, Math.ceil(Math.max(0, ...values) / step)) * step;
  const x = (i: number) => PAD.left + (values.length > 1 ? (i / (values.length - 1)) * plotW : plotW / 2);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;

  const grid = Array.from({ length: top / step + 1 }, (_, i) => i * step).map((v) =>
    s('g', { class: 'grid' }, s('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }), s('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, o.format(v))),
  );
  // About one time label per 70 px.
  const every = Math.max(1, Math.ceil(values.length / Math.max(1, Math.floor(plotW / 70))));
  // The first and last labels stay inside the chart.
  const anchor = (i: number) => (values.length < 2 ? 'middle' : i === 0 ? 'start' : i === values.length - 1 ? 'end' : 'middle');
  const ticks = o.labels.map((l, i) => (i % every === 0 ? s('text', { class: 'tick', x: x(i), y: HEIGHT - 8, 'text-anchor': anchor(i) }, o.tick(l)) : null));
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const line = values.length ? `M${points.join('L')}` : '';
  const area = values.length ? `${line}L${x(values.length - 1).toFixed(1)},${y(0)}L${x(0).toFixed(1)},${y(0)}Z` : '';
  const dots = values.map((v, i) => s('circle', { class: 'dot', cx: x(i), cy: y(v), r: values.length > 60 ? 2 : 3.5 }, s('title', {}, `${o.labels[i]}: ${o.format(v)}`)));

  box.replaceChildren(
    s(
      'svg',
      { width, height: HEIGHT, role: 'img', 'aria-label': o.title, class: 'line-chart' },
      s('title', {}, o.title),
      ...grid,
      s('path', { class: 'area', d: area }),
      s('path', { class: 'line', d: line }),
      ...dots,
      ...ticks,
    ),
  );
}
