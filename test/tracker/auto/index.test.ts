// @vitest-environment jsdom
/**
 * Auto-capture under jsdom, over a corpus of pages shaped like real shop platforms'
 * (test/fixtures/shops/*.html: Shopify, WooCommerce, Magento, BigCommerce, PrestaShop, GA4
 * and gtag.js dataLayers, data-cartbeacon markup, malformed JSON-LD). Each fixture names
 * its address in a leading `<!-- url: … -->` comment; its inline scripts run as in a
 * browser. The tracker is a recorder: what reaches the wire is the browser tests' part.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { autoCapture } from '../../../packages/tracker/src/auto/index.js';
import type { AutoOptions } from '../../../packages/tracker/src/auto/index.js';
import type { OwnCall } from '../../../packages/tracker/src/own.js';
import type { Tracker } from '../../../packages/tracker/src/tracker.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/shops');
const METHODS = ['page', 'product', 'basket', 'checkout', 'user', 'custom', 'search', 'wishlist', 'consent', 'flush'] as const;

type Call = [method: string, ...args: any[]];

/**
 * A tracker that records auto-capture's calls, and holds the page's own calls in `own` as a
 * tracker from createTracker does.
 */
function recorder() {
  const calls: Call[] = [];
  const own: OwnCall[] = [];
  const behind = Object.fromEntries(METHODS.map((m) => [m, (...a: unknown[]) => void calls.push([m, ...a])])) as unknown as Tracker;
  const tracker = { ...behind, own: { calls: own, tracker: behind } };
  return {
    tracker,
    calls,
    own,
    /** The first argument of every call of `method`. */
    of: (method: string) => calls.filter((c) => c[0] === method).map((c) => c[1]),
  };
}

/**
 * Replaces the document by a fixture at its address and runs its inline scripts in this
 * realm (jsdom would run them in its own window, whose globals the code under test does
 * not see), in document order.
 */
function load(name: string): void {
  const html = readFileSync(join(FIXTURES, name), 'utf8');
  history.replaceState(null, '', /<!-- url: (\S+) -->/.exec(html)![1]);
  const doc = new DOMParser().parseFromString(html, 'text/html');
  document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
  document.querySelectorAll('script:not([type])').forEach((s) => (0, eval)(s.textContent!));
}

/** Submits a form as a submit button would (jsdom does not implement requestSubmit). */
const submit = (form: string) =>
  document.getElementById(form)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));

let rec: ReturnType<typeof recorder>;
const originals = { pushState: history.pushState, replaceState: history.replaceState };

/** Starts auto-capture on the loaded page and waits until it has read it. */
async function capture(options: AutoOptions = {}) {
  autoCapture(rec.tracker, { vitals: false, ...options });
  await vi.waitFor(() => expect(rec.calls.length).toBeGreaterThan(0));
  await new Promise((r) => setTimeout(r, 10));
  return rec;
}

beforeEach(() => {
  rec = recorder();
  delete (window as { dataLayer?: unknown }).dataLayer;
});
afterEach(() => {
  Object.assign(history, originals);
  vi.restoreAllMocks();
});

describe('product views from structured data', () => {
  it('Shopify: a ProductGroup takes the variant of the address; Open Graph and view_item describe the same product', async () => {
    load('shopify-product.html');
    const { of } = await capture();
    expect(of('product')).toEqual([
      {
        productId: '8123456789',
        title: 'Linen Shirt',
        url: 'https://northwind.example/products/linen-shirt',
        image: 'https://northwind.example/cdn/shop/files/linen-shirt.jpg?v=1700000000&width=1920',
        brand: 'Northwind',
        category: 'Shirts',
        price: 59,
        currency: 'EUR',
        inStock: true,
        quantity: undefined,
      },
    ]);
    expect(of('page')).toEqual([{ category: 'Product Page', subCategory: 'Shirts' }]);
  });

  it('WooCommerce: an @graph without a product, then a Product with a list of offers and a string price', async () => {
    load('woocommerce-product.html');
    const { of } = await capture();
    expect(of('product')).toEqual([
      expect.objectContaining({
        productId: 'woo-hoodie-with-logo',
        title: 'Hoodie with Logo',
        url: 'https://woo.example/product/hoodie-with-logo/',
        image: 'https://woo.example/wp-content/uploads/2023/01/hoodie-with-logo-2.jpg',
        price: 45,
        currency: 'EUR',
        inStock: true,
      }),
    ]);
    expect(of('page')[0].category).toBe('Product Page');
  });

  it('Magento: microdata with a nested Offer and Brand; a related product inside it is no view', async () => {
    load('magento-product.html');
    const { of } = await capture();
    expect(of('product')).toEqual([
      {
        productId: 'MH01',
        title: 'Chaz Kangeroo Hoodie',
        url: location.href,
        image: 'http://localhost:3000/media/catalog/product/m/h/mh01-gray_main.jpg',
        brand: 'Luma',
        category: undefined,
        price: 52,
        currency: 'USD',
        inStock: true,
        quantity: undefined,
      },
    ]);
    // No product address pattern: the microdata makes it a product page.
    expect(of('page')[0].category).toBe('Product Page');
  });

  it('BigCommerce: skips malformed JSON-LD; AggregateOffer lowPrice, image and brand objects, mpn, out of stock', async () => {
    load('bigcommerce-product.html');
    const { of } = await capture();
    expect(of('product')).toEqual([
      expect.objectContaining({
        productId: 'OTL-01',
        title: '[Sample] Orbit Terrarium - Large',
        image: 'https://cdn11.bigcommerce.example/s-abc/products/86/images/286/ot01__11965.1534344522.386.513.jpg',
        brand: 'Sagaform',
        category: 'Garden',
        price: 109,
        currency: 'USD',
        inStock: false,
      }),
    ]);
  });

  it('PrestaShop: Open Graph product tags alone, with a European price', async () => {
    load('prestashop-product.html');
    const { of } = await capture();
    expect(of('product')).toEqual([
      expect.objectContaining({
        productId: '19',
        title: 'Anpassbarer Becher',
        url: 'https://presta.example/home-accessories/19-customizable-mug.html',
        image: 'https://presta.example/19-large_default/customizable-mug.jpg',
        brand: 'Studio Design',
        price: 1299,
        currency: 'EUR',
        inStock: false,
      }),
    ]);
    expect(of('page')[0].category).toBe('Product Page');
  });

  it('one PRODUCT_VIEW however many sources describe the product: JSON-LD, microdata, Open Graph, view_item, markup', async () => {
    load('every-source.html');
    const { of, calls } = await capture();
    expect(of('product')).toHaveLength(1);
    expect(of('product')[0]).toMatchObject({ productId: 'ESP-1', price: 499, currency: 'EUR', inStock: true });
    // Later pushes of the same product on this page are no new view either.
    (window as any).dataLayer.push({ event: 'view_item', ecommerce: { items: [{ item_id: 'ESP-1', item_name: 'Espresso Machine' }] } });
    expect(of('product')).toHaveLength(1);
    // The page view comes first.
    expect(calls[0]![0]).toBe('page');
  });

  it('reads prices as schema.org writes them: three decimals and exponents in JSON-LD and content, the first amount of a text', async () => {
    load('not-found.html');
    document.head.insertAdjacentHTML(
      'beforeend',
      `<script type="application/ld+json">{ "@type": "Product", "sku": "K-1", "offers": { "price": "0.125", "priceCurrency": "KWD" } }</script>
       <script type="application/ld+json">{ "@type": "Product", "sku": "E-1", "offers": { "price": "2.5e3", "priceCurrency": "EUR" } }</script>`,
    );
    document.body.insertAdjacentHTML(
      'beforeend',
      `<div itemscope itemtype="https://schema.org/Product"><meta itemprop="sku" content="B-1">
         <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><meta itemprop="price" content="12.500"><meta itemprop="priceCurrency" content="BHD"></div></div>
       <div itemscope itemtype="https://schema.org/Product"><meta itemprop="sku" content="T-1">
         <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">$ 281.40 $ 265.70</span></div></div>`,
    );
    const { of } = await capture();
    expect(of('product').map((p: { productId: string; price: number }) => [p.productId, p.price])).toEqual([
      ['K-1', 0.125],
      ['E-1', 2500],
      ['B-1', 12.5],
      ['T-1', 281.4],
    ]);
  });

  it('products inside a category page list are no views', async () => {
    load('shopify-collection.html');
    const { of } = await capture();
    expect(of('product')).toEqual([]);
    expect(of('page')).toEqual([{ category: 'Category Page', subCategory: undefined }]);
    expect(of('custom')).toEqual(['view_item_list']);
    const [, , params] = rec.calls.find((c) => c[0] === 'custom')!;
    expect(params).toEqual({
      totalPrice: undefined,
      currency: undefined,
      orderNo: undefined,
      listName: 'Shirts',
      productList: [
        { productId: 'LS-4401', price: 59, currency: undefined, quantity: 1 },
        { productId: 'OX-1', price: 69, currency: undefined, quantity: 1 },
      ],
    });
  });

  it('never throws on malformed or odd structured data', async () => {
    load('not-found.html');
    document.head.insertAdjacentHTML(
      'beforeend',
      `<script type="application/ld+json">{ "@type": "Product", "name": </script>
       <script type="application/ld+json">null</script>
       <script type="application/ld+json">[1, "x", null, { "@graph": null }, { "@type": ["Product"], "sku": { "weird": true }, "hasVariant": [null, 7], "offers": [null] }]</script>
       <script type="application/ld+json">{ "@type": "Product", "sku": 42, "offers": { "priceSpecification": [{ "price": "1 234,50", "priceCurrency": "SEK" }] } }</script>`,
    );
    document.body.insertAdjacentHTML(
      'beforeend',
      `<div itemscope itemtype="https://schema.org/Product"><meta itemprop="sku" content="M-1">
         <div itemprop="hasVariant" itemscope itemtype="https://schema.org/Product"><link itemprop="url" href="http://[bad"></div></div>`,
    );
    const { of } = await capture();
    expect(of('product')).toEqual([
      expect.objectContaining({ productId: '42', price: 1234.5, currency: 'SEK' }),
      expect.objectContaining({ productId: 'M-1' }),
    ]);
    expect(of('page')).toHaveLength(1);
  });
});

describe('GA4 dataLayer', () => {
  it('view_cart before load → CHECKOUT basket; a later remove_from_cart → BASKET_OPERATIONS remove; gtag config entries ignored', async () => {
    load('shopify-cart.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Basket Page');
    expect(of('checkout')).toEqual([
      {
        totalPrice: 187,
        currency: 'EUR',
        orderNo: undefined,
        listName: undefined,
        step: 'basket',
        productList: [
          { productId: 'LS-4401', price: 59, currency: 'EUR', quantity: 2 },
          { productId: 'OX-1', price: 69, currency: 'EUR', quantity: 1 },
        ],
      },
    ]);
    document.getElementById('remove-1')!.click();
    expect(of('basket')).toEqual([{ productId: 'LS-4401', price: 59, currency: 'EUR', quantity: 1, step: 'remove' }]);
  });

  it('gtag.js events: begin_checkout and add_shipping_info → customer, add_payment_info → payment', async () => {
    load('gtag-checkout.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Checkout Page');
    submit('shipping');
    submit('payment');
    const steps = of('checkout');
    expect(steps.map((c) => c.step)).toEqual(['customer', 'customer', 'payment']);
    for (const c of steps)
      expect(c).toMatchObject({
        totalPrice: 30.03,
        currency: 'USD',
        productList: [{ productId: 'SKU_12345', price: 10.01, currency: 'USD', quantity: 3 }],
      });
  });

  it('purchase → CHECKOUT purchase with orderNo and totalPrice; an event after { ecommerce: null } has no data and is not sent', async () => {
    load('woocommerce-thankyou.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Checkout Page');
    expect(of('checkout')).toEqual([
      expect.objectContaining({
        step: 'purchase',
        orderNo: '1234',
        totalPrice: 59.7,
        currency: 'EUR',
        productList: [{ productId: 'woo-hoodie-with-logo', price: 19.9, currency: 'EUR', quantity: 3 }],
      }),
    ]);
  });

  it('add_to_cart sends one event per item; the ecommerce object stays in effect until the next one or a reset', async () => {
    history.replaceState(null, '', '/anything');
    const dl: any[] = ((window as any).dataLayer = []);
    const { of } = await capture();
    dl.push({
      event: 'add_to_cart',
      ecommerce: {
        currency: 'EUR',
        value: 30,
        items: [
          { item_id: 'A', price: 10, quantity: 2 },
          { item_id: 'B', price: '10.00' },
          { item_name: 'no id here either' },
          { price: 5 },
        ],
      },
    });
    expect(of('basket')).toEqual([
      { productId: 'A', price: 10, currency: 'EUR', quantity: 2, step: 'add' },
      { productId: 'B', price: 10, currency: 'EUR', quantity: 1, step: 'add' },
      { productId: 'no id here either', price: undefined, currency: 'EUR', quantity: 1, step: 'add' },
    ]);
    // As in Google Tag Manager: an event without its own ecommerce uses the last one…
    dl.push({ event: 'begin_checkout' });
    expect(of('checkout').map((c) => [c.step, c.totalPrice])).toEqual([['customer', 30]]);
    // …until { ecommerce: null }.
    dl.push({ ecommerce: null }, { event: 'add_payment_info' });
    expect(of('checkout')).toHaveLength(1);
    // A checkout without a value totals its lines.
    dl.push({ event: 'add_payment_info', ecommerce: { currency: 'EUR', items: [{ item_id: 'A', price: 19.9, quantity: 3 }] } });
    expect(of('checkout')[1]).toMatchObject({ step: 'payment', totalPrice: 59.7 });
    dl.push({ event: 'refund', ecommerce: { transaction_id: 'T-9', value: 19.9, currency: 'EUR', items: [{ item_id: 'A', price: 19.9 }] } });
    expect(rec.calls.filter((c) => c[0] === 'custom').map((c) => [c[1], c[2].orderNo, c[2].totalPrice])).toEqual([['refund', 'T-9', 19.9]]);
    // Entries of no GA4 shape, and the page's own push keeps working.
    expect(dl.push(null, 'x', 42, { event: 'gtm.js' }, { event: 'purchase', ecommerce: { items: 'not a list' } })).toBe(dl.length);
    expect(dl.slice(-5)).toEqual([null, 'x', 42, { event: 'gtm.js' }, { event: 'purchase', ecommerce: { items: 'not a list' } }]);
  });

  it('turned off, the dataLayer is neither read nor hooked', async () => {
    load('shopify-cart.html');
    const push = (window as any).dataLayer.push;
    const { of } = await capture({ dataLayer: false });
    expect(of('checkout')).toEqual([]);
    expect((window as any).dataLayer.push).toBe(push);
    // Without it, /cart is still a basket page by its address.
    expect(of('page')[0].category).toBe('Basket Page');
  });
});

describe('data-cartbeacon markup', () => {
  it('a product container is a product view; an add form takes the product from it and the quantity from its field', async () => {
    load('markup-product.html');
    const { of } = await capture();
    expect(of('page')[0]).toEqual({ category: 'Product Page', subCategory: 'Kitchen > Mugs' });
    expect(of('product')).toEqual([
      {
        productId: 'mug-1',
        title: 'Enamel Mug',
        url: location.href,
        image: 'https://campfire.example/img/mug.jpg',
        brand: 'Campfire',
        category: 'Kitchen > Mugs',
        price: 12.5,
        currency: 'EUR',
        inStock: 'true',
        quantity: undefined,
      },
    ]);
    expect(of('basket')).toEqual([]);
    submit('buy');
    document.querySelector<HTMLElement>('#add-pot span')!.click();
    expect(of('basket')).toEqual([
      { productId: 'mug-1', price: 12.5, currency: 'EUR', quantity: 2, step: 'add' },
      { productId: 'pot-2', price: 24, currency: 'EUR', quantity: 1, step: 'add' },
    ]);
  });

  it('records the basket clicks and submits made before it started, as cartbeacon.js keeps them while the chunk loads', async () => {
    load('markup-product.html');
    const early: Event[] = [];
    const keep = (e: Event) => early.push(e);
    for (const t of ['click', 'submit']) document.addEventListener(t, keep, true);
    submit('buy');
    document.querySelector<HTMLElement>('#add-pot span')!.click();
    document.querySelector<HTMLElement>('h1')!.click();
    for (const t of ['click', 'submit']) document.removeEventListener(t, keep, true);
    const { of } = await capture({ early });
    expect(of('basket')).toEqual([
      { productId: 'mug-1', price: 12.5, currency: 'EUR', quantity: 2, step: 'add' },
      { productId: 'pot-2', price: 24, currency: 'EUR', quantity: 1, step: 'add' },
    ]);
  });

  it('a basket container is CHECKOUT basket with its lines; remove takes the line it sits in; data-cartbeacon-page names the page', async () => {
    load('markup-cart.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Basket Page');
    expect(of('checkout')).toEqual([
      {
        totalPrice: 49,
        currency: 'EUR',
        cartUrl: 'https://campfire.example/basket',
        quantity: undefined,
        step: 'basket',
        productList: [
          { productId: 'mug-1', price: 12.5, currency: 'EUR', quantity: 2 },
          { productId: 'pot-2', price: 24, currency: 'EUR', quantity: 1 },
        ],
      },
    ]);
    document.getElementById('remove-mug')!.click();
    expect(of('basket')).toEqual([{ productId: 'mug-1', price: 12.5, currency: 'EUR', quantity: 2, step: 'remove' }]);
  });

  it('a purchase container takes its lines from the page and totals them', async () => {
    load('markup-purchase.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Checkout Page');
    expect(of('checkout')).toEqual([
      expect.objectContaining({
        step: 'purchase',
        orderNo: 'A-1001',
        currency: 'EUR',
        totalPrice: 49,
        productList: [
          { productId: 'mug-1', price: 12.5, currency: 'EUR', quantity: 2 },
          { productId: 'pot-2', price: 24, currency: 'EUR', quantity: 1 },
        ],
      }),
    ]);
  });

  it('turned off, markup is ignored and clicks record nothing', async () => {
    load('markup-product.html');
    const { of } = await capture({ markup: false });
    document.querySelector<HTMLElement>('#add-pot')!.click();
    expect(of('product')).toEqual([]);
    expect(of('basket')).toEqual([]);
    expect(of('page')[0].category).toBe('Page');
  });
});

describe('page category', () => {
  it.each([
    ['/', 'Home Page'],
    ['/en-gb/', 'Home Page'],
    ['/index.html?utm_source=x', 'Home Page'],
    ['/search?q=shoes', 'Search Page'],
    ['/?s=shoes&post_type=product', 'Search Page'],
    ['/catalogsearch/result/?q=bag', 'Search Page'],
    ['/cart', 'Basket Page'],
    ['/checkout/cart/', 'Basket Page'],
    ['/checkouts/c/abc123/thank_you', 'Checkout Page'],
    ['/checkout/order-received/55/', 'Checkout Page'],
    ['/products/linen-shirt', 'Product Page'],
    ['/collections/shirts/products/linen-shirt', 'Product Page'],
    ['/product/hoodie/', 'Product Page'],
    ['/p/12345', 'Product Page'],
    ['/collections/shirts', 'Category Page'],
    ['/product-category/hoodies/', 'Category Page'],
    ['/category/mugs', 'Category Page'],
    ['/about-us', 'Page'],
    ['/shop/', 'Page'],
  ])('%s is a %s by its address', async (url, category) => {
    document.title = 'A shop';
    document.body.innerHTML = '<h1>hello</h1>';
    document.head.innerHTML = '';
    history.replaceState(null, '', url);
    const { of } = await capture();
    expect(of('page')[0].category).toBe(category);
  });

  it('a 404 title makes a 404 page whatever the address', async () => {
    load('not-found.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('404 Page');
  });

  it('a search page sends a search event with the query, once even when the dataLayer has it too', async () => {
    load('search.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Search Page');
    expect(of('search')).toEqual(['red shoes']);
  });

  it('the dataLayer before load tells the category; a home page listing products stays the home page', async () => {
    load('home.html');
    const { of } = await capture();
    expect(of('page')[0].category).toBe('Home Page');
  });

  it('the script tag overrides it', async () => {
    load('shopify-product.html');
    const { of } = await capture({ category: 'Landing Page' });
    expect(of('page')[0].category).toBe('Landing Page');
    expect(of('product')).toHaveLength(1);
  });

  it('no page views when turned off; the rest still runs', async () => {
    load('shopify-product.html');
    const { of } = await capture({ pages: false });
    expect(of('page')).toEqual([]);
    expect(of('product')).toHaveLength(1);
  });

  it('structured data off: no product views, and the category comes from the address and the dataLayer', async () => {
    load('magento-product.html');
    const { of, calls } = await capture({ schema: false });
    expect(of('product')).toEqual([]);
    expect(calls.map((c) => c[0])).toEqual(['page']);
    expect(of('page')[0].category).toBe('Page');
  });
});

describe("the page's own tracker calls", () => {
  it('are not repeated: its page view (and with it the search), its product views, its searches', async () => {
    load('search.html');
    history.replaceState(null, '', '/search?q=green+tea');
    rec.own.push(['page', { category: 'Search Page' }, location.href]);
    const { of } = await capture();
    expect(of('page')).toEqual([]);
    // Not the address's query, which goes with the page view; the dataLayer's search is
    // no call of the page's own and goes.
    expect(of('search')).toEqual(['red shoes']);

    rec = recorder();
    load('every-source.html');
    rec.own.push(['product', { productId: 'ESP-1' }, location.href], ['search', 'red shoes', location.href]);
    const { of: of2 } = await capture();
    expect(of2('page')).toHaveLength(1);
    expect(of2('product')).toEqual([]);
    (window as any).dataLayer.push({ event: 'search', search_term: 'red shoes' }, { event: 'search', search_term: 'blue shoes' });
    expect(of2('search')).toEqual(['blue shoes']);
  });

  it('made on another address count for that one only', async () => {
    load('every-source.html');
    rec.own.push(['page', {}, 'http://localhost:3000/elsewhere'], ['product', { productId: 'ESP-1' }, 'http://localhost:3000/elsewhere']);
    const { of } = await capture();
    expect(of('page')).toHaveLength(1);
    expect(of('product')).toHaveLength(1);
  });
});

describe('timing and navigation', () => {
  it('waits for the load event, then for idle time', async () => {
    load('shopify-product.html');
    vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    const idle = vi.fn((fn: () => void) => setTimeout(fn, 0));
    (window as any).requestIdleCallback = idle;
    try {
      autoCapture(rec.tracker, { vitals: false });
      await new Promise((r) => setTimeout(r, 20));
      expect(rec.calls).toEqual([]);
      expect(idle).not.toHaveBeenCalled();
      dispatchEvent(new Event('load'));
      expect(idle).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(rec.of('page')).toHaveLength(1));
    } finally {
      delete (window as any).requestIdleCallback;
    }
  });

  it('starts web vitals after the page is read', async () => {
    load('markup-cart.html');
    const vitals = vi.fn(() => expect(rec.of('page')).toHaveLength(1));
    autoCapture(rec.tracker, { vitals });
    await vi.waitFor(() => expect(vitals).toHaveBeenCalledTimes(1));
  });

  it('reads the page again after an SPA navigation, once per address, with products viewed again on the new page', async () => {
    load('every-source.html');
    const { of } = await capture();
    history.pushState(null, '', '/p/ESP-1#reviews');
    history.replaceState({ tab: 2 }, '', '/p/ESP-1#reviews');
    await new Promise((r) => setTimeout(r, 30));
    expect(of('page')).toHaveLength(1);
    history.pushState(null, '', '/cart');
    history.pushState(null, '', '/p/ESP-1?color=red');
    await vi.waitFor(() => expect(of('page')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 30));
    // The router went on before the idle time: one read, of the last address.
    expect(of('page')).toHaveLength(2);
    expect(of('product')).toHaveLength(2);
  });

  it('reads the page at pagehide when it is left before the idle time', async () => {
    load('woocommerce-product.html');
    vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    autoCapture(rec.tracker, { vitals: false });
    dispatchEvent(new Event('pagehide'));
    expect(rec.of('page')).toHaveLength(1);
    expect(rec.of('product')).toHaveLength(1);
  });
});
