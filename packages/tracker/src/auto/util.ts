/** Event fields as the auto-capture sources find them (the event API's names, values not yet checked). */
export type Fields = Record<string, any>;

/**
 * Sends what a `kind` (see GA4 in datalayer.ts) means for a list of products; `x` holds the
 * checkout fields (totalPrice, currency, orderNo), `name` the GA4 event name.
 */
export type Act = (kind: string, list: (Fields | undefined)[], x: Fields, name?: string) => void;

/**
 * A price or quantity as a number, or undefined. Numbers are themselves; a string in
 * schema.org's number form ('.' the decimal point, an optional exponent: "0.125",
 * "12.500", "2.5e3"), as JSON-LD and microdata `content` values must be, is that number.
 * Any other text gives its first amount, as shops write it ("$ 281.40 $ 265.70" → 281.4,
 * "1.299,00 €", "CHF 1'299.00", "1 299,00 €", "₹1,29,999.00"): with '.' and ',' both in
 * it, the last one is the decimal point; with one of them only, it groups thousands when
 * repeated or followed by exactly three digits ("1.299", "1,299"), else it is the decimal
 * point ("19,90"). Rounded to 6 decimals, because 0.1 + 0.2 has 17 and the collector
 * takes at most 10.
 */
export const num = (v: unknown): number | undefined => {
  const s = ('' + v).trim();
  let n = /^[\d.e+-]+$/i.test(s) ? +s : NaN;
  const m = isNaN(n) && /-?\s*\d+(?:[.,]\d+|[\s']\d{3}(?!\d))*/.exec(s);
  if (m) {
    // a: the amount's sign, digits and separators; i: its last separator, h: what precedes it;
    // d: whether that separator is the decimal point. Every other separator groups digits.
    const a = m[0].replace(/[\s']/g, '');
    const i = a.search(/[.,]\d*$/);
    const h = a.slice(0, i);
    const d = /[.,]/.test(h) ? !h.includes(a[i]!) : a.length - i != 4;
    n = +a.replace(/[.,]/g, (_, j) => (j == i && d ? '.' : ''));
  }
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
