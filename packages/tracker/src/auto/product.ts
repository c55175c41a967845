import { num, txt } from './util';
import type { Fields } from './util';

/**
 * The variant whose address is this page's (the host may differ: a shop's other domain).
 * The page's address is read once: a ProductGroup may list hundreds of variants.
 */
const shown = (v: Fields[]) => {
  const { href, pathname, search } = location;
  return v.find((x) => {
    try {
      const url = x?.url || x?.offers?.url || x?.['@id'];
      const u = url && new URL(url, href);
      return u && u.pathname + u.search == pathname + search;
    } catch {
      return false;
    }
  });
};

/**
 * PRODUCT_VIEW fields from whatever describes a product: a schema.org Product or
 * ProductGroup (JSON-LD, or microdata read into the same shape), Open Graph product tags,
 * a GA4 item, or data-cartbeacon-* fields. Its price comes from `offers` (an Offer, an
 * AggregateOffer's lowPrice, a list of offers, a priceSpecification) or from the product
 * itself. A ProductGroup takes what it lacks from the variant shown: the one whose url is
 * this page, else the first. No id, no product.
 */
export function product(p: Fields): Fields | undefined {
  const v: Fields[] = p.hasVariant && [].concat(p.hasVariant);
  // Shopify names a variant's address in its @id or its offer's url.
  if (v) p = { ...(shown(v) || v[0]), ...p };
  const o: Fields = [].concat(p.offers || p)[0]!;
  const s: Fields = [].concat(o.priceSpecification || o)[0]!;
  const stock = txt(o.availability ?? p.availability);
  const productId = txt(p.productId ?? p.item_id ?? p.productGroupID ?? p.sku ?? p.productID ?? p.mpn ?? o.sku ?? p.url ?? p.item_name);
  return productId
    ? {
        productId,
        title: txt(p.title ?? p.name ?? p.item_name),
        url: txt(p.url) || location.href,
        image: txt(p.image, 'url'),
        brand: txt(p.brand ?? p.item_brand),
        category: txt(p.category ?? p.item_category),
        price: num(o.price ?? o.lowPrice ?? s.price),
        currency: txt(o.priceCurrency ?? o.currency ?? s.priceCurrency),
        inStock: p.inStock ?? (stock && !/out.?of|sold|disc|^oos/i.test(stock)),
        quantity: num(p.quantity),
      }
    : undefined;
}

/** A basket line (the event API's "Basket Product Parameters"); one item when not given. */
export const line = ({ productId, price, currency, quantity }: Fields): Fields => ({
  productId,
  price,
  currency,
  quantity: quantity ?? 1,
});
