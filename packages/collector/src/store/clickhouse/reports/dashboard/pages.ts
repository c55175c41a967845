import type { PageRow, ProductRow, TopQuery } from '../../../queries.js';
import type { Db } from '../../db.js';
import { inList, literal, quote } from '../../sql.js';
import { countedRows } from '../counted.js';
import { moneyOf, PURCHASE } from './common.js';

/**
 * The page URL's path, as DuckDB's dashboard finds it: after the scheme and host, up to
 * `?` or `#`; `/` when empty; NULL without a URL (extract and the comparison keep NULL).
 */
const PAGE_PATH = `if((extract(page_url, ${quote('^(?:[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*)?([^?#]*)')}) AS path) = '', '/', path)`;

/** Page views and distinct visitors per path, most viewed first, then by path (NULL last). */
export async function topPages(db: Db, q: TopQuery): Promise<PageRow[]> {
  const rows = await countedRows(db, q.accountId, q.start, q.end);
  const pages = await db.query<{ page: string | null; page_views: string; visitors: string }>(
    `SELECT page, count() AS page_views, uniqExact(user_id) AS visitors
     FROM (SELECT ${PAGE_PATH} AS page, user_id ${rows} AND name = 'PAGE_VIEW')
     GROUP BY page ORDER BY page_views DESC, page ASC NULLS LAST LIMIT ${literal(q.limit)}`,
  );
  return pages.map((p) => ({ page: p.page ?? null, pageViews: Number(p.page_views), visitors: Number(p.visitors) }));
}

/**
 * Products: views and adds from their events, purchases (distinct purchase events whose
 * lines hold the product) from the purchases' line columns (product-lines.ts), ranked
 * together; then the top products' revenue per currency (the line's, else the purchase's,
 * else the account's), only priced lines.
 */
export async function topProducts(db: Db, q: TopQuery): Promise<ProductRow[]> {
  const rows = await countedRows(db, q.accountId, q.start, q.end);
  const zero = 'toUInt64(0)';
  const top = await db.query<{ product: string; views: string; adds: string; purchases: string }>(
    `SELECT product, sum(v) AS views, sum(a) AS adds, sum(p) AS purchases FROM (
       SELECT assumeNotNull(product_id) AS product, countIf(name = 'PRODUCT_VIEW') AS v,
         countIf(name = 'BASKET_OPERATIONS' AND ifNull(step = 'add', 0)) AS a, ${zero} AS p
       ${rows} AND name IN ('PRODUCT_VIEW', 'BASKET_OPERATIONS') AND product_id IS NOT NULL
       GROUP BY product
       UNION ALL
       SELECT product, ${zero} AS v, ${zero} AS a, uniqExact(event_id) AS p
       FROM (SELECT event_id, line_products ${rows} AND ${PURCHASE}) ARRAY JOIN line_products AS product
       GROUP BY product
     )
     GROUP BY product ORDER BY purchases DESC, adds DESC, views DESC, product ASC LIMIT ${literal(q.limit)}`,
  );
  if (!top.length) return [];
  const revenue = await db.query<{ product: string; cur: string; value: string }>(
    `SELECT product, if(line_currency != '', line_currency, ifNull(currency, ${quote(q.currency)})) AS cur, toString(sum(amount)) AS value
     FROM (SELECT currency, line_products, line_currencies, line_amounts, line_priced ${rows} AND ${PURCHASE})
     ARRAY JOIN line_products AS product, line_currencies AS line_currency, line_amounts AS amount, line_priced AS priced
     WHERE priced = 1 AND product IN ${inList(top.map((t) => t.product))}
     GROUP BY product, cur ORDER BY cur`,
  );
  return top.map((t) => ({
    product: t.product,
    views: Number(t.views),
    adds: Number(t.adds),
    purchases: Number(t.purchases),
    revenue: moneyOf(revenue.filter((r) => r.product === t.product)),
  }));
}
