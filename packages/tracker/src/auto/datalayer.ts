import { product } from './product';
import { num, txt } from './util';
import type { Act, Fields } from './util';

/**
 * GA4 ecommerce events and what each one is here: the funnel steps are the event API's step
 * values ("#" for a checkout step); view_item, view_item_list and search are named after
 * the schema.org page type they imply, so that the same word tells the page category
 * (category.ts). refund and view_item_list go as custom events of their own name.
 */
export const GA4: Record<string, string> = {
  view_item: 'Product',
  add_to_cart: 'add',
  remove_from_cart: 'remove',
  view_cart: '#basket',
  begin_checkout: '#customer',
  add_shipping_info: '#customer',
  add_payment_info: '#payment',
  purchase: '#purchase',
  refund: 'refund',
  view_item_list: 'CollectionPage',
  search: 'SearchResultsPage',
};

/**
 * The GA4 event name of a dataLayer entry: `{ event }` from Google Tag Manager pushes, or
 * the arguments of `gtag('event', name, params)`, which gtag.js pushes as they are.
 */
export const eventName = (e: any): string => (e?.[0] == 'event' ? e[1] : e?.event);

/**
 * A reader of dataLayer entries, in order, as Google Tag Manager reads them: an entry's
 * `ecommerce` stays in effect for later events until the next one or the
 * `{ ecommerce: null }` reset that GA4 asks for; gtag.js events carry their own.
 */
export function fromDataLayer(act: Act, search: (q?: string) => unknown): (entry: any) => void {
  let model: Fields | null;
  return (e) => {
    try {
      const name = eventName(e);
      const k = GA4[name];
      const p = e[0] ? e[2] : e;
      if (!e[0] && 'ecommerce' in e) model = e.ecommerce;
      const eco = e[0] ? p : model;
      if (k == 'SearchResultsPage') search(p.search_term);
      else if (k && eco)
        act(
          k,
          (eco.items || []).map((i: Fields) => product({ ...i, currency: eco.currency })),
          { totalPrice: num(eco.value), currency: eco.currency, orderNo: txt(eco.transaction_id), listName: eco.item_list_name },
          name,
        );
    } catch {
      // an entry of a shape GA4 does not know
    }
  };
}
