import { h } from './dom.js';
import type { Row } from './api.js';

export interface TableOptions {
  /** What the table shows, for its caption and its region's name. */
  caption: string;
  /** The CSV of the same rows. */
  csv: string;
  /** Extra classes of a cell, e.g. a heat level. */
  cellClass?: (field: string, value: string | number, row: Row) => string | undefined;
}

/**
 * Renders a panel's rows into its place as `<table data-report="NAME">`: the header cells
 * are the JSON's field names and each cell the JSON's value as text, so that the table
 * equals its endpoint; a link downloads the same rows as CSV. A wide table scrolls in a
 * focusable region of its own, never the page.
 */
export function renderTable(box: HTMLElement, name: string, fields: string[], rows: Row[], o: TableOptions): void {
  const head = h('tr', {}, ...fields.map((f) => h('th', { scope: 'col', class: typeof rows[0]?.[f] === 'number' ? 'num' : undefined }, f)));
  const body = rows.map((r) =>
    h(
      'tr',
      {},
      ...fields.map((f, i) => {
        const v = r[f] ?? '';
        const cls = [typeof v === 'number' ? 'num' : '', o.cellClass?.(f, v, r) ?? ''].filter(Boolean).join(' ');
        return h(i === 0 ? 'th' : 'td', { class: cls || undefined, ...(i === 0 ? { scope: 'row' } : {}) }, String(v));
      }),
    ),
  );
  const table = h('table', { 'data-report': name }, h('caption', { class: 'visually-hidden' }, o.caption), h('thead', {}, head), h('tbody', {}, ...body));
  box.replaceChildren(
    h('div', { class: 'scroll', tabindex: 0, role: 'region', 'aria-label': o.caption }, table),
    ...(rows.length ? [] : [h('p', { class: 'empty' }, 'Nothing in these dates.')]),
    h('p', { class: 'table-foot' }, h('a', { href: o.csv, download: '', class: 'csv' }, 'Download CSV', h('span', { class: 'visually-hidden' }, ` of ${o.caption}`))),
  );
  box.removeAttribute('aria-busy');
}
