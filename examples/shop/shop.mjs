/**
 * The demo shop as a Koa app: a coffee shop whose pages carry the cartbeacon snippet and
 * call the tracker. `npm start` mounts it at /shop/ in front of the collector.
 *
 *   import mount from 'koa-mount';
 *   app.use(mount('/shop', createShop({ apiKey })));
 */
import { readFileSync } from 'node:fs';
import Koa from 'koa';
import { PRODUCTS, productById } from './catalog.mjs';
import {
  accountPage,
  cartPage,
  categoryPage,
  customerPage,
  homePage,
  layout,
  notFoundPage,
  paymentPage,
  productImage,
  productPage,
  searchPage,
  thankYouPage,
} from './pages.mjs';
import { autoShopPages } from './auto-pages.mjs';

const asset = (name) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');
const ASSETS = {
  'assets/shop.js': { type: 'application/javascript; charset=utf-8', body: asset('shop.js') },
  'assets/shop.css': { type: 'text/css; charset=utf-8', body: asset('shop.css') },
};
const IMAGES = Object.fromEntries(PRODUCTS.map((p) => [`img/${p.id}.svg`, productImage(p)]));

/**
 * @typedef {object} ShopOptions
 * @property {string} apiKey The account's public ingest key, the snippet's data-key.
 * @property {string} [collector] The collector's base URL, e.g. "https://collector.example"
 *   (no trailing slash). Default: the origin the page was requested on, for a shop
 *   served by the collector itself.
 */

/**
 * The demo shop. Its links follow where it is mounted (koa-mount's `ctx.mountPath`).
 * @param {ShopOptions} options
 * @returns {Koa}
 */
export function createShop(options) {
  if (!options?.apiKey) throw new TypeError('createShop: apiKey is required');
  const app = new Koa();

  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const base = `${(ctx.mountPath ?? '').replace(/\/$/, '')}/`;
    // Mounted at /shop, "/shop" itself: send the visitor to "/shop/", the home page's one
    // address (one URL per page keeps the page views apart).
    if (ctx.mountPath && ctx.mountPath !== '/' && ctx.originalUrl.split('?')[0] === ctx.mountPath) {
      ctx.redirect(base + (ctx.querystring ? `?${ctx.querystring}` : ''));
      return undefined;
    }
    const path = ctx.path.replace(/^\//, '');

    const file = ASSETS[path];
    if (file) {
      ctx.type = file.type;
      ctx.body = file.body;
      return undefined;
    }
    if (IMAGES[path]) {
      ctx.type = 'image/svg+xml';
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.body = IMAGES[path];
      return undefined;
    }

    // This server's own address. (Koa 3's ctx.origin is the request's Origin header, which
    // a page request does not carry.)
    const origin = `${ctx.protocol}://${ctx.host}`;
    const site = {
      base,
      origin,
      collector: (options.collector ?? origin).replace(/\/$/, ''),
      apiKey: options.apiKey,
    };
    // Two more shops under auto/ that carry the script tag and no tracker call at all:
    // one described by data-cartbeacon-* markup, one by GA4 dataLayer pushes.
    if (path.startsWith('auto/')) {
      const html = autoShopPages({ collector: site.collector, apiKey: site.apiKey, base: `${base}auto/` })(base + path);
      if (html) {
        ctx.type = 'html';
        ctx.set('Cache-Control', 'no-store');
        ctx.body = html;
        return undefined;
      }
    }
    let page;
    let m;
    if (path === '') page = homePage(site);
    else if ((m = /^category\/([\w-]+)$/.exec(path))) page = categoryPage(site, m[1]);
    else if ((m = /^product\/([\w-]+)$/.exec(path)) && productById(m[1])) page = productPage(site, productById(m[1]));
    else if (path === 'search') page = searchPage(site, String(ctx.query.q ?? ''));
    else if (path === 'cart') page = cartPage(site);
    else if (path === 'checkout/customer') page = customerPage(site);
    else if (path === 'checkout/payment') page = paymentPage(site);
    else if (path === 'thank-you') page = thankYouPage(site);
    else if (path === 'account') page = accountPage(site);
    if (!page) {
      ctx.status = 404;
      page = notFoundPage(site);
    }
    ctx.type = 'html';
    // The pages carry per-visitor state in their scripts only; caching them is safe but
    // a demo is easier to follow without it.
    ctx.set('Cache-Control', 'no-store');
    ctx.body = layout(site, page);
    return undefined;
  });
  return app;
}
