import type {
  BasketFields,
  CheckoutFields,
  PageViewFields,
  ProductFields,
  UserFields,
} from '@cartbeacon/types';
import { openKv } from './kv';
import { uuid } from './uuid';
import { campaignKey, touchSession } from './session';
import type { Session } from './session';
import { outcome, retryDelay, RETRY } from './retry';
import { optedOut } from './privacy';
import { watchHistory } from './history';

export interface TrackerOptions {
  /** The collector's base URL, ending in '/'; batches go to `${endpoint}add/events/v1.json`. */
  endpoint: string;
  /** The account's public ingest key (`data-key` on the script tag). */
  apiKey: string;
  /** Send a page view now and after every SPA navigation. @defaultValue true */
  pageViews?: boolean;
  /** The category of automatic page views. @defaultValue 'Page' */
  category?: string;
  /** Store and send nothing until `consent(true)`; events before it wait in memory. @defaultValue false */
  requireConsent?: boolean;
  /** Send nothing while Global Privacy Control or Do Not Track is on, unless `consent(true)`. @defaultValue true */
  respectOptOut?: boolean;
  /** Mark every event `testMode`, so that reports leave it out. @defaultValue false */
  testMode?: boolean;
  /** The most events the queue keeps; the oldest are dropped (and counted) beyond. @defaultValue 1000 */
  maxEvents?: number;
  /** The most bytes the queue keeps. @defaultValue 2000000 */
  maxBytes?: number;
  /** Report problems on the console. @defaultValue false */
  debug?: boolean;
}

/** The last argument of every event method. */
export interface EventOptions {
  /** Keep the event and send it from the next page load (or the next SPA page view). */
  nextPage?: boolean;
}

type Fields = Record<string, unknown>;

export interface Tracker {
  /** A page view; the automatic ones need no call. Two in a row for the same URL count once. */
  page(fields?: Partial<PageViewFields> & Fields, options?: EventOptions): void;
  product(fields: ProductFields & Fields, options?: EventOptions): void;
  basket(fields: BasketFields & Fields, options?: EventOptions): void;
  checkout(fields: CheckoutFields & Fields, options?: EventOptions): void;
  user(fields: UserFields & Fields, options?: EventOptions): void;
  custom(type: string, params?: Fields, options?: EventOptions): void;
  search(query: string, params?: Fields, options?: EventOptions): void;
  wishlist(fields: { productId: string; step?: 'add' | 'remove' } & Fields, options?: EventOptions): void;
  /** Grant (true) or refuse (false) consent; refusing also forgets the ids and the queue. */
  consent(granted: boolean): void;
  /** Try to send everything queued now; resolves when that attempt is over. */
  flush(): Promise<void>;
}

/**
 * An event as queued: the wire event, for nextPage events the page that holds it back (''
 * for the others), and its place in this page's order (events of one millisecond keep the
 * order they were made in).
 */
type Item = [event: Fields & { eventId: string; timestamp: number }, heldOn: string, seq: number];

/** Batches stay under the 64 KB that browsers allow for keepalive requests and beacons. */
const MAX_BATCH = 60000;

const bytes = (s: string) => new Blob([s]).size;

/** The localStorage key of events a page could not queue before it went away. */
const PENDING = 'cartbeacon-pending';
/**
 * The localStorage key of a copy of the ids and the consent choice, read synchronously at
 * start: an event made before IndexedDB answers gets the visitor's ids at once, and can
 * leave by beacon if the page is left in the same moment.
 */
const IDS = 'cartbeacon-ids';

export function createTracker(options: TrackerOptions): Tracker {
  // The JSON round trip drops options given as undefined, so that they keep their default.
  const o = {
    pageViews: true,
    category: 'Page',
    respectOptOut: true,
    maxEvents: 1000,
    maxBytes: 2e6,
    ...(JSON.parse(JSON.stringify(options)) as TrackerOptions),
  };
  const url = o.endpoint + 'add/events/v1.json?apiKey=' + encodeURIComponent(o.apiKey);
  const meta = openKv('cartbeacon');
  const queue = openKv('cartbeacon-queue');
  const log = (...args: unknown[]) => o.debug && console.warn('cartbeacon:', ...args);
  const safe =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      try {
        fn(...args);
      } catch (e) {
        log(e);
      }
    };

  let consent: boolean | undefined;
  // consent() was called on this page (1), a refusal among the calls (2): the page's
  // choice, not the stored one, holds.
  let chosen: unknown;
  let browserId: string | undefined;
  let session: Session | undefined;
  try {
    const copy = JSON.parse(localStorage.getItem(IDS)!);
    if (Array.isArray(copy)) [browserId, session, consent] = copy;
  } catch {
    // no localStorage, or not ours: IndexedDB alone
  }
  // Copies the ids and the consent choice to localStorage.
  const mirror = () => {
    try {
      localStorage.setItem(IDS, JSON.stringify([browserId, session, consent]));
    } catch (e) {
      log(e);
    }
  };
  let campaign = campaignKey(location.href);
  let lastUrl = '';
  let referrer = document.referrer;
  // Events of this page that no beacon carried yet: what pagehide must not lose.
  const unsent = new Map<string, Item>();
  // Events made on this page that are not in the IndexedDB queue yet.
  const fresh = new Set<Item>();
  // Events waiting for consent (requireConsent); they never touch storage before it.
  let waiting: Item[] = [];
  // This page (a new one after each SPA navigation): nextPage events wait until it changes.
  let pageId = uuid();
  // No request before this time (backoff, Retry-After), however many events come.
  let waitUntil = 0;
  let attempt = 0;
  let dropped = 0;
  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;

  // A refusal: the ids and what this page has not sent are forgotten, the copy says so.
  const forget = () => {
    browserId = session = undefined;
    unsent.clear();
    fresh.clear();
    mirror();
  };
  // ...and in storage: the queue, the ids, and the choice last (k = 0 means all done; the
  // events a page kept in localStorage are never written once refused).
  const purge = async () => {
    forget();
    await queue.wipe();
    await meta.drop(['b', 's']);
    await meta.put([['k', 0]]);
    localStorage.removeItem(PENDING);
  };

  // The session in `s` (as stored) or this page's, whichever saw an event last.
  const newer = (s?: Session) => (!s || (session && session.t > s.t) ? session : s);

  // 0: drop, 1: wait for consent, 2: go.
  const state = () =>
    consent ? 2 : consent === false || (o.respectOptOut && optedOut()) ? 0 : o.requireConsent ? 1 : 2;

  // Every storage step runs on this chain, in call order. IndexedDB holds the ids (shared
  // by all tabs); the localStorage copy stands in until it answers, and for it if it lost them.
  // Where the visitor may be tracked, the ids exist from the start, so that a new visitor's
  // first event can be stamped at once too (the automatic page view waits for the page's
  // load event now, and need not be that first event).
  let chain: Promise<unknown> = meta.get(['b', 'k', 's']).then(async ([b, k, s]) => {
    // A refusal wins, wherever it is stored: in IndexedDB, or only in the copy (the page
    // that refused was left before its storage step).
    if (k != null && !chosen && consent !== false) consent = !!k;
    // Refused: what the copy had stamped goes too, and what storage still holds.
    if (consent === false) return k !== 0 || b || s ? purge() : forget();
    // Refused, then granted, on this page: the refusal's step drops these ids.
    if (chosen == 2) return;
    browserId = b || browserId;
    session = newer(s);
    if (state() < 2) return;
    if (!(b && s)) {
      await meta.upd<string>('b', (v) => (browserId = v || browserId || uuid()));
      await meta.upd<Session>('s', (v) => (session = touchSession(newer(v), Date.now(), campaign)));
      // Refused meanwhile (another tab).
      if (state() < 2) return purge();
    }
    mirror();
  });
  const then = (fn: () => unknown) => (chain = chain.then(fn).catch(log));

  const sendable = ([, held]: Item) => held !== pageId;

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = setTimeout(send, Math.max(ms, waitUntil - Date.now()));
  };

  async function write(item: Item) {
    const e = item[0];
    if (!browserId) await meta.upd<string>('b', (v) => (browserId = v || uuid()));
    // The stored session, or this page's if it is newer (an event already stamped from memory).
    await meta.upd<Session>('s', (s) => (session = touchSession(newer(s), e.timestamp, campaign)));
    // Refused while these ran.
    if (state() < 2) return;
    mirror();
    e.userId ??= browserId;
    e.sessionId ??= session!.i;
    unsent.set(e.eventId, item);
    await queue.put([[e.eventId, item]]);
    fresh.delete(item);
    schedule(0);
  }

  // The ids now, from memory: the event can leave by beacon at once.
  function stamp(item: Item) {
    const e = item[0];
    session = touchSession(session, e.timestamp, campaign);
    e.userId = browserId;
    e.sessionId = session.i;
    unsent.set(e.eventId, item);
  }

  function track(fields: Fields, opts?: EventOptions) {
    const e = { pageUrl: location.href, referrer, ...fields, eventId: uuid(), timestamp: Date.now() } as Item[0];
    if (o.testMode) e.testMode = true;
    const item: Item = [e, opts?.nextPage ? pageId : '', seq++];
    // Once the ids are known, the event gets them now and can leave by beacon at once: a
    // click that adds to the basket and navigates away in the same handler may not leave
    // time for the IndexedDB writes below.
    if (state() > 1) {
      fresh.add(item);
      if (browserId && session) stamp(item);
    }
    then(() => {
      const s = state();
      if (s > 1) return write(item);
      if (s) waiting.push(item);
      return 0;
    });
  }

  async function post(batch: Fields[]): Promise<[number, string | null]> {
    try {
      const r = await fetch(url + (dropped ? '&dropped=' + dropped : ''), {
        method: 'POST',
        body: JSON.stringify(batch),
        keepalive: true,
        credentials: 'omit',
      });
      return [r.status, r.headers.get('Retry-After')];
    } catch {
      return [0, null];
    }
  }

  async function drain(): Promise<void> {
    // Refused: the queue is wiped, never sent.
    while (state() > 1) {
      const items = (await queue.all()).map(([, v]) => v as Item).sort((a, b) => a[0].timestamp - b[0].timestamp || a[2] - b[2]);
      // Cap the queue: keep the newest, drop (and count) the oldest beyond the limits.
      const over: Item[] = [];
      let total = 0;
      for (let i = items.length; i--; ) {
        total += bytes(JSON.stringify(items[i]![0]));
        if (items.length - i > o.maxEvents || total > o.maxBytes) over.push(items[i]!);
      }
      const batch: Item[0][] = [];
      let size = 2;
      for (const it of items) {
        if (!sendable(it) || over.includes(it)) continue;
        const n = bytes(JSON.stringify(it[0])) + 1;
        if (n > MAX_BATCH) over.push(it);
        else if (size + n > MAX_BATCH) break;
        else {
          batch.push(it[0]);
          size += n;
        }
      }
      if (over.length) {
        dropped += over.length;
        const gone = over.map((it) => it[0].eventId);
        gone.forEach((id) => unsent.delete(id));
        await queue.drop(gone);
      }
      if (!batch.length) return;
      const reported = dropped;
      const [status, retryAfter] = await post(batch);
      if (outcome(status) === RETRY) {
        log('will retry', status);
        waitUntil = Date.now() + retryDelay(++attempt, retryAfter);
        return schedule(0);
      }
      attempt = waitUntil = 0;
      dropped -= reported;
      const ids = batch.map((e) => e.eventId);
      ids.forEach((id) => unsent.delete(id));
      await queue.drop(ids);
    }
  }

  async function send() {
    if (busy || navigator.onLine === false) return;
    busy = true;
    try {
      // One tab sends at a time; another tab's events wait in the shared queue for it.
      const locks = navigator.locks;
      await (locks
        ? locks.request('cartbeacon', { ifAvailable: true }, (lock) => (lock ? drain() : schedule(2e3)))
        : drain());
    } catch (e) {
      log(e);
    } finally {
      busy = false;
    }
  }

  // The page is going away or hidden: hand what this page has not sent to sendBeacon.
  // The events stay queued, so the next page sends them again and the collector keeps one.
  // A nextPage event normally waits in the queue; one that did not reach it yet goes now,
  // flagged, and the collector holds it until the visitor's next page view.
  function beacon() {
    let batch: Fields[] = [];
    let size = 2;
    const flushBatch = () => {
      if (batch.length && navigator.sendBeacon(url, JSON.stringify(batch)))
        batch.forEach((e) => unsent.delete(e.eventId as string));
      batch = [];
      size = 2;
    };
    for (const item of unsent.values()) {
      let e = item[0];
      if (!e.userId) continue;
      if (!sendable(item)) {
        if (!fresh.has(item)) continue;
        e = { ...e, nextPage: true };
      }
      const n = bytes(JSON.stringify(e)) + 1;
      if (size + n > MAX_BATCH) flushBatch();
      batch.push(e);
      size += n;
    }
    flushBatch();
  }

  const event =
    (name: string) =>
    (fields: Fields, opts?: EventOptions) =>
      track({ name, ...fields }, opts);

  // A page view for `href`, unless the last one was for the same address (a change of the
  // #fragment alone is the same page).
  function page(fields?: Fields, opts?: EventOptions, href = location.href) {
    const path = href.split('#')[0]!;
    if (path === lastUrl) return;
    if (lastUrl) {
      // A navigation within the page: a new page for nextPage events.
      referrer = lastUrl;
      pageId = uuid();
    }
    lastUrl = path;
    campaign = campaignKey(href);
    track({ name: 'PAGE_VIEW', category: o.category, pageUrl: href, ...fields }, opts);
  }

  const tracker: Tracker = {
    page: safe(page),
    product: safe(event('PRODUCT_VIEW')),
    basket: safe(event('BASKET_OPERATIONS')),
    checkout: safe(event('CHECKOUT')),
    user: safe(event('USER_OPERATIONS')),
    custom: safe((type: string, params?: Fields, opts?: EventOptions) => track({ name: 'CUSTOM_EVENT', type, params }, opts)),
    search: safe((query: string, params?: Fields, opts?: EventOptions) =>
      track({ name: 'CUSTOM_EVENT', type: 'search', params: { ...params, query } }, opts),
    ),
    wishlist: safe((fields: Fields, opts?: EventOptions) =>
      track({ name: 'CUSTOM_EVENT', type: 'wishlist', params: { step: 'add', ...fields } }, opts),
    ),
    consent: safe((granted: boolean) => {
      consent = !!granted;
      chosen = granted ? chosen || 1 : 2;
      // The choice holds from the next page's first moment, before IndexedDB answers.
      granted ? mirror() : forget();
      then(async () => {
        const held = waiting;
        waiting = [];
        if (granted) {
          await meta.put([['k', 1]]);
          for (const item of held) await write(item);
        }
        // What a write under way had made again is forgotten too.
        else await purge();
      });
    }),
    flush: () =>
      then(() => {}).then(() => {
        attempt = waitUntil = 0;
        return send();
      }),
  };

  // What an earlier page kept in localStorage joins the queue (a repeat of a queued event
  // is stored once by the collector).
  try {
    const pending = localStorage.getItem(PENDING);
    if (pending) {
      localStorage.removeItem(PENDING);
      for (const item of JSON.parse(pending) as Item[]) then(() => state() > 1 && write(item));
    }
  } catch (e) {
    log(e);
  }
  try {
    addEventListener('online', () => {
      attempt = waitUntil = 0;
      schedule(0);
    });
    // Going away: what this page has not sent leaves by beacon, and what did not reach the
    // IndexedDB queue yet is kept in localStorage (written at once) for the next page.
    const leave = safe(() => {
      // Left before IndexedDB answered (a new visitor, no copy of the ids yet): new ids now,
      // copied for the next page, so that these events can leave too.
      for (const item of fresh)
        if (!item[0].userId && state() > 1) {
          browserId ||= uuid();
          stamp(item);
          mirror();
        }
      beacon();
      if (fresh.size) localStorage.setItem(PENDING, JSON.stringify([...JSON.parse(localStorage.getItem(PENDING) || '[]'), ...fresh]));
    });
    addEventListener('pagehide', leave);
    // Another tab's refusal holds here too.
    addEventListener(
      'storage',
      safe((e: StorageEvent) => {
        if (e.key == IDS && JSON.parse(e.newValue!)[2] === false) {
          consent = false;
          chosen = 2;
          waiting = [];
          forget();
        }
      }),
    );
    document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && leave());
    if (o.pageViews) {
      watchHistory(safe((href: string) => page(undefined, undefined, href)));
      // Deferred, so that a page() call made right after creation (or replayed from the
      // script-tag queue) with its own fields is the page view, not a second one.
      setTimeout(() => tracker.page());
    }
    // Whatever earlier pages left in the queue goes out now.
    then(() => schedule(0));
  } catch (e) {
    log(e);
  }
  return tracker;
}
