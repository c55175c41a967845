/**
 * A small shop's traffic through the event API and the funnel report over it, for the
 * tests that compare two collectors' reports (backup and restore, upgrades, the
 * production path).
 */

/** One visit of a session: a page view from `referrer`, a product view, and as far as `depth` goes, a basket add and a purchase. */
export function visit(id: string, referrer: string, depth: 0 | 1 | 2) {
  const user = { userId: `u-${id}`, sessionId: `s-${id}`, pageUrl: 'http://shop.test/p/1', device: 'PC' };
  const events: Record<string, unknown>[] = [
    { name: 'PAGE_VIEW', ...user, referrer, category: 'Product Page', eventId: `${id}-page` },
    { name: 'PRODUCT_VIEW', ...user, productId: 'P-1', title: 'Espresso', price: 12.5, currency: 'EUR', eventId: `${id}-product` },
  ];
  if (depth >= 1) events.push({ name: 'BASKET_OPERATIONS', ...user, step: 'add', productId: 'P-1', price: 12.5, currency: 'EUR', quantity: 2, eventId: `${id}-basket` });
  if (depth >= 2)
    events.push({
      name: 'CHECKOUT',
      ...user,
      step: 'purchase',
      totalPrice: 25,
      currency: 'EUR',
      orderNo: `order-${id}`,
      productList: [{ productId: 'P-1', price: 12.5, currency: 'EUR', quantity: 2 }],
      eventId: `${id}-purchase`,
    });
  return events;
}

/** `n` visits named `prefix-i`, from a mix of sources, reaching a mix of depths. */
export const visits = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => visit(`${prefix}-${i}`, ['https://www.google.com/', 'https://www.facebook.com/', ''][i % 3]!, (i % 3) as 0 | 1 | 2));

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

/** The funnel by source of `visits(prefix, n)` with n a multiple of 3: a third each from Google (views only), Facebook (to the basket), Direct (to a purchase). */
export const visitsFunnel = (n: number) => {
  const row = (Source: string, basket: number, bought: number) => ({ Source, clicks: n / 3, conversions: bought, microconversions: n / 3, 'add-to-cart': basket, checkout: bought });
  return [row('Direct', n / 3, n / 3), row('Facebook', n / 3, 0), row('Google', 0, 0)];
};

/** POSTs events to the event API from the shop's origin; throws unless stored (200). */
export async function sendEvents(url: string, apiKey: string, events: Record<string, unknown>[], origin = 'http://shop.test') {
  const r = await fetch(`${url}/add/events/v1.json?apiKey=${encodeURIComponent(apiKey)}`, {
    method: 'POST',
    // A browser's: Node's own user agent is a bot's, left out of the reports.
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin, 'user-agent': BROWSER },
    body: JSON.stringify(events),
  });
  if (r.status !== 200) throw new Error(`events refused: ${r.status} ${await r.text()}`);
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');

/** The funnel report by source over the days around now, in any time zone (the answer's data). */
export async function funnel(url: string, account: { id: string; reportToken: string }): Promise<unknown> {
  const range = `${day(Date.now() - 2 * 86_400_000)},${day(Date.now() + 2 * 86_400_000)}`;
  const r = await fetch(`${url}/api/funnel?account_id=${account.id}&report_type=Source&date_range=${range}`, {
    headers: { authorization: `Bearer ${account.reportToken}`, accept: 'application/json' },
  });
  const body = (await r.json()) as { status: string; data: unknown };
  if (r.status !== 200) throw new Error(`funnel: ${r.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** Polls `fn` until it returns a value `ok` accepts (the spool loads within its interval), or fails after `ms`. */
export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}
