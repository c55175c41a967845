import { onCLS, onFCP, onINP, onLCP, onTTFB } from 'web-vitals';
import type { Metric } from 'web-vitals';
import type { Tracker } from './tracker';

/**
 * Reports the page's Core Web Vitals and their helpers (LCP, INP, CLS, FCP, TTFB) through
 * `tracker`, each when web-vitals has its final value: a CUSTOM_EVENT of type "web_vitals"
 * with `params: { name, value, rating, id, navigationType }` (value in milliseconds, CLS
 * unitless; rating "good", "needs-improvement" or "poor"). It carries the page's browser
 * id, session id and address like every other event of the page.
 */
export function vitals(tracker: Pick<Tracker, 'custom'>): void {
  const report = ({ name, value, rating, id, navigationType }: Metric) =>
    tracker.custom('web_vitals', { name, value: +value.toFixed(4), rating, id, navigationType });
  [onLCP, onINP, onCLS, onFCP, onTTFB].forEach((on) => on(report));
}
