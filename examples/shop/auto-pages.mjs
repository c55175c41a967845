/**
 * Two small shops whose pages carry the cartbeacon script tag and nothing else of
 * cartbeacon: no tracker call anywhere. One describes itself with `data-cartbeacon-*`
 * markup only, the other with GA4 `dataLayer` pushes only (Google Tag Manager style and
 * gtag.js style). Auto-capture turns either into the whole funnel: page views with their
 * category, product view, basket add and remove, the four checkout steps, a search.
 *
 * Plain JavaScript, so that the demo shop (examples/, plain Node) can serve the same
 * pages that the browser tests drive (test/browser/autocapture.test.ts):
 *
 *   import { autoShopPages } from './auto-pages.mjs';
 *   const page = autoShopPages({ collector: 'http://localhost:8080', apiKey, base: '/shop/auto/' });
 *   page('/shop/auto/markup/product/mug-1'); // the HTML, or undefined for no such page
 */

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A value for an inline script: JSON that cannot close the script element. */
const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');

const CURRENCY = 'EUR';
const MUG = { id: 'mug-1', title: 'Enamel Mug', price: 12.5, brand: 'Campfire', category: 'Kitchen > Mugs' };
const POT = { id: 'pot-2', title: 'Coffee Pot', price: 24, brand: 'Campfire', category: 'Kitchen > Coffee' };
const SHIRT = { id: 'LS-4401', title: 'Linen Shirt', price: 59, brand: 'Northwind', category: 'Shirts' };
const TEE = { id: 'TEE-7', title: 'Organic Tee', price: 19.9, brand: 'Northwind', category: 'Shirts' };

/**
 * Every page's shell: the one script tag a shop pastes (with the site's extra attributes
 * and the page's own `tag` attributes), `head` before it (dataLayer pushes usually come first).
 */
function layout(site, { title, head = '', body, bodyAttrs = '', tag = '' }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="icon" href="${esc(site.collector)}/favicon.svg" type="image/svg+xml">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}
.hero{height:14rem;background:linear-gradient(120deg,#6b3e26,#d9a066);border-radius:.5rem}
button,.button{font:inherit;padding:.4rem .9rem;cursor:pointer}</style>
${head}
<script async src="${esc(site.collector)}/cartbeacon.js" data-key="${esc(site.apiKey)}"${site.attrs ? ' ' + site.attrs : ''}${tag}></script>
</head>
<body${bodyAttrs}>
<nav><a href="${site.base}markup/">Markup shop</a> · <a href="${site.base}gtm/">dataLayer shop</a></nav>
${body}
</body>
</html>
`;
}

/** A data-cartbeacon line: what basket, checkout and purchase containers list. */
const markupLine = (p, quantity) =>
  `<li data-cartbeacon-product-id="${p.id}" data-cartbeacon-price="${p.price}" data-cartbeacon-currency="${CURRENCY}" data-cartbeacon-quantity="${quantity}">${esc(p.title)} × ${quantity}</li>`;

const MARKUP_BASKET = [
  [MUG, 2],
  [POT, 1],
];
const total = (lines) => Math.round(lines.reduce((s, [p, q]) => s + p.price * q, 0) * 100) / 100;

/** The markup shop: `data-cartbeacon-*` attributes only. */
function markupPage(site, path) {
  const b = `${site.base}markup/`;
  const lines = MARKUP_BASKET.map(([p, q]) => markupLine(p, q)).join('\n    ');
  switch (path) {
    case '':
      // No address pattern says "home" under a sub-path: the attribute does.
      return layout(site, {
        title: 'Campfire Goods',
        bodyAttrs: ' data-cartbeacon-page="Home Page"',
        body: `<h1>Campfire Goods</h1><div class="hero"></div>
<p><a href="${b}product/${MUG.id}">${esc(MUG.title)}</a> · <a href="${b}product/${POT.id}">${esc(POT.title)}</a></p>
<form action="${b}search"><input name="q" aria-label="Search"> <button>Search</button></form>`,
      });
    case `product/${MUG.id}`:
    case `product/${POT.id}`: {
      const p = path.endsWith(MUG.id) ? MUG : POT;
      return layout(site, {
        title: p.title,
        body: `<main data-cartbeacon="product" data-cartbeacon-product-id="${p.id}" data-cartbeacon-title="${esc(p.title)}"
      data-cartbeacon-price="${p.price}" data-cartbeacon-currency="${CURRENCY}" data-cartbeacon-brand="${esc(p.brand)}"
      data-cartbeacon-category="${esc(p.category)}">
  <h1>${esc(p.title)}</h1><div class="hero"></div>
  <p>€${p.price.toFixed(2)}</p>
  <form id="add" action="${b}basket" data-cartbeacon="add">
    <label>Quantity <input name="quantity" type="number" value="2" min="1"></label>
    <button id="add-button">Add to basket</button>
  </form>
</main>`,
      });
    }
    case 'basket':
      return layout(site, {
        title: 'Your basket',
        body: `<h1>Your basket</h1>
<section data-cartbeacon="basket" data-cartbeacon-total-price="${total(MARKUP_BASKET)}" data-cartbeacon-currency="${CURRENCY}">
  <ul>
    ${lines}
  </ul>
</section>
<p data-cartbeacon-product-id="${POT.id}" data-cartbeacon-price="${POT.price}" data-cartbeacon-currency="${CURRENCY}" data-cartbeacon-quantity="1">
  <button id="remove" type="button" data-cartbeacon="remove">Remove the coffee pot</button>
</p>
<p><a id="to-checkout" class="button" href="${b}checkout">Checkout</a></p>`,
      });
    case 'checkout':
      return layout(site, {
        title: 'Checkout: your details',
        body: `<main data-cartbeacon="customer" data-cartbeacon-total-price="${total(MARKUP_BASKET)}" data-cartbeacon-currency="${CURRENCY}">
  <h1>Your details</h1>
  <ul>
    ${lines}
  </ul>
  <form id="details" action="${b}payment"><input name="email" value="ann@example.com" aria-label="Email"> <button id="to-payment">Continue to payment</button></form>
</main>`,
      });
    case 'payment':
      return layout(site, {
        title: 'Checkout: payment',
        body: `<main data-cartbeacon="payment" data-cartbeacon-total-price="${total(MARKUP_BASKET)}" data-cartbeacon-currency="${CURRENCY}">
  <h1>Payment</h1>
  <ul>
    ${lines}
  </ul>
  <form id="pay" action="${b}thanks"><button id="pay-button">Pay €${total(MARKUP_BASKET).toFixed(2)}</button></form>
</main>`,
      });
    case 'thanks':
      return layout(site, {
        title: 'Thank you',
        body: `<main data-cartbeacon="purchase" data-cartbeacon-order-no="CG-1001" data-cartbeacon-total-price="${total(MARKUP_BASKET)}" data-cartbeacon-currency="${CURRENCY}">
  <h1>Thank you! Your order CG-1001 is on its way.</h1>
  <ul>
    ${lines}
  </ul>
</main>`,
      });
    case 'search':
      // /search?q=… is a search page by its address; the query comes from it too.
      return layout(site, {
        title: 'Search',
        body: `<h1>Search results</h1><p><a href="${b}product/${MUG.id}">${esc(MUG.title)}</a></p>`,
      });
    default:
      return undefined;
  }
}

/** GA4 items of the dataLayer shop. */
const item = (p, quantity) => ({ item_id: p.id, item_name: p.title, item_brand: p.brand, item_category: p.category, price: p.price, quantity });
const GTM_BASKET = [
  [SHIRT, 1],
  [TEE, 2],
];
const ecommerce = (lines, extra = {}) => ({ currency: CURRENCY, value: total(lines), items: lines.map(([p, q]) => item(p, q)), ...extra });

/** Pushes before the script tag, as a tag manager's data layer usually is. */
const pushes = (...entries) =>
  `<script>
  window.dataLayer = window.dataLayer || [];
  ${entries.map((e) => `dataLayer.push(${json(e)});`).join('\n  ')}
</script>`;

/** The dataLayer shop: GA4 ecommerce pushes only. */
function dataLayerPage(site, path) {
  const b = `${site.base}gtm/`;
  switch (path) {
    case '':
      // Its list of products would make it a category page; the script tag says otherwise.
      return layout(site, {
        title: 'Northwind Outfitters',
        tag: ' data-category="Home Page"',
        head: pushes({ event: 'view_item_list', ecommerce: { item_list_id: 'home', item_list_name: 'Featured', items: [item(SHIRT, 1), item(TEE, 1)] } }),
        body: `<h1>Northwind Outfitters</h1><div class="hero"></div>
<p><a href="${b}products/linen-shirt">${esc(SHIRT.title)}</a></p>`,
      });
    case 'products/linen-shirt':
      return layout(site, {
        title: SHIRT.title,
        head: pushes({ ecommerce: null }, { event: 'view_item', ecommerce: ecommerce([[SHIRT, 1]]) }),
        body: `<h1>${esc(SHIRT.title)}</h1><div class="hero"></div>
<button id="add">Add to cart</button>
<script>
  document.getElementById('add').addEventListener('click', function () {
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'add_to_cart', ecommerce: ${json(ecommerce([[SHIRT, 1]]))} });
    location.href = ${json(`${b}cart`)};
  });
</script>`,
      });
    case 'cart':
      return layout(site, {
        title: 'Your cart',
        head: pushes({ ecommerce: null }, { event: 'view_cart', ecommerce: ecommerce(GTM_BASKET) }),
        body: `<h1>Your cart</h1>
<ul><li>${esc(SHIRT.title)} × 1</li><li id="tee">${esc(TEE.title)} × 2 <button id="remove">Remove</button></li></ul>
<p><a id="to-checkout" class="button" href="${b}checkout">Check out</a></p>
<script>
  document.getElementById('remove').addEventListener('click', function () {
    dataLayer.push({ ecommerce: null });
    dataLayer.push({ event: 'remove_from_cart', ecommerce: ${json(ecommerce([[TEE, 1]]))} });
    document.getElementById('tee').textContent = 'Organic Tee × 1';
  });
</script>`,
      });
    case 'checkout':
      // gtag.js style: the arguments object goes onto the dataLayer.
      return layout(site, {
        title: 'Checkout',
        head: `<script>
  window.dataLayer = window.dataLayer || [];
  function gtag() { dataLayer.push(arguments); }
  gtag('js', new Date());
  gtag('event', 'begin_checkout', ${json(ecommerce(GTM_BASKET))});
</script>`,
        body: `<h1>Checkout</h1>
<form id="checkout"><input name="email" value="ann@example.com" aria-label="Email"> <button id="place-order">Place order</button></form>
<script>
  document.getElementById('checkout').addEventListener('submit', function (e) {
    e.preventDefault();
    gtag('event', 'add_shipping_info', ${json(ecommerce(GTM_BASKET, { shipping_tier: 'Standard' }))});
    gtag('event', 'add_payment_info', ${json(ecommerce(GTM_BASKET, { payment_type: 'Credit Card' }))});
    location.href = ${json(`${b}checkout/thank-you`)};
  });
</script>`,
      });
    case 'checkout/thank-you':
      return layout(site, {
        title: 'Thank you for your order',
        head: pushes({ ecommerce: null }, { event: 'purchase', ecommerce: ecommerce(GTM_BASKET, { transaction_id: 'NW-5001', tax: 0, shipping: 0 }) }),
        body: `<h1>Thank you! Order NW-5001 is confirmed.</h1>`,
      });
    case 'search':
      return layout(site, {
        title: 'Search',
        head: `<script>
  window.dataLayer = window.dataLayer || [];
  dataLayer.push({ event: 'search', search_term: new URLSearchParams(location.search).get('q') });
</script>`,
        body: `<h1>Search results</h1>`,
      });
    default:
      return undefined;
  }
}

/**
 * The pages of both shops under `base`: `${base}markup/…` and `${base}gtm/…`.
 * @param {{ collector: string, apiKey: string, base?: string, attrs?: string }} site
 *   the collector's base URL (no trailing slash), the account's API key, where the pages
 *   live (default "/"), and extra attributes for the script tag (e.g. 'data-vitals="false"')
 * @returns {(path: string) => string | undefined} the HTML of a page by its path (no query string)
 */
export function autoShopPages(site) {
  const s = { base: '/', ...site };
  return (path) => {
    if (!path.startsWith(s.base)) return undefined;
    const rest = path.slice(s.base.length);
    if (rest.startsWith('markup/')) return markupPage(s, rest.slice(7).replace(/\/$/, ''));
    if (rest.startsWith('gtm/')) return dataLayerPage(s, rest.slice(4).replace(/\/$/, ''));
    return undefined;
  };
}

/** The paths of the two funnels, in the order a visitor goes through them (for the tests and the demo's links). */
export const FUNNELS = {
  markup: ['markup/', `markup/product/${MUG.id}`, 'markup/basket', 'markup/checkout', 'markup/payment', 'markup/thanks'],
  dataLayer: ['gtm/', 'gtm/products/linen-shirt', 'gtm/cart', 'gtm/checkout', 'gtm/checkout/thank-you'],
};

/** What the pages sell, for the tests' expectations. */
export const CATALOG = { MUG, POT, SHIRT, TEE, CURRENCY, MARKUP_BASKET, GTM_BASKET, total };
