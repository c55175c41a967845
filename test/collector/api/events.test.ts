import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { EXAMPLES, LITERAL_PAGE_VIEW, ORIGIN } from '../../fixtures/event-api-examples.js';

const OTHER = { ...ACCOUNT, id: 'other-account', apiKey: 'other-public-ingest-key', origins: ['*'] };
let seq = 0;
const id = () => `evt-${process.pid}-${++seq}`;
const ev = (fields: Record<string, unknown> = {}): Record<string, unknown> & { eventId: string } => ({
  name: 'PAGE_VIEW',
  userId: 'u1',
  sessionId: 's1',
  category: 'Home Page',
  eventId: id(),
  ...fields,
});

describe('POST /add/events/v1.json', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector({ accounts: [{ ...ACCOUNT, origins: [ORIGIN, 'http://shop.test'] }, OTHER] });
  });
  afterAll(() => c.close());

  const stored = async (accountId = ACCOUNT.id) => c.store.events(accountId);
  const storedById = async (eventId: string, accountId = ACCOUNT.id) =>
    (await stored(accountId)).filter((e) => e.eventId === eventId);

  describe('every example request of seed 001', () => {
    for (const example of EXAMPLES) {
      it(`stores "${example.title}"`, async () => {
        const body: Record<string, unknown>[] & { eventId: string }[] = example.body.map((e) => ({ ...e, eventId: id() }));
        const res = await c.send(body, { headers: { origin: ORIGIN } });
        expect(res.status).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        const answer = await res.json();
        expect(answer).toEqual({ campaigns: body.map(() => []), responses: body.map(() => []), timestamp: expect.any(Number) });
        for (const sent of body) {
          const [row] = await storedById(sent.eventId);
          expect(row, `${sent.name} stored`).toBeDefined();
          expect(row!.name).toBe(sent.name);
          expect(row!.userId).toBe(sent.userId);
          expect(row!.sessionId).toBe(sent.sessionId);
          expect(row!.device).toBe(sent.device);
          expect(row!.step).toBe((sent.step as string) ?? null);
          expect(JSON.parse(row!.data)).toEqual(sent);
          if (sent.productId) expect(row!.productId).toBe(sent.productId);
          if (typeof sent.price === 'number') expect(Number(row!.price)).toBe(sent.price);
          if (typeof sent.totalPrice === 'number') expect(row!.totalPrice).toBe('999.9900');
          if (sent.name === 'CUSTOM_EVENT') expect(row!.type).toBe('my_custom_event');
          if (sent.name === 'PAGE_VIEW') expect(row!.category).toBe(sent.category);
        }
      });
    }

    it('refuses the page-view example as printed (not JSON: "Home Page”) with BAD_INPUT', async () => {
      const before = (await stored()).length;
      const res = await c.send(null, { raw: LITERAL_PAGE_VIEW, headers: { origin: ORIGIN } });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ timestamp: '', responses: [], statusCode: 'BAD_INPUT' });
      expect((await stored()).length).toBe(before);
    });
  });

  describe('error codes', () => {
    const refused = async (res: Response, code: string) => {
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toMatchObject({ timestamp: '', responses: [], statusCode: code });
      expect(typeof body.message).toBe('string');
      return body;
    };

    it('NO_API_KEY without apiKey', async () => {
      await refused(await c.send([ev()], { apiKey: null }), 'NO_API_KEY');
      await refused(await c.send([ev()], { apiKey: '' }), 'NO_API_KEY');
    });

    it('NO_ACCOUNT for an unknown key', async () => {
      await refused(await c.send([ev()], { apiKey: 'no-such-key' }), 'NO_ACCOUNT');
    });

    it("NO_DOMAIN_APIKEY_MATCH for a browser origin outside the account's list, readable by that page", async () => {
      const e = ev();
      const res = await c.send([e], { headers: { origin: 'https://evil.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example');
      await refused(res, 'NO_DOMAIN_APIKEY_MATCH');
      await refused(await c.send([ev()], { headers: { origin: 'null' } }), 'NO_DOMAIN_APIKEY_MATCH');
      expect(await storedById(e.eventId)).toEqual([]);
    });

    it('accepts any origin for an account that lists "*", and backends without Origin', async () => {
      const a = ev();
      expect((await c.send([a], { apiKey: OTHER.apiKey, headers: { origin: 'https://anything.example' } })).status).toBe(200);
      const b = ev();
      expect((await c.send([b])).status).toBe(200);
      expect(await storedById(a.eventId, OTHER.id)).toHaveLength(1);
      expect(await storedById(b.eventId)).toHaveLength(1);
    });

    it('NO_EVENT for an empty array or an empty body', async () => {
      await refused(await c.send([]), 'NO_EVENT');
      await refused(await c.send(null, { raw: '' }), 'NO_EVENT');
    });

    it('NO_USERID and NO_SESSIONID for events without them', async () => {
      const a = await refused(await c.send([ev({ userId: undefined })]), 'NO_USERID');
      expect(a.errors).toEqual([{ index: 0, eventId: expect.any(String), statusCode: 'NO_USERID', message: expect.stringContaining('userId') }]);
      await refused(await c.send([ev({ userId: '' })]), 'NO_USERID');
      await refused(await c.send([ev({ sessionId: undefined })]), 'NO_SESSIONID');
      await refused(await c.send([ev({ sessionId: null })]), 'NO_SESSIONID');
    });

    it.each([
      ['a JSON object', '{"name":"PAGE_VIEW"}'],
      ['malformed JSON', '[{"name":'],
      ['a string', '"events"'],
      ['null', 'null'],
      ['a number', '42'],
      ['an array of non-objects', '[1, "two", null]'],
      ['an unknown event name', JSON.stringify([{ name: 'NOPE', userId: 'u', sessionId: 's' }])],
      ['a price that is not numeric', JSON.stringify([{ name: 'BASKET_OPERATIONS', userId: 'u', sessionId: 's', step: 'add', productId: 'p', price: 'cheap' }])],
      ['an unknown checkout step', JSON.stringify([{ name: 'CHECKOUT', userId: 'u', sessionId: 's', step: 'pay', totalPrice: 1, productList: [] }])],
      ['a product view without productId', JSON.stringify([{ name: 'PRODUCT_VIEW', userId: 'u', sessionId: 's' }])],
      ['a page view without category', JSON.stringify([{ name: 'PAGE_VIEW', userId: 'u', sessionId: 's' }])],
      ['a testMode that is not a flag', JSON.stringify([{ name: 'PAGE_VIEW', userId: 'u', sessionId: 's', category: 'x', testMode: 'yes' }])],
      ['a timestamp that is not a time', JSON.stringify([{ name: 'PAGE_VIEW', userId: 'u', sessionId: 's', category: 'x', timestamp: 'soon' }])],
      ['a deeply nested body', '['.repeat(5000) + ']'.repeat(5000)],
      ['a prototype-polluting event', '[{"name":"PAGE_VIEW","userId":"u","sessionId":"s","category":"x","__proto__":{"polluted":1}, "params": {"constructor": {"prototype": {"x": 1}}}}]'],
    ])('BAD_INPUT for %s', async (_what, raw) => {
      const res = await c.send(null, { raw });
      if (_what === 'a prototype-polluting event') {
        // Stored as plain data; nothing is polluted.
        expect(res.status).toBe(200);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        return;
      }
      await refused(res, 'BAD_INPUT');
    });

    it('413 BAD_INPUT for a body over 1 MB, and the collector keeps answering', async () => {
      const big = JSON.stringify([ev({ params: { pad: 'x'.repeat(1100 * 1024) } })]);
      const res = await c.send(null, { raw: big });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ statusCode: 'BAD_INPUT', message: expect.stringContaining('larger') });
      expect((await c.send([ev()])).status).toBe(200);
    });

    it('415 BAD_INPUT for a compressed body', async () => {
      const res = await c.send([ev()], { headers: { 'content-encoding': 'gzip' } });
      expect(res.status).toBe(415);
      expect(await res.json()).toMatchObject({ statusCode: 'BAD_INPUT' });
    });

    it('never answers 5xx to hostile input', async () => {
      const bodies = [
        '\u0000\u0001\u0002',
        '[' + '{"name":"PAGE_VIEW"},'.repeat(2000) + '{}]',
        JSON.stringify([ev({ userId: { $gt: '' } })]),
        JSON.stringify([ev({ category: ['a'] })]),
        JSON.stringify([ev({ pageUrl: 'x'.repeat(100000) })]),
        JSON.stringify([{ name: 'CHECKOUT', userId: 'u', sessionId: 's', step: 'purchase', totalPrice: 1e300, productList: [] }]),
        JSON.stringify([{ name: 'CHECKOUT', userId: 'u', sessionId: 's', step: 'purchase', totalPrice: 10, productList: [{}] }]),
        JSON.stringify([{ name: 'BASKET_OPERATIONS', userId: 'u', sessionId: 's', step: 'add', productId: 'p', quantity: -1e20 }]),
        // An amount wider than DECIMAL(18,4), as a number and as a string.
        JSON.stringify([{ name: 'CHECKOUT', userId: 'u', sessionId: 's', step: 'purchase', totalPrice: 5e14, productList: [] }]),
        JSON.stringify([{ name: 'CHECKOUT', userId: 'u', sessionId: 's', step: 'purchase', totalPrice: '123456789012345', productList: [] }]),
        // 20 000 levels of params: refused before anything recurses over it.
        `[{"name":"CUSTOM_EVENT","userId":"u","sessionId":"s","type":"x","params":${'{"a":'.repeat(20000)}1${'}'.repeat(20000)}}]`,
      ];
      for (const raw of bodies) {
        const res = await c.send(null, { raw });
        expect(res.status, raw.slice(0, 40)).toBe(400);
        expect(['BAD_INPUT', 'NO_USERID']).toContain((await res.json()).statusCode);
      }
    });
  });

  describe('a batch with good and bad events', () => {
    it('keeps the good event beside one nested too deeply', async () => {
      const good = ev();
      const deep = `{"name":"CUSTOM_EVENT","userId":"u","sessionId":"s","type":"x","params":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`;
      const res = await c.send(null, { raw: `[${deep},${JSON.stringify(good)}]` });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.errors).toEqual([{ index: 0, statusCode: 'BAD_INPUT', message: 'CUSTOM_EVENT is nested deeper than 32 levels' }]);
      expect(await storedById(good.eventId)).toHaveLength(1);
    });


    it('stores the good ones and names the bad ones', async () => {
      const good1 = ev();
      const good2 = ev({ name: 'PRODUCT_VIEW', productId: 'P1' });
      const res = await c.send([good1, ev({ userId: undefined }), good2, { name: 'PAGE_VIEW', userId: 'u', category: 'x' }]);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.statusCode).toBe('NO_USERID');
      expect(body.errors.map((e: { index: number; statusCode: string }) => [e.index, e.statusCode])).toEqual([
        [1, 'NO_USERID'],
        [3, 'NO_SESSIONID'],
      ]);
      expect(body.responses).toHaveLength(4);
      expect(await storedById(good1.eventId)).toHaveLength(1);
      expect(await storedById(good2.eventId)).toHaveLength(1);
    });
    it('refuses amounts and ids of the wrong type on any event, never failing the batch (no 5xx)', async () => {
      const good = ev();
      const bad = [
        ev({ name: 'CUSTOM_EVENT', type: 'refund', totalPrice: 'abc' }),
        ev({ price: 'abc' }),
        ev({ totalPrice: '1e99' }),
        ev({ name: 'INTERACTION', productId: [1, 2] }),
        ev({ name: 'INTERACTION', orderNo: { x: 1 } }),
        ev({ name: 'CUSTOM_EVENT', type: 't', step: {} }),
      ];
      const res = await c.send([...bad, good]);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.errors.map((e: { index: number; statusCode: string }) => [e.index, e.statusCode])).toEqual(bad.map((_, i) => [i, 'BAD_INPUT']));
      expect(await storedById(good.eventId)).toHaveLength(1);
    });

    it('rounds amounts to the store’s 4 decimals, never past its largest value', async () => {
      const big = ev({ name: 'CUSTOM_EVENT', type: 'refund', totalPrice: '99999999999999.99995' });
      const half = ev({ name: 'CUSTOM_EVENT', type: 'refund', totalPrice: '-0.00005' });
      expect((await c.send([big, half])).status).toBe(200);
      expect((await storedById(big.eventId))[0]!.totalPrice).toBe('99999999999999.9999');
      expect((await storedById(half.eventId))[0]!.totalPrice).toBe('-0.0001');
    });

    it('takes a custom event’s amount, currency and order from its params (the tracker’s refund), where they are valid', async () => {
      const refund = ev({ name: 'CUSTOM_EVENT', type: 'refund', params: { totalPrice: 19.9, currency: 'sek', orderNo: 'T-9' } });
      const own = ev({ name: 'CUSTOM_EVENT', type: 'refund', totalPrice: '5', params: { totalPrice: 19.9, orderNo: 'T-8' } });
      const junk = ev({ name: 'CUSTOM_EVENT', type: 'refund', params: { totalPrice: 'all of it', orderNo: 'T-7' } });
      expect((await c.send([refund, own, junk])).status).toBe(200);
      const row = async (e: { eventId: string }) => (await storedById(e.eventId))[0]!;
      expect(await row(refund)).toMatchObject({ totalPrice: '19.9000', currency: 'SEK', orderNo: 'T-9' });
      expect(await row(own)).toMatchObject({ totalPrice: '5.0000', currency: null, orderNo: null });
      expect(await row(junk)).toMatchObject({ totalPrice: null, orderNo: null });
      expect(JSON.parse((await row(junk)).data).params).toEqual({ totalPrice: 'all of it', orderNo: 'T-7' });
    });
  });

  describe('repeats, times and flags', () => {
    it('stores a repeated eventId once, within a request and across requests', async () => {
      const e = ev();
      await c.send([e, e]);
      await c.send([e]);
      await Promise.all([c.send([e]), c.send([e]), c.send([{ ...e, category: 'changed' }])]);
      const rows = await storedById(e.eventId);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.category).toBe('Home Page');
    });

    it('keeps the same eventId apart for two accounts', async () => {
      const e = ev();
      await c.send([e]);
      await c.send([e], { apiKey: OTHER.apiKey });
      expect(await storedById(e.eventId)).toHaveLength(1);
      expect(await storedById(e.eventId, OTHER.id)).toHaveLength(1);
    });

    it('gives events without eventId one of their own', async () => {
      const marker = `no-id-${Date.now()}`;
      await c.send([{ name: 'CUSTOM_EVENT', userId: 'u', sessionId: 's', type: marker }, { name: 'CUSTOM_EVENT', userId: 'u', sessionId: 's', type: marker }]);
      const rows = (await stored()).filter((e) => e.type === marker);
      expect(rows).toHaveLength(2);
      expect(rows[0]!.eventId).not.toBe(rows[1]!.eventId);
    });

    it('keeps past times, clamps times over 10 minutes ahead, reads seconds and ISO strings', async () => {
      const now = Date.now();
      const past = ev({ timestamp: now - 30 * 86400e3 });
      const soon = ev({ timestamp: now + 5 * 60e3 });
      const far = ev({ timestamp: now + 60 * 60e3 });
      const secs = ev({ timestamp: Math.floor((now - 3600e3) / 1000) });
      const iso = ev({ timestamp: '2026-01-02T03:04:05.678Z' });
      const none = ev();
      const res = await c.send([past, soon, far, secs, iso, none]);
      const receivedAt = (await res.json()).timestamp;
      const ts = async (e: { eventId: string }) => (await storedById(e.eventId))[0]!.ts;
      expect(await ts(past)).toBe(past.timestamp);
      expect(await ts(soon)).toBe(soon.timestamp);
      expect(await ts(far)).toBe(receivedAt);
      expect(await ts(secs)).toBe(Math.floor((now - 3600e3) / 1000) * 1000);
      expect(await ts(iso)).toBe(Date.parse('2026-01-02T03:04:05.678Z'));
      expect(await ts(none)).toBe(receivedAt);
    });

    it('reads testMode and nextPage as booleans or as the strings "true" / "false"', async () => {
      const rows = [
        ev({ testMode: true }),
        ev({ testMode: 'true' }),
        ev({ testMode: 'false' }),
        ev({ testMode: false }),
      ];
      await c.send(rows);
      const flags = await Promise.all(rows.map(async (e) => (await storedById(e.eventId))[0]!.testMode));
      expect(flags).toEqual([true, true, false, false]);
    });

    it("holds a server-side nextPage event until the visitor's next page view", async () => {
      const visitor = `visitor-${Date.now()}`;
      const t = Date.now() - 60e3;
      const held = ev({ name: 'BASKET_OPERATIONS', step: 'add', productId: 'P', userId: visitor, nextPage: 'true', timestamp: t });
      const other = ev({ userId: `${visitor}-other`, timestamp: t + 1000 });
      await c.send([held, other]);
      expect((await storedById(held.eventId))[0]!.held).toBe(true);
      // Another visitor's page view does not release it.
      expect((await storedById(held.eventId))[0]!.held).toBe(true);
      await c.send([ev({ userId: visitor, timestamp: t + 2000 })]);
      expect((await storedById(held.eventId))[0]!.held).toBe(false);
    });

    it('takes text/plain bodies (the tracker sends them to avoid a CORS preflight)', async () => {
      const e = ev();
      const res = await c.send(null, { raw: JSON.stringify([e]), headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'http://shop.test' } });
      expect(res.status).toBe(200);
      expect(await storedById(e.eventId)).toHaveLength(1);
    });
  });

  describe('enrichment', () => {
    const one = async (fields: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const e = ev(fields);
      expect((await c.send([e], { headers })).status).toBe(200);
      return (await storedById(e.eventId))[0]!;
    };
    const IPHONE =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
    const CHROME_WIN = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
    const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

    it("reads browser, OS and device from the request's agent for browser requests", async () => {
      const row = await one({}, { 'user-agent': IPHONE, origin: 'http://shop.test' });
      expect(row).toMatchObject({ browser: 'Mobile Safari', os: 'iOS', osVersion: '17.4', deviceClass: 'Mobile', device: 'IOS', isBot: false });
    });

    it("uses the event's userAgent as the visitor's (a backend forwarding it)", async () => {
      const row = await one({ userAgent: CHROME_WIN }, { 'user-agent': 'node' });
      expect(row).toMatchObject({ browser: 'Chrome', os: 'Windows', deviceClass: 'Desktop', device: 'PC', isBot: false });
    });

    it('flags bots by their agent, and not a backend that sends no visitor agent', async () => {
      expect((await one({}, { 'user-agent': GOOGLEBOT, origin: 'http://shop.test' })).isBot).toBe(true);
      expect((await one({ userAgent: GOOGLEBOT })).isBot).toBe(true);
      expect((await one({}, { 'user-agent': 'curl/8.5.0' })).isBot).toBe(false);
    });

    it("reads the tracker's device hints where the agent cannot tell, and refuses hints of the wrong type", async () => {
      const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
      const browser = { origin: 'http://shop.test' };
      // An iPad in desktop mode sends a Mac's agent; a Mac has no touch points.
      expect(await one({ hints: { maxTouchPoints: 5 } }, { 'user-agent': MAC, ...browser })).toMatchObject({ device: 'TABLET', deviceClass: 'Tablet' });
      expect(await one({ hints: { maxTouchPoints: 0 } }, { 'user-agent': MAC, ...browser })).toMatchObject({ device: 'PC', deviceClass: 'Desktop' });
      // Chrome on a large Android tablet asks for desktop sites with a Linux agent.
      const LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/127.0.0.0 Safari/537.36';
      const hints = { mobile: false, platform: 'Android', maxTouchPoints: 10 };
      expect(await one({ hints }, { 'user-agent': LINUX, ...browser })).toMatchObject({ device: 'TABLET' });
      expect(await one({ hints: { mobile: false, platform: 'Linux' } }, { 'user-agent': LINUX, ...browser })).toMatchObject({ device: 'PC' });
      const bad = ev({ hints: { mobile: 'no' } });
      const res = await c.send([bad, ev()], { headers: browser });
      expect(res.status).toBe(200);
      expect((await res.json()).errors).toEqual([expect.objectContaining({ index: 0, statusCode: 'BAD_INPUT' })]);
      expect(await storedById(bad.eventId)).toEqual([]);
    });

    it('keeps the device the event gives', async () => {
      const row = await one({ device: 'TABLET', userAgent: CHROME_WIN });
      expect(row).toMatchObject({ device: 'TABLET', deviceClass: 'Tablet', browser: 'Chrome' });
    });

    it.each([
      [{ pageUrl: 'https://shop.test/?utm_source=NewsLetter&utm_medium=email&utm_campaign=black-friday' }, ['NewsLetter', 'email', 'black-friday']],
      [{ pageUrl: 'https://shop.test/?gclid=abc', referrer: 'https://www.google.com/' }, ['Google', 'cpc', null]],
      [{ pageUrl: 'https://shop.test/?fbclid=abc' }, ['Facebook', 'social', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://www.google.co.uk/' }, ['Google', 'organic', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://duckduckgo.com/' }, ['DuckDuckGo', 'organic', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://l.facebook.com/l.php?u=x' }, ['Facebook', 'social', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://t.co/xyz' }, ['X', 'social', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://mail.google.com/' }, ['Gmail', 'email', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://blog.example.org/post' }, ['Referrer', 'referral', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'https://chatgpt.com/' }, ['ChatGPT', 'ai', null]],
      [{ pageUrl: 'https://shop.test/', referrer: 'android-app://com.google.android.gm/' }, ['Gmail', 'email', null]],
      [{ pageUrl: 'https://shop.test/b', referrer: 'https://shop.test/a' }, ['Direct', null, null]],
      [{ pageUrl: 'https://shop.test/b', referrer: 'https://blog.shop.test/a' }, ['Direct', null, null]],
      [{ pageUrl: 'https://shop.test/', referrer: '' }, ['Direct', null, null]],
      [{}, ['Direct', null, null]],
    ])('classifies %j', async (fields, [source, medium, campaign]) => {
      const row = await one(fields);
      expect([row.source, row.medium, row.campaign]).toEqual([source, medium, campaign]);
    });

    it('never stores the raw IP', async () => {
      const row = await one({}, { 'x-forwarded-for': '203.0.113.77', 'x-real-ip': '203.0.113.77' });
      expect(JSON.stringify(row)).not.toContain('203.0.113.77');
      expect(JSON.stringify(row)).not.toContain('127.0.0.1');
    });

    it('fills the account currency for amounts without one', async () => {
      const row = await one({ name: 'BASKET_OPERATIONS', step: 'add', productId: 'P', price: 10 });
      expect(row.currency).toBe('EUR');
      expect(row.quantity).toBe(1);
    });
  });
});

describe('country from a trusted proxy header', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector({ countryHeader: 'CF-IPCountry' });
  });
  afterAll(() => c.close());

  it('records the country the configured header carries, and nothing from other headers', async () => {
    const a = ev();
    const b = ev();
    const d = ev();
    await c.send([a], { headers: { 'cf-ipcountry': 'fi' } });
    await c.send([b], { headers: { 'x-country': 'SE' } });
    await c.send([d], { headers: { 'cf-ipcountry': 'XX' } });
    const rows = await c.store.events(ACCOUNT.id);
    const country = (e: { eventId: string }) => rows.find((r) => r.eventId === e.eventId)!.country;
    expect([country(a), country(b), country(d)]).toEqual(['FI', null, null]);
  });
});

describe('storage failure', () => {
  let c: TestCollector;
  beforeAll(async () => {
    c = await startCollector();
  });
  afterAll(() => c.close());

  it('answers 503 with Retry-After when the store fails, so that senders retry', async () => {
    const insert = c.store.insert;
    (c.store as { insert: typeof insert }).insert = () => Promise.reject(new Error('disk full'));
    try {
      const res = await c.send([ev()]);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('1');
    } finally {
      (c.store as { insert: typeof insert }).insert = insert;
    }
    expect((await c.send([ev()])).status).toBe(200);
  });
});
