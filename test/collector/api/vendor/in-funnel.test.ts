import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startCollector } from '../../../helpers/collector.js';
import type { TestCollector } from '../../../helpers/collector.js';
import { davinci, yespo } from './helpers.js';

const param = (name: string, value: unknown) => ({ name, value });
const usd = (amount: number) => ({ subtotal: { amount, currency: 'USD' } });

/**
 * Vendor events land in the one canonical store, so the funnel counts them with the
 * tracker's: Yespo visitors by keyValue in derived sessions, Da Vinci browsers and
 * sessions by their ids.
 */
describe('vendor events in the funnel report', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector();
    const yespoVisitor = 'funnel@example.com';
    const y = (eventTypeKey: string, params: { name: string; value: unknown }[]) => yespo(c, { eventTypeKey, keyValue: yespoVisitor, params });
    const sent = [
      await y('pageViewed', [param('page', JSON.stringify({ location: 'https://shop.test/?utm_source=yespo-news&utm_medium=email' }))]),
      await y('productViewed', [param('product', '{"productId":"P1","price":10}')]),
      await y('cartUpdated', [param('recycleStateId', 'funnel-cart'), param('products', '[{"productId":"P1","quantity":1,"price":10}]')]),
      await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: 'b1', session_id: 's1', url: 'https://shop.test/?utm_source=davinci-mail' } }),
      await davinci(c, '/v1/products/page_views', { page_view: { browser_id: 'b1', session_id: 's1', product: { name: 'Mug', variants: [{ price: { amount: 1000, currency: 'USD' } }] } } }),
      await davinci(c, '/v1/orders/completions', { completion: { browser_id: 'b1', session_id: 's1', order: usd(1000) } }),
      // A refund in a session of its own reaches no funnel step.
      await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: 'b2', session_id: 's2', url: 'https://shop.test/?utm_source=davinci-mail' } }),
      await davinci(c, '/v1/orders/refunds', { refund: { browser_id: 'b2', session_id: 's2', order: usd(1000) } }),
    ];
    expect(sent.map((r) => r.status)).toEqual([200, 200, 200, 201, 201, 201, 201, 201]);
  });
  afterAll(() => c.close());

  const expected = {
    'yespo-news': { clicks: 1, microconversions: 1, 'add-to-cart': 1, checkout: 0, conversions: 0 },
    'davinci-mail': { clicks: 2, microconversions: 1, 'add-to-cart': 0, checkout: 1, conversions: 1 },
  };

  it('counts Yespo and Da Vinci sessions and their steps, by landing source (GET /api/funnel)', async () => {
    const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: ACCOUNT.timezone }).format(ms).replace(/-/g, '');
    const q = new URLSearchParams({ account_id: ACCOUNT.id, report_type: 'Source', date_range: `${day(Date.now() - 86400e3)},${day(Date.now() + 86400e3)}` });
    const res = await fetch(`${c.url}/api/funnel?${q}`, { headers: { authorization: `Bearer ${ACCOUNT.reportToken}`, accept: 'application/json' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; data: Record<string, unknown>[] };
    expect(body.status).toBe('ok');
    expect(Object.fromEntries(body.data.map(({ Source, ...counts }) => [Source, counts]))).toEqual(expected);
  });

  it('counts Yespo and Da Vinci sessions and their steps, by landing source (the store)', async () => {
    const rows = await c.store.funnel({ accountId: ACCOUNT.id, start: Date.now() - 3600e3, end: Date.now() + 3600e3, groupBy: 'source', skip: 0, limit: 100 });
    const bySource = Object.fromEntries(rows.map(({ key, addToCart, ...counts }) => [key, { ...counts, 'add-to-cart': addToCart }]));
    expect(bySource).toEqual(expected);
  });
});
