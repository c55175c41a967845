import type { Own } from '../own';
import type { Tracker } from '../tracker';
import { watchHistory } from '../history';
import { category, query } from './category';
import { eventName, fromDataLayer, GA4 } from './datalayer';
import { data, fromMarkup, kind } from './markup';
import { line, product } from './product';
import { structured } from './schema';
import { idle, num } from './util';
import type { Act, Fields } from './util';

export interface AutoOptions {
  /**
   * Page views on load and after SPA navigations, with an inferred category (and on
   * search pages a search event with the query). @defaultValue true
   */
  pages?: boolean;
  /** The category of every automatic page view, instead of inferring one. */
  category?: string;
  /** Product views from schema.org JSON-LD and microdata and from Open Graph product tags. @defaultValue true */
  schema?: boolean;
  /** GA4 ecommerce events from `window.dataLayer`. @defaultValue true */
  dataLayer?: boolean;
  /** `data-cartbeacon-*` markup. @defaultValue true */
  markup?: boolean;
  /** Starts web vitals (e.g. loads the chunk that does) once the page has loaded; none when unset. */
  vitals?: false | (() => unknown);
  /**
   * Clicks and submits made before auto-capture started (cartbeacon.js records them while
   * this chunk loads): the basket buttons and forms among them are recorded now.
   */
  early?: Event[];
}

const BASKET = /^(add|remove)$/;

/**
 * Records what the shop's own page says, without code: page views with their category,
 * product views from structured data, the funnel from GA4 dataLayer events and from
 * `data-cartbeacon-*` markup, and web vitals. The page is read after its load event in
 * idle time, and again after each SPA navigation; each product is viewed once per page,
 * whichever sources describe it. What the page sent itself through a tracker from
 * createTracker is not sent again on that address: its own page view (and with it the
 * search), the products it viewed, its searches. Never throws into the page.
 */
export function autoCapture(tracker: Tracker, o: AutoOptions = {}): void {
  // A tracker from createTracker counts the page's own calls; auto-capture's go to the one
  // behind it, which does not count them.
  const { calls, tracker: t } = (tracker as { own?: Own }).own || { calls: [], tracker };
  const w = window as { dataLayer?: unknown[] };
  let seen = new Set<unknown>();
  let last: string;
  let hooked = false;

  // Keys (product ids and titles, search queries) met on this page; a repeat is ignored.
  const once = (k: unknown, k2: unknown = k) => !seen.has(k) && !seen.has(k2) && seen.add(k).add(k2);
  const view = (p: Fields) => once(p.productId, p.title) && t.product(p as never);
  const search = (q?: string) => q && once('?' + q) && t.search(q);

  const act: Act = (k, found, x, name) => {
    const list = found.filter(Boolean) as Fields[];
    if (k == 'Product') list.forEach(view);
    else if (BASKET.test(k)) list.forEach((i) => t.basket({ ...line(i), step: k } as never));
    else if (k[0] == '#')
      t.checkout({
        ...x,
        step: k.slice(1),
        totalPrice: x.totalPrice ?? num(list.reduce((s, i) => s + (i.price || 0) * (i.quantity ?? 1), 0)),
        productList: list.map(line),
      } as never);
    else t.custom(name!, { ...x, productList: list.map(line) });
  };
  const dataLayer = fromDataLayer(act, search);
  const markup = fromMarkup(act);

  // Reads the page, once per address: the page view first, then what the page describes.
  function run() {
    try {
      const href = location.href.split('#')[0]!;
      if (href == last) return;
      last = href;
      seen = new Set();
      // What the page sent itself for this address is not sent again.
      let paged = o.pages == false;
      for (const [m, a, at] of calls) {
        if (at.split('#')[0] != href) continue;
        if (m == 'page') paged = true;
        if (m == 'product') once(a?.productId, a?.title);
        if (m == 'search') once('?' + a);
      }
      let [products, types]: ReturnType<typeof structured> = [[], ''];
      try {
        if (o.schema != false) [products, types] = structured();
      } catch {
        // markup of a shape no one expected: the page view still goes
      }
      // Markup on the page itself (not on buttons): products, and checkout steps.
      const marks =
        o.markup != false
          ? [...document.querySelectorAll<HTMLElement>('[data-cartbeacon]')].filter((el) => !BASKET.test(kind(el)))
          : [];
      const steps = marks.filter((el) => kind(el) != 'Product' || !products.push(product(data(el))));
      const dl = o.dataLayer != false && !hooked && (w.dataLayer ||= []);
      if (!paged) {
        // What the markup and the dataLayer held before load tell the category too.
        const c = o.category || category(types + marks.map(kind) + (dl && dl.map((e) => GA4[eventName(e)])));
        // The event API: a product page's subcategory is its product's category.
        t.page({ category: c, subCategory: products.find(Boolean)?.category });
        if (c == 'Search Page') search(query());
      }
      act('Product', products, {});
      steps.forEach(markup);
      if (dl) {
        // What the dataLayer held before, then every later push.
        hooked = true;
        dl.forEach(dataLayer);
        const push = dl.push;
        dl.push = (...a) => (a.forEach(dataLayer), push.apply(dl, a));
      }
    } catch {
      // never throw into the host page
    }
  }

  try {
    const start = () =>
      idle(() => {
        run();
        if (o.vitals) o.vitals();
      });
    if (document.readyState == 'complete') start();
    else addEventListener('load', start);
    // Left before the idle time came: read the page now. In the capture phase, so that
    // this comes before the tracker's own pagehide, which hands the page's events to
    // sendBeacon.
    addEventListener('pagehide', run, true);
    watchHistory(() => idle(run));
    if (o.markup != false) {
      const basket = (e: Event) => {
        const el = (e.target as Element).closest?.<HTMLElement>('[data-cartbeacon=add],[data-cartbeacon=remove]');
        if (el && (e.type == 'submit') == (el.tagName == 'FORM')) markup(el);
      };
      for (const type of ['click', 'submit']) document.addEventListener(type, basket, true);
      o.early?.forEach(basket);
    }
  } catch {
    // never throw into the host page
  }
}
