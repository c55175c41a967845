import { s } from './dom.js';
import { formatCount } from './format.js';

const ROW = 46;

/**
 * The funnel's stages as horizontal bars, each as wide as its share of the sessions, with
 * its name, count and share written above it. Widths are percentages of the SVG's own
 * width, so it fits any screen without scaling its text.
 */
export function stageChart(box: HTMLElement, stages: { label: string; count: number }[]): void {
  const first = stages[0]?.count ?? 0;
  const rows = stages.map((st, i) => {
    const share = first ? (st.count / first) * 100 : 0;
    const y = i * ROW;
    return s(
      'g',
      { class: `stage stage-${i}` },
      s('text', { x: 0, y: y + 15 }, `${st.label}: ${formatCount(st.count)}${i && first ? ` (${share.toFixed(1)}%)` : ''}`),
      s('rect', { class: 'track', x: 0, y: y + 22, width: '100%', height: 16, rx: 3 }),
      s('rect', { class: 'bar', x: 0, y: y + 22, width: `${Math.max(share, st.count ? 0.5 : 0).toFixed(2)}%`, height: 16, rx: 3 }),
    );
  });
  const title = `Funnel: ${stages.map((st) => `${st.label} ${formatCount(st.count)}`).join(', ')}`;
  box.replaceChildren(s('svg', { width: '100%', height: stages.length * ROW, role: 'img', 'aria-label': title, class: 'stage-chart' }, s('title', {}, title), ...rows));
}
