import { random } from '../../../helpers/random.js';
/**
 * Synthetic shop traffic for the report tests: sessions of seed-001 events with what the
 * reports should make of them known from how they were made (not from the collector's
 * own classification), delivered the awkward ways real traffic is: late, twice, held
 * back (nextPage), from bots and in test mode.
 */

/** The traffic source a page should be classified as: [source, medium, campaign]. */
export type Traffic = [source: string, medium: string | null, campaign: string | null];

export interface GenSession {
  sessionId: string;
  userId: string;
  /** What the trusted proxy header says for the session's requests (its landing's at least). */
  country: string | null;
  /** Where the visitor travels to after the landing (a roaming phone), if anywhere. */
  roamsTo?: string | null;
  device: string;
  bot: boolean;
  test: boolean;
}

export interface GenEvent {
  /** The seed-001 event as sent. */
  body: Record<string, unknown> & { name: string; eventId: string; userId: string; sessionId: string; timestamp: number };
  session: GenSession;
  /** The classification of the event's own page. */
  traffic: Traffic;
  /** The country header of the request it comes in. */
  country: string | null;
  /** A resend of a stored event id with other content (it must never count). */
  altered?: boolean;
}

/** One POST /add/events/v1.json: events of sessions with the same country header. */
export interface Delivery {
  country: string | null;
  events: GenEvent[];
}

export interface GeneratedTraffic {
  sessions: GenSession[];
  /** In the order they are to be sent, one after another. */
  deliveries: Delivery[];
}

const SHOP = 'https://shop.test';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** Landing pages, with the classification each must get. */
const LANDINGS: { weight: number; page: string; referrer?: string; traffic: Traffic }[] = [
  { weight: 30, page: '/', traffic: ['Direct', null, null] },
  { weight: 20, page: '/', referrer: 'https://www.google.com/', traffic: ['Google', 'organic', null] },
  { weight: 6, page: '/c/shoes', referrer: 'https://www.google.fi/search?q=shoes', traffic: ['Google', 'organic', null] },
  { weight: 8, page: '/?gclid=abc123', traffic: ['Google', 'cpc', null] },
  { weight: 8, page: '/', referrer: 'https://l.facebook.com/l.php?u=x', traffic: ['Facebook', 'social', null] },
  { weight: 4, page: '/', referrer: 'https://duckduckgo.com/', traffic: ['DuckDuckGo', 'organic', null] },
  { weight: 6, page: '/', referrer: 'https://blog.example.org/post/1', traffic: ['Referrer', 'referral', null] },
  { weight: 8, page: '/?utm_source=newsletter&utm_medium=email&utm_campaign=autumn-sale', traffic: ['newsletter', 'email', 'autumn-sale'] },
  { weight: 4, page: '/?utm_source=newsletter&utm_medium=email&utm_campaign=black-friday', traffic: ['newsletter', 'email', 'black-friday'] },
  { weight: 4, page: '/sale/?utm_source=partner-a', traffic: ['partner-a', null, null] },
  { weight: 2, page: '/?utm_source=Facebook&utm_medium=paid&utm_campaign=autumn-sale', traffic: ['Facebook', 'paid', 'autumn-sale'] },
];

const COUNTRIES: [string | null, number][] = [
  ['FI', 50],
  ['SE', 20],
  ['EE', 10],
  ['DE', 10],
  [null, 10],
];
const DEVICES = ['PC', 'PC', 'MOBILE', 'IOS', 'ANDROID', 'TABLET'];

export interface TrafficOptions {
  seed: number;
  /** The first instant sessions may start at. */
  from: number;
  /** Sessions start before this; events may run a little past it (none after `latest`). */
  to: number;
  sessions: number;
  /** No event is later than this (the collector clamps future times). @defaultValue Infinity */
  latest?: number;
  /** Prefix of ids, so that two data sets do not share any. */
  prefix: string;
  /** Instants at which extra sessions start (around midnight, a clock change, …). */
  extraStarts?: number[];
}

/** Makes the sessions and the order in which their events are delivered. */
export function generateTraffic(options: TrafficOptions): GeneratedTraffic {
  const r = random(options.seed);
  const latest = options.latest ?? Infinity;
  const visitors = Math.max(1, Math.round(options.sessions * 0.6));
  const sessions: GenSession[] = [];
  // Each entry: an event and when it reaches the collector; plus held events apart.
  // alone: in a request of its own; apart: in a later request than everything before it.
  const queue: { at: number; event: GenEvent; alone?: boolean; apart?: boolean }[] = [];
  let eventSeq = 0;
  const eventId = () => `${options.prefix}-e${++eventSeq}`;

  const starts = Array.from({ length: options.sessions }, () => options.from + r.next() * (options.to - options.from));
  starts.push(...(options.extraStarts ?? []));

  starts.forEach((start, i) => {
    const test = r.chance(0.05);
    const bot = !test && r.chance(0.05);
    const session: GenSession = {
      sessionId: `${options.prefix}-s${i}`,
      userId: `${options.prefix}-u${r.int(visitors)}`,
      country: r.weighted(COUNTRIES),
      device: r.pick(DEVICES),
      bot,
      test,
    };
    // Now and then the country changes after the landing: the report counts the landing's.
    if (r.chance(0.08)) session.roamsTo = r.pick(['DE', 'XK', null]);
    sessions.push(session);
    const landing = r.weighted(LANDINGS.map((l) => [l, l.weight]));
    const events: GenEvent[] = [];
    let t = Math.floor(start);
    const add = (fields: Record<string, unknown>, traffic: Traffic = ['Direct', null, null]) => {
      if (t > latest) return undefined;
      const body = {
        userId: session.userId,
        sessionId: session.sessionId,
        eventId: eventId(),
        timestamp: t,
        device: session.device,
        ...(session.test ? { testMode: true } : {}),
        ...(session.bot ? { userAgent: GOOGLEBOT } : {}),
        ...fields,
      } as unknown as GenEvent['body'];
      const country = events.length && session.roamsTo !== undefined ? session.roamsTo : session.country;
      const e: GenEvent = { body, session, traffic, country };
      events.push(e);
      return e;
    };
    const page = (path: string, category: string) => ({
      name: 'PAGE_VIEW',
      category,
      pageUrl: `${SHOP}${path}`,
      referrer: `${SHOP}/`,
    });

    add(
      {
        name: 'PAGE_VIEW',
        category: landing.page.startsWith('/c/') ? 'Category Page' : 'Home Page',
        pageUrl: `${SHOP}${landing.page}`,
        ...(landing.referrer ? { referrer: landing.referrer } : {}),
      },
      landing.traffic,
    );
    // Now and then another event in the same millisecond as the landing page view (a
    // product view sent on load): the one stored first is the landing. One of the two
    // comes late, so that which is stored first is known (within one request it is the
    // store's choice).
    const tie = r.chance(0.05) && !!add({ name: 'PRODUCT_VIEW', productId: 'P0', pageUrl: `${SHOP}/p/P0`, referrer: `${SHOP}/` });
    const steps = 1 + r.int(9);
    const intent = r.next();
    for (let k = 0; k < steps; k++) {
      t += 5_000 + r.int(5 * MIN);
      const x = r.next();
      if (x < 0.3) add(page(r.chance(0.2) ? `/sale/item-${r.int(9)}` : `/c/cat-${r.int(5)}`, 'Category Page'));
      else if (x < 0.6) {
        const productId = `P${r.int(40)}`;
        add({ name: 'PRODUCT_VIEW', productId, price: 10 + r.int(90), pageUrl: `${SHOP}/p/${productId}`, referrer: `${SHOP}/` });
      } else if (x < 0.7) add({ name: 'CUSTOM_EVENT', type: r.pick(['search', 'chat_opened', 'chat_opened', 'chat_message']), pageUrl: `${SHOP}/` });
      else if (x < 0.75)
        // A later page of the session with a campaign of its own: the session keeps its landing's source.
        add(page('/?utm_source=retarget&utm_medium=display&utm_campaign=winback', 'Home Page'), ['retarget', 'display', 'winback']);
      else if (x < 0.8) add(page(`/p/P${r.int(40)}`, 'Product Page'));
      else if (intent > 0.5) {
        add({ name: 'BASKET_OPERATIONS', step: r.chance(0.85) ? 'add' : 'remove', productId: `P${r.int(40)}`, price: 25, quantity: 1 + r.int(2) });
      } else add(page('/', 'Home Page'));
    }
    if (intent > 0.75) {
      for (const step of ['basket', 'customer', 'payment', 'purchase'] as const) {
        if (step !== 'basket' && r.chance(0.25)) break;
        t += 10_000 + r.int(3 * MIN);
        const cents = 1000 + r.int(50000);
        const currency = r.chance(0.15) ? r.pick(['SEK', 'sek']) : undefined;
        add({
          name: 'CHECKOUT',
          step,
          totalPrice: (cents / 100).toFixed(2),
          ...(currency ? { currency } : {}),
          ...(step === 'purchase' ? { orderNo: `${session.sessionId}-o` } : {}),
          productList: [{ productId: `P${r.int(40)}`, price: 25, quantity: 1 }],
          pageUrl: `${SHOP}/checkout`,
        });
        // Now and then the order is taken back, in part: a refund or cancelation whose
        // amount comes as given (seed 001) or negated (as the Da Vinci endpoints store it).
        if (step === 'purchase' && r.chance(0.1)) {
          t += DAY / 2;
          const back = Math.min(cents, 500 + r.int(5000));
          add({
            name: 'CUSTOM_EVENT',
            type: r.pick(['refund', 'cancelation']),
            totalPrice: ((r.chance(0.5) ? back : -back) / 100).toFixed(2),
            currency: currency ?? 'EUR',
            pageUrl: `${SHOP}/account/orders`,
          });
        }
      }
    }
    // Now and then a backend continues the session days later (the landing is long before).
    if (r.chance(0.04)) {
      t += DAY * (1 + r.int(3));
      add({ name: 'PRODUCT_VIEW', productId: 'P1', pageUrl: `${SHOP}/p/P1` });
      t += MIN;
      add(page('/', 'Home Page'));
    }

    // Delivery: mostly in time order; some events late (hours or days), a few landings late.
    const lateLanding = tie ? r.chance(0.5) : r.chance(0.04);
    events.forEach((e, k) => {
      const late = tie && k < 2 ? (k === 0) === lateLanding : (k === 0 && lateLanding) || r.chance(0.06);
      queue.push({ at: e.body.timestamp + (late ? HOUR + r.int(3 * DAY) : r.int(2_000)), event: e, apart: tie && k < 2 && late });
    });

    // A server-side event sent with nextPage: held until the visitor's next page view.
    const after = events[r.int(events.length)]!.body.timestamp;
    if (r.chance(0.06) && after + 500 <= latest) {
      const held = {
        name: 'BASKET_OPERATIONS',
        step: 'add',
        productId: 'P-held',
        price: 5,
        userId: session.userId,
        sessionId: session.sessionId,
        eventId: eventId(),
        device: session.device,
        nextPage: true,
        // Half a second after one of the session's events (they are seconds apart).
        timestamp: after + 500,
        ...(session.test ? { testMode: true } : {}),
        ...(session.bot ? { userAgent: GOOGLEBOT } : {}),
      } as GenEvent['body'];
      // Sent right when it happened (its own request); the next page view comes later.
      queue.push({ at: held.timestamp, event: { body: held, session, traffic: ['Direct', null, null], country: session.roamsTo !== undefined ? session.roamsTo : session.country }, alone: true });
    }
  });

  queue.sort((a, b) => a.at - b.at);
  // Events that arrive close together go in one request per country (the header is per
  // request), as a busy site's many browsers would send them; a held event goes alone.
  const deliveries: Delivery[] = [];
  let window = new Map<string | null, Delivery>();
  let size = 0;
  const flush = () => {
    deliveries.push(...window.values());
    window = new Map();
    size = 0;
  };
  for (const { event, alone, apart } of queue) {
    if (apart) flush();
    if (alone) {
      flush();
      deliveries.push({ country: event.country, events: [event] });
      continue;
    }
    const country = event.country;
    if (!window.has(country)) window.set(country, { country, events: [] });
    window.get(country)!.events.push(event);
    if (++size >= 150) flush();
  }
  flush();

  // Re-sent batches (same event ids): some right away, some much later; a few altered.
  const out: Delivery[] = [];
  const later: { after: number; delivery: Delivery }[] = [];
  deliveries.forEach((d) => {
    out.push(d);
    const at = out.length - 1;
    // A held event's request is not repeated: its resend could release other held events
    // in the same request in ways a reader of the test would not expect.
    if (d.events.some((e) => e.body.nextPage)) return;
    if (r.chance(0.05)) out.push(d);
    if (r.chance(0.05)) later.push({ after: at + 1 + r.int(200), delivery: d });
    if (r.chance(0.02)) {
      // The same id again with other content: the first stored version stands.
      const e = d.events[0]!;
      const altered: GenEvent = {
        ...e,
        altered: true,
        body: { ...e.body, name: 'CHECKOUT', step: 'purchase', totalPrice: '999.00', productList: [], category: undefined } as GenEvent['body'],
      };
      later.push({ after: at + r.int(50), delivery: { country: d.country, events: [altered] } });
    }
  });
  later.sort((a, b) => a.after - b.after);
  const result: Delivery[] = [];
  let j = 0;
  out.forEach((d, i) => {
    result.push(d);
    while (j < later.length && later[j]!.after <= i) result.push(later[j++]!.delivery);
  });
  while (j < later.length) result.push(later[j++]!.delivery);
  return { sessions, deliveries: result };
}

/** Sends the deliveries one after another (each answered before the next), as they come. */
export async function deliver(
  send: (body: unknown, init: { headers: Record<string, string>; apiKey?: string }) => Promise<Response>,
  deliveries: Delivery[],
  apiKey?: string,
) {
  for (const d of deliveries) {
    const res = await send(
      d.events.map((e) => e.body),
      { headers: d.country ? { 'cf-ipcountry': d.country } : {}, ...(apiKey ? { apiKey } : {}) },
    );
    if (res.status !== 200) throw new Error(`delivery refused: ${res.status} ${await res.text()}`);
    await res.arrayBuffer().catch(() => undefined);
  }
}
