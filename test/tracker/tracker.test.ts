// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import type { Tracker, TrackerOptions } from '../../packages/tracker/src/tracker.js';
import { openKv } from '../../packages/tracker/src/kv.js';

type Sent = { url: string; events: Record<string, unknown>[] };

/** A fetch that records batches and answers with the statuses a test lines up. */
function fakeCollector() {
  const sent: Sent[] = [];
  const answers: (number | [number, Record<string, string>] | 'network')[] = [];
  const fetch = vi.fn(async (url: string, init: RequestInit) => {
    sent.push({ url, events: JSON.parse(init.body as string) });
    const next = answers.shift() ?? 200;
    if (next === 'network') throw new TypeError('Failed to fetch');
    const [status, headers] = Array.isArray(next) ? next : [next, {}];
    return new Response(status === 204 ? null : '{}', { status, headers });
  });
  return {
    fetch,
    sent,
    answers,
    events: () => sent.flatMap((s) => s.events),
    names: () => sent.flatMap((s) => s.events.map((e) => e.name)),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const originals = { pushState: history.pushState, replaceState: history.replaceState };
let collector: ReturnType<typeof fakeCollector>;
let db: IDBFactory;

beforeEach(() => {
  // Timers advance with real time; what a test leaves scheduled (a retry, a lock wait)
  // is cleared after it, so no tracker of one test acts in the next.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
  // A new browser: empty IndexedDB and localStorage.
  db = new IDBFactory();
  globalThis.indexedDB = db;
  localStorage.clear();
  collector = fakeCollector();
  vi.stubGlobal('fetch', collector.fetch);
  history.replaceState(null, '', '/start');
});
afterEach(async () => {
  // Let the test's trackers finish what they started (IndexedDB work ends in timers, and a
  // send in the next test's collector), so that the timers they leave are fake ones, cleared
  // here, not real ones that fire later. A flush that cannot end (a fetch that never
  // answers) is given up after a while.
  const settled = Promise.all(made.splice(0).map((t) => t.flush()));
  await Promise.race([settled, new Promise((r) => setTimeout(r, 1000))]);
  await new Promise((r) => setTimeout(r, 30));
  vi.clearAllTimers();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  Object.assign(history, originals);
});

/** The trackers a test made, settled after it. */
const made: Tracker[] = [];
const make = (options: Partial<TrackerOptions> = {}) => {
  const t = createTracker({ endpoint: 'https://collector.test/', apiKey: 'key 1', pageViews: false, ...options });
  made.push(t);
  return t;
};

const queued = async () => (await openKv('cartbeacon-queue')._all()).map(([, item]) => item[0]);

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

  it('writes each event to the IndexedDB queue before sending it', async () => {
    let release!: () => void;
    collector.fetch.mockImplementationOnce(async (url: string, init: RequestInit) => {
      collector.sent.push({ url, events: JSON.parse(init.body as string) });
      await new Promise<void>((r) => (release = r));
      return new Response('{}', { status: 200 });
    });
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    // While the request is under way the event is in the queue.
    const [inQueue] = await queued();
    expect(inQueue).toEqual(collector.events()[0]);
    release();
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
  });

  it('keeps the browser id across pages and the session within 30 minutes', async () => {
    make().custom('first');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
    make().custom('second page');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
    const [a, b] = collector.events();
    expect(b!.userId).toBe(a!.userId);
    expect(b!.sessionId).toBe(a!.sessionId);
    // 31 minutes later, the same browser starts a new session (the session's last activity
    // moved back, in IndexedDB and in its localStorage copy).
    const stored = await openKv('cartbeacon')._get(['s']);
    const idle = { ...stored[0], t: Date.now() - 31 * 60e3 };
    await openKv('cartbeacon')._put([['s', idle]]);
    const copy = JSON.parse(localStorage.getItem('cartbeacon-ids')!);
    localStorage.setItem('cartbeacon-ids', JSON.stringify([copy[0], idle, copy[2]]));
    make().custom('later');
    await vi.waitFor(() => expect(collector.events()).toHaveLength(3));
    expect(collector.events()[2]!.userId).toBe(a!.userId);
    expect(collector.events()[2]!.sessionId).not.toBe(a!.sessionId);
  });

  it('retries network errors, 408, 429 and 5xx with backoff until delivered, each event once in the queue', async () => {
    collector.answers.push('network', 503);
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(3), { timeout: 8000 });
    expect(new Set(collector.events().map((e) => e.eventId)).size).toBe(1);
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
    const gaps = collector.fetch.mock.invocationCallOrder.length;
    expect(gaps).toBe(3);
  }, 15_000);

  it('honours Retry-After on 429', async () => {
    collector.answers.push([429, { 'Retry-After': '2' }]);
    const t = make();
    t.custom('x');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    // The clock moves on by hand: nothing is sent again before the two seconds are over.
    await vi.advanceTimersByTimeAsync(1800);
    expect(collector.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(300);
    await vi.waitFor(() => expect(collector.sent).toHaveLength(2));
  });

  it('drops what the collector refuses as invalid (400) and goes on', async () => {
    collector.answers.push(400);
    const t = make();
    t.custom('bad');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(1));
    await vi.waitFor(async () => expect(await queued()).toEqual([]));
    t.custom('good');
    await vi.waitFor(() => expect(collector.sent).toHaveLength(2));
    expect(collector.sent[1]!.events.map((e) => e.type)).toEqual(['good']);
  });

  it('sends nothing while offline and everything at once on "online"', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make();
    t.custom('offline');
    await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(collector.sent).toHaveLength(0);
    onLine.mockReturnValue(true);
    dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['offline']));
  });

  it('keeps nextPage events until the next page load', async () => {
    const t = make();
    t.basket({ step: 'add', productId: 'P1' }, { nextPage: true });
    t.custom('now');
    await vi.waitFor(() => expect(collector.events().map((e) => e.type ?? e.name)).toEqual(['now']));
    expect((await queued()).map((e) => e.name)).toEqual(['BASKET_OPERATIONS']);
    await new Promise((r) => setTimeout(r, 5));
    make(); // the next page
    await vi.waitFor(() => expect(collector.names()).toEqual(['CUSTOM_EVENT', 'BASKET_OPERATIONS']));
    expect(collector.events()[1]!.nextPage).toBeUndefined();
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

  it('caps the queue, dropping the oldest, and reports how many it dropped', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make({ maxEvents: 3 });
    for (let i = 0; i < 5; i++) t.custom(`e${i}`);
    await vi.waitFor(async () => expect(await queued()).toHaveLength(5));
    onLine.mockReturnValue(true);
    await t.flush();
    await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['e2', 'e3', 'e4']));
    expect(collector.sent[0]!.url).toContain('&dropped=2');
  });

  it('splits batches to stay under 60 KB', async () => {
    const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    const t = make();
    for (let i = 0; i < 5; i++) t.custom('big', { pad: 'x'.repeat(20_000) });
    await vi.waitFor(async () => expect(await queued()).toHaveLength(5));
    onLine.mockReturnValue(true);
    await t.flush();
    await vi.waitFor(() => expect(collector.events()).toHaveLength(5));
    for (const call of collector.fetch.mock.calls) expect(new Blob([call[1].body as string]).size).toBeLessThanOrEqual(60_000);
    expect(collector.sent.length).toBeGreaterThanOrEqual(2);
  });

  it('hands unsent events to sendBeacon when the page is hidden', async () => {
    const beacons: string[] = [];
    Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_u: string, d: string) => (beacons.push(d), true) });
    collector.fetch.mockImplementation(() => new Promise(() => {})); // the fetch never finishes
    const t = make();
    t.basket({ step: 'add', productId: 'P1' });
    await vi.waitFor(() => expect(collector.fetch).toHaveBeenCalled());
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toHaveLength(1);
    expect(JSON.parse(beacons[0]!)[0]).toMatchObject({ name: 'BASKET_OPERATIONS', productId: 'P1' });
    // Not twice for the same hide (visibilitychange then pagehide).
    dispatchEvent(new Event('pagehide'));
    expect(beacons).toHaveLength(1);
  });

  it('stamps an event made before IndexedDB answers, so that a page left in that moment beacons it with the ids', async () => {
    const beacons: Record<string, any>[] = [];
    Object.defineProperty(navigator, 'sendBeacon', {
      configurable: true,
      value: (_u: string, d: string) => (beacons.push(...JSON.parse(d)), true),
    });
    // A new visitor leaves in the same moment as the first event: no ids anywhere yet.
    make().custom('at once');
    dispatchEvent(new Event('pagehide'));
    const [first] = beacons.filter((e) => e.type === 'at once');
    expect(first).toMatchObject({ userId: expect.stringMatching(UUID), sessionId: expect.stringMatching(UUID) });
    // The next page keeps them, in IndexedDB too. (The page left is still alive here and
    // sends the event too: the collector stores a repeated eventId once.)
    make().custom('next page');
    const types = () => [...new Map(collector.events().map((e) => [e.eventId, e.type])).values()].sort();
    await vi.waitFor(() => expect(types()).toEqual(['at once', 'next page']));
    for (const e of collector.events()) expect([e.userId, e.sessionId]).toEqual([first!.userId, first!.sessionId]);
    expect(await openKv('cartbeacon')._get(['b'])).toEqual([first!.userId]);
    // A returning visitor's page, left at once: the ids are known before IndexedDB answers.
    make().custom('left again');
    dispatchEvent(new Event('pagehide'));
    expect(beacons.find((e) => e.type === 'left again')).toMatchObject({ userId: first!.userId, sessionId: first!.sessionId });
    await vi.waitFor(() => expect(types()).toContain('left again'));
  });

  describe('privacy', () => {
    it('sends nothing under Global Privacy Control, unless consent(true)', async () => {
      Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, get: () => true });
      try {
        const t = make();
        t.custom('before');
        await new Promise((r) => setTimeout(r, 50));
        expect(collector.sent).toHaveLength(0);
        expect(await queued()).toEqual([]);
        expect(await openKv('cartbeacon')._get(['b'])).toEqual([undefined]);
        t.consent(true);
        t.custom('after');
        await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['after']));
      } finally {
        Reflect.deleteProperty(navigator, 'globalPrivacyControl');
      }
    });

    it('sends nothing under Do Not Track', async () => {
      Object.defineProperty(navigator, 'doNotTrack', { configurable: true, get: () => '1' });
      try {
        make().custom('x');
        await new Promise((r) => setTimeout(r, 50));
        expect(collector.sent).toHaveLength(0);
        expect(await queued()).toEqual([]);
      } finally {
        Reflect.deleteProperty(navigator, 'doNotTrack');
      }
    });

    it('with requireConsent, holds events in memory only until consent(true)', async () => {
      const t = make({ requireConsent: true });
      t.custom('waiting');
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.sent).toHaveLength(0);
      expect(await openKv('cartbeacon')._all()).toEqual([]);
      t.consent(true);
      await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['waiting']));
      // Remembered for the next page.
      make({ requireConsent: true }).custom('next page');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
    });

    it('consent(false) forgets ids and the queue and sends nothing more', async () => {
      const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
      const t = make();
      t.custom('queued');
      await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
      t.consent(false);
      t.custom('after refusal');
      await vi.waitFor(async () => expect(await queued()).toEqual([]));
      // The choice is stored last, once the rest is gone.
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 's', 'k'])).toEqual([undefined, undefined, 0]));
      onLine.mockReturnValue(true);
      // The refusal holds from the next page's first moment, even when it is left at once.
      const beacons: string[] = [];
      Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_u: string, d: string) => (beacons.push(d), true) });
      make().custom('next page');
      dispatchEvent(new Event('pagehide'));
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.sent).toHaveLength(0);
      expect(beacons).toEqual([]);
      expect(JSON.parse(localStorage.getItem('cartbeacon-ids')!)).toEqual([null, null, false]);
    });
  });

  describe('privacy: the stored choice and the localStorage copy of the ids', () => {
    const beacons: Record<string, any>[] = [];
    beforeEach(() => {
      beacons.length = 0;
      Object.defineProperty(navigator, 'sendBeacon', {
        configurable: true,
        value: (_u: string, d: string) => (beacons.push(...JSON.parse(d)), true),
      });
    });
    const copy = () => JSON.parse(localStorage.getItem('cartbeacon-ids')!);

    it('brings the copy back from IndexedDB when localStorage lost it', async () => {
      make().custom('first page');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const { userId, sessionId } = collector.events()[0]!;
      localStorage.removeItem('cartbeacon-ids');
      await make().flush();
      expect(copy()[0]).toBe(userId);
      expect(copy()[1].i).toBe(sessionId);
    });

    it('a refusal in IndexedDB takes back what a stale copy of the ids stamped before it answered', async () => {
      const first = make();
      first.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      first.consent(false);
      await first.flush();
      // A copy that still has ids (as a page of a version without it could leave behind).
      const { userId, sessionId } = collector.events()[0]!;
      localStorage.setItem('cartbeacon-ids', JSON.stringify([userId, { i: sessionId, s: Date.now(), t: Date.now(), c: '' }, null]));
      const t = make();
      t.custom('stamped from the copy');
      await t.flush();
      dispatchEvent(new Event('pagehide'));
      await new Promise((r) => setTimeout(r, 50));
      expect(beacons).toEqual([]);
      expect(collector.events()).toHaveLength(1);
      expect(copy()).toEqual([null, null, false]);
    });

    it("another tab's refusal holds in this one at once", async () => {
      const here = make();
      here.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const other = make();
      other.consent(false);
      // What the browser tells the other tabs when one changes localStorage.
      dispatchEvent(new StorageEvent('storage', { key: 'cartbeacon-ids', newValue: localStorage.getItem('cartbeacon-ids') }));
      here.custom('after the refusal');
      dispatchEvent(new Event('pagehide'));
      await here.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.events().map((e) => e.type)).toEqual(['before']);
      expect(beacons).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it('a refusal that reached only the copy (the page was left at once) wins over a stored grant, and its storage is cleared', async () => {
      const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
      const t = make();
      t.consent(true);
      t.custom('queued while offline');
      await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
      // A page that refused and went away before its IndexedDB step: the copy alone says so.
      localStorage.setItem('cartbeacon-ids', JSON.stringify([null, null, false]));
      onLine.mockReturnValue(true);
      const next = make();
      next.custom('after the refusal');
      await next.flush();
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 's', 'k'])).toEqual([undefined, undefined, 0]));
      expect(await queued()).toEqual([]);
      expect(collector.sent).toEqual([]);
      // (The first page, still alive here, beacons its own event: it was left before the refusal.)
      expect(beacons.filter((e) => e.type === 'after the refusal')).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it("another tab's refusal, heard before IndexedDB answers, wins over the stored grant", async () => {
      const t = make();
      t.consent(true);
      t.custom('granted');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const here = make();
      dispatchEvent(new StorageEvent('storage', { key: 'cartbeacon-ids', newValue: JSON.stringify([null, null, false]) }));
      here.custom('after the refusal');
      await here.flush();
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 'k'])).toEqual([undefined, 0]));
      expect(collector.events().map((e) => e.type)).toEqual(['granted']);
      expect(beacons.filter((e) => e.type === 'after the refusal')).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it('refused and granted again before IndexedDB answers: new ids, not the old ones', async () => {
      const t = make();
      t.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const old = collector.events()[0]!.userId;
      // Every copy written from the refusal on.
      const copies: string[] = [];
      const setItem = Storage.prototype.setItem;
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, k: string, v: string) {
        if (k === 'cartbeacon-ids') copies.push(v);
        setItem.call(this, k, v);
      });
      // A consent mode that starts denied and is granted at load.
      const next = make();
      next.consent(false);
      next.consent(true);
      next.custom('after');
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(new Set(collector.events().map((e) => e.type))).toEqual(new Set(['before', 'after'])));
      const after = collector.events().filter((e) => e.type === 'after');
      expect(after.every((e) => e.userId !== old)).toBe(true);
      expect(beacons.filter((e) => e.userId === old)).toEqual([]);
      const [b, k] = await openKv('cartbeacon')._get(['b', 'k']);
      expect([b === old, k]).toEqual([false, 1]);
      expect(copies.filter((v) => v.includes(old as string))).toEqual([]);
    });

    it('consent() called before IndexedDB answers wins over the stored choice', async () => {
      const t = make({ requireConsent: true });
      t.consent(true);
      t.custom('granted');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      // The next page withdraws at once (a consent manager replaying the visitor's choice).
      const next = make({ requireConsent: true });
      next.consent(false);
      next.custom('withdrawn');
      dispatchEvent(new Event('pagehide'));
      await next.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.events().map((e) => e.type)).toEqual(['granted']);
      expect(beacons.filter((e) => e.type === 'withdrawn')).toEqual([]);
      expect(await openKv('cartbeacon')._get(['b', 'k'])).toEqual([undefined, 0]);
      // And the other way round: consent given at once over a stored refusal.
      const again = make({ requireConsent: true });
      again.consent(true);
      again.custom('given again');
      await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['granted', 'given again']));
    });
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
