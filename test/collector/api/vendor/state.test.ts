import { describe, expect, it } from 'vitest';
import { ACCOUNT, startCollector, tempDir } from '../../../helpers/collector.js';
import { davinci, storedOf, yespo } from './helpers.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const cart = (products: unknown[]) => ({
  eventTypeKey: 'cartUpdated',
  keyValue: 'restart@example.com',
  params: [
    { name: 'products', value: JSON.stringify(products) },
    { name: 'recycleStateId', value: 'cart-across-restart' },
  ],
});

describe('vendor state survives a restart', () => {
  it("keeps Yespo's last cart and the visitor's session, and Da Vinci's browsers and sessions", async () => {
    const dir = tempDir();
    try {
      let c = await startCollector({}, dir.path);
      expect((await yespo(c, cart([{ productId: 'A', quantity: 2, price: 3 }]))).status).toBe(200);
      const browser = (await (await davinci(c, '/v1/websites/browsers', { browser: { user_agent: IPHONE } })).json()).browser.id;
      const session = (await (await davinci(c, '/v1/websites/sessions', { session: { browser_id: browser } })).json()).session.id;
      await c.close();

      c = await startCollector({}, dir.path);
      expect((await yespo(c, cart([{ productId: 'A', quantity: 1, price: 3 }]))).status).toBe(200);
      expect((await davinci(c, '/v1/websites/page_views', { page_view: { session_id: session, url: 'https://shop.test/' } })).status).toBe(201);
      const yespoRows = await storedOf(c, 'yespo');
      // The second cart is compared with the one sent before the restart.
      expect(yespoRows.map((e) => [e.step, e.productId, e.quantity])).toEqual([
        ['add', 'A', 2],
        ['remove', 'A', 1],
      ]);
      expect(yespoRows[1]!.sessionId).toBe(yespoRows[0]!.sessionId);
      // The session registered before the restart still names its browser, whose agent
      // still tells the device.
      expect(await storedOf(c, 'davinci')).toMatchObject([{ name: 'PAGE_VIEW', userId: browser, sessionId: session, device: 'IOS' }]);
      await c.close();
    } finally {
      dir.remove();
    }
  });
});

describe('storage failure', () => {
  it('answers 503 with Retry-After and stores neither events nor state; the retry stores them once', async () => {
    const c = await startCollector();
    try {
      const insert = c.store.insert;
      (c.store as { insert: typeof insert }).insert = () => Promise.reject(new Error('disk full'));
      const body = cart([{ productId: 'A', quantity: 1, price: 3 }]);
      const failed = [await yespo(c, body), await davinci(c, '/v1/websites/browsers', { browser: {} })];
      for (const res of failed) {
        expect(res.status).toBe(503);
        expect(res.headers.get('retry-after')).toBe('1');
      }
      (c.store as { insert: typeof insert }).insert = insert;
      expect(await c.store.getState(ACCOUNT.id, 'yespo.cart', 'cart-across-restart')).toBeUndefined();
      expect((await yespo(c, body)).status).toBe(200);
      expect((await yespo(c, body)).status).toBe(200);
      expect((await storedOf(c, 'yespo')).map((e) => [e.step, e.productId, e.quantity])).toEqual([['add', 'A', 1]]);
    } finally {
      await c.close();
    }
  });
});
