import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { EXAMPLES, PRODUCT_PAGE_VIEW_NBSP } from '../../fixtures/davinci-examples.js';
import { basic, bearer, davinci, query, storedOf } from './vendor/helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
let seq = 0;
const uid = (p: string) => `${p}-${process.pid}-${++seq}`;
const example = (path: string) => EXAMPLES.find((e) => e.path === path)!;
const order = (amount: number, currency = 'USD') => ({ subtotal: { amount, currency }, items: [{ quantity: 1, price: { amount, currency } }] });

describe('the Da Vinci Signal API (seed 003)', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector();
  });
  afterAll(() => c.close());

  const stored = () => storedOf(c, 'davinci');
  const byUser = async (userId: string) => (await stored()).filter((e) => e.userId === userId);
  const created = async (res: Response) => {
    const text = await res.text();
    expect(res.status, text).toBe(201);
    return JSON.parse(text) as Record<string, Record<string, unknown>>;
  };
  const refused = async (res: Response, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ status: 'error', message: expect.stringMatching(message) });
  };
  const nowS = () => Math.floor(Date.now() / 1000);

  /** The seed's answer with its id and times as this collector's (fresh ones). */
  const documented = (response: Record<string, Record<string, unknown>>) => {
    const [[key, inner]] = Object.entries(response) as [[string, Record<string, unknown>]];
    const out: Record<string, unknown> = { ...inner, id: expect.stringMatching(UUID), created_at: expect.any(Number) };
    if ('expires_at' in inner) out.expires_at = expect.any(Number);
    return { [key]: out };
  };

  describe('every example request of the seed, answered as documented', () => {
    it('POST /v1/websites/browsers registers a browser that expires 30 days after creation', async () => {
      const ex = example('/v1/websites/browsers');
      const before = nowS();
      const body = await created(await davinci(c, ex.path, ex.request));
      expect(body).toEqual(documented(ex.response));
      const b = body.browser!;
      expect(b.created_at).toBeGreaterThanOrEqual(before);
      expect(b.created_at).toBeLessThanOrEqual(nowS());
      // As the seed's example: 1616621380 − 1614029380.
      expect((b.expires_at as number) - (b.created_at as number)).toBe(2592000);
      expect(JSON.parse((await c.store.getState(ACCOUNT.id, 'davinci.browser', b.id as string))!)).toMatchObject({ userAgent: ex.request.browser!.user_agent, language: 'en-US' });
    });

    it('POST /v1/websites/sessions registers a session that expires 15 minutes after creation', async () => {
      const ex = example('/v1/websites/sessions');
      const body = await created(await davinci(c, ex.path, ex.request));
      expect(body).toEqual(documented(ex.response));
      const s = body.session!;
      expect((s.expires_at as number) - (s.created_at as number)).toBe(900);
      expect(JSON.parse((await c.store.getState(ACCOUNT.id, 'davinci.session', s.id as string))!)).toMatchObject({ browserId: ex.request.session!.browser_id });
    });

    it('POST /v1/websites/identities refuses the example as printed: it has neither contact_id nor email_address', async () => {
      const ex = example('/v1/websites/identities');
      await refused(await davinci(c, ex.path, ex.request), 400, /contact_id or email_address/);
    });

    it('POST /v1/websites/identities answers the example with a contact_id as documented', async () => {
      const ex = example('/v1/websites/identities');
      const request = { identity: { ...ex.request.identity, contact_id: 'contact-42' } };
      const body = await created(await davinci(c, ex.path, request));
      expect(body).toEqual(documented({ identity: { ...ex.response.identity, contact_id: 'contact-42' } }));
      const [row] = (await byUser(ex.request.identity!.browser_id as string)).filter((e) => e.eventId === body.identity!.id);
      expect(row).toMatchObject({ name: 'USER_OPERATIONS', step: 'signin', sessionId: ex.request.identity!.session_id });
      // The seed's answer calls email_address "email".
      const withEmail = await created(await davinci(c, ex.path, { identity: { email_address: 'a@shop.test', source: 'registration' } }));
      expect(withEmail.identity).toMatchObject({ email: 'a@shop.test', contact_id: null, browser_id: null, session_id: null, tags: [], attributes: {} });
      expect((await byUser('a@shop.test'))[0]).toMatchObject({ name: 'USER_OPERATIONS', step: 'signup' });
    });

    it('POST /v1/websites/page_views stores a page view of the browser in the session', async () => {
      const ex = example('/v1/websites/page_views');
      const body = await created(await davinci(c, ex.path, ex.request));
      // The seed's answer leaves out referrer and source, which the product page view's
      // answer shows null: here both answers show every documented field.
      expect(body).toEqual(documented({ page_view: { ...ex.response.page_view, referrer: null, source: null } }));
      const rows = (await stored()).filter((e) => e.eventId === body.page_view!.id);
      expect(rows).toMatchObject([
        { name: 'PAGE_VIEW', userId: ex.request.page_view!.browser_id, sessionId: ex.request.page_view!.session_id, pageUrl: 'https://myshop.com/blog', channel: 'davinci' },
      ]);
      expect(JSON.parse(rows[0]!.data)).toEqual(ex.request.page_view);
    });

    it('POST /v1/products/page_views stores a product view (exact minor-unit price) and a page view', async () => {
      const ex = example('/v1/products/page_views');
      const body = await created(await davinci(c, ex.path, ex.request));
      // The seed answers "Sweatshirt" to a request for "T-Shirt"; an echo keeps the name sent.
      const response = structuredClone(ex.response) as { page_view: { product: { name: string } } };
      response.page_view.product.name = 'T-Shirt';
      expect(body).toMatchObject(documented(response));
      expect(body.page_view!.product).toMatchObject({ tags: [], attributes: {}, variants: [{ tags: [], attributes: {} }] });
      const rows = (await byUser(ex.request.page_view!.browser_id as string)).sort((a, b) => a.name.localeCompare(b.name));
      expect(rows).toMatchObject([
        { name: 'PAGE_VIEW', category: 'Product Page', pageUrl: 'https://myshop.com/product' },
        { name: 'PRODUCT_VIEW', eventId: body.page_view!.id, productId: 'T-Shirt', price: '10.0000', currency: 'USD', pageUrl: 'https://myshop.com/product' },
      ]);
      expect(rows[0]!.sessionId).toBe(ex.request.page_view!.session_id);
    });

    it('refuses the product page view as printed (no-break spaces are not JSON white space)', async () => {
      await refused(await davinci(c, '/v1/products/page_views', null, { raw: PRODUCT_PAGE_VIEW_NBSP }), 400, /not valid JSON/);
    });

    it('POST /v1/products/searches stores a search', async () => {
      const ex = example('/v1/products/searches');
      const body = await created(await davinci(c, ex.path, ex.request));
      expect(body).toEqual(documented(ex.response));
      expect((await stored()).filter((e) => e.eventId === body.search!.id)).toMatchObject([
        { name: 'CUSTOM_EVENT', type: 'search', userId: ex.request.search!.browser_id, sessionId: ex.request.search!.session_id },
      ]);
    });

    for (const [path, name, step, type, total] of [
      ['/v1/orders/completions', 'CHECKOUT', 'purchase', null, '10.0000'],
      ['/v1/orders/cancelations', 'CUSTOM_EVENT', null, 'cancelation', '-10.0000'],
      ['/v1/orders/refunds', 'CUSTOM_EVENT', null, 'refund', '-10.0000'],
    ] as const) {
      it(`POST ${path} stores a ${name} ${step ?? type} of ${total} USD`, async () => {
        const ex = example(path);
        const body = await created(await davinci(c, path, ex.request));
        // Every documented field is filled, so each item also answers "name": null, which
        // the seed's example (whose items have no name) leaves out.
        expect(body).toMatchObject(documented(ex.response));
        expect(Object.keys(Object.values(body)[0]!).sort()).toEqual(Object.keys(Object.values(ex.response)[0]!).sort());
        const [key, inner] = Object.entries(ex.request)[0]!;
        const rows = (await stored()).filter((e) => e.eventId === body[key]!.id);
        expect(rows).toMatchObject([{ name, step, type, totalPrice: total, currency: 'USD', userId: inner.browser_id, sessionId: inner.session_id }]);
        // A purchase is dated when the shop processed it; a cancelation or refund when it came.
        if (step === 'purchase') expect(rows[0]!.ts).toBe(1614029375000);
        else expect(rows[0]!.ts).toBeGreaterThan(Date.now() - 60e3);
      });
    }
  });

  describe('defaults and what is kept', () => {
    it("takes a browser's user_agent and language from the request headers when not given", async () => {
      const body = await created(await davinci(c, '/v1/websites/browsers', { browser: {} }, { headers: { 'user-agent': IPHONE, 'accept-language': 'fi-FI,fi;q=0.9,en;q=0.8' } }));
      expect(body.browser).toMatchObject({ user_agent: IPHONE, language: 'fi-FI' });
      const none = await created(await davinci(c, '/v1/websites/browsers', { browser: { user_agent: null } }, { headers: { 'user-agent': 'backend/1.0' } }));
      expect(none.browser).toMatchObject({ user_agent: 'backend/1.0', language: null });
    });

    it("uses a registered browser's agent for the device and the bot flag, and its language", async () => {
      const phone = (await created(await davinci(c, '/v1/websites/browsers', { browser: { user_agent: IPHONE, language: 'fi' } }))).browser!.id as string;
      const bot = (await created(await davinci(c, '/v1/websites/browsers', { browser: { user_agent: GOOGLEBOT } }))).browser!.id as string;
      await created(await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: phone, url: 'https://shop.test/' } }));
      await created(await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: bot, url: 'https://shop.test/' } }));
      expect((await byUser(phone))[0]).toMatchObject({ device: 'IOS', deviceClass: 'Mobile', browser: 'Mobile Safari', os: 'iOS', lang: 'fi', isBot: false });
      expect((await byUser(bot))[0]).toMatchObject({ isBot: true });
    });

    it("answers a session's remote_ip (the requester's when not given) but never stores it", async () => {
      const body = await created(await davinci(c, '/v1/websites/sessions', { session: {} }));
      expect(body.session).toMatchObject({ browser_id: null, remote_ip: '127.0.0.1' });
      await refused(await davinci(c, '/v1/websites/sessions', { session: { remote_ip: 'not-an-ip' } }), 400, /remote_ip/);
      const v6 = await created(await davinci(c, '/v1/websites/sessions', { session: { remote_ip: '2001:db8::1' } }));
      expect(v6.session!.remote_ip).toBe('2001:db8::1');
      const state = await query(c, `SELECT id, value::VARCHAR AS v FROM vendor_states`);
      const events = await query(c, `SELECT data::VARCHAR AS d FROM events`);
      for (const ip of ['192.158.1.38', '127.0.0.1', '2001:db8::1']) {
        expect(JSON.stringify(state)).not.toContain(ip);
        expect(JSON.stringify(events)).not.toContain(ip);
      }
    });

    it("maps a session_id alone to the session's browser, an identity_id alone to the identity's browser", async () => {
      const browser = (await created(await davinci(c, '/v1/websites/browsers', { browser: {} }))).browser!.id as string;
      const session = (await created(await davinci(c, '/v1/websites/sessions', { session: { browser_id: browser } }))).session!.id as string;
      const identity = (await created(await davinci(c, '/v1/websites/identities', { identity: { session_id: session, contact_id: uid('c') } }))).identity!.id as string;
      await created(await davinci(c, '/v1/websites/page_views', { page_view: { session_id: session, url: 'https://shop.test/a' } }));
      await created(await davinci(c, '/v1/orders/completions', { completion: { identity_id: identity, order: order(2500) } }));
      const rows = await byUser(browser);
      expect(rows.map((r) => [r.name, r.sessionId])).toEqual([
        ['USER_OPERATIONS', session],
        ['PAGE_VIEW', session],
        // No session named: the browser's current one.
        ['CHECKOUT', session],
      ]);
    });

    it('derives a session for a browser whose events name none (30 minutes idle ends it)', async () => {
      const browser = uid('browser');
      await created(await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: browser, url: 'https://shop.test/' } }));
      await created(await davinci(c, '/v1/products/searches', { search: { browser_id: browser, query: 'mugs' } }));
      const [a, b] = await byUser(browser);
      expect(a!.sessionId).toMatch(UUID);
      expect(b!.sessionId).toBe(a!.sessionId);
    });

    it('makes a session registered for a browser its current one, even within the second of its last event', async () => {
      const browser = uid('browser');
      const page = () => davinci(c, '/v1/websites/page_views', { page_view: { browser_id: browser, url: 'https://shop.test/' } });
      // All three late in the same second: created_at (whole seconds) is before the page view.
      const clock = vi.spyOn(Date, 'now').mockReturnValue(Math.floor(Date.now() / 1000) * 1000 + 900);
      let session: string;
      try {
        await created(await page());
        session = (await created(await davinci(c, '/v1/websites/sessions', { session: { browser_id: browser } }))).session!.id as string;
        clock.mockReturnValue(Date.now() + 1);
        await created(await page());
      } finally {
        clock.mockRestore();
      }
      const rows = (await byUser(browser)).sort((a, b) => a.receivedAt - b.receivedAt);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.sessionId).not.toBe(session);
      expect(rows[1]!.sessionId).toBe(session);
    });

    it("gives an order processed long before the browser's current session a session of its own, leaving the current one", async () => {
      const browser = uid('browser');
      const page = () => davinci(c, '/v1/websites/page_views', { page_view: { browser_id: browser, url: 'https://shop.test/' } });
      await created(await page());
      const processed = Math.floor(Date.now() / 1000) - 3 * 3600;
      await created(await davinci(c, '/v1/orders/completions', { completion: { browser_id: browser, order: { ...order(100), processed_at: processed } } }));
      await created(await page());
      const rows = (await byUser(browser)).sort((a, b) => a.receivedAt - b.receivedAt);
      expect(rows.map((r) => r.name)).toEqual(['PAGE_VIEW', 'CHECKOUT', 'PAGE_VIEW']);
      expect(rows[2]!.sessionId).toBe(rows[0]!.sessionId);
      expect(rows[1]!.sessionId).not.toBe(rows[0]!.sessionId);
    });

    it('keeps unknown fields in the echo and fills documented ones in nested objects', async () => {
      const body = await created(
        await davinci(c, '/v1/orders/completions', {
          completion: { browser_id: uid('b'), custom: 1, order: { source: 'web', items: [{ name: 'Mug', price: { amount: 500 } }] } },
        }),
      );
      expect(body.completion).toMatchObject({
        custom: 1,
        session_id: null,
        identity_id: null,
        tags: [],
        attributes: {},
        order: {
          source: 'web',
          tags: [],
          attributes: {},
          processed_at: null,
          discount: null,
          subtotal: null,
          items: [{ name: 'Mug', quantity: null, discount: null, tags: [], attributes: {}, price: { amount: 500, currency: ACCOUNT.currency } }],
        },
      });
    });

    it('stores a request once when it is re-sent with the same Idempotency-Key, answering the same id', async () => {
      const browser = uid('browser');
      const send = () => davinci(c, '/v1/orders/completions', { completion: { browser_id: browser, order: order(999) } }, { headers: { 'idempotency-key': `order-${browser}` } });
      const first = await created(await send());
      const again = await created(await send());
      expect(again.completion!.id).toBe(first.completion!.id);
      expect(await byUser(browser)).toHaveLength(1);
    });
  });

  describe('money', () => {
    const totalOf = async (o: unknown) => {
      const browser = uid('money');
      await created(await davinci(c, '/v1/orders/completions', { completion: { browser_id: browser, order: o } }));
      const [row] = await byUser(browser);
      return [row!.totalPrice, row!.currency];
    };

    it('stores integer minor units exactly, by the currency’s ISO 4217 exponent', async () => {
      expect(await totalOf({ subtotal: { amount: 1, currency: 'USD' } })).toEqual(['0.0100', 'USD']);
      expect(await totalOf({ subtotal: { amount: 1000, currency: 'JPY' } })).toEqual(['1000.0000', 'JPY']);
      expect(await totalOf({ subtotal: { amount: 1234, currency: 'KWD' } })).toEqual(['1.2340', 'KWD']);
      expect(await totalOf({ subtotal: { amount: 12345, currency: 'CLF' } })).toEqual(['1.2345', 'CLF']);
      expect(await totalOf({ subtotal: { amount: 123456, currency: 'huf' } })).toEqual(['1234.5600', 'HUF']);
      expect(await totalOf({ subtotal: { amount: 9007199254740991, currency: 'EUR' } })).toEqual(['90071992547409.9100', 'EUR']);
      expect(await totalOf({ subtotal: { amount: 0 } })).toEqual(['0.0000', ACCOUNT.currency]);
    });

    it("sums items' price × quantity less their discounts when there is no subtotal", async () => {
      const items = [
        { quantity: 3, price: { amount: 1999, currency: 'EUR' }, discount: { amount: 500, currency: 'EUR' } },
        { price: { amount: 1, currency: 'EUR' } },
      ];
      expect(await totalOf({ items })).toEqual(['54.98', 'EUR'].map((v, i) => (i ? v : '54.9800')));
      expect(await totalOf({ tags: ['no amounts'] })).toEqual([null, ACCOUNT.currency]);
    });

    it('refuses orders in two currencies, and amounts the store cannot keep', async () => {
      const browser = uid('money');
      const send = (o: unknown) => davinci(c, '/v1/orders/completions', { completion: { browser_id: browser, order: o } });
      await refused(await send({ subtotal: { amount: 100, currency: 'USD' }, discount: { amount: 1, currency: 'EUR' } }), 400, /one currency.*USD, EUR/);
      await refused(await send({ subtotal: { amount: 9007199254740991, currency: 'JPY' } }), 400, /too large/);
      await refused(await send({ items: [{ quantity: 1, price: { amount: 1 }, discount: { amount: 5 } }] }), 400, /discounts are larger/);
      expect(await byUser(browser)).toEqual([]);
    });

    it('nets cancelations and refunds out of the purchase sum, as the README tells reports to add them', async () => {
      const browser = uid('net');
      const send = (path: string, key: string, amount: number) => davinci(c, path, { [key]: { browser_id: browser, order: order(amount, 'EUR') } });
      await created(await send('/v1/orders/completions', 'completion', 5000));
      await created(await send('/v1/orders/completions', 'completion', 1999));
      await created(await send('/v1/orders/cancelations', 'cancelation', 1999));
      await created(await send('/v1/orders/refunds', 'refund', 1000));
      const [row] = await query(
        c,
        `SELECT sum(total_price)::VARCHAR AS net, count(*) FILTER (step = 'purchase') AS purchases FROM events
         WHERE user_id = '${browser}' AND total_price IS NOT NULL
           AND ((name = 'CHECKOUT' AND step = 'purchase') OR (name = 'CUSTOM_EVENT' AND type IN ('cancelation', 'refund')))`,
      );
      expect(row).toMatchObject({ net: '40.0000', purchases: 2n });
    });
  });

  describe('authentication', () => {
    it('answers 401 with WWW-Authenticate: Bearer without the API key as a Bearer token', async () => {
      const before = (await stored()).length;
      for (const auth of [null, bearer('wrong-key-123'), basic(ACCOUNT.apiKey), ACCOUNT.apiKey, 'Bearer']) {
        const res = await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: 'x' } }, { auth });
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        await refused(res, 401, /Unauthenticated/);
      }
      expect((await stored()).length).toBe(before);
    });
  });

  describe('bad input gets a 4xx naming the problem, and nothing is stored', () => {
    const cases: [string, string, string, RegExp][] = [
      ['malformed JSON', '/v1/websites/page_views', '{"page_view": {', /not valid JSON/],
      ['an empty body', '/v1/websites/browsers', '', /empty/],
      ['a JSON array', '/v1/websites/sessions', '[]', /must be a JSON object/],
      ['a missing wrapper', '/v1/websites/page_views', '{"browser_id":"b"}', /needs a "page_view" object/],
      ['the wrong wrapper', '/v1/orders/refunds', '{"completion":{"browser_id":"b"}}', /needs a "refund" object/],
      ['a wrapper that is not an object', '/v1/websites/browsers', '{"browser":"chrome"}', /browser must be object/],
      ['a numeric browser_id', '/v1/websites/page_views', '{"page_view":{"browser_id":5}}', /page_view\.browser_id must be string/],
      ['tags that are not a list', '/v1/products/searches', '{"search":{"browser_id":"b","tags":"a,b"}}', /search\.tags must be array/],
      ['attributes that are a list', '/v1/websites/page_views', '{"page_view":{"browser_id":"b","attributes":[]}}', /page_view\.attributes must be object/],
      ['a fractional amount', '/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"subtotal":{"amount":10.5,"currency":"USD"}}}}', /completion\.order\.subtotal\.amount must be an integer in minor units/],
      ['an amount in a string', '/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"subtotal":{"amount":"1000"}}}}', /amount must be an integer/],
      ['a negative amount', '/v1/orders/refunds', '{"refund":{"browser_id":"b","order":{"subtotal":{"amount":-1}}}}', /amount must be >= 0/],
      ['money without an amount', '/v1/orders/cancelations', '{"cancelation":{"browser_id":"b","order":{"discount":{"currency":"USD"}}}}', /cancelation\.order\.discount needs amount/],
      ['a currency that is not a code', '/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"subtotal":{"amount":1,"currency":"US Dollar"}}}}', /ISO 4217/],
      ['a fractional quantity', '/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"items":[{"quantity":1.5}]}}}', /order\.items\[0\]\.quantity must be integer/],
      ['processed_at as text', '/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"processed_at":"yesterday"}}}', /processed_at must be integer/],
      ['a product that is a string', '/v1/products/page_views', '{"page_view":{"browser_id":"b","product":"T-Shirt"}}', /page_view\.product must be object/],
      ['a variant price that is a number', '/v1/products/page_views', '{"page_view":{"browser_id":"b","product":{"variants":[{"price":10}]}}}', /variants\[0\]\.price must be object/],
      ['products that are not a list', '/v1/products/searches', '{"search":{"browser_id":"b","products":{"name":"x"}}}', /search\.products must be array/],
      ['an identity with neither contact_id nor email_address', '/v1/websites/identities', '{"identity":{"browser_id":"b","contact_id":null,"email_address":""}}', /contact_id or email_address/],
      ['an event with no browser, session or identity', '/v1/websites/page_views', '{"page_view":{"url":"https://shop.test/"}}', /needs browser_id, session_id or identity_id/],
      ['an order with no browser, session or identity', '/v1/orders/completions', '{"completion":{"order":{"subtotal":{"amount":1}}}}', /needs browser_id, session_id or identity_id/],
      ['a user_agent that is not text', '/v1/websites/browsers', '{"browser":{"user_agent":{"name":"x"}}}', /browser\.user_agent must be string/],
      ['a deeply nested attribute', '/v1/websites/page_views', `{"page_view":{"browser_id":"b","attributes":{"a":${'['.repeat(100)}${']'.repeat(100)}}}}`, /nested deeper/],
    ];
    it.each(cases)('400 for %s', async (_what, path, raw, message) => {
      const before = (await stored()).length;
      const stateBefore = (await query(c, 'SELECT count(*) AS n FROM vendor_states'))[0]!.n;
      await refused(await davinci(c, path, null, { raw }), 400, message);
      expect((await stored()).length).toBe(before);
      expect((await query(c, 'SELECT count(*) AS n FROM vendor_states'))[0]!.n).toBe(stateBefore);
    });

    it('413 for a body over 1 MB, 415 for a compressed one', async () => {
      const big = JSON.stringify({ page_view: { browser_id: 'b', title: 'x'.repeat(1100 * 1024) } });
      await refused(await davinci(c, '/v1/websites/page_views', null, { raw: big }), 413, /larger/);
      await refused(await davinci(c, '/v1/websites/page_views', { page_view: { browser_id: 'b' } }, { headers: { 'content-encoding': 'br' } }), 415, /Content-Encoding/);
    });

    it('never answers 5xx to hostile input', async () => {
      const bodies: [string, string][] = [
        ['/v1/websites/page_views', '{"page_view":{"browser_id":"b","__proto__":{"polluted":1},"attributes":{"constructor":{"prototype":{"x":1}}}}}'],
        ['/v1/orders/completions', '{"completion":{"browser_id":"b","order":{"items":[{"quantity":1000000000,"price":{"amount":9007199254740991}}]}}}'],
        ['/v1/websites/browsers', `{"browser":{"user_agent":"${'x'.repeat(5000)}"}}`],
        ['/v1/websites/page_views', `{"page_view":{"browser_id":"${'b'.repeat(300)}"}}`],
        ['/v1/products/searches', `{"search":{"browser_id":"b","products":[${Array(1001).fill('{}').join(',')}]}}`],
        ['/v1/websites/sessions', '{"session":{"remote_ip":"999.1.1.1"}}'],
        ['/v1/websites/identities', '{"identity":{"email_address":"\\u0000"}}'],
        // A lone surrogate in kept state (DuckDB's JSON type refuses it).
        ['/v1/websites/browsers', '{"browser":{"user_agent":"x\\udc00"}}'],
        ['/v1/websites/page_views', '{"page_view":{"browser_id":"b\\ud800","url":"https://shop.test/\\ud800"}}'],
      ];
      for (const [path, raw] of bodies) {
        const res = await davinci(c, path, null, { raw });
        expect(res.status, raw.slice(0, 60)).toBeLessThan(500);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
  });
});
