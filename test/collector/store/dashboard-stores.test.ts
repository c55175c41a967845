import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store, StoredEvent } from '@cartbeacon/collector';
import { storedEvent, tempDir } from '../../helpers/collector.js';
import { STORE_KINDS, STORE_LABEL, storeMaker } from '../../helpers/stores.js';
import type { StoreKind, StoreMaker } from '../../helpers/stores.js';

/**
 * The dashboard's queries on every store over the same few events, chosen for the edges
 * the generated traffic does not reach: product lines with prices as text to round, with
 * an exponent, without a price or with a quantity that is no number, line currencies with
 * spaces and lower case, a numeric product id; page URLs without a path, a scheme or a
 * URL; a zone half an hour off UTC; a held event released, one not; a bot; test mode.
 * Each store must give the figures written here (worked out by hand), so DuckDB's too.
 */
const T = Date.parse('2025-03-10T10:15:00Z'); // a Monday; 15:45 in Kolkata (UTC+5:30)
const MIN = 60_000;
const A = 'acct-dashboard';

const ev = (id: string, fields: Partial<StoredEvent>) => storedEvent(id, { accountId: A, ts: T, receivedAt: T, ...fields });
const purchase = (id: string, lines: unknown[], fields: Partial<StoredEvent> = {}) =>
  ev(id, { name: 'CHECKOUT', step: 'purchase', totalPrice: '10.0000', data: JSON.stringify({ productList: lines }), ...fields });

const EVENTS: StoredEvent[] = [
  ev('v1', { name: 'PAGE_VIEW', pageUrl: 'https://shop.test/p/1?x=1#y', userId: 'u1', sessionId: 's1', source: 'Google', medium: 'organic' }),
  ev('v2', { name: 'PAGE_VIEW', pageUrl: 'https://shop.test', userId: 'u2', sessionId: 's2', ts: T + MIN, campaign: 'spring' }),
  ev('v3', { name: 'PAGE_VIEW', pageUrl: '/relative/path', userId: 'u2', sessionId: 's2', ts: T + 2 * MIN }),
  ev('v4', { name: 'PAGE_VIEW', pageUrl: null, userId: 'u3', sessionId: 's3', ts: T + 40 * MIN }),
  ev('pv', { name: 'PRODUCT_VIEW', productId: 'P1', userId: 'u1', sessionId: 's1', ts: T + 3 * MIN }),
  ev('add', { name: 'BASKET_OPERATIONS', step: 'add', productId: '7', userId: 'u1', sessionId: 's1', ts: T + 4 * MIN }),
  purchase(
    'o1',
    [
      { productId: 'P1', price: '1.23455', quantity: '2' },
      { productId: 'P1', price: ' 2.5 ', currency: ' sek ' },
      { productId: 7, price: 1e-7 },
      { productId: 'P2', quantity: 3 },
      { productId: 'P3', price: '4', quantity: 'many' },
    ],
    { userId: 'u1', sessionId: 's1', ts: T + 5 * MIN, currency: 'USD' },
  ),
  purchase('o2', [{ productId: 'P1', price: 100 }], { userId: 'u2', sessionId: 's2', ts: T + 6 * MIN, totalPrice: '100.0000', currency: null }),
  // Left out: a bot, test mode, a held event never released; one released by a later page view.
  ev('bot', { name: 'PAGE_VIEW', pageUrl: 'https://shop.test/bot', isBot: true, userId: 'b' }),
  ev('test', { name: 'PAGE_VIEW', pageUrl: 'https://shop.test/test', testMode: true, userId: 't' }),
  ev('h1', { name: 'CUSTOM_EVENT', held: true, userId: 'u9', sessionId: 's9', ts: T + 7 * MIN }),
  ev('h2', { name: 'CUSTOM_EVENT', held: true, userId: 'u1', sessionId: 's1', ts: T - 30 * 1000, source: 'Google', medium: 'organic' }),
];

const RANGE = { accountId: A, start: T - 60 * MIN, end: T + 60 * MIN, currency: 'EUR' };

const kinds: StoreKind[] = STORE_KINDS;
describe.each(kinds.map((k) => [STORE_LABEL[k], k] as const))('the dashboard queries on %s, at their edges', (_label, kind) => {
  let maker: StoreMaker;
  let store: Store;
  const dir = tempDir();
  beforeAll(async () => {
    maker = storeMaker(kind);
    store = await maker.open(dir.path);
    await store.insert(EVENTS);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await maker?.close();
    dir.remove();
  }, 60_000);

  it('totals and realtime: counted events only, the held one released by a later page view', async () => {
    expect(await store.totals(RANGE)).toEqual({
      visitors: 3,
      sessions: 3,
      pageViews: 4,
      orders: 2,
      revenue: [
        { currency: 'EUR', value: 100 },
        { currency: 'USD', value: 10 },
      ],
    });
    expect(await store.realtime({ accountId: A, since: T + 3 * MIN })).toEqual({ visitors: 3, sessions: 3, pageViews: 1 });
    expect(await store.excluded(RANGE)).toEqual({ testMode: 1, bots: 1, held: 1 });
  });

  it('products: lines rounded to 4 places, priced lines only, the line\'s currency first', async () => {
    expect(await store.topProducts({ ...RANGE, limit: 10 })).toEqual([
      // 1.2346 × 2 in USD (the purchase's), 2.5 in SEK (the line's), 100 in EUR (the account's).
      { product: 'P1', views: 1, adds: 0, purchases: 2, revenue: [{ currency: 'EUR', value: 100 }, { currency: 'SEK', value: 2.5 }, { currency: 'USD', value: 2.4692 }] },
      // 1e-7 rounds to 0; a quantity that is no number counts as 1.
      { product: '7', views: 0, adds: 1, purchases: 1, revenue: [{ currency: 'USD', value: 0 }] },
      { product: 'P2', views: 0, adds: 0, purchases: 1, revenue: [] },
      { product: 'P3', views: 0, adds: 0, purchases: 1, revenue: [{ currency: 'USD', value: 4 }] },
    ]);
    expect((await store.topProducts({ ...RANGE, limit: 1 })).map((p) => p.product)).toEqual(['P1']);
  });

  it('pages: the path, / without one, NULL without a URL', async () => {
    expect(await store.topPages({ ...RANGE, limit: 10 })).toEqual([
      { page: '/', pageViews: 1, visitors: 1 },
      { page: '/p/1', pageViews: 1, visitors: 1 },
      { page: '/relative/path', pageViews: 1, visitors: 1 },
      { page: null, pageViews: 1, visitors: 1 },
    ]);
  });

  it('local time in a zone half an hour off UTC: hours, days and the heatmap', async () => {
    const hours = await store.timeSeries({ ...RANGE, timeZone: 'Asia/Kolkata', bucket: 'hour' });
    // 15:44–15:51 local (the 15:00 hour starts at 09:30 UTC), and v4 at 16:25.
    expect(hours.map((h) => [new Date(h.start).toISOString(), h.visitors, h.pageViews, h.orders])).toEqual([
      ['2025-03-10T09:30:00.000Z', 2, 3, 2],
      ['2025-03-10T10:30:00.000Z', 1, 1, 0],
    ]);
    const days = await store.timeSeries({ ...RANGE, timeZone: 'Asia/Kolkata', bucket: 'day' });
    expect(days.map((d) => d.start)).toEqual([Date.parse('2025-03-10T00:00:00+05:30')]);
    expect(await store.heatmap({ ...RANGE, timeZone: 'Asia/Kolkata' })).toEqual([
      { weekday: 1, hour: 15, pageViews: 3 },
      { weekday: 1, hour: 16, pageViews: 1 },
    ]);
  });

  it('sessions by landing: the stages, sources with their medium, campaigns', async () => {
    expect(await store.acquisition({ ...RANGE, limit: 10 })).toEqual({
      stages: { sessions: 3, productViews: 1, addToCart: 1, checkout: 2, purchases: 2 },
      sources: [
        { key: 'Direct', medium: null, sessions: 2, orders: 1, revenue: [{ currency: 'EUR', value: 100 }] },
        { key: 'Google', medium: 'organic', sessions: 1, orders: 1, revenue: [{ currency: 'USD', value: 10 }] },
      ],
      campaigns: [{ key: 'spring', sessions: 1, orders: 1, revenue: [{ currency: 'EUR', value: 100 }] }],
    });
  });
});
