/** Types of auto-pages.mjs: the markup-only and dataLayer-only shop pages. */
export interface AutoShopSite {
  /** The collector's base URL, no trailing slash. */
  collector: string;
  /** The account's public ingest key. */
  apiKey: string;
  /** Where the pages live; "/" by default. */
  base?: string;
  /** Extra attributes for the script tag, e.g. 'data-vitals="false"'. */
  attrs?: string;
}
export function autoShopPages(site: AutoShopSite): (path: string) => string | undefined;
export const FUNNELS: { markup: string[]; dataLayer: string[] };
interface Product {
  id: string;
  title: string;
  price: number;
  brand: string;
  category: string;
}
export const CATALOG: {
  MUG: Product;
  POT: Product;
  SHIRT: Product;
  TEE: Product;
  CURRENCY: string;
  MARKUP_BASKET: [Product, number][];
  GTM_BASKET: [Product, number][];
  total(lines: [Product, number][]): number;
};
