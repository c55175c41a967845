/**
 * The one rule for a country code, used where the collector stores one (the trusted proxy
 * header) and where a report filters by one: two letters, upper case. Proxies send
 * user-assigned codes for places ISO 3166-1 has none for (XK, Kosovo), so any two letters
 * count, except the codes they use for "unknown" (XX, ZZ; Cloudflare's T1, for Tor, is not
 * two letters).
 */
export function countryCode(v: string): string | null {
  const code = v.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(code) && code !== 'XX' && code !== 'ZZ' ? code : null;
}
