/** The collector's answers that the page reads: `GET dashboard/api/<panel>`. */

export type Row = Record<string, string | number>;

/** A table panel's answer: its field names and rows. */
export interface TableAnswer {
  status: 'ok';
  fields: string[];
  data: Row[];
  bucket?: 'hour' | 'day';
  timezone?: string;
}

export interface Figures {
  visitors: number;
  sessions: number;
  page_views: number;
  orders: number;
  revenue: { currency: string; value: number }[];
}

export interface SummaryAnswer {
  status: 'ok';
  range: { date_range: string; first: string; last: string; timezone: string; currency: string; previous: { first: string; last: string } };
  current: Figures;
  previous: Figures;
}

export interface CountsAnswer<T> {
  status: 'ok';
  data: T;
}

/** The session has ended (signed out elsewhere, expired, or the token changed). */
export class SignedOut extends Error {}

/** GETs a panel's JSON; a 401 is SignedOut, another refusal an Error with the collector's message. */
export async function getPanel<T>(base: string, panel: string, query: string): Promise<T> {
  const res = await fetch(`${base}/api/${panel}${query}`, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) throw new SignedOut('signed out');
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body as { message?: string }).message ?? `${panel}: ${res.status}`);
  return body as T;
}
