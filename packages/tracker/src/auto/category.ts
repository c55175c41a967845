/**
 * Page categories (the event API's predefined values), first match wins. Each rule is tested on
 * "TYPES PATH SEARCH": TYPES holds the page's schema.org @types ("Product" when it
 * describes a product) and the `#step` kinds of its markup and dataLayer (see GA4), so
 * that structured data and markup come before the address. Home comes before Category
 * because home pages list products too.
 */
const RULES: [RegExp, string][] = [
  [/SearchResultsPage|\/(catalog)?search|[?&](q|s|query|search_query)=/, 'Search Page'],
  [/#basket|\/(cart|basket|bag)\b/, 'Basket Page'],
  [/#(customer|payment|purchase)|CheckoutPage|\/checkout|thank|order-received/, 'Checkout Page'],
  [/Product|\/(products?|p|dp|item)\/./, 'Product Page'],
  [/ \/([a-z]{2}(-[a-z]{2})?\/?)?(index\.\w+)? /, 'Home Page'],
  [/CollectionPage|[/-](collections?|categor(y|ies)|c)\/./, 'Category Page'],
];

/**
 * The category of this page: a `data-cartbeacon-page` attribute, else "404 Page" when the
 * navigation answered 404 (or the title says so), else the first rule that matches,
 * else "Page".
 */
export function category(types: string): string {
  const nav = performance.getEntriesByType?.('navigation')[0] as { responseStatus?: number } | undefined;
  const s = `${types} ${location.pathname} ${location.search}`;
  return (
    document.querySelector<HTMLElement>('[data-cartbeacon-page]')?.dataset.cartbeaconPage ||
    (nav?.responseStatus == 404 || /\b404\b|not found/i.test(document.title)
      ? '404 Page'
      : RULES.find(([r]) => r.test(s))?.[1] || 'Page')
  );
}

/** The search query of this address (?q=, ?s=, ?query=, ?search_query=), if any. */
export const query = (): string | undefined => {
  const p = new URLSearchParams(location.search);
  return ['q', 's', 'query', 'search_query'].map((k) => p.get(k)).find(Boolean)!;
};
