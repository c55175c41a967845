import { createTracker } from './tracker';
import type { Tracker } from './tracker';

/**
 * The script-tag build. `<script async src="https://COLLECTOR/cartbeacon.js" data-key="KEY">`
 * posts to the collector it was loaded from, replays the calls queued in
 * `window.cartbeacon` before it loaded, and replaces the queue by the tracker, whose
 * `push([...])` keeps working. Options come from data attributes:
 * `data-category`, `data-consent="required"`, `data-auto="false"` (no automatic page
 * views), `data-respect-dnt="false"`, `data-test-mode`, `data-debug`.
 */
type Call = [method: keyof Tracker, ...args: unknown[]];
type Global = Tracker & { push(call: Call): void };

const w = window as unknown as { cartbeacon?: Call[] | Global };
const queued = w.cartbeacon;
if (!queued || Array.isArray(queued)) {
  try {
    const script = (document.currentScript ||
      document.querySelector('script[data-key][src*="cartbeacon"]')) as HTMLScriptElement;
    const d = script.dataset;
    const tracker = createTracker({
      endpoint: new URL('.', script.src).href,
      apiKey: d.key || '',
      category: d.category,
      requireConsent: d.consent === 'required',
      pageViews: d.auto !== 'false',
      respectOptOut: d.respectDnt !== 'false',
      testMode: d.testMode != null && d.testMode !== 'false',
      debug: d.debug != null,
    });
    const api = {
      ...tracker,
      push: ([method, ...args]: Call) => {
        try {
          (tracker[method] as (...a: unknown[]) => unknown)(...args);
        } catch {
          // an unknown method or bad arguments in the page's queue: ignore it
        }
      },
    };
    w.cartbeacon = api;
    queued?.forEach(api.push);
  } catch {
    // never throw into the host page
  }
}
