/**
 * Traffic sources as chromium sends them: a visitor follows a link from a search engine,
 * a social network, a webmail, an AI assistant, another site or the shop's own blog (each
 * a page that chromium loads, with its own referrer policy deciding what the shop sees),
 * or types the address; the funnel by Source and by Medium then shows each visit under the
 * source the docs promise (docs/traffic-sources.md). Headless chromium's own agent is a
 * bot's, so the visitors here carry a desktop Chrome's; one visit keeps the headless agent
 * and is left out of the funnel, and counted in /metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertBuilt, launchChromium, shopPage, startCollector, startShop, waitForEvents } from './harness.js';
import type { Collector, Shop } from './harness.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
/**
 * The shop answers as shop.test (chromium resolves it to the loopback address, so that the
 * page may load the script from the collector there); the other sites, the shop's blog
 * included, are pages that chromium gets through routes.
 */
let SHOP: string;

/** [the page the visitor comes from (none: typed), the landing page's path] */
const VISITS: [from: string | null, landing: string][] = [
  ['http://www.google.com/search?q=linen+shirt', '/p/linen-shirt'],
  ['http://www.google.de/', '/p/linen-shirt?gclid=Cj0KCQ'],
  ['http://l.facebook.com/l.php?u=x', '/p/linen-shirt'],
  ['http://mail.google.com/mail/u/0/', '/'],
  ['http://chatgpt.com/c/abc', '/p/linen-shirt'],
  ['http://www.perplexity.ai/search/x', '/'],
  ['http://styleblog.example.net/summer', '/'],
  ['http://blog.shop.test/posts/summer', '/'],
  [null, '/'],
];

let browser: Browser;
let c: Collector;
let shop: Shop;

beforeAll(async () => {
  assertBuilt();
  browser = await launchChromium(['--host-resolver-rules=MAP shop.test 127.0.0.1']);
  shop = await startShop(() => shopPage(c.url, c.account.apiKey, { attrs: 'data-vitals="false"' }));
  SHOP = `http://shop.test:${new URL(shop.origin).port}`;
  c = await startCollector([SHOP]);
});

afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await c?.close();
});

/** One visitor (a fresh context: new ids, new session) arriving on the shop from `from`. */
/** `userAgent` null: headless chromium's own. */
async function visit(from: string | null, landing: string, userAgent: string | null = CHROME) {
  const context = await browser.newContext(userAgent ? { userAgent } : {});
  try {
    // Every other site (but the collector, on the loopback address) is a page with one link to the landing page.
    await context.route(/^http:\/\/(?!shop\.test[:/]|127\.0\.0\.1)[^/]+\//, (route) =>
      route.fulfill({ contentType: 'text/html', body: `<!doctype html><a id="go" href="${SHOP}${landing}">linen shirts</a>` }),
    );
    const page = await context.newPage();
    if (from) {
      await page.goto(from);
      await Promise.all([page.waitForURL(`${SHOP}${landing}`), page.click('#go')]);
    } else await page.goto(`${SHOP}${landing}`);
    await page.waitForFunction(() => typeof (window as any).cartbeacon?.flush === 'function', null, { timeout: 10_000 });
    await page.evaluate(() => (window as any).cartbeacon.flush());
    return await page.evaluate(() => document.referrer);
  } finally {
    await context.close();
  }
}

const funnel = async (type: string) => {
  const res = await fetch(`${c.url}/api/funnel?account_id=${c.account.id}&report_type=${type}&date_range=today`, {
    headers: { authorization: `Bearer ${c.account.reportToken}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: Record<string, string | number>[] };
  return Object.fromEntries(body.data.map((r) => [r[type], r.clicks]));
};

describe('traffic sources from the referrers chromium sends', () => {
  it('shows each visit in the funnel by Source and by Medium; a bot visit is left out', { timeout: 90_000 }, async () => {
    const referrers = [];
    for (const [from, landing] of VISITS) referrers.push(await visit(from, landing));
    // What the shop saw: chromium's default policy sends another site's origin only.
    expect(referrers).toEqual([...VISITS.slice(0, -1).map(([from]) => `${new URL(from!).origin}/`), '']);
    // The headless agent: a bot's visit from Google.
    await visit('http://www.google.com/', '/', null);
    await waitForEvents(c, (ev) => ev.filter((e) => e.name === 'PAGE_VIEW').length === VISITS.length + 1, 'every page view');

    expect(await funnel('Source')).toEqual({
      Google: 2,
      Facebook: 1,
      Gmail: 1,
      ChatGPT: 1,
      Perplexity: 1,
      Referrer: 1,
      Direct: 2,
    });
    expect(await funnel('Medium')).toEqual({ organic: 1, cpc: 1, social: 1, email: 1, ai: 2, referral: 1, '(none)': 2 });
    const metrics = await (await fetch(`${c.url}/metrics`)).text();
    expect(metrics).toContain('cartbeacon_events_left_out_total{reason="bot",channel="events"} 1');
  });
});
