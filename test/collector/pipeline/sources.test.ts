import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { classifyTraffic } from '../../../packages/collector/dist/pipeline/sources.js';
import { loadFixture } from '../../fixtures/accuracy/load.js';

const SHOP = 'https://shop.example/products/linen-shirt';
const of = (referrer: string | null, page = SHOP) => {
  const t = classifyTraffic(page, referrer);
  return [t.source, t.medium];
};

describe('classifyTraffic', () => {
  it.each([
    // The cases the issue found wrong.
    ['https://go.mail.ru/search?q=x', 'Mail.ru', 'organic'],
    ['https://mail.yandex.com/', 'Yandex Mail', 'email'],
    ['android-app://com.google.android.gm/', 'Gmail', 'email'],
    ['android-app://com.facebook.katana/', 'Facebook', 'social'],
    ['android-app://com.google.android.googlequicksearchbox/https/www.google.com', 'Google', 'organic'],
    ['https://www.threads.com/', 'Threads', 'social'],
    ['https://ok.ru/', 'OK', 'social'],
    ['https://l.workplace.com/', 'Workplace', 'social'],
    ['https://search.aol.co.uk/', 'AOL', 'organic'],
    ['https://isearch.avg.com/', 'AVG', 'organic'],
    ['https://chatgpt.com/', 'ChatGPT', 'ai'],
    ['https://www.perplexity.ai/search/x', 'Perplexity', 'ai'],
    // A parent domain's entry, a brand under another country's suffix, a host known to be no search.
    ['https://uk.mg40.mail.yahoo.com/', 'Yahoo Mail', 'email'],
    ['https://www.pinterest.de/', 'Pinterest', 'social'],
    ['https://maps.google.com/', 'Referrer', 'referral'],
    // Look-alikes stay referrals.
    ['https://googlefan.blogspot.com/', 'Referrer', 'referral'],
    ['https://www.google-analytics.com.evil.example/', 'Referrer', 'referral'],
  ])('%s → %s / %s', (referrer, source, medium) => {
    expect(of(referrer)).toEqual([source, medium]);
  });

  it('takes a page of the same registrable domain for Direct, but not a neighbour under a shared suffix', () => {
    expect(of('https://blog.shop.example/posts/summer')).toEqual(['Direct', null]);
    expect(of('https://blog.myshop.co.uk/', 'https://www.myshop.co.uk/p/1')).toEqual(['Direct', null]);
    expect(of('https://www.othershop.co.uk/', 'https://www.myshop.co.uk/p/1')).toEqual(['Referrer', 'referral']);
    expect(of('https://alice.github.io/', 'https://bob.github.io/shop/')).toEqual(['Referrer', 'referral']);
    expect(of('http://localhost:3000/a', 'http://localhost:8080/b')).toEqual(['Direct', null]);
  });

  it('reads click ids, gad_source included, before the referrer', () => {
    expect(of('https://www.google.de/', `${SHOP}?gad_source=1`)).toEqual(['Google', 'cpc']);
    expect(of(null, `${SHOP}?msclkid=1`)).toEqual(['Bing', 'cpc']);
    expect(classifyTraffic(`${SHOP}?utm_source=news&utm_medium=email&utm_campaign=x&gclid=1`, null)).toEqual({ source: 'news', medium: 'email', campaign: 'x' });
  });

  // The targets, on the fixtures the accuracy bench scores (node bench/accuracy/run.mjs).
  it('gets at least 95 % of search, social and email referrers right, source and medium', () => {
    const cases = loadFixture('referrers');
    for (const group of ['search', 'social', 'email', 'ai']) {
      const mine = cases.filter((c) => c.group === group);
      const right = mine.filter((c) => {
        const t = classifyTraffic(c.page, c.referrer);
        const names = ([] as string[]).concat(c.expect.source).map((s) => s.toLowerCase());
        return t.medium === c.expect.medium && names.includes(t.source.toLowerCase());
      });
      expect(right.length / mine.length, group).toBeGreaterThanOrEqual(0.95);
    }
  });
});

describe('the referrer database', () => {
  it('is what scripts/refresh-referrers.mjs makes of the installed package', () => {
    expect(() => execFileSync('node', ['scripts/refresh-referrers.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
