/**
 * The demo shop's pages: plain HTML with a little inline JavaScript. Every page carries
 * the cartbeacon snippet and a page view with the page's category; the other tracker
 * calls sit next to the shop code whose action they record.
 */
import { CATEGORIES, CURRENCY, PRODUCTS, categoryBySlug } from './catalog.mjs';

/** Text for HTML content and attributes. */
export const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** A value for an inline script: JSON that cannot close the script element. */
const json = (v) => JSON.stringify(v).replace(/</g, '\\u003c');

const money = (n) => new Intl.NumberFormat('en-IE', { style: 'currency', currency: CURRENCY }).format(n);

/**
 * The whole page around a body.
 * @param {{ base: string, collector: string, apiKey: string }} site
 * @param {{ title: string, pageView: { category: string, subCategory?: string }, body: string, script?: string }} page
 */
export function layout(site, page) {
  const { base, collector, apiKey } = site;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(page.title)} · Beacon Roasters</title>
<link rel="stylesheet" href="${base}assets/shop.css">
<link rel="icon" href="${escape(collector)}/favicon.svg" type="image/svg+xml">
<script>
  // Calls made before cartbeacon.js has loaded wait in this array and are replayed. This
  // one comes before the script tag: an async script may run as soon as it is loaded
  // (from the cache, at once), and this page view with its category must be the first.
  (window.cartbeacon = window.cartbeacon || []).push(['page', ${json(page.pageView)}]);
</script>
<!-- cartbeacon: the one script tag a shop pastes -->
<script async src="${escape(collector)}/cartbeacon.js" data-key="${escape(apiKey)}"></script>
<script src="${base}assets/shop.js"></script>
</head>
<body>
<header><nav>
  <a class="logo" href="${base}">☕ Beacon Roasters</a>
  ${CATEGORIES.map((c) => `<a href="${base}category/${c.slug}">${escape(c.name)}</a>`).join('\n  ')}
  <form action="${base}search" role="search"><input name="q" type="search" placeholder="Search" aria-label="Search"><button class="secondary">Search</button></form>
  <a href="${base}account">Account</a>
  <a href="${base}cart" id="cart-link">Cart<span id="cart-count"></span></a>
</nav></header>
<main>
${page.body}
</main>
<footer>A demo shop for <a href="${escape(collector)}/">cartbeacon</a>: every page sends its events to ${escape(collector)}.
<br>The same kind of shop, tracked without any code: the <a href="${base}auto/markup/">markup shop</a> (data-cartbeacon-* attributes only) and the <a href="${base}auto/gtm/">dataLayer shop</a> (GA4 dataLayer pushes only).</footer>
${page.script ? `<script>\n${page.script}\n</script>` : ''}
</body>
</html>
`;
}

const productCard = (base, p) => `<article class="card"><a href="${base}product/${p.id}">
  <img src="${base}img/${p.id}.svg" alt="">
  <div><h3>${escape(p.title)}</h3><span class="price">${money(p.price)}</span>${p.oldPrice ? `<span class="old">${money(p.oldPrice)}</span>` : ''}</div>
</a></article>`;

export function homePage({ base }) {
  return {
    title: 'Fresh coffee',
    pageView: { category: 'Home Page' },
    body: `<h1>Freshly roasted, shipped the same week</h1>
<div class="grid">
${PRODUCTS.map((p) => productCard(base, p)).join('\n')}
</div>
<h2>Our newsletter</h2>
<form id="newsletter"><input name="email" type="email" placeholder="you@example.com" required aria-label="Email"> <button>Subscribe</button></form>
<p id="newsletter-done" class="notice" hidden>Thank you! Your first issue is on its way.</p>`,
    script: `document.getElementById('newsletter').addEventListener('submit', function (e) {
  e.preventDefault();
  // A custom event: its type and parameters are yours to choose (no email address in it).
  cartbeacon.push(['custom', 'newsletter_signup', { placement: 'home' }]);
  this.hidden = true;
  document.getElementById('newsletter-done').hidden = false;
});`,
  };
}

export function categoryPage({ base }, slug) {
  const category = categoryBySlug(slug);
  if (!category) return undefined;
  const products = PRODUCTS.filter((p) => p.category === slug);
  return {
    title: category.name,
    pageView: { category: 'Category Page', subCategory: category.name },
    body: `<h1>${escape(category.name)}</h1>
<div class="grid">
${products.map((p) => productCard(base, p)).join('\n')}
</div>`,
  };
}

export function productPage({ base, origin }, product) {
  const category = categoryBySlug(product.category);
  // The product as the event API's PRODUCT_VIEW wants it (and as the cart keeps it).
  const view = {
    productId: product.id,
    title: product.title,
    url: `${origin}${base}product/${product.id}`,
    image: `${origin}${base}img/${product.id}.svg`,
    category: category.name,
    brand: product.brand,
    price: product.price,
    ...(product.oldPrice && { oldPrice: product.oldPrice }),
    currency: CURRENCY,
    inStock: true,
  };
  return {
    title: product.title,
    pageView: { category: 'Product Page', subCategory: category.name },
    body: `<p class="note"><a href="${base}category/${category.slug}">${escape(category.name)}</a></p>
<section class="product">
  <img src="${base}img/${product.id}.svg" alt="${escape(product.title)}">
  <div>
    <h1>${escape(product.title)}</h1>
    <p class="note">${escape(product.brand)}</p>
    <p class="price">${money(product.price)}${product.oldPrice ? `<span class="old">${money(product.oldPrice)}</span>` : ''}</p>
    <p>${escape(product.description)}</p>
    <p><button id="add-to-cart">Add to cart</button> <button id="wishlist" class="secondary">♡ Save for later</button></p>
  </div>
</section>`,
    script: `var product = ${json(view)};
cartbeacon.push(['product', product]);

document.getElementById('add-to-cart').addEventListener('click', function () {
  shop.add({ productId: product.productId, title: product.title, price: product.price, currency: product.currency, url: product.url });
  // The click leads to the cart page: nextPage keeps the event and sends it from there.
  cartbeacon.push(['basket', { step: 'add', productId: product.productId, price: product.price, currency: product.currency, quantity: 1 }, { nextPage: true }]);
  location.href = ${json(`${base}cart`)};
});
document.getElementById('wishlist').addEventListener('click', function () {
  cartbeacon.push(['wishlist', { productId: product.productId }]);
  this.textContent = '♥ Saved';
  this.disabled = true;
});`,
  };
}

export function searchPage({ base }, q) {
  const query = q.trim();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const found = words.length
    ? PRODUCTS.filter((p) => words.every((w) => `${p.title} ${p.brand} ${p.description}`.toLowerCase().includes(w)))
    : [];
  return {
    title: `Search: ${query}`,
    pageView: { category: 'Search Page' },
    body: `<h1>${found.length} result${found.length === 1 ? '' : 's'} for “${escape(query)}”</h1>
<div class="grid">
${found.map((p) => productCard(base, p)).join('\n')}
</div>`,
    script: query ? `cartbeacon.push(['search', ${json(query)}, { results: ${found.length} }]);` : '',
  };
}

export function cartPage({ base }) {
  return {
    title: 'Your cart',
    pageView: { category: 'Basket Page' },
    body: `<h1>Your cart</h1>
<div id="cart"></div>
<p id="empty" hidden>Your cart is empty. <a href="${base}">Find something good</a>.</p>
<p id="go" hidden><a class="button" id="checkout" href="${base}checkout/customer">Checkout</a></p>`,
    script: `function cell(row, content, className) {
  var td = row.insertCell();
  if (className) td.className = className;
  if (typeof content === 'string') td.textContent = content;
  else if (content) td.appendChild(content);
}

function render() {
  var items = shop.cart();
  var cart = document.getElementById('cart');
  cart.textContent = '';
  document.getElementById('empty').hidden = items.length > 0;
  document.getElementById('go').hidden = items.length === 0;
  if (!items.length) return items;
  var table = document.createElement('table');
  table.innerHTML = '<tr><th>Product</th><th class="num">Qty</th><th class="num">Price</th><th></th></tr>';
  items.forEach(function (item) {
    var row = table.insertRow();
    var link = document.createElement('a');
    link.href = item.url;
    link.textContent = item.title;
    cell(row, link);
    cell(row, String(item.quantity), 'num');
    cell(row, shop.money(item.price * item.quantity, item.currency), 'num');
    var remove = document.createElement('button');
    remove.className = 'secondary';
    remove.textContent = 'Remove';
    remove.dataset.id = item.productId;
    cell(row, remove, 'num');
  });
  var total = table.insertRow();
  cell(total, 'Total');
  cell(total, '');
  cell(total, shop.money(shop.total(items), ${json(CURRENCY)}), 'num');
  cell(total, '');
  cart.appendChild(table);
  return items;
}

var items = render();
// Viewing the cart is the checkout's first step.
if (items.length) {
  cartbeacon.push(['checkout', { step: 'basket', productList: shop.productList(items), totalPrice: shop.total(items), currency: ${json(CURRENCY)}, cartUrl: location.href }]);
}

document.getElementById('cart').addEventListener('click', function (e) {
  var id = e.target.dataset && e.target.dataset.id;
  if (!id) return;
  var line = shop.remove(id);
  if (line) cartbeacon.push(['basket', { step: 'remove', productId: line.productId, price: line.price, currency: line.currency, quantity: line.quantity }]);
  render();
});`,
  };
}

/** The event API's checkout step for the page that shows it, when the cart has something. */
const checkoutStep = (base, step) => `var items = shop.cart();
if (!items.length) location.replace(${json(`${base}cart`)});
else cartbeacon.push(['checkout', { step: ${json(step)}, productList: shop.productList(items), totalPrice: shop.total(items), currency: ${json(CURRENCY)} }]);`;

const steps = (on) =>
  `<p class="steps">${['Cart', 'Your details', 'Payment', 'Done'].map((s, i) => `<span${i === on ? ' class="on"' : ''}>${i + 1}. ${s}</span>`).join('')}</p>`;

export function customerPage({ base }) {
  return {
    title: 'Checkout: your details',
    pageView: { category: 'Checkout Page', subCategory: 'Customer' },
    body: `${steps(1)}
<h1>Your details</h1>
<form id="customer">
  <label>Email <input name="email" type="email" autocomplete="email" required></label>
  <label>Full name <input name="name" autocomplete="name" required></label>
  <label>Address <input name="address" autocomplete="street-address" required></label>
  <button id="to-payment">Continue to payment</button>
</form>`,
    script: `${checkoutStep(base, 'customer')}
var form = document.getElementById('customer');
var user = shop.get('demo-shop-user', null);
if (user) form.email.value = user.email;
form.addEventListener('submit', function (e) {
  e.preventDefault();
  shop.set('demo-shop-customer', { email: form.email.value, name: form.name.value, address: form.address.value });
  location.href = ${json(`${base}checkout/payment`)};
});`,
  };
}

export function paymentPage({ base }) {
  return {
    title: 'Checkout: payment',
    pageView: { category: 'Checkout Page', subCategory: 'Payment' },
    body: `${steps(2)}
<h1>Payment</h1>
<p>Total: <strong id="total"></strong></p>
<label><input type="radio" name="method" value="card" checked style="display:inline;width:auto"> Card (this is a demo: nothing is charged)</label>
<button id="pay">Pay now</button>`,
    script: `${checkoutStep(base, 'payment')}
document.getElementById('total').textContent = shop.money(shop.total(items), ${json(CURRENCY)});
document.getElementById('pay').addEventListener('click', function () {
  // The shop's backend would take the payment and make the order; the demo makes it here.
  var order = {
    orderNo: 'BR-' + Date.now().toString(36).toUpperCase(),
    items: shop.cart(),
    totalPrice: shop.total(shop.cart()),
    currency: ${json(CURRENCY)},
  };
  shop.set('demo-shop-order', order);
  shop.clear();
  location.href = ${json(`${base}thank-you?order=`)} + encodeURIComponent(order.orderNo);
});`,
  };
}

export function thankYouPage({ base }) {
  return {
    title: 'Thank you',
    pageView: { category: 'Checkout Page', subCategory: 'Thank You' },
    body: `${steps(3)}
<h1>Thank you for your order</h1>
<p id="order-line">Order <strong id="order-no"></strong>, <span id="order-total"></span>. We roast on Mondays and ship on Tuesdays.</p>
<p><a href="${base}">Back to the shop</a></p>`,
    script: `var order = shop.get('demo-shop-order', null);
var wanted = new URLSearchParams(location.search).get('order');
if (order && order.orderNo === wanted) {
  document.getElementById('order-no').textContent = order.orderNo;
  document.getElementById('order-total').textContent = shop.money(order.totalPrice, order.currency);
  // The purchase, once: a reload of this page must not count the order again.
  if (!order.tracked) {
    cartbeacon.push(['checkout', { step: 'purchase', orderNo: order.orderNo, productList: shop.productList(order.items), totalPrice: order.totalPrice, currency: order.currency }]);
    order.tracked = true;
    shop.set('demo-shop-order', order);
  }
} else {
  document.getElementById('order-line').textContent = 'We could not find that order.';
}`,
  };
}

export function accountPage() {
  return {
    title: 'Account',
    pageView: { category: 'Account Page' },
    body: `<h1>Your account</h1>
<form id="signin">
  <label>Email <input name="email" type="email" autocomplete="username" required></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button>Sign in</button> <span class="note">(any email and password: this is a demo)</span>
</form>
<div id="signed-in" hidden><p class="notice">Signed in as <strong id="who"></strong>.</p><button id="signout" class="secondary">Sign out</button></div>`,
    script: `var form = document.getElementById('signin');
function show() {
  var user = shop.get('demo-shop-user', null);
  form.hidden = !!user;
  document.getElementById('signed-in').hidden = !user;
  if (user) document.getElementById('who').textContent = user.email;
}
show();
form.addEventListener('submit', function (e) {
  e.preventDefault();
  // The shop's login would check the password on the server; the username is what the shop knows the customer by.
  var user = { username: form.email.value.toLowerCase(), email: form.email.value };
  shop.set('demo-shop-user', user);
  cartbeacon.push(['user', { step: 'signin', username: user.username, email: user.email }]);
  show();
});
document.getElementById('signout').addEventListener('click', function () {
  var user = shop.get('demo-shop-user', null);
  if (user) cartbeacon.push(['user', { step: 'signout', username: user.username }]);
  shop.set('demo-shop-user', null);
  show();
});`,
  };
}

export function notFoundPage({ base }) {
  return {
    title: 'Not found',
    pageView: { category: '404 Page' },
    body: `<h1>We could not find that page</h1><p><a href="${base}">Back to the shop</a></p>`,
  };
}

/** A product picture: a coloured card with the product's initials, so that the demo needs no image files. */
export function productImage(product) {
  const initials = product.title
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0])
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">
<rect width="400" height="300" fill="${product.color}"/>
<circle cx="200" cy="150" r="90" fill="#fff" fill-opacity=".15"/>
<text x="200" y="172" font-family="system-ui, sans-serif" font-size="64" font-weight="700" fill="#fff" text-anchor="middle">${escape(initials)}</text>
</svg>`;
}
