/**
 * The view's state, kept in the page's address with the funnel report's parameter names,
 * so that a view can be bookmarked and shared.
 */
export interface View {
  /** A named range (today, last_7_days, …) or YYYYMMDD,YYYYMMDD. */
  date_range: string;
  /** Source, Medium, Campaign, Country or Device. */
  report_type: string;
  /** Two letters, or '' for every country. */
  country: string;
  /** Only where the session opens several accounts. */
  account_id: string;
}

export const DEFAULT_VIEW: View = { date_range: 'today', report_type: 'Source', country: '', account_id: '' };

const NAMES = Object.keys(DEFAULT_VIEW) as (keyof View)[];

/** The view an address's query string names; what it leaves out is the default. */
export function viewOf(search: string): View {
  const q = new URLSearchParams(search);
  const v = { ...DEFAULT_VIEW };
  for (const name of NAMES) v[name] = q.get(name)?.trim() || DEFAULT_VIEW[name];
  return v;
}

/** The query string of a view (`?…`), without empty parameters. */
export function queryOf(v: View, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const name of NAMES) if (v[name]) q.set(name, v[name]);
  for (const [k, x] of Object.entries(extra)) q.set(k, x);
  return `?${q}`;
}

/** YYYYMMDD,YYYYMMDD as two ISO dates, or undefined when the range is a named one. */
export function explicitDays(range: string): [string, string] | undefined {
  const m = /^(\d{4})(\d{2})(\d{2}),(\d{4})(\d{2})(\d{2})$/.exec(range);
  return m ? [`${m[1]}-${m[2]}-${m[3]}`, `${m[4]}-${m[5]}-${m[6]}`] : undefined;
}

/** Two ISO dates as the funnel's YYYYMMDD,YYYYMMDD. */
export const rangeOf = (from: string, to: string) => `${from.replaceAll('-', '')},${to.replaceAll('-', '')}`;
