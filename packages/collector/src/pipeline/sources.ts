import { LRUCache } from 'lru-cache';
import { hostOfApp, lookupApp, lookupHost, siteOf } from './referrers/lookup.js';
import type { KnownReferrer } from './referrers/lookup.js';
/**
 * Where a visit came from: source / medium / campaign from the landing page's UTM tags;
 * without them from an ad network's click id; else from the referrer (a search engine,
 * a social network, a webmail or mail app, an AI assistant, or any other site:
 * "Referrer"); with none, or a page of the same site, "Direct".
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
  // Google Ads adds it to every ad click, also where auto-tagging's gclid is turned off.
  ['gad_source', 'Google', 'cpc'],
  ['dclid', 'Google', 'display'],
  ['msclkid', 'Bing', 'cpc'],
  ['fbclid', 'Facebook', 'social'],
  ['ttclid', 'TikTok', 'cpc'],
  ['twclid', 'X', 'cpc'],
  ['li_fat_id', 'LinkedIn', 'cpc'],
  ['yclid', 'Yandex', 'cpc'],
  ['epik', 'Pinterest', 'cpc'],
];

const DIRECT: Traffic = { source: 'Direct', medium: null, campaign: null };
const REFERRER: Traffic = { source: 'Referrer', medium: 'referral', campaign: null };

const parse = (url: string | null | undefined) => {
  if (!url) return undefined;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
};

const clip = (v: string | null) => (v ? v.slice(0, 512) : null);

/** A referrer's source: a known one (search, social, mail, AI, ads), else "Referrer". */
function ofKnown(known: KnownReferrer | undefined): Traffic {
  return known && known.medium !== 'referral' ? { source: known.source, medium: known.medium, campaign: null } : REFERRER;
}

/**
 * The traffic source of a page reached from `referrer` (either may be missing); the rules
 * are docs/traffic-sources.md's.
 */
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
  if (!ref) return DIRECT;
  if (ref.protocol === 'android-app:') {
    // An app opened the page: the site it stands for (android-app://com.google.android.gm → Gmail).
    const pkg = ref.hostname.toLowerCase();
    return ofKnown(lookupApp(pkg) ?? lookupHost(hostOfApp(pkg)));
  }
  if (!/^https?:$/.test(ref.protocol)) return DIRECT;
  const host = ref.hostname;
  // A page of the same site, subdomains included (blog.shop.example on shop.example).
  if (page && (host === page.hostname || siteOf(host) === siteOf(page.hostname))) return DIRECT;
  return ofKnown(lookupHost(host));
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
