// referer-parser on npm (Apache-2.0 code, 2013, snowplow's referers.yml of then).
import { lib } from './lib.mjs';

const Referer = (await lib('referer-parser')).default;
const MEDIUM = { search: 'organic', social: 'social', email: 'email' };
export const name = 'referer-parser 0.0.3 (raw)';
export function traffic(page, referrer) {
  if (!referrer) return { source: 'Direct', medium: null };
  const r = new Referer(referrer, page ?? undefined);
  if (r.medium === 'internal') return { source: 'Direct', medium: null };
  return MEDIUM[r.medium] ? { source: r.referer, medium: MEDIUM[r.medium] } : { source: 'Referrer', medium: 'referral' };
}
