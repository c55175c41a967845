// @vitest-environment jsdom
/**
 * The package as bundlers meet it: `@cartbeacon/tracker` resolves to its ESM build,
 * packages/tracker/dist/index.mjs (`npm run build:tracker` makes it; `npm test` builds first).
 */
import { describe, expect, it, vi } from 'vitest';
import { autoCapture, createTracker, vitals } from '@cartbeacon/tracker';
import { collector, UUID, useTrackers } from './setup.js';

const make = useTrackers(createTracker);

/** A product page that describes its product in JSON-LD. */
function productPage() {
  history.replaceState(null, '', '/p/ESP-1');
  document.title = 'Espresso Machine';
  document.head.innerHTML = `<script type="application/ld+json">
    { "@context": "https://schema.org", "@type": "Product", "name": "Espresso Machine", "sku": "ESP-1",
      "offers": { "@type": "Offer", "price": 499, "priceCurrency": "EUR" } }</script>`;
  document.body.innerHTML = '';
}

describe('@cartbeacon/tracker', () => {
  it('exports createTracker, autoCapture and vitals; a tracker from it delivers with the ids', async () => {
    expect([createTracker, autoCapture, vitals].map((f) => typeof f)).toEqual(['function', 'function', 'function']);
    const t = make();
    t.basket({ step: 'add', productId: 'P1' });
    await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
    expect(collector.sent[0]!.url).toBe('https://collector.test/add/events/v1.json?apiKey=key%201');
    expect(collector.events()[0]).toMatchObject({
      name: 'BASKET_OPERATIONS',
      productId: 'P1',
      userId: expect.stringMatching(UUID),
      sessionId: expect.stringMatching(UUID),
    });
  });

  it("autoCapture does not send again what the page sent itself: one PRODUCT_VIEW with JSON-LD and the page's own product()", async () => {
    productPage();
    const t = make();
    t.product({ productId: 'ESP-1', title: 'Espresso Machine', price: 499 });
    autoCapture(t, { vitals: false });
    // Auto-capture reads the page in idle time (a timer under jsdom) and sends its page view.
    await vi.waitFor(() => expect(collector.names()).toContain('PAGE_VIEW'));
    await t.flush();
    expect(collector.names().sort()).toEqual(['PAGE_VIEW', 'PRODUCT_VIEW']);
    expect(collector.events().find((e) => e.name === 'PRODUCT_VIEW')).toMatchObject({ price: 499 });
  });

  it("autoCapture's own events are not counted as the page's: it views the product on the next address again", async () => {
    productPage();
    const t = make();
    autoCapture(t, { vitals: false });
    await vi.waitFor(() => expect(collector.names().sort()).toEqual(['PAGE_VIEW', 'PRODUCT_VIEW']));
    history.pushState(null, '', '/p/ESP-1?colour=red');
    await vi.waitFor(() => expect(collector.names().sort()).toEqual(['PAGE_VIEW', 'PAGE_VIEW', 'PRODUCT_VIEW', 'PRODUCT_VIEW']));
  });
});
