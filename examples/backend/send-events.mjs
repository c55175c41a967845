#!/usr/bin/env node
/**
 * A shop backend sending events server-side: the Segmentify-compatible event API's REST call, a JSON array POSTed to
 * `/add/events/v1.json?apiKey=…`. Here the backend confirms an order (say, on its payment
 * provider's webhook) and sends the thank-you page view and the purchase.
 *
 *   CARTBEACON_URL=http://localhost:8080 CARTBEACON_API_KEY=<the apiKey npm start printed> \
 *     node examples/backend/send-events.mjs [ORDER_NO]
 *
 * What makes it a backend's call:
 * - no Origin header (browsers send one, servers do not), so the account's origin list
 *   does not apply: the API key is the credential, keep it on the server;
 * - each event's `userAgent` is the visitor's, as the shop received it, so that browser,
 *   OS, device and the bot flag describe the visitor and not this script;
 * - each event has an `eventId` made from the order number: a retried webhook, or this
 *   script run twice for one order, stores the order once.
 *
 * Environment: CARTBEACON_URL (http://localhost:8080), CARTBEACON_API_KEY (required),
 * CARTBEACON_TEST_MODE=true to mark the events testMode (stored, left out of reports).
 */
import { pathToFileURL } from 'node:url';

/**
 * The events for a confirmed order.
 * @param {{ orderNo: string, currency: string, items: { productId: string, price: number, quantity: number }[] }} order
 * @param {{ userId: string, sessionId: string, userAgent: string, pageUrl: string, lang?: string }} visitor
 *   The visitor's ids (the shop's own customer and session ids, or new ones from /get/key),
 *   and what the shop's server saw of their browser.
 * @param {{ testMode?: boolean }} [options]
 */
export function orderEvents(order, visitor, { testMode = false } = {}) {
  const common = {
    userId: visitor.userId,
    sessionId: visitor.sessionId,
    userAgent: visitor.userAgent,
    pageUrl: visitor.pageUrl,
    ...(visitor.lang && { lang: visitor.lang }),
    timestamp: Date.now(),
    ...(testMode && { testMode: true }),
  };
  const totalPrice = order.items.reduce((sum, i) => sum + Math.round(i.price * 100) * i.quantity, 0) / 100;
  return [
    { ...common, eventId: `order-${order.orderNo}-page`, name: 'PAGE_VIEW', category: 'Checkout Page', subCategory: 'Thank You' },
    {
      ...common,
      eventId: `order-${order.orderNo}-purchase`,
      name: 'CHECKOUT',
      step: 'purchase',
      orderNo: order.orderNo,
      totalPrice,
      currency: order.currency,
      productList: order.items.map((i) => ({ productId: i.productId, price: i.price, currency: order.currency, quantity: i.quantity })),
    },
  ];
}

/** New unique ids from the collector (the event API's `GET /get/key?count=N`). */
export async function newKeys(url, count) {
  const r = await fetch(`${url}/get/key?count=${count}`, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`GET /get/key answered ${r.status}`);
  return r.json();
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * POSTs the events; retries network errors, 408, 429 and 5xx with backoff (and
 * Retry-After), which the eventIds make safe. Resolves with the last answer.
 * @returns {Promise<{ status: number, body: any }>}
 */
export async function sendEvents(events, { url, apiKey, attempts = 4 }) {
  const endpoint = `${url}/add/events/v1.json?apiKey=${encodeURIComponent(apiKey)}`;
  for (let attempt = 1; ; attempt++) {
    let status = 0;
    let body;
    let retryAfter = null;
    try {
      const r = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(events),
      });
      status = r.status;
      retryAfter = r.headers.get('retry-after');
      const text = await r.text();
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } catch (e) {
      body = String(e?.cause?.message ?? e?.message ?? e);
    }
    const retry = status === 0 || status === 408 || status === 429 || status >= 500;
    if (!retry || attempt >= attempts) return { status, body };
    const wait = retryAfter && Number(retryAfter) >= 0 ? Number(retryAfter) * 1000 : 500 * 2 ** (attempt - 1);
    process.stderr.write(`cartbeacon answered ${status || body}; trying again in ${wait} ms\n`);
    await sleep(Math.min(wait, 30_000));
  }
}

async function main() {
  const url = (process.env.CARTBEACON_URL || 'http://localhost:8080').replace(/\/+$/, '');
  const apiKey = process.env.CARTBEACON_API_KEY;
  if (!apiKey) {
    process.stderr.write('send-events: set CARTBEACON_API_KEY to the account\'s apiKey (npm start prints the demo account\'s)\n');
    return 2;
  }
  const orderNo = process.argv[2] || `ORD-${Date.now().toString(36).toUpperCase()}`;
  // A real backend sends its own customer and session ids; these come from the collector.
  const [userId, sessionId] = await newKeys(url, 2);
  const events = orderEvents(
    {
      orderNo,
      currency: 'EUR',
      items: [
        { productId: 'espresso-blend', price: 12.9, quantity: 2 },
        { productId: 'pour-over-kettle', price: 39, quantity: 1 },
      ],
    },
    {
      userId,
      sessionId,
      // As the shop's server saw it in the visitor's request (here: an iPhone).
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
      pageUrl: `https://shop.example/thank-you?order=${encodeURIComponent(orderNo)}`,
      lang: 'EN',
    },
    { testMode: process.env.CARTBEACON_TEST_MODE === 'true' },
  );
  const { status, body } = await sendEvents(events, { url, apiKey });
  process.stdout.write(`order ${orderNo}: ${events.map((e) => e.name).join(', ')}\n`);
  process.stdout.write(`POST ${url}/add/events/v1.json → ${status || 'no answer'}\n${JSON.stringify(body, null, 2)}\n`);
  // 200 without a statusCode: every event is stored (or was already).
  return status === 200 && !body?.statusCode ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`send-events: ${e?.cause?.message ?? e?.message ?? e}\n`);
      process.exit(1);
    },
  );
}
