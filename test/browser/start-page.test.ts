/**
 * What a person sees after `npm start` (examples/start.mjs: the collector, the demo shop
 * and the demo account), in Debian's chromium at 1280 px: a shop page on an origin the
 * account does not list is refused, and the start page and the dashboard say so with the
 * origin and what to change; the start page's snippet carries the demo key and fits its
 * box; the demo shop's header is one row; every page's icon loads (no 404 on any console).
 * Screenshots go to test-artifacts/ (not committed).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createLogger } from '@cartbeacon/collector';
import { startDemo } from '../../examples/start.mjs';
import { assertBuilt, launchChromium, openTab, shopPage, startShop, tempDir, waitFor } from './harness.js';
import type { Shop } from './harness.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

let browser: Browser;
let demo: Awaited<ReturnType<typeof startDemo>>;
let shop: Shop;
let dir: { remove(): void };

beforeAll(async () => {
  assertBuilt();
  const d = tempDir('cartbeacon-start-page-');
  dir = d;
  demo = await startDemo({ env: { PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: d.path }, print: () => {}, logger: createLogger('silent'), handleSignals: false });
  // A shop of the demo account on an origin the account does not list.
  shop = await startShop((path) => (path === '/' ? shopPage(demo.url, demo.account.apiKey, { title: 'a shop on another port' }) : undefined));
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await demo?.stop();
  dir?.remove();
});

/** A 1280 px page whose console errors (a 404 included) and page errors are kept. */
async function open(url: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  await page.goto(url);
  return { page, problems, close: () => context.close() };
}

/** The status and type of the page's icon, fetched as the browser would. */
const icon = (page: Page) =>
  page.evaluate(async () => {
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link) return 'no icon link';
    const res = await fetch(link.href);
    return `${res.status} ${res.headers.get('content-type')}`;
  });

describe('after npm start, in chromium at 1280 px', () => {
  it('refuses a page on an origin the demo account does not list, and the start page says so with the origin and what to change', async () => {
    const tab = await openTab(browser);
    try {
      await tab.page.goto(`${shop.origin}/`);
      await waitFor(() => tab.posts.some((p) => p.status === 400), { message: () => JSON.stringify(tab.posts) });
    } finally {
      await tab.close();
    }

    const { page, problems, close } = await open(`${demo.url}/`);
    try {
      const refused = await page.locator('.refusals li').allTextContents();
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(new RegExp(`^\\d+ requests? refused: NO_DOMAIN_APIKEY_MATCH from ${shop.origin} — add the page's origin to the account's origins`));
      // The snippet: the demo account's key, within its box.
      const snippet = page.locator('#snippet');
      expect(await snippet.textContent()).toBe(`<script async src="${demo.url}/cartbeacon.js" data-key="${demo.account.apiKey}"></script>`);
      const { scroll, client } = await snippet.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth }));
      expect(scroll).toBeLessThanOrEqual(client);
      expect(await icon(page)).toBe('200 image/svg+xml');
      await page.screenshot({ path: join(ARTIFACTS, 'start-page.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows the refusal on the dashboard of the signed-in account', async () => {
    const { page, problems, close } = await open(`${demo.url}/dashboard`);
    try {
      await page.getByLabel('Report token').fill(demo.account.reportToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const section = page.locator('#refused');
      await section.waitFor({ state: 'visible' });
      const lines = await page.locator('#refusals li').allTextContents();
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`refused: NO_DOMAIN_APIKEY_MATCH from ${shop.origin} — add the page's origin`));
      expect(await icon(page)).toBe('200 image/svg+xml');
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard-refusals.png') });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('shows the demo shop’s header on one row, with the collector’s icon', async () => {
    const { page, problems, close } = await open(`${demo.url}/shop/`);
    try {
      // One row: every item of the header's nav is centred on the same line.
      const centres = await page.locator('header nav > *').evaluateAll((items) => items.map((e) => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)));
      expect(centres.length).toBeGreaterThan(4);
      expect(Math.max(...centres) - Math.min(...centres)).toBeLessThanOrEqual(2);
      expect(await icon(page)).toBe('200 image/svg+xml');
      await page.screenshot({ path: join(ARTIFACTS, 'demo-shop.png') });
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });
});
