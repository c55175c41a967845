import { product } from './product';
import { num } from './util';
import type { Act, Fields } from './util';

/** Elements that carry a product's fields; basket buttons and checkout lines read them. */
const PRODUCT = '[data-cartbeacon-product-id]';

/**
 * The `data-cartbeacon-*` attributes of `el` as event fields, named as in the event API:
 * data-cartbeacon-product-id → productId, data-cartbeacon-total-price → totalPrice.
 * Prices and quantities become numbers.
 */
export function data(el: Element | null): Fields {
  const f: Fields = {};
  const d: any = (el as HTMLElement | null)?.dataset;
  for (const k in d) {
    const m = /^cartbeacon(.)(.*)/.exec(k);
    if (m) {
      const n = m[1]!.toLowerCase() + m[2];
      f[n] = /price|quantity/i.test(n) ? num(d[k]) : d[k];
    }
  }
  return f;
}

/**
 * The kind (see GA4) that `data-cartbeacon` names: "product", "add", "remove", or a checkout
 * step ("basket", "customer", "payment", "purchase") as "#step".
 */
export const kind = (el: HTMLElement): string => {
  const v = el.dataset.cartbeacon!;
  return v == 'product' ? 'Product' : /^(add|remove)$/.test(v) ? v : '#' + v;
};

/**
 * What an element with `data-cartbeacon` does. A basket button or form takes its product
 * from its own attributes over those of the closest element with a product id, and its
 * quantity from the form's `quantity` field when it has no attribute for it. A checkout
 * step lists the products marked inside it, else those of the whole page.
 */
export const fromMarkup =
  (act: Act) =>
  (el: HTMLElement): void => {
    try {
      const k = kind(el);
      const f = { ...data(el.closest(PRODUCT)), ...data(el) };
      f.quantity ??= el.closest('form')?.querySelector<HTMLInputElement>('[name=quantity]')?.value;
      act(
        k,
        k[0] == '#' ? [...(el.querySelector(PRODUCT) ? el : document).querySelectorAll(PRODUCT)].map((x) => product(data(x))) : [product(f)],
        f,
      );
    } catch {
      // never throw into the host page
    }
  };
