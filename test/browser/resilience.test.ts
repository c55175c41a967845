/**
 * The built cartbeacon.js in chromium against conditions a real site meets: a collector
 * killed with SIGKILL and restarted, SPA navigation, privacy signals and consent, and a
 * browser where IndexedDB fails. The page never sees an error from the tracker.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  assertBuilt,
  byName,
  childCollector,
  countIds,
  flush,
  launchChromium,
  openTab,
  queuedProductIds,
  shopPage,
  startCollector,
  startShop,
  trackerReady,
  waitFor,
  waitForEvents,
} from './harness.js';
import type { Collector, Shop, Tab } from './harness.js';

let browser: Browser;
let shop: Shop;
/** The collector URL and key the shop's pages point at, set by each test. */
let target = { url: '', key: '', attrs: '' };
/** Web vitals would add a varying number of events to the exact counts here. */
const NO_VITALS = 'data-vitals="false"';
const tabs: Tab[] = [];

beforeAll(async () => {
  assertBuilt();
  browser = await launchChromium();
  shop = await startShop((path) =>
    path === '/spa' || path.startsWith('/spa/') || path === '/' || path === '/next'
      ? shopPage(target.url, target.key, { title: path, attrs: `${NO_VITALS} ${target.attrs}` })
      : undefined,
  );
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
});

afterEach(async () => {
  for (const tab of tabs.splice(0)) {
    await tab.close();
    expect(tab.errors.map(String)).toEqual([]);
  }
});

async function tab(init: string[] = []): Promise<Tab> {
  const t = await openTab(browser, init);
  tabs.push(t);
  return t;
}

/** The event ids in the bodies of the ingest requests the collector answered with 200. */
const acknowledged = (t: Tab) =>
  t.posts.filter((p) => p.status === 200 && p.body).flatMap((p) => (JSON.parse(p.body!) as { eventId: string }[]).map((e) => e.eventId));

describe('a collector killed with SIGKILL', () => {
  it('has kept every event it acknowledged, and gets the others once it is back', async () => {
    const child = await childCollector([shop.origin]);
    try {
      await child.start();
      target = { url: child.url, key: child.account.apiKey, attrs: '' };
      const t = await tab();
      await t.page.goto(shop.origin + '/');
      await trackerReady(t.page);
      // Events keep coming, one every 20 ms; the collector dies in the middle of them.
      await t.page.evaluate(() => {
        let n = 0;
        const timer = setInterval(() => {
          (window as any).cartbeacon.product({ productId: `k-${n++}` });
          if (n === 60) clearInterval(timer);
        }, 20);
      });
      await waitFor(() => acknowledged(t).length >= 10, { message: () => 'ten acknowledged events' });
      await child.kill();
      const acked = new Set(acknowledged(t));

      // Back on the same port: it loads what its spool held (every event it acknowledged
      // is there), and the tracker's own retries deliver the rest, each once.
      await child.start();
      await waitFor(async () => (await t.page.evaluate(queuedProductIds)).length === 0 && acknowledged(t).length >= 61, {
        timeout: 30_000,
        message: () => 'the tracker emptying its queue after the restart',
      });
      await child.stop();
      const events = await child.readEvents();
      const storedIds = new Set(events.map((e) => e.eventId));
      // Nothing that got a 200 from the killed process is missing.
      expect([...acked].filter((id) => !storedIds.has(id))).toEqual([]);
      expect(byName(events, 'PRODUCT_VIEW')).toHaveLength(60);
      expect([...countIds(events).values()].every((n) => n === 1)).toBe(true);
      expect(byName(events, 'PAGE_VIEW')).toHaveLength(1);
    } finally {
      await child.cleanup();
    }
  }, 60_000);
});

describe('in the page', () => {
  let c: Collector;
  afterEach(async () => c?.close());

  async function collector(attrs = '') {
    c = await startCollector([shop.origin]);
    target = { url: c.url, key: c.account.apiKey, attrs };
    return c;
  }

  it('sends a page view for each SPA navigation, not for a #fragment or the same URL again', async () => {
    await collector();
    const t = await tab();
    await t.page.goto(shop.origin + '/spa');
    await waitForEvents(c, (ev) => ev.length === 1, 'the first page view');
    // A click to a list, a router that settles its address in the same moment, a click to
    // an item, a jump to a #fragment: each click waits for the page view it causes.
    const go = async (fn: () => void, views: number) => {
      await t.page.evaluate(fn);
      await waitForEvents(c, (ev) => ev.length === views, `${views} page views`);
    };
    await go(() => {
      history.pushState({}, '', '/spa/list?sort=new');
      history.replaceState({}, '', '/spa/list');
    }, 2);
    await go(() => history.pushState({}, '', '/spa/item?id=7'), 3);
    await t.page.evaluate(() => (location.hash = 'reviews'));
    await t.page.evaluate(() => history.pushState({}, '', '/spa/item?id=7'));
    await t.page.goBack(); // popstate back to /spa/item?id=7 (without the fragment)
    await t.page.goBack(); // popstate to /spa/item?id=7#reviews
    await t.page.goBack(); // popstate to /spa/list
    const events = await waitForEvents(c, (ev) => ev.length === 4, 'the page view after going back');
    await flush(t.page);
    const views = byName(await c.events(), 'PAGE_VIEW');
    expect(views.map((e) => new URL(e.pageUrl!).pathname + new URL(e.pageUrl!).search)).toEqual(['/spa', '/spa/list', '/spa/item?id=7', '/spa/list']);
    expect(views[1]!.referrer).toBe(shop.origin + '/spa');
    expect(new Set(events.map((e) => e.sessionId)).size).toBe(1);
  });

  it('sends nothing under Global Privacy Control until the visitor consents', async () => {
    await collector();
    const t = await tab([`Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })`]);
    await t.page.goto(shop.origin + '/');
    await trackerReady(t.page);
    await t.page.evaluate(() => (window as any).cartbeacon.product({ productId: 'gpc-before' }));
    await flush(t.page);
    await t.page.waitForTimeout(300);
    expect(await c.events()).toEqual([]);
    expect(t.posts).toEqual([]);
    await t.page.evaluate(() => {
      (window as any).cartbeacon.consent(true);
      (window as any).cartbeacon.product({ productId: 'gpc-after' });
    });
    const events = await waitForEvents(c, (ev) => ev.length === 1, 'the event after consent');
    expect(events[0]!.productId).toBe('gpc-after');
  });

  it('with data-consent="required", sends the events of the page once consent is given, and keeps the consent', async () => {
    await collector('data-consent="required"');
    const t = await tab();
    await t.page.goto(shop.origin + '/');
    await trackerReady(t.page);
    await t.page.evaluate(() => (window as any).cartbeacon.product({ productId: 'c-1' }));
    await flush(t.page);
    await t.page.waitForTimeout(300);
    expect(await c.events()).toEqual([]);
    await t.page.evaluate(() => (window as any).cartbeacon.consent(true));
    const events = await waitForEvents(c, (ev) => ev.length === 2, 'the page view and product view');
    expect(events.map((e) => e.name).sort()).toEqual(['PAGE_VIEW', 'PRODUCT_VIEW']);
    await t.page.goto(shop.origin + '/next');
    await waitForEvents(c, (ev) => byName(ev, 'PAGE_VIEW').length === 2, 'the next page view, consent remembered');
  });

  it('delivers from memory when IndexedDB cannot be opened', async () => {
    await collector();
    const t = await tab([`IDBFactory.prototype.open = function () { throw new DOMException('blocked', 'SecurityError'); }`]);
    await t.page.goto(shop.origin + '/');
    await trackerReady(t.page);
    await t.page.evaluate(() => (window as any).cartbeacon.basket({ step: 'add', productId: 'mem-1' }));
    const events = await waitForEvents(c, (ev) => ev.length === 2, 'the page view and basket event');
    expect(events[0]!.userId).toBe(events[1]!.userId);
  });
});
