/**
 * The built cartbeacon.js, served by the real collector, on a shop page of another origin:
 * events reach the collector's DuckDB file, survive being offline, a failing collector,
 * a navigation, and wait for the next page when asked to.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  assertBuilt,
  byName,
  countIds,
  flush,
  launchChromium,
  openTab,
  queuedProductIds,
  sent,
  shopPage,
  startCollector,
  startShop,
  trackerReady,
  waitFor,
  waitForEvents,
} from './harness.js';
import type { Collector, Shop, Tab } from './harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let browser: Browser;
let shop: Shop;
/** A third origin without the tracker: a payment provider, another site. */
let elsewhere: Shop;
let c: Collector;
let tab: Tab;

// Web vitals are auto-capture's (test/browser/autocapture.test.ts): off here, so that
// these tests count the events they make.
const page = (o?: Parameters<typeof shopPage>[2]) =>
  shopPage(c.url, c.account.apiKey, { ...o, attrs: `data-vitals="false" ${o?.attrs ?? ''}` });

beforeAll(async () => {
  assertBuilt();
  browser = await launchChromium();
  elsewhere = await startShop(() => '<!doctype html><title>elsewhere</title><h1>payment provider</h1>');
  shop = await startShop((path) => {
    switch (path) {
      case '/':
      case '/next':
      case '/thanks':
        return page({ title: path });
      case '/queued':
        return page({
          before: `<script>
            (window.cartbeacon = window.cartbeacon || []).push(['page', { category: 'Product Page' }]);
            cartbeacon.push(['product', { productId: 'q-1', title: 'Queued shoe', price: 49.5 }]);
            cartbeacon.push(['basket', { step: 'add', productId: 'q-1', price: 49.5, quantity: 1 }]);
            cartbeacon.push(['noSuchMethod', 1]);
          </script>`,
        });
      case '/queued-next':
        return page({
          before: `<script>
            (window.cartbeacon = window.cartbeacon || []).push(['basket', { step: 'add', productId: 'qn-1' }, { nextPage: true }]);
          </script>`,
        });
      case '/click':
        return page({
          after: `<button id="same" onclick="cartbeacon.basket({ step: 'add', productId: 'nav-same' }); location.href = '/thanks'">buy</button>
            <button id="away" onclick="cartbeacon.basket({ step: 'add', productId: 'nav-away' }); location.href = '${elsewhere.origin}/pay'">pay</button>`,
        });
      default:
        return undefined;
    }
  });
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await elsewhere?.close();
});

beforeEach(async () => {
  c = await startCollector([shop.origin]);
  tab = await openTab(browser);
});

afterEach(async () => {
  await tab?.close();
  await c?.close();
  expect(tab.errors.map(String)).toEqual([]);
});

const productIds = (events: { productId: string | null }[]) => events.map((e) => e.productId);
/** The stored events of one product id; undefined (not yet) while there are none. */
const stored = (id: string) => async () => {
  const found = (await c.events()).filter((e) => e.productId === id);
  return found.length ? found : undefined;
};

describe('delivery to the collector', () => {
  it('stores the page view, product and basket events in DuckDB', async () => {
    const before = Date.now();
    await tab.page.goto(shop.origin + '/');
    const [pv] = await waitForEvents(c, (ev) => byName(ev, 'PAGE_VIEW').length === 1, 'the page view');
    expect(pv!.pageUrl).toBe(shop.origin + '/');
    // Inferred by auto-capture from the address.
    expect(pv!.category).toBe('Home Page');
    expect(pv!.userId).toMatch(UUID);
    expect(pv!.sessionId).toMatch(UUID);
    expect(pv!.eventId).toMatch(UUID);
    expect(pv!.ts).toBeGreaterThanOrEqual(before);
    expect(pv!.ts).toBeLessThanOrEqual(Date.now());
    expect(sent(pv!).timestamp).toBe(pv!.ts);
    expect(pv!.channel).toBe('events');
    expect(pv!.browser).toMatch(/Chrom/);

    await tab.page.evaluate(() => {
      const cb = (window as any).cartbeacon;
      cb.product({ productId: 'p-1', title: 'Red shoe', price: 19.9, currency: 'EUR' });
      cb.basket({ step: 'add', productId: 'p-1', price: 19.9, quantity: 2 });
    });
    const events = await waitForEvents(c, (ev) => ev.length === 3, 'the product and basket events');
    const product = byName(events, 'PRODUCT_VIEW')[0]!;
    const basket = byName(events, 'BASKET_OPERATIONS')[0]!;
    expect([product.productId, Number(product.price), product.currency]).toEqual(['p-1', 19.9, 'EUR']);
    expect([basket.step, basket.productId, basket.quantity, Number(basket.price)]).toEqual(['add', 'p-1', 2, 19.9]);
    for (const e of [product, basket]) {
      expect(e.userId).toBe(pv!.userId);
      expect(e.sessionId).toBe(pv!.sessionId);
      expect(e.eventId).toMatch(UUID);
      expect(e.pageUrl).toBe(shop.origin + '/');
    }
    // The script came from the collector's origin, the page from the shop's.
    expect(new URL(c.url).origin).not.toBe(shop.origin);
    expect(tab.posts.every((p) => p.url.startsWith(c.url + '/add/events/v1.json?apiKey='))).toBe(true);
  });

  it('replays the calls queued before the script loaded, the queued page() being the one page view', async () => {
    await tab.page.goto(shop.origin + '/queued');
    const events = await waitForEvents(c, (ev) => ev.length >= 3, 'the queued events');
    await flush(tab.page);
    const all = await c.events();
    expect(all.map((e) => e.name).sort()).toEqual(['BASKET_OPERATIONS', 'PAGE_VIEW', 'PRODUCT_VIEW']);
    expect(byName(all, 'PAGE_VIEW')[0]!.category).toBe('Product Page');
    expect(productIds(byName(events, 'PRODUCT_VIEW'))).toEqual(['q-1']);
    expect(byName(events, 'BASKET_OPERATIONS')[0]!.step).toBe('add');
    // After replay the global is the tracker, and push() still works.
    await tab.page.evaluate(() => (window as any).cartbeacon.push(['product', { productId: 'q-2' }]));
    await waitFor(stored('q-2'));
  });

  it('keeps an event fired offline and sends it once after reconnecting', async () => {
    await tab.page.goto(shop.origin + '/');
    await waitForEvents(c, (ev) => ev.length === 1, 'the page view');
    await tab.context.setOffline(true);
    await tab.page.waitForFunction(() => navigator.onLine === false);
    await tab.page.evaluate(() => (window as any).cartbeacon.basket({ step: 'add', productId: 'off-1' }));
    await flush(tab.page);
    // Queued in IndexedDB, not delivered.
    const queued = await tab.page.evaluate(queuedProductIds);
    expect(queued).toEqual(['off-1']);
    expect(await stored('off-1')()).toBeUndefined();
    const reconnect = Date.now();
    await tab.context.setOffline(false);
    const [e] = await waitFor(stored('off-1'));
    await flush(tab.page);
    expect(countIds(await c.events()).get(e!.eventId)).toBe(1);
    expect(c.delivered.get(e!.eventId)).toBe(1);
    // It counts when it happened, not when it arrived.
    expect(e!.ts).toBeLessThan(reconnect);
    expect(await tab.page.evaluate(queuedProductIds)).toEqual([]);
  });

  it('retries through a collector answering 503 and stores the event once after it recovers', async () => {
    await tab.page.goto(shop.origin + '/');
    await waitForEvents(c, (ev) => ev.length === 1, 'the page view');
    c.fault = { status: 503, retryAfter: '1' };
    await tab.page.evaluate(() => (window as any).cartbeacon.basket({ step: 'add', productId: 'f-1' }));
    // Two refused attempts: the tracker tried and then retried after Retry-After.
    await waitFor(() => c.faultHits >= 2, { message: () => `fault hits: ${c.faultHits}` });
    expect(await stored('f-1')()).toBeUndefined();
    c.fault = undefined;
    const [e] = await waitFor(stored('f-1'), { timeout: 5_000 });
    await flush(tab.page);
    expect(countIds(await c.events()).get(e!.eventId)).toBe(1);
    expect(c.delivered.get(e!.eventId)).toBe(1);
  });

  it('honours Retry-After: new events do not cut the wait short', async () => {
    await tab.page.goto(shop.origin + '/');
    await waitForEvents(c, (ev) => ev.length === 1, 'the page view');
    c.fault = { status: 429, retryAfter: '3' };
    const start = Date.now();
    for (let i = 0; i < 8; i++) {
      await tab.page.evaluate((n) => (window as any).cartbeacon.product({ productId: `ra-${n}` }), i);
      await tab.page.waitForTimeout(150);
    }
    // 1.2 s of new events inside a 3 s Retry-After: one attempt, not one per event.
    expect(Date.now() - start).toBeLessThan(2_900);
    expect(c.faultHits).toBe(1);
    c.fault = undefined;
    await waitForEvents(c, (ev) => byName(ev, 'PRODUCT_VIEW').length === 8, 'the events after Retry-After', 8_000);
    expect(Date.now() - start).toBeGreaterThanOrEqual(2_900);
  });

  it('sends { nextPage: true } events from the next page, not from the page that fired them', async () => {
    await tab.page.goto(shop.origin + '/');
    await waitForEvents(c, (ev) => ev.length === 1, 'the page view');
    await tab.page.evaluate(() => {
      const cb = (window as any).cartbeacon;
      cb.basket({ step: 'add', productId: 'np-1' }, { nextPage: true });
      // Queued after it: once this one is stored, np-1 would have been sent if it were sendable.
      cb.product({ productId: 'marker-1' });
    });
    await waitFor(stored('marker-1'));
    await flush(tab.page);
    expect(await stored('np-1')()).toBeUndefined();
    expect(await tab.page.evaluate(queuedProductIds)).toEqual(['np-1']);

    await tab.page.goto(shop.origin + '/next');
    const [e] = await waitFor(stored('np-1'));
    expect(e!.pageUrl).toBe(shop.origin + '/');
    // The page view of /next comes once the page has loaded, after the held event.
    const events = await waitForEvents(c, (ev) => byName(ev, 'PAGE_VIEW').length === 2, 'the page view of /next');
    expect(byName(events, 'PAGE_VIEW').map((p) => p.pageUrl)).toEqual([shop.origin + '/', shop.origin + '/next']);
    expect(countIds(events).get(e!.eventId)).toBe(1);
  });

  it('holds a nextPage call queued before the script loaded for the next page too', async () => {
    await tab.page.goto(shop.origin + '/queued-next');
    await waitForEvents(c, (ev) => byName(ev, 'PAGE_VIEW').length === 1, 'the page view');
    await tab.page.evaluate(() => (window as any).cartbeacon.product({ productId: 'marker-2' }));
    await waitFor(stored('marker-2'));
    await flush(tab.page);
    expect(await stored('qn-1')()).toBeUndefined();
    await tab.page.goto(shop.origin + '/next');
    await waitFor(stored('qn-1'));
  });

  it('stores once an event fired in a click handler that navigates to the next shop page', async () => {
    await tab.page.goto(shop.origin + '/click');
    await waitForEvents(c, (ev) => ev.length === 1, 'the page view');
    await Promise.all([tab.page.waitForURL('**/thanks'), tab.page.click('#same')]);
    const [e] = await waitFor(stored('nav-same'));
    await waitForEvents(c, (ev) => byName(ev, 'PAGE_VIEW').length === 2, 'the next page view');
    await flush(tab.page);
    const events = await c.events();
    expect(e!.pageUrl).toBe(shop.origin + '/click');
    expect(countIds(events).get(e!.eventId)).toBe(1);
    expect(events.filter((x) => x.productId === 'nav-same')).toHaveLength(1);
  });

  it('stores exactly once, every time, events fired in the same moment as the navigation', async () => {
    // Each round is a new visitor: the page is left at once, in the handler that makes
    // the events, and at load, before the tracker could write anything to IndexedDB.
    for (let round = 0; round < 6; round++) {
      const visitor = await openTab(browser);
      try {
        await visitor.page.goto(shop.origin + '/click');
        await trackerReady(visitor.page);
        const targetUrl = round % 2 ? elsewhere.origin + '/pay' : shop.origin + '/thanks';
        await Promise.all([
          visitor.page.waitForURL(targetUrl),
          visitor.page.evaluate(
            ([r, to]) => {
              const cb = (window as any).cartbeacon;
              cb.basket({ step: 'add', productId: `now-${r}` });
              cb.basket({ step: 'add', productId: `next-${r}` }, { nextPage: true });
              location.href = to!;
            },
            [String(round), targetUrl],
          ),
        ]);
        await waitFor(stored(`now-${round}`), { message: () => `round ${round}: the event fired before leaving` });
        if (round % 2 === 0) {
          // Back on the shop: the nextPage event arrives from this page.
          await waitFor(stored(`next-${round}`), { message: () => `round ${round}: the nextPage event` });
          await flush(visitor.page);
        }
        expect(visitor.errors.map(String)).toEqual([]);
      } finally {
        await visitor.close();
      }
    }
    const events = await c.events();
    expect([...countIds(events).values()].every((n) => n === 1)).toBe(true);
    for (let round = 0; round < 6; round++) expect(events.filter((e) => e.productId === `now-${round}`)).toHaveLength(1);
    // The page view of each page left at once is there too.
    await waitForEvents(c, (ev) => ev.filter((e) => e.name === 'PAGE_VIEW' && e.pageUrl === shop.origin + '/click').length === 6, 'six page views of /click');
  }, 60_000);

  it('delivers an event fired before IndexedDB answered, on a page left at once for another site', async () => {
    // IndexedDB slow to answer (a busy machine): every success event comes 400 ms late.
    const slowIndexedDB = `(() => {
      const d = Object.getOwnPropertyDescriptor(IDBRequest.prototype, 'onsuccess');
      Object.defineProperty(IDBRequest.prototype, 'onsuccess', { configurable: true, get: d.get,
        set(h) { d.set.call(this, h && ((e) => setTimeout(() => h.call(this, e), 400))); } });
    })();`;
    const slow = await openTab(browser, [slowIndexedDB]);
    try {
      // Twice: a new visitor (no ids anywhere yet), then the same visitor coming back.
      for (const id of ['first-visit', 'second-visit']) {
        await slow.page.goto(shop.origin + '/click');
        await trackerReady(slow.page);
        await Promise.all([
          slow.page.waitForURL(elsewhere.origin + '/pay'),
          slow.page.evaluate(
            ([productId, to]) => {
              (window as any).cartbeacon.basket({ step: 'add', productId });
              location.href = to!;
            },
            [id, elsewhere.origin + '/pay'],
          ),
        ]);
        await waitFor(stored(id), { message: () => `${id}: the event fired before leaving` });
      }
      const [a, b] = [(await stored('first-visit')())![0]!, (await stored('second-visit')())![0]!];
      expect(b.userId).toBe(a.userId);
      expect(b.sessionId).toBe(a.sessionId);
      expect(slow.errors.map(String)).toEqual([]);
    } finally {
      await slow.close();
    }
  });

  it('delivers an event fired just before leaving for a site without the tracker', async () => {
    await tab.page.goto(shop.origin + '/click');
    await trackerReady(tab.page);
    // No waiting for the page view to be stored: the visitor clicks at once.
    await Promise.all([tab.page.waitForURL(elsewhere.origin + '/pay'), tab.page.click('#away')]);
    const [e] = await waitFor(stored('nav-away'));
    const events = await waitForEvents(c, (ev) => ev.length === 2, 'the page view and the basket event');
    expect(byName(events, 'PAGE_VIEW')).toHaveLength(1);
    expect(e!.pageUrl).toBe(shop.origin + '/click');
    expect(e!.userId).toBe(byName(events, 'PAGE_VIEW')[0]!.userId);
  });
});
