import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { EXAMPLES, LITERAL_PAGE_VIEWED, PRODUCT_WITH_STRAY_BRACKETS } from '../../fixtures/yespo-examples.js';
import { basic, storedOf, yespo } from './vendor/helpers.js';

let seq = 0;
const visitor = () => `visitor-${process.pid}-${++seq}@example.com`;
const param = (name: string, value: unknown) => ({ name, value });

describe('POST /api/v2/event (Yespo, seed 002)', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector();
  });
  afterAll(() => c.close());
  afterEach(() => vi.restoreAllMocks());

  const stored = () => storedOf(c, 'yespo');
  const rowsOf = async (body: unknown) => (await stored()).filter((e) => e.data === JSON.stringify(body));
  const ok = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.text()).toBe('');
  };
  const refused = async (res: Response, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    const body = await res.json();
    expect(body).toEqual({ status: 'error', message: expect.stringMatching(message) });
    return body;
  };

  describe('every example request of the seed', () => {
    const expected: Record<string, Record<string, unknown>[]> = {
      pageViewed: [{ name: 'PAGE_VIEW', pageUrl: 'https://example.com', category: null }],
      productViewed: [{ name: 'PRODUCT_VIEW', productId: 'WS01-L-Green', price: '45.5000', currency: 'USD' }],
      productCategoryViewed: [{ name: 'PAGE_VIEW', category: 'Category Page', subCategory: 'Mugs' }],
      cartUpdated: [{ name: 'BASKET_OPERATIONS', step: 'add', productId: 'WS01-L-Green', quantity: 1, price: '45.5000', currency: 'USD' }],
      productImpressions: [{ name: 'INTERACTION', type: null }],
      productAddedToWishlist: [{ name: 'CUSTOM_EVENT', type: 'wishlist', productId: 'WS01-L-Green', price: '45.5000', currency: 'USD' }],
      searchRequest: [{ name: 'CUSTOM_EVENT', type: 'search' }],
    };
    for (const example of EXAMPLES) {
      it(`stores ${example.title}`, async () => {
        await ok(await yespo(c, example.body));
        const rows = await rowsOf(example.body);
        expect(rows).toHaveLength(expected[example.title]!.length);
        rows.forEach((row, i) => {
          expect(row).toMatchObject(expected[example.title]![i]!);
          expect(row.userId).toBe(example.body.keyValue);
          expect(row.sessionId).toMatch(/^[0-9a-f-]{36}$/);
          expect(row.channel).toBe('yespo');
          expect(row.accountId).toBe(ACCOUNT.id);
          expect(row.isBot).toBe(false);
          expect(row.testMode).toBe(false);
        });
      });
    }

    it('refuses the pageViewed example as printed (JSON inside strings not escaped) with 400', async () => {
      const before = (await stored()).length;
      await refused(await yespo(c, null, { raw: LITERAL_PAGE_VIEWED }), 400, /not valid JSON/);
      expect((await stored()).length).toBe(before);
    });

    it("refuses the productViewed product value with the document's stray brackets, naming the param", async () => {
      const body = { eventTypeKey: 'productViewed', keyValue: visitor(), params: [param('product', PRODUCT_WITH_STRAY_BRACKETS)] };
      await refused(await yespo(c, body), 400, /params "product" must hold JSON/);
    });
  });

  describe('authentication', () => {
    const body = () => ({ eventTypeKey: 'pageViewed', keyValue: visitor(), params: [param('page', '{"location":"https://shop.test/"}')] });

    it('takes the API key as the Basic auth password, whatever the user name', async () => {
      for (const user of ['', 'anything', 'api']) {
        const b = body();
        await ok(await yespo(c, b, { auth: basic(ACCOUNT.apiKey, user) }));
        expect(await rowsOf(b)).toHaveLength(1);
      }
    });

    it('takes the API key as ?apiKey=', async () => {
      const b = body();
      await ok(await yespo(c, b, { auth: null, query: `?apiKey=${ACCOUNT.apiKey}` }));
      expect(await rowsOf(b)).toHaveLength(1);
    });

    it('answers 401 with WWW-Authenticate without a key, with a wrong one, or with a Bearer token', async () => {
      const before = (await stored()).length;
      for (const init of [{ auth: null }, { auth: basic('wrong-key-123') }, { auth: null, query: '?apiKey=wrong-key-123' }, { auth: `Bearer ${ACCOUNT.apiKey}` }, { auth: 'Basic !!!' }]) {
        const res = await yespo(c, body(), init);
        expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
        await refused(res, 401, /Unauthenticated/);
      }
      expect((await stored()).length).toBe(before);
    });

    it("answers 403 to a browser origin outside the account's list", async () => {
      await refused(await yespo(c, body(), { headers: { origin: 'https://evil.example' } }), 403, /evil\.example/);
      await ok(await yespo(c, body(), { headers: { origin: 'http://shop.test' } }));
    });
  });

  describe('keyValue', () => {
    const event = (params: { name: string; value: unknown }[], keyValue?: unknown) => ({ eventTypeKey: 'myEvent', ...(keyValue === undefined ? {} : { keyValue }), params });
    const userOf = async (body: unknown) => {
      await ok(await yespo(c, body));
      return (await rowsOf(body))[0]!.userId;
    };

    it('falls back to contactId, externalCustomerId, email, phone, pushToken in that order', async () => {
      const all = [param('pushToken', 'tok-1'), param('phone', '+380501234567'), param('email', 'a@b.c'), param('externalCustomerId', 'ext-9'), param('contactId', 'c-1')];
      expect(await userOf(event(all))).toBe('c-1');
      expect(await userOf(event(all.slice(0, 4)))).toBe('ext-9');
      expect(await userOf(event(all.slice(0, 3)))).toBe('a@b.c');
      expect(await userOf(event(all.slice(0, 2)))).toBe('+380501234567');
      expect(await userOf(event(all.slice(0, 1)))).toBe('tok-1');
      expect(await userOf(event([param('contactId', 12345)]))).toBe('12345');
      expect(await userOf(event(all, ''))).toBe('c-1');
      expect(await userOf(event(all, 'given'))).toBe('given');
    });

    it('refuses an event with neither keyValue nor a param to take it from, with a 400 that says so', async () => {
      const before = (await stored()).length;
      const body = await refused(await yespo(c, event([param('name', 'x'), param('email', '')])), 400, /no keyValue/);
      expect(body.message).toMatch(/contactId, externalCustomerId, email, phone, pushToken/);
      await refused(await yespo(c, event([])), 400, /no keyValue/);
      await refused(await yespo(c, { eventTypeKey: 'x' }), 400, /no keyValue/);
      expect((await stored()).length).toBe(before);
    });
  });

  it('keeps an unknown eventTypeKey as a custom event of that type', async () => {
    const body = { eventTypeKey: 'loyaltyPointsEarned', keyValue: visitor(), params: [param('points', 120)] };
    await ok(await yespo(c, body));
    expect(await rowsOf(body)).toMatchObject([{ name: 'CUSTOM_EVENT', type: 'loyaltyPointsEarned' }]);
  });

  it("takes a custom event's plain-text params named like the seed's JSON ones as text", async () => {
    const body = { eventTypeKey: 'newsletterSignup', keyValue: visitor(), params: [param('category', 'Shoes'), param('page', 'footer')] };
    await ok(await yespo(c, body));
    const [row] = await rowsOf(body);
    expect(row).toMatchObject({ name: 'CUSTOM_EVENT', type: 'newsletterSignup' });
    expect(JSON.stringify(JSON.parse(row!.data))).toContain('Shoes');
  });

  it('accepts the JSON params as JSON values too, and the location as its own param', async () => {
    const a = { eventTypeKey: 'productViewed', keyValue: visitor(), params: [param('product', { productId: 'P-1', price: '12.30' })] };
    const b = { eventTypeKey: 'pageViewed', keyValue: visitor(), params: [param('location', 'https://shop.test/a?utm_source=news')] };
    await ok(await yespo(c, a));
    await ok(await yespo(c, b));
    expect(await rowsOf(a)).toMatchObject([{ productId: 'P-1', price: '12.3000', currency: ACCOUNT.currency }]);
    expect(await rowsOf(b)).toMatchObject([{ pageUrl: 'https://shop.test/a?utm_source=news', source: 'news' }]);
  });

  describe('cartUpdated', () => {
    const cart = (rsid: string, keyValue: string, products: unknown[] | undefined, currency = 'USD') => ({
      eventTypeKey: 'cartUpdated',
      keyValue,
      params: [
        ...(products ? [param('products', JSON.stringify(products))] : []),
        param('currencyCode', currency),
        param('recycleStateId', rsid),
      ],
    });
    const basketOf = async (keyValue: string) =>
      (await stored())
        .filter((e) => e.userId === keyValue && e.name === 'BASKET_OPERATIONS')
        // One request's events share a time: within it, by product.
        .sort((x, y) => x.ts - y.ts || x.productId!.localeCompare(y.productId!))
        .map((e) => [e.step, e.productId, e.quantity, e.price, e.currency]);

    it('turns the difference from the last cart of the same recycleStateId into basket adds and removes', async () => {
      const who = visitor();
      const rsid = `cart-${who}`;
      await ok(await yespo(c, cart(rsid, who, [{ productId: 'A', quantity: 1, price: 10 }])));
      expect(await basketOf(who)).toEqual([['add', 'A', 1, '10.0000', 'USD']]);

      await ok(await yespo(c, cart(rsid, who, [{ productId: 'A', quantity: 3, price: 10 }, { productId: 'B', quantity: 1.5, price: 2.25 }])));
      // The same cart again changes nothing.
      await ok(await yespo(c, cart(rsid, who, [{ productId: 'A', quantity: 3, price: 10 }, { productId: 'B', quantity: 1.5, price: 2.25 }])));
      // A is removed at the price it was added at.
      await ok(await yespo(c, cart(rsid, who, [{ productId: 'B', quantity: 1.5, price: 2.5 }])));
      // An emptied cart sends no products.
      await ok(await yespo(c, cart(rsid, who, undefined)));
      expect(await basketOf(who)).toEqual([
        ['add', 'A', 1, '10.0000', 'USD'],
        ['add', 'A', 2, '10.0000', 'USD'],
        ['add', 'B', 1.5, '2.2500', 'USD'],
        ['remove', 'A', 3, '10.0000', 'USD'],
        ['remove', 'B', 1.5, '2.5000', 'USD'],
      ]);
      // Adding the same product again after a removal is a new add, not a repeat.
      await ok(await yespo(c, cart(rsid, who, [{ productId: 'A', quantity: 1, price: 10 }])));
      expect(await basketOf(who)).toHaveLength(6);
    });

    it('keeps carts of different recycleStateIds apart, and merges repeated product lines', async () => {
      const who = visitor();
      await ok(await yespo(c, cart(`one-${who}`, who, [{ productId: 'A', quantity: 1, price: 1 }])));
      await ok(await yespo(c, cart(`two-${who}`, who, [{ productId: 'A', quantity: 1, price: 1 }, { productId: 'A', quantity: 2, price: 1 }])));
      expect(await basketOf(who)).toEqual([
        ['add', 'A', 1, '1.0000', 'USD'],
        ['add', 'A', 3, '1.0000', 'USD'],
      ]);
    });

    it('stores each change once when the same cart is sent many times at once', async () => {
      const who = visitor();
      const body = cart(`race-${who}`, who, [{ productId: 'A', quantity: 2, price: 5 }]);
      const answers = await Promise.all(Array.from({ length: 8 }, () => yespo(c, body)));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(await basketOf(who)).toEqual([['add', 'A', 2, '5.0000', 'USD']]);
    });

    it('turns different carts of one recycleStateId sent at once into changes that add up to the last one', async () => {
      const who = visitor();
      const rsid = `race2-${who}`;
      const answers = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((q) => yespo(c, cart(rsid, who, [{ productId: 'A', quantity: q, price: 5 }]))));
      expect(answers.map((r) => r.status)).toEqual(Array(8).fill(200));
      // Whichever came last, an empty cart now takes everything out: the changes sum to 0.
      await ok(await yespo(c, cart(rsid, who, [])));
      const net = (await basketOf(who)).reduce((sum, [step, , q]) => sum + (step === 'add' ? 1 : -1) * Number(q), 0);
      expect(net).toBe(0);
      expect((await basketOf(who)).length).toBeGreaterThan(2);
    });
  });

  describe('sessions', () => {
    const page = (keyValue: string) => ({ eventTypeKey: 'pageViewed', keyValue, params: [param('page', '{"location":"https://shop.test/"}')] });
    const sessionsOf = async (keyValue: string) => (await stored()).filter((e) => e.userId === keyValue).map((e) => e.sessionId);

    it("keeps a visitor's events in one session until 30 minutes pass without one", async () => {
      const a = visitor();
      const b = visitor();
      const now = Date.now();
      const clock = vi.spyOn(Date, 'now');
      clock.mockReturnValue(now);
      await ok(await yespo(c, page(a)));
      await ok(await yespo(c, page(b)));
      clock.mockReturnValue(now + 29 * 60e3);
      await ok(await yespo(c, page(a)));
      clock.mockReturnValue(now + 58 * 60e3);
      await ok(await yespo(c, page(a)));
      clock.mockReturnValue(now + 89 * 60e3);
      await ok(await yespo(c, page(a)));
      const [s1, s2, s3, s4] = await sessionsOf(a);
      expect(s1).toBe(s2);
      expect(s2).toBe(s3);
      expect(s4).not.toBe(s3);
      expect((await sessionsOf(b))[0]).not.toBe(s1);
    });
  });

  it('stores a request once when it is re-sent with the same Idempotency-Key', async () => {
    const body = { eventTypeKey: 'searchRequest', keyValue: visitor(), params: [param('search', 'mugs')] };
    const headers = { 'idempotency-key': `key-${body.keyValue}` };
    await ok(await yespo(c, body, { headers }));
    await ok(await yespo(c, body, { headers }));
    await ok(await yespo(c, body));
    expect(await rowsOf(body)).toHaveLength(2);
  });

  describe('bad input gets a 4xx naming the problem, and nothing is stored', () => {
    const kv = 'bad-input-visitor';
    const ev = (eventTypeKey: string, params: unknown) => JSON.stringify({ eventTypeKey, keyValue: kv, params });
    it.each([
      ['malformed JSON', '{"eventTypeKey":', /not valid JSON/],
      ['an empty body', '', /empty/],
      ['a JSON array', '[]', /must be a JSON object/],
      ['a JSON string', '"pageViewed"', /must be a JSON object/],
      ['no eventTypeKey', JSON.stringify({ keyValue: kv }), /eventTypeKey is required/],
      ['a numeric eventTypeKey', JSON.stringify({ eventTypeKey: 5, keyValue: kv }), /eventTypeKey must be a string/],
      ['an object keyValue', JSON.stringify({ eventTypeKey: 'x', keyValue: { a: 1 } }), /keyValue must be a string/],
      ['params as an object', ev('x', { email: 'a@b.c' }), /params must be an array/],
      ['a param without a name', ev('x', [{ value: 1 }]), /params\[0\]\.name/],
      ['a param that is not an object', ev('x', ['email']), /params\[0\] must be an object/],
      ['pageViewed without a location', ev('pageViewed', [param('page', '{}')]), /page\.location/],
      ['productViewed without product', ev('productViewed', []), /needs the "product" parameter/],
      ['productViewed without productId', ev('productViewed', [param('product', '{"price":1}')]), /product\.productId/],
      ['productViewed without price', ev('productViewed', [param('product', '{"productId":"P"}')]), /product\.price is required/],
      ['a price that is not a number', ev('productViewed', [param('product', '{"productId":"P","price":"cheap"}')]), /product\.price must be a number/],
      ['a negative price', ev('productViewed', [param('product', '{"productId":"P","price":-1}')]), /product\.price must be a number/],
      ['a price too large to store', ev('productViewed', [param('product', '{"productId":"P","price":1e300}')]), /product\.price must be a number/],
      ['isInStock other than 0 or 1', ev('productViewed', [param('product', '{"productId":"P","price":1,"isInStock":"yes"}')]), /isInStock must be 0 or 1/],
      ['a bad currencyCode', ev('productViewed', [param('product', '{"productId":"P","price":1}'), param('currencyCode', 'dollars')]), /currencyCode/],
      ['a product that is an array', ev('productViewed', [param('product', '[1]')]), /"product" must be a JSON object/],
      ['productCategoryViewed without productCategoryId', ev('productCategoryViewed', [param('category', '{}')]), /productCategoryId/],
      ['cartUpdated without recycleStateId', ev('cartUpdated', [param('products', '[]')]), /recycleStateId/],
      ['cartUpdated products not a list', ev('cartUpdated', [param('recycleStateId', 'r'), param('products', '{"productId":"P"}')]), /must be a JSON array/],
      ['cartUpdated without quantity', ev('cartUpdated', [param('recycleStateId', 'r'), param('products', '[{"productId":"P","price":1}]')]), /products\[0\]\.quantity/],
      ['a negative quantity', ev('cartUpdated', [param('recycleStateId', 'r'), param('products', '[{"productId":"P","price":1,"quantity":-2}]')]), /quantity/],
      ['cartUpdated without a price', ev('cartUpdated', [param('recycleStateId', 'r'), param('products', '[{"productId":"P","quantity":1}]')]), /products\[0\]\.price/],
      ['productImpressions without recomVariantId', ev('productImpressions', [param('products', '[{"productId":"P"}]')]), /recomVariantId/],
      ['productImpressions without products', ev('productImpressions', [param('recomVariantId', 'r1v1')]), /"products"/],
      ['productAddedToWishlist without price', ev('productAddedToWishlist', [param('product', '{"productId":"P"}')]), /product\.price/],
      ['searchRequest without search', ev('searchRequest', []), /"search"/],
      ['searchRequest with isFound 2', ev('searchRequest', [param('search', 'x'), param('isFound', 2)]), /isFound must be 0 or 1/],
      ['a deeply nested body', JSON.stringify({ eventTypeKey: 'x', keyValue: kv, params: [param('deep', JSON.parse('['.repeat(200) + ']'.repeat(200)))] }), /nested deeper/],
    ])('400 for %s', async (_what, raw, message) => {
      const before = (await stored()).length;
      await refused(await yespo(c, null, { raw }), 400, message);
      expect((await stored()).length).toBe(before);
    });

    it('413 for a body over 1 MB, and the collector keeps answering', async () => {
      const big = ev('x', [param('pad', 'x'.repeat(1100 * 1024))]);
      await refused(await yespo(c, null, { raw: big }), 413, /larger/);
      await ok(await yespo(c, { eventTypeKey: 'x', keyValue: kv }));
    });

    it('415 for a compressed body', async () => {
      await refused(await yespo(c, { eventTypeKey: 'x', keyValue: kv }, { headers: { 'content-encoding': 'gzip' } }), 415, /Content-Encoding/);
    });

    it('never answers 5xx to hostile input', async () => {
      const bodies = [
        '\u0000\u0001',
        JSON.stringify({ eventTypeKey: 'x', keyValue: kv, params: [{ name: '__proto__', value: { polluted: 1 } }] }),
        JSON.stringify({ eventTypeKey: 'x', keyValue: kv, __proto__: { polluted: 1 } }),
        JSON.stringify({ eventTypeKey: 'cartUpdated', keyValue: kv, params: [param('recycleStateId', 'h'), param('products', [{ productId: '__proto__', quantity: 1, price: 1 }])] }),
        JSON.stringify({ eventTypeKey: 'x'.repeat(300), keyValue: kv }),
        JSON.stringify({ eventTypeKey: 'x', keyValue: 'k'.repeat(100000) }),
        JSON.stringify({ eventTypeKey: 'x', keyValue: kv, params: Array.from({ length: 1001 }, (_, i) => param(`p${i}`, i)) }),
        JSON.stringify({ eventTypeKey: 'cartUpdated', keyValue: kv, params: [param('recycleStateId', 'h'), param('products', [{ productId: 'P', quantity: 1e300, price: 1 }])] }),
        // Lone surrogates, in the kept cart and in an event (DuckDB's JSON type refuses them).
        `{"eventTypeKey":"cartUpdated","keyValue":"${kv}","params":[{"name":"recycleStateId","value":"s\\ud800"},{"name":"products","value":[{"productId":"A\\ud800","quantity":1,"price":1}]}]}`,
        `{"eventTypeKey":"x\\udc00","keyValue":"${kv}\\udc00"}`,
      ];
      for (const raw of bodies) {
        const res = await yespo(c, null, { raw });
        expect(res.status, raw.slice(0, 60)).toBeLessThan(500);
        expect(res.headers.get('retry-after'), raw.slice(0, 60)).toBeNull();
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
