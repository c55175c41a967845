import { createTracker } from './tracker';
import type { Tracker } from './tracker';
import type { AutoOptions } from './auto/index';
import type { Own } from './own';

/**
 * The script-tag build. `<script async src="https://COLLECTOR/cartbeacon.js" data-key="KEY">`
 * posts to the collector it was loaded from, replays the calls queued in
 * `window.cartbeacon` before it loaded, and replaces the queue by the tracker, whose
 * `push([...])` keeps working. Options come from data attributes:
 * `data-category`, `data-consent="required"`, `data-auto="false"` (no automatic page
 * views), `data-respect-dnt="false"`, `data-test-mode`, `data-debug`, and one switch per
 * auto-capture source: `data-schema`, `data-datalayer`, `data-markup`, `data-vitals`
 * (`="false"` turns it off).
 */
type Call = [method: keyof Tracker, ...args: unknown[]];
type Global = Tracker & { push(call: Call): void; own: Own };

const w = window as unknown as { cartbeacon?: Call[] | Global };
const queued = w.cartbeacon;
if (!queued || Array.isArray(queued)) {
  try {
    const script = (document.currentScript ||
      document.querySelector('script[data-key][src*="cartbeacon"]')) as HTMLScriptElement;
    const d = script.dataset;
    const on = (k: string) => d[k] !== 'false';
    const endpoint = new URL('.', script.src).href;
    const api = createTracker({
      endpoint,
      apiKey: d.key || '',
      category: d.category,
      requireConsent: d.consent === 'required',
      // auto-capture sends the page views, with their category
      pageViews: false,
      respectOptOut: d.respectDnt !== 'false',
      testMode: d.testMode != null && d.testMode !== 'false',
      debug: d.debug != null,
    }) as Global;
    // Its own calls are the page's; auto-capture's, web vitals' and the fallback page
    // view are not.
    const { tracker } = api.own;
    api.push = ([method, ...args]: Call) => {
      try {
        (api[method] as (...a: unknown[]) => unknown)(...args);
      } catch {
        // an unknown method or bad arguments in the page's queue: ignore it
      }
    };
    w.cartbeacon = api;
    queued?.forEach(api.push);
    // Auto-capture and web vitals are ES modules beside this script on the collector
    // (cartbeacon-auto.js, cartbeacon-vitals.js). Should the first not load, or the page be
    // left before it has, the page view still goes, with the default category.
    const auto: AutoOptions = {
      pages: on('auto'),
      category: d.category,
      schema: on('schema'),
      dataLayer: on('datalayer'),
      markup: on('markup'),
      vitals: on('vitals') && (() => import(endpoint + 'cartbeacon-vitals.js').then((m) => m.v(tracker), () => {})),
    };
    let loaded: unknown;
    // Clicks and submits until the chunk has loaded (a slow network), for it to find the
    // basket buttons among them.
    const early: Event[] = (auto.early = []);
    for (const t of ['click', 'submit']) document.addEventListener(t, (e) => loaded || early.push(e), true);
    const fallback = () => loaded || (auto.pages && tracker.page());
    // In the capture phase, so that it comes before the tracker's own pagehide (its beacon).
    addEventListener('pagehide', fallback, true);
    import(endpoint + 'cartbeacon-auto.js').then(
      (m) => (loaded = m.a(api, auto) || 1),
      () => (fallback(), (loaded = 1)),
    );
  } catch {
    // never throw into the host page
  }
}
