// @vitest-environment jsdom
/** createTracker: the events its methods make and deliver, its page views, and a page it never hurts. */
import { describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import { collector, queued, useTrackers } from './setup.js';

const make = useTrackers(createTracker);

describe('createTracker', () => {
  it('posts batches as text/plain with keepalive to the collector, with ids, eventId and timestamp', async () => {
    const t = make();
    const before = Date.now();
    t.product({ productId: 'P1', title: 'Shoe', price: 10 });
    t.basket({ step: 'add', productId: 'P1', quantity: 2 });
    await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
    const [url, init] = collector.fetch.mock.calls[0]!;
    expect(url).toBe('https://collector.test/add/events/v1.json?apiKey=key%201');
    expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    expect(typeof init.body).toBe('string');
    const [product, basket] = collector.events();
    expect(product).toMatchObject({ name: 'PRODUCT_VIEW', productId: 'P1', title: 'Shoe', price: 10, pageUrl: 'http://localhost:3000/start' });
    expect(basket).toMatchObject({ name: 'BASKET_OPERATIONS', step: 'add', quantity: 2 });
    for (const e of [product!, basket!]) {
      expect(e.eventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(e.timestamp).toBeGreaterThanOrEqual(before);
      expect(e.userId).toBe(product!.userId);
      expect(e.sessionId).toBe(product!.sessionId);
    }
    expect(product!.eventId).not.toBe(basket!.eventId);
    // Delivered events leave the queue.
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
  });

  it("sends the browser's device hints with every event: userAgentData's mobile and platform, maxTouchPoints", async () => {
    // An iPad in desktop mode has no userAgentData (Safari) but five touch points.
    Object.defineProperty(navigator, 'maxTouchPoints', { value: 5, configurable: true });
    try {
      const t = make();
      t.product({ productId: 'P1' });
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      expect(collector.events()[0]!.hints).toEqual({ maxTouchPoints: 5 });
      Object.defineProperty(navigator, 'userAgentData', { value: { mobile: false, platform: 'Android', brands: [] }, configurable: true });
      make().product({ productId: 'P2' });
      await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
      expect(collector.events()[1]!.hints).toEqual({ mobile: false, platform: 'Android', maxTouchPoints: 5 });
    } finally {
      delete (navigator as any).maxTouchPoints;
      delete (navigator as any).userAgentData;
    }
  });

  it('maps every method onto seed-001 events', async () => {
    const t = make();
    t.page({ category: 'Home Page' });
    t.checkout({ step: 'purchase', totalPrice: 20, orderNo: 'o1', productList: [{ productId: 'P1' }] });
    t.user({ step: 'signin', username: 'ann' });
    t.custom('newsletter', { list: 'weekly' });
    t.search('red shoes');
    t.wishlist({ productId: 'P2' });
    await vi.waitFor(() => expect(collector.events()).toHaveLength(6));
    expect(collector.events().map(({ name, step, type, params, category }) => ({ name, step, type, params, category }))).toEqual([
      { name: 'PAGE_VIEW', category: 'Home Page', step: undefined, type: undefined, params: undefined },
      { name: 'CHECKOUT', step: 'purchase', type: undefined, params: undefined, category: undefined },
      { name: 'USER_OPERATIONS', step: 'signin', type: undefined, params: undefined, category: undefined },
      { name: 'CUSTOM_EVENT', type: 'newsletter', params: { list: 'weekly' }, step: undefined, category: undefined },
      { name: 'CUSTOM_EVENT', type: 'search', params: { query: 'red shoes' }, step: undefined, category: undefined },
      { name: 'CUSTOM_EVENT', type: 'wishlist', params: { step: 'add', productId: 'P2' }, step: undefined, category: undefined },
    ]);
  });

  it('sends page views at start and on SPA navigation, never twice in a row for one URL or for a #fragment', async () => {
    make({ pageViews: true, category: 'Page' });
    await vi.waitFor(() => expect(collector.names()).toEqual(['PAGE_VIEW']));
    history.pushState(null, '', '/a');
    history.replaceState(null, '', '/a');
    history.pushState(null, '', '/a');
    history.pushState(null, '', '/b');
    history.pushState(null, '', '/b#top');
    history.pushState(null, '', '/c?x=1');
    await vi.waitFor(() => expect(collector.names()).toHaveLength(4));
    await new Promise((r) => setTimeout(r, 50));
    const views = collector.events();
    expect(views.map((e) => new URL(e.pageUrl as string).pathname + new URL(e.pageUrl as string).search)).toEqual(['/start', '/a', '/b', '/c?x=1']);
    expect(views[1]!.referrer).toBe('http://localhost:3000/start');
    expect(views[0]!.category).toBe('Page');
  });

  it('lets a page() call made right after start be the page view', async () => {
    const t = make({ pageViews: true });
    t.page({ category: 'Product Page' });
    await new Promise((r) => setTimeout(r, 50));
    await vi.waitFor(() => expect(collector.events().map((e) => e.category)).toEqual(['Product Page']));
  });

  it('delivers with IndexedDB broken, from memory', async () => {
    globalThis.indexedDB = {
      open() {
        throw new DOMException('denied', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['x']));
    expect(collector.events()[0]!.userId).toBeTruthy();
  });

  it('never throws into the page, whatever it is called with', () => {
    const t = make();
    const bad = [undefined, null, 42, 'x', Symbol('s')];
    for (const v of bad) {
      expect(() => t.product(v as never)).not.toThrow();
      expect(() => t.basket(v as never, v as never)).not.toThrow();
      expect(() => t.custom(v as never, v as never)).not.toThrow();
      expect(() => t.consent(v as never)).not.toThrow();
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => t.custom('c', circular)).not.toThrow();
  });
});
