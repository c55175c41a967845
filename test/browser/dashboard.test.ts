/**
 * The dashboard in Debian's chromium: the real collector app over a real DuckDB file,
 * mounted under a path prefix in another Koa app that sends a Content-Security-Policy of
 * `default-src 'self'`, with generated traffic of the last days. Screenshots of the
 * desktop and phone views go to test-artifacts/ (not committed).
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Koa from 'koa';
import mount from 'koa-mount';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp, createDuckDBStore, createLogger } from '@cartbeacon/collector';
import type { DuckDBStore } from '@cartbeacon/collector';
import { ACCOUNT, tempDir } from '../helpers/collector.js';
import { deliver, generateTraffic } from '../collector/api/reports/generate-traffic.js';
import { assertBuilt, launchChromium } from './harness.js';

const PREFIX = '/analytics';
const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const DAY = 86_400_000;
const CSP = "default-src 'self'";

let browser: Browser;
let server: Server;
let store: DuckDBStore;
let data: { path: string; remove(): void };
let url: string;

beforeAll(async () => {
  assertBuilt();
  data = tempDir('cartbeacon-dashboard-');
  store = await createDuckDBStore({ dataDir: data.path, threads: 1, memoryLimit: '256MB' });
  const collector = createApp({ config: { accounts: [ACCOUNT], countryHeader: 'cf-ipcountry' }, store, logger: createLogger('silent') });
  const root = new Koa();
  root.use(async (ctx, next) => {
    await next();
    ctx.set('Content-Security-Policy', CSP);
  });
  root.use(mount(PREFIX, collector));
  server = createServer(root.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const now = Date.now();
  const traffic = generateTraffic({ seed: 11, from: now - 20 * DAY, to: now - 60_000, latest: now - 1000, sessions: 400, prefix: 'b' });
  await deliver(
    (body, init) =>
      fetch(`${url}${PREFIX}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, { method: 'POST', headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) }),
    traffic.deliveries,
  );
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await store?.close();
  data?.remove();
});

interface Opened {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP refusals the page logged. */
  problems: string[];
}

async function open(viewport = { width: 1280, height: 900 }): Promise<Opened> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

const dashboard = (query = '') => `${url}${PREFIX}/dashboard${query}`;

async function signIn(page: Page, query = '') {
  await page.goto(dashboard(query));
  await page.getByLabel('Report token').fill(ACCOUNT.reportToken);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await loaded(page);
}

/** Waits until every panel has drawn its answer. */
async function loaded(page: Page) {
  await page.waitForSelector('table[data-report="heatmap"]');
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.querySelectorAll('.card').length >= 5);
}

/** What the page's tables show: per data-report, the header cells and each row's cells, as text. */
const tablesOf = (page: Page) =>
  page.$$eval('table[data-report]', (tables) =>
    tables.map((t) => ({
      name: (t as HTMLTableElement).dataset.report!,
      head: [...(t as HTMLTableElement).tHead!.rows[0]!.cells].map((c) => c.textContent),
      rows: [...(t as HTMLTableElement).tBodies[0]!.rows].map((r) => [...r.cells].map((c) => c.textContent)),
    })),
  );

/** The JSON a panel answers the page's own session, for the view in the page's address. */
const panelJson = (page: Page, name: string) =>
  page.evaluate(async ([prefix, n]) => {
    const q = new URLSearchParams(location.search);
    if (!q.get('date_range')) q.set('date_range', 'today');
    const res = await fetch(`${prefix}/dashboard/api/${n}?${q}`);
    return { status: res.status, body: await res.json() };
  }, [PREFIX, name] as const);

/** Every table of the page equals the JSON of its endpoint, to the field and value. */
async function expectTablesEqualJson(page: Page) {
  const tables = await tablesOf(page);
  expect(tables.map((t) => t.name).sort()).toEqual(['campaigns', 'funnel', 'heatmap', 'pages', 'products', 'sources', 'stages', 'timeseries']);
  for (const t of tables) {
    const { status, body } = await panelJson(page, t.name);
    expect(status).toBe(200);
    expect(t.head, t.name).toEqual(body.fields);
    expect(t.rows, t.name).toEqual(body.data.map((r: Record<string, unknown>) => body.fields.map((f: string) => String(r[f]))));
  }
  const summary = (await panelJson(page, 'summary')).body;
  const cards = await page.$$eval('.card', (cs) => cs.map((c) => [(c as HTMLElement).dataset.metric, Number((c as HTMLElement).dataset.value)]));
  expect(Object.fromEntries(cards.slice(0, 4))).toEqual({
    visitors: summary.current.visitors,
    sessions: summary.current.sessions,
    page_views: summary.current.page_views,
    orders: summary.current.orders,
  });
}

describe('the dashboard in chromium', () => {
  it('shows nothing signed out: a sign-in form, and every panel answers 401', async () => {
    const { context, page, problems } = await open();
    try {
      await page.goto(dashboard('?date_range=last_7_days'));
      expect(await page.getByLabel('Report token').isVisible()).toBe(true);
      expect(await page.$$('table, .card, #chart')).toEqual([]);
      expect(await page.textContent('body')).not.toContain(ACCOUNT.name);
      for (const name of ['summary', 'funnel', 'pages', 'realtime']) expect((await panelJson(page, name)).status).toBe(401);
      // A wrong token: a visible message.
      await page.getByLabel('Report token').fill('not-the-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      const alert = page.getByRole('alert');
      expect(await alert.textContent()).toContain('That is not the report token of any account.');
      expect(await alert.isVisible()).toBe(true);
      expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('signs in to the view of the address; its cookie is HttpOnly, SameSite=Strict, for the dashboard\'s path', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await open();
    try {
      await signIn(page, '?date_range=last_7_days&report_type=Device');
      expect(new URL(page.url()).search).toBe('?date_range=last_7_days&report_type=Device');
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ name: 'cartbeacon_dashboard', httpOnly: true, sameSite: 'Strict', path: `${PREFIX}/dashboard`, secure: false });
      expect(await page.evaluate(() => document.cookie)).toBe('');
      expect(await page.inputValue('#date_range')).toBe('last_7_days');
      expect(await page.inputValue('#report_type')).toBe('Device');
      expect((await tablesOf(page)).find((t) => t.name === 'funnel')!.head[0]).toBe('Device');
      await expectTablesEqualJson(page);
      // No inline script or style was needed: nothing was refused under the policy.
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-desktop.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('changes the range and the grouping through the address and through the controls (mouse and keyboard)', { timeout: 90_000 }, async () => {
    const { context, page, problems } = await open();
    try {
      await signIn(page);
      // Today by default.
      expect(await page.inputValue('#date_range')).toBe('today');
      await expectTablesEqualJson(page);

      // Through the address.
      await page.goto(dashboard('?date_range=last_30_days&report_type=Medium&country=fi'));
      await loaded(page);
      expect(await page.inputValue('#report_type')).toBe('Medium');
      expect(await page.inputValue('#country')).toBe('fi');
      await expectTablesEqualJson(page);

      // Through the controls: the address follows.
      await page.selectOption('#date_range', 'this_month');
      await page.waitForURL(/date_range=this_month/);
      await loaded(page);
      await page.selectOption('#report_type', 'Campaign');
      await page.waitForURL(/report_type=Campaign/);
      await loaded(page);
      expect(new URL(page.url()).searchParams.get('country')).toBe('FI');
      await expectTablesEqualJson(page);

      // A custom range.
      const first = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
      const last = new Date(Date.now() - 3 * DAY).toISOString().slice(0, 10);
      await page.selectOption('#date_range', 'custom');
      await page.fill('#from', first);
      await page.fill('#to', last);
      await page.getByRole('button', { name: 'Apply' }).click();
      await page.waitForURL(new RegExp(`date_range=${first.replaceAll('-', '')}%2C${last.replaceAll('-', '')}`));
      await loaded(page);
      await expectTablesEqualJson(page);

      // With the keyboard: the grouping's select, by its label.
      await page.getByRole('combobox', { name: 'Funnel by', exact: true }).focus();
      await page.keyboard.press('ArrowDown');
      await page.waitForURL(/report_type=Country/);
      await loaded(page);
      expect((await tablesOf(page)).find((t) => t.name === 'funnel')!.head[0]).toBe('Country');

      // Back shows the view before.
      await page.goBack();
      await page.waitForURL(/report_type=Campaign/);
      await loaded(page);
      expect(await page.inputValue('#report_type')).toBe('Campaign');
      await expectTablesEqualJson(page);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('its funnel table equals GET /api/funnel for the same parameters', async () => {
    const { context, page } = await open();
    try {
      await signIn(page);
      for (const [range, type] of [['last_30_days', 'Source'], ['this_week', 'Device']]) {
        await page.goto(dashboard(`?date_range=${range}&report_type=${type}`));
        await loaded(page);
        const table = (await tablesOf(page)).find((t) => t.name === 'funnel')!;
        const res = await fetch(`${url}${PREFIX}/api/funnel?account_id=${ACCOUNT.id}&date_range=${range}&report_type=${type}`, {
          headers: { authorization: `Bearer ${ACCOUNT.reportToken}` },
        });
        const { data } = await res.json();
        expect(data.length).toBeGreaterThan(0);
        expect(table.head).toEqual(Object.keys(data[0]));
        expect(table.rows).toEqual(data.map((r: Record<string, unknown>) => Object.values(r).map(String)));
      }
    } finally {
      await context.close();
    }
  });

  it('downloads a table as CSV', async () => {
    const { context, page } = await open();
    try {
      await signIn(page, '?date_range=last_30_days');
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-panel="pages"] a.csv').click()]);
      expect(download.suggestedFilename()).toMatch(/^cartbeacon-pages-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
      const text = await (await import('node:fs/promises')).readFile((await download.path())!, 'utf8');
      const table = (await tablesOf(page)).find((t) => t.name === 'pages')!;
      expect(text.trimEnd().split('\r\n')).toEqual([table.head.join(','), ...table.rows.map((r) => r.join(','))]);
    } finally {
      await context.close();
    }
  });

  it('fits a 375 px phone screen without horizontal scrolling', async () => {
    const { context, page, problems } = await open({ width: 375, height: 800 });
    try {
      await signIn(page, '?date_range=last_30_days');
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(scroll).toBeLessThanOrEqual(client);
      // Wide tables scroll in a region of their own, which the keyboard can reach.
      expect(await page.$$eval('.scroll', (els) => els.every((e) => e.getAttribute('tabindex') === '0' && !!e.getAttribute('aria-label')))).toBe(true);
      expect(problems).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-phone.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('signs out: the form again, and the panels answer 401', async () => {
    const { context, page } = await open();
    try {
      await signIn(page);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForSelector('#token');
      expect(await context.cookies()).toEqual([]);
      expect(await page.$$('table')).toEqual([]);
      expect((await panelJson(page, 'summary')).status).toBe(401);
    } finally {
      await context.close();
    }
  });
});
