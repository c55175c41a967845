/**
 * The demo shop in chromium: a visitor walks from the home page to a purchase by clicking,
 * and the whole funnel reaches the collector's DuckDB file, each event once.
 *
 * Twice: as `npm start` serves it (examples/start.mjs: the shop at /shop/ on the
 * collector's own origin, the demo account), and as a shop on an origin of its own whose
 * snippet points at a collector elsewhere (createShop's `collector` option).
 */
import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import Koa from 'koa';
import mount from 'koa-mount';
import { createLogger } from '@cartbeacon/collector';
import type { StoredEvent } from '@cartbeacon/collector';
import { assertBuilt, countIds, launchChromium, openTab, sent, startCollector, summary, tempDir, waitFor } from '../../test/browser/harness.js';
import type { Tab } from '../../test/browser/harness.js';
import { startDemo } from '../start.mjs';
import { createShop } from './shop.mjs';

/** Web vitals come in as their browser measures them, a varying number per page. */
const funnel = (events: StoredEvent[]) => events.filter((e) => e.type !== 'web_vitals');

interface Setup {
  /** The shop's home page, e.g. http://127.0.0.1:4567/shop/ */
  home: string;
  /** The funnel's events: everything stored but the web-vitals measurements. */
  events(): Promise<StoredEvent[]>;
  /** Everything stored. */
  all(): Promise<StoredEvent[]>;
  close(): Promise<void>;
}

/** `npm start`: the collector with the shop mounted at /shop/, the demo account in a temporary data dir. */
async function npmStartSetup(): Promise<Setup> {
  const dir = tempDir('cartbeacon-shop-');
  const demo = await startDemo({
    env: { PORT: '0', HOST: '127.0.0.1', CARTBEACON_DATA_DIR: dir.path },
    print: () => {},
    logger: createLogger('silent'),
    handleSignals: false,
  });
  return {
    home: `${demo.url}/shop/`,
    events: async () => funnel(await demo.store.events(demo.account.id)),
    all: () => demo.store.events(demo.account.id),
    async close() {
      await demo.stop();
      dir.remove();
    },
  };
}

/** The shop on its own origin (a Koa app mounting createShop), the collector on another. */
async function ownOriginSetup(): Promise<Setup> {
  let handler: RequestListener = (_req, res) => res.end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const c = await startCollector([origin]);
  const app = new Koa();
  app.use(mount('/shop', createShop({ apiKey: c.account.apiKey, collector: c.url })));
  handler = app.callback();
  return {
    home: `${origin}/shop/`,
    events: async () => funnel(await c.events()),
    all: () => c.events(),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await c.close();
    },
  };
}

/** Clicks `selector` and waits until the page at `path` (under the shop) has loaded. */
async function go(page: Page, home: string, selector: string, path: string) {
  const want = new URL(path, home).href;
  await Promise.all([page.waitForURL((u) => u.href === want), page.click(selector)]);
}

/** The walk; returns the order number the thank-you page shows. */
async function shopAndBuy(page: Page, home: string): Promise<string> {
  await page.goto(home);
  await go(page, home, 'nav a:text("Coffee")', 'category/coffee');
  await go(page, home, 'main a[href$="/product/espresso-blend"]', 'product/espresso-blend');
  // Add to cart leads to the cart page; the basket event goes with it (nextPage).
  await go(page, home, '#add-to-cart', 'cart');
  await expect.poll(() => page.textContent('#cart-count')).toBe('1');

  await page.fill('nav input[name=q]', 'kettle');
  await go(page, home, 'nav form button', 'search?q=kettle');
  await go(page, home, 'main a[href$="/product/pour-over-kettle"]', 'product/pour-over-kettle');
  await go(page, home, '#add-to-cart', 'cart');
  await page.click('button[data-id="pour-over-kettle"]');
  await page.waitForSelector('button[data-id="pour-over-kettle"]', { state: 'detached' });

  await go(page, home, 'nav a:text("Account")', 'account');
  await page.fill('#signin input[name=email]', 'Ada@example.com');
  await page.fill('#signin input[name=password]', 'demo');
  await page.click('#signin button');
  await page.waitForSelector('#signed-in', { state: 'visible' });

  await go(page, home, '#cart-link', 'cart');
  await go(page, home, '#checkout', 'checkout/customer');
  await page.fill('#customer input[name=name]', 'Ada Lovelace');
  await page.fill('#customer input[name=address]', '12 Harbour Street');
  expect(await page.inputValue('#customer input[name=email]')).toBe('Ada@example.com');
  await go(page, home, '#to-payment', 'checkout/payment');
  expect(await page.textContent('#total')).toBe('€12.90');
  await page.click('#pay');
  await page.waitForURL((u) => u.pathname.endsWith('/thank-you'));
  const orderNo = (await page.textContent('#order-no'))!;
  expect(orderNo).toMatch(/^BR-\w+$/);
  return orderNo;
}

/** The page views the walk makes, in order: [category, subCategory, path under the shop]. */
const PAGES = [
  ['Home Page', null, ''],
  ['Category Page', 'Coffee', 'category/coffee'],
  ['Product Page', 'Coffee', 'product/espresso-blend'],
  ['Basket Page', null, 'cart'],
  ['Search Page', null, 'search?q=kettle'],
  ['Product Page', 'Brewing gear', 'product/pour-over-kettle'],
  ['Basket Page', null, 'cart'],
  ['Account Page', null, 'account'],
  ['Basket Page', null, 'cart'],
  ['Checkout Page', 'Customer', 'checkout/customer'],
  ['Checkout Page', 'Payment', 'checkout/payment'],
  ['Checkout Page', 'Thank You', 'thank-you?order='],
];
/** Everything the walk sends: the page views and these. */
const OTHERS = 13;

let browser: Browser;
beforeAll(async () => {
  assertBuilt();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe.each([
  ['as npm start serves it (the shop on the collector’s origin)', npmStartSetup],
  ['on its own origin, the collector on another', ownOriginSetup],
])('the demo shop %s', (_name, setup) => {
  let s: Setup | undefined;
  let tab: Tab | undefined;
  afterEach(async () => {
    await tab?.close();
    await s?.close();
  });

  it('sends the whole funnel, each event once, from home page to purchase', { timeout: 120_000 }, async () => {
    s = await setup();
    tab = await openTab(browser);
    const consoleErrors: string[] = [];
    tab.page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));

    const orderNo = await shopAndBuy(tab.page, s.home);

    const all = PAGES.length + OTHERS;
    let events: StoredEvent[] = [];
    await waitFor(
      async () => {
        events = await s!.events();
        return events.length >= all;
      },
      { timeout: 30_000, message: () => `waiting for ${all} events; stored ${events.length}: ${summary(events)}` },
    );
    // Whatever the last page still has queued goes out; then nothing more may arrive.
    await tab.page.evaluate(() => (window as any).cartbeacon.flush());
    await tab.page.waitForTimeout(500);
    events = await s.events();
    expect(events, summary(events)).toHaveLength(all);
    expect([...countIds(events).values()].every((n) => n === 1)).toBe(true);
    expect(tab.errors.map(String)).toEqual([]);
    expect(consoleErrors).toEqual([]);

    // One visitor, one session.
    expect(new Set(events.map((e) => e.userId)).size).toBe(1);
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
    // (Not !isBot: headless chromium says "HeadlessChrome" in its user agent, and is a bot.)
    expect(events.every((e) => e.channel === 'events' && !e.testMode)).toBe(true);

    const named = (name: string, step?: string) => events.filter((e) => e.name === name && (step === undefined || e.step === step));
    const at = (path: string) => new URL(path, s!.home).href;

    const views = named('PAGE_VIEW');
    expect(views.map((e) => [e.category, e.subCategory, e.pageUrl])).toEqual(
      PAGES.map(([category, sub, path]) => [category, sub, path!.endsWith('=') ? at(path!) + orderNo : at(path!)]),
    );

    const products = named('PRODUCT_VIEW');
    expect(products.map((e) => [e.productId, Number(e.price), e.currency, e.category])).toEqual([
      ['espresso-blend', 12.9, 'EUR', 'Coffee'],
      ['pour-over-kettle', 39, 'EUR', 'Brewing gear'],
    ]);
    expect(sent(products[0]!)).toMatchObject({ title: 'Harbour Espresso Blend, 250 g', url: at('product/espresso-blend') });

    // The basket events: each kept by the product page (nextPage) and sent from the cart page.
    const adds = named('BASKET_OPERATIONS', 'add');
    expect(adds.map((e) => [e.productId, e.quantity, Number(e.price), e.pageUrl])).toEqual([
      ['espresso-blend', 1, 12.9, at('product/espresso-blend')],
      ['pour-over-kettle', 1, 39, at('product/pour-over-kettle')],
    ]);
    const removes = named('BASKET_OPERATIONS', 'remove');
    expect(removes.map((e) => [e.productId, e.quantity])).toEqual([['pour-over-kettle', 1]]);

    expect(named('CHECKOUT').map((e) => [e.step, Number(e.totalPrice)])).toEqual([
      ['basket', 12.9],
      ['basket', 51.9],
      ['basket', 12.9],
      ['customer', 12.9],
      ['payment', 12.9],
      ['purchase', 12.9],
    ]);
    const [purchase] = named('CHECKOUT', 'purchase');
    expect(purchase!.orderNo).toBe(orderNo);
    expect(purchase!.currency).toBe('EUR');
    expect(sent(purchase!).productList).toEqual([{ productId: 'espresso-blend', price: 12.9, currency: 'EUR', quantity: 1 }]);

    expect(named('USER_OPERATIONS').map((e) => [e.step, sent(e).username])).toEqual([['signin', 'ada@example.com']]);
    const searches = named('CUSTOM_EVENT');
    expect(searches.map((e) => [e.type, sent(e).params])).toEqual([['search', { query: 'kettle', results: 1 }]]);

    // A reload of the thank-you page does not count the order again.
    await tab.page.reload();
    await waitFor(async () => (await s!.events()).length === all + 1, { message: () => 'waiting for the reload’s page view' });
    await tab.page.evaluate(() => (window as any).cartbeacon.flush());
    expect((await s.events()).filter((e) => e.step === 'purchase')).toHaveLength(1);

    // Web vitals, measured by the chunk the tracker loads after each page, with their rating.
    const vitals = (await s.all()).filter((e) => e.type === 'web_vitals');
    expect(new Set(vitals.map((e) => sent(e).params.name))).toContain('TTFB');
    for (const v of vitals) {
      expect(['good', 'needs-improvement', 'poor']).toContain(sent(v).params.rating);
      expect(v.sessionId).toBe(events[0]!.sessionId);
    }
  });
});
