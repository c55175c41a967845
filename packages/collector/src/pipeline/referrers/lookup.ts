import { getDomainWithoutSuffix, getSubdomain, parse } from 'tldts';
import { AI_ASSISTANTS, ANDROID_APPS, MORE_HOSTS } from './additions.js';
import { REFERRERS } from './database.js';

/** A known referrer: its brand and medium (`referral` for hosts known to be neither search, social, mail nor AI). */
export interface KnownReferrer {
  source: string;
  medium: string;
}

const HOSTS = new Map<string, KnownReferrer>();
const add = (medium: string, table: Record<string, string>) => {
  for (const [source, hosts] of Object.entries(table)) {
    const known = Object.freeze({ source, medium });
    for (const host of hosts.split(' ')) HOSTS.set(host, known);
  }
};
for (const [medium, table] of Object.entries(REFERRERS)) add(medium, table);
for (const [medium, table] of Object.entries(MORE_HOSTS)) add(medium, table);
add('ai', AI_ASSISTANTS);

/**
 * Public suffixes and private ones (github.io, myshopify.com): two shops there are two
 * sites. Hosts under a suffix no list knows (shop.example) take their last label as one.
 */
const SUFFIXES = { allowPrivateDomains: true } as const;

/**
 * The site a host belongs to: its registrable domain ("blog.shop.co.uk" → "shop.co.uk"),
 * or the host itself where it has none (localhost, an IP address).
 */
export function siteOf(host: string): string {
  return parse(host, SUFFIXES).domain ?? host;
}

/** The host an Android app referrer stands for: listed, else its package name reversed. */
export function hostOfApp(pkg: string): string {
  return ANDROID_APPS[pkg] ?? pkg.split('.').reverse().join('.');
}

/**
 * What the database knows of a host: the entry of the host or of its nearest parent
 * domain (l.facebook.com → facebook.com); else, for a brand that the list knows under
 * .com, the same name under another country's suffix (pinterest.de, search.aol.co.uk).
 */
export function lookupHost(host: string): KnownReferrer | undefined {
  for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) {
    const known = HOSTS.get(h);
    if (known) return known;
  }
  // Names of four letters or more only: short ones (ok, vk, ask) are different sites
  // under different suffixes too often.
  const name = getDomainWithoutSuffix(host, SUFFIXES);
  if (!name || name.length < 4 || name.includes('.')) return undefined;
  const sub = getSubdomain(host, SUFFIXES);
  return (sub && HOSTS.get(`${sub}.${name}.com`)) || HOSTS.get(`${name}.com`);
}

/** The database's entry for an Android app's package name itself (a few are listed so). */
export const lookupApp = (pkg: string): KnownReferrer | undefined => HOSTS.get(pkg);
