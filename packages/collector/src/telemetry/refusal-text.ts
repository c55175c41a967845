import type { RefusalCount } from './refusals.js';

/** What to change for the refusals a wrong snippet or configuration causes. */
const HINTS: Record<string, string> = {
  NO_DOMAIN_APIKEY_MATCH: "add the page's origin to the account's origins in the collector's configuration",
  NO_API_KEY: 'give the script tag data-key="the account\'s apiKey" (or the URL ?apiKey=)',
  NO_ACCOUNT: "the API key is no account's: check the script tag's data-key (or ?apiKey=) against the configuration's apiKey",
  UNAUTHENTICATED: "the API key is no account's: check the key the backend sends",
};

/** "1 request", "12 requests". */
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/**
 * One line for a person: "12 requests refused: NO_DOMAIN_APIKEY_MATCH from
 * http://localhost:18490 — add it to the account's origins …". With `details` false (the
 * public start page), no origin and no message: only what the code itself says to change.
 */
export function describeRefusals(c: Pick<RefusalCount, 'code' | 'origin' | 'requests' | 'events' | 'message'>, details: boolean): string {
  const what = c.events > 0 ? `${count(c.events, 'event')} refused in ${count(c.requests, 'request')}` : `${count(c.requests, 'request')} refused`;
  const from = details && c.origin ? ` from ${c.origin}` : '';
  const hint = HINTS[c.code] ?? (details ? c.message : "the collector's log and the dashboard say what was wrong");
  return `${what}: ${c.code}${from} — ${hint}`;
}
