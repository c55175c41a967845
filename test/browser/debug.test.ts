/**
 * A broken snippet says what is wrong: with data-debug, the tracker prints the code and
 * message the collector refused its events with, and the message says what to change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { assertBuilt, launchChromium, openTab, shopPage, startCollector, startShop, waitFor } from './harness.js';
import type { Collector, Shop } from './harness.js';

let browser: Browser;
let collector: Collector;
let shop: Shop;

beforeAll(async () => {
  assertBuilt();
  browser = await launchChromium();
  // The account lists another origin than the shop's.
  collector = await startCollector(['https://shop.example']);
  shop = await startShop((path) => {
    const [, attrs, key] = /^\/(debug|quiet)\/(.*)$/.exec(path) ?? [];
    if (!attrs) return undefined;
    return shopPage(collector.url, decodeURIComponent(key ?? ''), { attrs: attrs === 'debug' ? 'data-debug' : '' });
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await shop?.close();
  await collector?.close();
});

/** What the tracker printed on the console of a page that sends one event. */
async function printed(path: string): Promise<string[]> {
  const tab = await openTab(browser);
  const lines: string[] = [];
  tab.page.on('console', (m) => lines.push(m.text()));
  try {
    await tab.page.goto(`${shop.origin}${path}`);
    await waitFor(() => tab.posts.length > 0, { timeout: 10_000 });
    // The answer's body is read after its status.
    await new Promise((r) => setTimeout(r, 300));
    expect(tab.errors).toEqual([]);
    return lines.filter((l) => l.startsWith('cartbeacon:'));
  } finally {
    await tab.close();
  }
}

describe('a snippet the collector refuses', () => {
  it('prints, with data-debug, that its origin is not the account’s and to add it', async () => {
    const lines = await printed(`/debug/${collector.account.apiKey}`);
    expect(lines.length).toBeGreaterThan(0);
    // One line a refused batch.
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^cartbeacon: NO_DOMAIN_APIKEY_MATCH Origin ${shop.origin} is not one of the account's origins: add it to the account's origins`));
  });

  it('prints a key that no account has, and a missing data-key, each with what to check', async () => {
    for (const [path, pattern] of [
      ['/debug/no-such-key', /^cartbeacon: NO_ACCOUNT .*check the script tag's data-key/],
      ['/debug/', /^cartbeacon: NO_API_KEY .*give the script tag data-key=/],
    ] as const) {
      const lines = await printed(path);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(pattern);
    }
  });

  it('prints nothing without data-debug', async () => {
    expect(await printed(`/quiet/${collector.account.apiKey}`)).toEqual([]);
  });
});
