import type {
  BasketFields,
  CheckoutFields,
  PageViewFields,
  ProductFields,
  UserFields,
} from '@cartbeacon/schema';
import { createConsent, HOLD, REFUSED, SEND } from './consent';
import { watchHistory } from './history';
import { createIds } from './ids';
import { openKv } from './kv';
import { watchPage } from './lifecycle';
import { guard, logger } from './log';
import { countOwn } from './own';
import { createQueue } from './queue';
import type { Item } from './queue';
import { createSender } from './sender';
import { campaignKey } from './session';
import { uuid } from './uuid';

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
  const log = logger(o);
  const safe = guard(log);
  const meta = openKv('cartbeacon');
  const consent = createConsent(o);
  const ids = createIds(meta, consent, campaignKey(location.href), log);
  const queue = createQueue(o);
  // This page (a new one after each SPA navigation): nextPage events wait until it changes.
  let pageId = uuid();
  const sender = createSender(
    o.endpoint + 'add/events/v1.json?apiKey=' + encodeURIComponent(o.apiKey),
    queue,
    () => consent._mode() == SEND,
    ([, held]) => held !== pageId,
    log,
  );
  const { _unsent: unsent, _fresh: fresh } = sender;
  let lastUrl = '';
  let referrer = document.referrer;
  let seq = 0;
  // What the user agent cannot tell of the device (the event API's `hints`): an iPad in
  // desktop mode sends a Mac's agent but has a touch screen; Chrome on a large Android
  // tablet sends a Linux agent but names its platform Android.
  const nav: any = navigator;
  const ua = nav.userAgentData;
  const hints = { mobile: ua?.mobile, platform: ua?.platform, maxTouchPoints: nav.maxTouchPoints };

  // A refusal: the ids and what this page has not sent are forgotten, the copy says so.
  const forget = () => {
    unsent.clear();
    fresh.clear();
    ids._forget();
  };
  // ...and in storage: the queue, the ids, and the choice last (k = 0 means all done; the
  // events a page kept in localStorage are never written once refused).
  const purge = async () => {
    forget();
    await queue._wipe();
    await meta._drop(['b', 's']);
    await meta._put([['k', 0]]);
    queue._take();
  };

  // Every storage step runs on this chain, in call order. IndexedDB holds the ids (shared
  // by all tabs); the localStorage copy stands in until it answers, and for it if it lost them.
  // Where the visitor may be tracked, the ids exist from the start, so that a new visitor's
  // first event can be stamped at once too (the automatic page view waits for the page's
  // load event now, and need not be that first event).
  let chain: Promise<unknown> = meta._get(['b', 'k', 's']).then(async ([b, k, s]) => {
    consent._stored(k);
    // Refused: what the copy had stamped goes too, and what storage still holds.
    if (consent._given === false) return k !== 0 || b || s ? purge() : forget();
    // Refused, then granted, on this page: the refusal's step drops these ids.
    if (consent._said == REFUSED) return;
    ids._load(b, s);
    if (consent._mode() != SEND) return;
    if (!(b && s)) {
      await ids._save(Date.now());
      // Refused meanwhile (another tab).
      if (consent._mode() != SEND) return purge();
    }
    ids._mirror();
  });
  const then = (fn: () => unknown) => (chain = chain.then(fn).catch(log));

  async function write(item: Item) {
    // The stored session, or this page's if it is newer (an event already stamped from memory).
    await ids._save(item[0].timestamp);
    // Refused while this ran.
    if (consent._mode() != SEND) return;
    ids._mirror();
    ids._stamp(item[0], true);
    unsent.set(item[0].eventId, item);
    await queue._put([[item[0].eventId, item]]);
    fresh.delete(item);
    sender._schedule(0);
  }

  function track(fields: Fields, opts?: EventOptions) {
    const e = { pageUrl: location.href, referrer, hints, ...fields, eventId: uuid(), timestamp: Date.now() } as Item[0];
    if (o.testMode) e.testMode = true;
    const item: Item = [e, opts?.nextPage ? pageId : '', seq++];
    // Once the ids are known, the event gets them now and can leave by beacon at once: a
    // click that adds to the basket and navigates away in the same handler may not leave
    // time for the IndexedDB writes below.
    if (consent._mode() == SEND) {
      fresh.add(item);
      if (ids._stamp(e)) unsent.set(e.eventId, item);
    }
    then(() => {
      const mode = consent._mode();
      if (mode == SEND) return write(item);
      if (mode == HOLD) consent._held.push(item);
      return 0;
    });
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
    ids._campaign = campaignKey(href);
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
      consent._say(!!granted);
      // The choice holds from the next page's first moment, before IndexedDB answers.
      granted ? ids._mirror() : forget();
      then(async () => {
        const held = consent._held;
        consent._held = [];
        if (granted) {
          await meta._put([['k', 1]]);
          for (const item of held) await write(item);
        }
        // What a write under way had made again is forgotten too.
        else await purge();
      });
    }),
    flush: () =>
      then(() => {}).then(() => {
        return sender._send(true);
      }),
  };

  // What an earlier page kept in localStorage joins the queue (a repeat of a queued event
  // is stored once by the collector).
  try {
    for (const item of queue._take()) then(() => consent._mode() == SEND && write(item));
  } catch (e) {
    log(e);
  }
  try {
    watchPage(
      safe,
      // Going away: what this page has not sent leaves by beacon, and what did not reach the
      // IndexedDB queue yet is kept in localStorage (written at once) for the next page.
      () => {
        // Left before IndexedDB answered (a new visitor, no copy of the ids yet): new ids
        // now, copied for the next page, so that these events can leave too.
        for (const item of fresh)
          if (!item[0].userId && consent._mode() == SEND) {
            ids._stamp(item[0], true);
            unsent.set(item[0].eventId, item);
            ids._mirror();
          }
        sender._beacon();
        queue._keep(fresh);
      },
      () => sender._send(true),
      // Another tab's refusal holds here too.
      () => {
        consent._say(false);
        consent._held = [];
        forget();
      },
    );
    if (o.pageViews) {
      watchHistory(safe((href: string) => page(undefined, undefined, href)));
      // Deferred, so that a page() call made right after creation (or replayed from the
      // script-tag queue) with its own fields is the page view, not a second one.
      setTimeout(() => tracker.page());
    }
    // Whatever earlier pages left in the queue goes out now.
    then(() => sender._schedule(0));
  } catch (e) {
    log(e);
  }
  return countOwn(tracker);
}
