/** Numbers, money and dates as a person reads them (English, the account's time zone given by the server). */

const whole = new Intl.NumberFormat('en');
const moneyFormats = new Map<string, Intl.NumberFormat>();

export const formatCount = (n: number) => whole.format(n);

export function formatMoney(value: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    try {
      f = new Intl.NumberFormat('en', { style: 'currency', currency });
    } catch {
      // Not an ISO 4217 code Intl knows: the amount and the code as they are.
      return `${value.toFixed(2)} ${currency}`;
    }
    moneyFormats.set(currency, f);
  }
  return f.format(value);
}

/** The change from `before` to `now` in per cent, or undefined when there was nothing before. */
export function change(now: number, before: number): number | undefined {
  return before === 0 ? undefined : ((now - before) / before) * 100;
}

const day = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

/** 2025-10-20 → 20 Oct 2025 */
export const formatDay = (iso: string) => day.format(Date.parse(`${iso}T00:00:00Z`));

/** A first and last day as one span: 20 Oct 2025 – 2 Nov 2025, or one day. */
export const formatDays = (first: string, last: string) => (first === last ? formatDay(first) : `${formatDay(first)} – ${formatDay(last)}`);

/** Field names as words: page_views → Page views, revenue_EUR → Revenue (EUR). */
export function label(field: string): string {
  const m = /^revenue_(.+)$/.exec(field);
  if (m) return `Revenue (${m[1]})`;
  const words = field.replace(/[_-]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
