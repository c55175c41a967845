import { product } from './product';
import type { Fields } from './util';

/** The microdata item of `el` (itemscope): its own itemprops, nested items as objects. */
function item(el: Element): Fields {
  const o: Fields = {};
  el.querySelectorAll('[itemprop]').forEach((p: any) => {
    if (p.parentElement.closest('[itemscope]') == el)
      o[p.getAttribute('itemprop')] ??= p.hasAttribute('itemscope')
        ? item(p)
        : p.getAttribute('content') ?? p.href ?? p.src ?? p.textContent.trim();
  });
  return o;
}

/**
 * The products this page describes for search engines, and the schema.org types it
 * declares (for the page category; "Product" when it describes one): top-level JSON-LD
 * nodes (an object, an array, an @graph, a WebPage's mainEntity), microdata Products that
 * are no other item's property, and when neither has one, the Open Graph product tags.
 * Products inside lists (an ItemList on a category page) are no views. Malformed JSON-LD
 * is skipped.
 */
export function structured(): [products: (Fields | undefined)[], types: string] {
  const found: (Fields | undefined)[] = [];
  const og: Fields = {};
  let types = '';
  const walk = (n: any): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n == 'object') {
      const t = '' + n['@type'];
      types += t;
      if (/Product/.test(t)) found.push(product(n));
      else walk(n['@graph']), walk(n.mainEntity);
    }
  };
  document.querySelectorAll('script[type="application/ld+json"]').forEach((s) => {
    try {
      walk(JSON.parse(s.textContent!));
    } catch {
      // malformed JSON-LD (a trailing comma, an HTML comment): not ours to fix
    }
  });
  document
    .querySelectorAll('[itemscope][itemtype*="schema.org/Product"]:not([itemprop])')
    .forEach((el) => found.push(product(item(el))));
  // og:title → title, product:price:amount → price:amount, …
  document
    .querySelectorAll<HTMLMetaElement>('meta[property]')
    .forEach((m) => (og[m.getAttribute('property')!.replace(/^(og|product):/, '')] ??= m.content));
  if (!found.length && /^product/.test(og.type))
    found.push(product({ ...og, sku: og.retailer_item_id, price: og['price:amount'], currency: og['price:currency'] }));
  return [found, found.length ? types + 'Product' : types];
}
