/** Event fields as the auto-capture sources find them (the event API's names, values not yet checked). */
export type Fields = Record<string, any>;

/**
 * Sends what a `kind` (see GA4 in datalayer.ts) means for a list of products; `x` holds the
 * checkout fields (totalPrice, currency, orderNo), `name` the GA4 event name.
 */
export type Act = (kind: string, list: (Fields | undefined)[], x: Fields, name?: string) => void;

/**
 * A price or quantity as a number, or undefined: numbers as they are, strings as shops
 * write them ("19.90", "19,90 €", "1,299.00", "1.299,00"). A separator followed by exactly
 * three digits groups thousands. Rounded to 6 decimals, because 0.1 + 0.2 has 17 and the
 * collector takes at most 10.
 */
export const num = (v: unknown): number | undefined => {
  const n = typeof v == 'number' ? v : parseFloat(('' + v).replace(/[^\d.,-]/g, '').replace(/[.,](?=\d{3}(\D|$))/g, '').replace(',', '.'));
  return isFinite(n) ? +n.toFixed(6) : undefined;
};

/**
 * Text from a schema.org value: a string or number, an object's `key` (else its
 * contentUrl, name or @value), the first of an array; undefined for nothing.
 */
export const txt = (v: any, key = 'name'): string | undefined =>
  Array.isArray(v)
    ? txt(v[0], key)
    : v && typeof v == 'object'
      ? txt(v[key] ?? v.contentUrl ?? v.name ?? v['@value'])
      : v == null
        ? undefined
        : ('' + v).trim() || undefined;

/**
 * Runs `fn` when the browser is idle (requestIdleCallback, at most 2 s later), or in a
 * task of its own where there is no requestIdleCallback (Safari).
 */
export const idle = (fn: () => void): unknown =>
  (self.requestIdleCallback || setTimeout)(fn, { timeout: 2e3 } as never);
