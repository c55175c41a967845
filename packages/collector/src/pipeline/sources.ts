import { LRUCache } from 'lru-cache';
/**
 * Where a visit came from: source / medium / campaign from the landing page's UTM tags;
 * without them from an ad network's click id; else from the referrer (a search engine,
 * a social network, a webmail, or any other site: "Referrer"); with none, "Direct".
 */
export interface Traffic {
  source: string;
  medium: string | null;
  campaign: string | null;
}

/** Click ids that ad networks append to landing URLs, with the network and medium they mean. */
const CLICK_IDS: [param: string, source: string, medium: string][] = [
  ['gclid', 'Google', 'cpc'],
  ['gbraid', 'Google', 'cpc'],
  ['wbraid', 'Google', 'cpc'],
  ['dclid', 'Google', 'display'],
  ['msclkid', 'Bing', 'cpc'],
  ['fbclid', 'Facebook', 'social'],
  ['ttclid', 'TikTok', 'cpc'],
  ['twclid', 'Twitter', 'cpc'],
  ['li_fat_id', 'LinkedIn', 'cpc'],
  ['yclid', 'Yandex', 'cpc'],
  ['epik', 'Pinterest', 'cpc'],
];

/**
 * Referrer hosts by kind. A rule matches the host itself or any subdomain; a rule ending
 * in "." matches that name under any top-level domain (google.de, google.co.uk).
 */
const SEARCH: [string, string][] = [
  ['google.', 'Google'],
  ['bing.com', 'Bing'],
  ['yahoo.', 'Yahoo'],
  ['duckduckgo.com', 'DuckDuckGo'],
  ['yandex.', 'Yandex'],
  ['ya.ru', 'Yandex'],
  ['baidu.com', 'Baidu'],
  ['ecosia.org', 'Ecosia'],
  ['search.brave.com', 'Brave'],
  ['startpage.com', 'Startpage'],
  ['qwant.com', 'Qwant'],
  ['naver.com', 'Naver'],
  ['seznam.cz', 'Seznam'],
  ['so.com', '360'],
  ['sogou.com', 'Sogou'],
  ['aol.com', 'AOL'],
  ['ask.com', 'Ask'],
];

const SOCIAL: [string, string][] = [
  ['facebook.com', 'Facebook'],
  ['fb.com', 'Facebook'],
  ['fb.me', 'Facebook'],
  ['messenger.com', 'Facebook'],
  ['instagram.com', 'Instagram'],
  ['t.co', 'Twitter'],
  ['twitter.com', 'Twitter'],
  ['x.com', 'Twitter'],
  ['linkedin.com', 'LinkedIn'],
  ['lnkd.in', 'LinkedIn'],
  ['pinterest.', 'Pinterest'],
  ['pin.it', 'Pinterest'],
  ['reddit.com', 'Reddit'],
  ['youtube.com', 'YouTube'],
  ['youtu.be', 'YouTube'],
  ['tiktok.com', 'TikTok'],
  ['vk.com', 'VK'],
  ['threads.net', 'Threads'],
  ['bsky.app', 'Bluesky'],
  ['snapchat.com', 'Snapchat'],
  ['whatsapp.com', 'WhatsApp'],
  ['telegram.org', 'Telegram'],
  ['t.me', 'Telegram'],
  ['news.ycombinator.com', 'Hacker News'],
  ['tumblr.com', 'Tumblr'],
  ['quora.com', 'Quora'],
];

/** Webmail hosts: a click from an email read in the browser. */
const EMAIL = [
  'mail.google.com',
  'outlook.live.com',
  'outlook.office.com',
  'outlook.office365.com',
  'mail.yahoo.com',
  'mail.aol.com',
  'mail.proton.me',
  'mail.yandex.ru',
  'mail.ru',
  'mail.zoho.com',
  'icloud.com',
  'gmx.net',
  'web.de',
];

const hostMatches = (host: string, rule: string) =>
  rule.endsWith('.')
    ? host.startsWith(rule) || host.includes('.' + rule)
    : host === rule || host.endsWith('.' + rule);

const parse = (url: string | null | undefined) => {
  if (!url) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

const clip = (v: string | null) => (v ? v.slice(0, 512) : null);

/** The traffic source of a page reached from `referrer` (either may be missing). */
function classify(pageUrl: string | null, referrer: string | null): Traffic {
  const page = parse(pageUrl);
  const q = page?.searchParams;
  const utmSource = q?.get('utm_source');
  if (utmSource) {
    // utm_source is kept as given: the shop chose it.
    return { source: clip(utmSource)!, medium: clip(q!.get('utm_medium')), campaign: clip(q!.get('utm_campaign')) };
  }
  for (const [param, source, medium] of CLICK_IDS) {
    if (q?.has(param)) return { source, medium, campaign: clip(q.get('utm_campaign')) };
  }
  const ref = parse(referrer);
  if (!ref || !/^https?:$/.test(ref.protocol) || (page && ref.host === page.host))
    return { source: 'Direct', medium: null, campaign: null };
  const host = ref.hostname.toLowerCase().replace(/^www\./, '');
  if (EMAIL.some((rule) => hostMatches(host, rule))) return { source: 'Email', medium: 'email', campaign: null };
  for (const [rule, name] of SEARCH) if (hostMatches(host, rule)) return { source: name, medium: 'organic', campaign: null };
  for (const [rule, name] of SOCIAL) if (hostMatches(host, rule)) return { source: name, medium: 'social', campaign: null };
  return { source: 'Referrer', medium: 'referral', campaign: null };
}

const cache = new LRUCache<string, Traffic>({ max: 10_000 });

/**
 * The traffic source of a page and its referrer, cached: the events of a page (and the
 * pages of a campaign) share them, and parsing two URLs is most of an event's enrichment.
 */
export function classifyTraffic(pageUrl: string | null, referrer: string | null): Traffic {
  const key = `${pageUrl ?? ''}\n${referrer ?? ''}`;
  let traffic = cache.get(key);
  if (!traffic) cache.set(key, (traffic = Object.freeze(classify(pageUrl, referrer))));
  return traffic;
}
