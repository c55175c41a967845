import { ACCOUNT } from '../../../helpers/collector.js';
import type { TestCollector } from '../../../helpers/collector.js';

export const basic = (password: string, user = 'shop-backend') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
export const bearer = (key: string) => `Bearer ${key}`;

export interface PostInit {
  /** The Authorization header; null sends none. */
  auth?: string | null;
  headers?: Record<string, string>;
  /** A body sent as is instead of JSON.stringify(body). */
  raw?: string;
  query?: string;
}

/** POSTs JSON to the collector. */
export function post(c: TestCollector, path: string, body: unknown, init: PostInit = {}): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...init.headers };
  if (init.auth) headers.authorization = init.auth;
  return fetch(`${c.url}${path}${init.query ?? ''}`, { method: 'POST', headers, body: init.raw ?? JSON.stringify(body) });
}

/** Yespo's POST /api/v2/event, by default with the account's key as the Basic auth password. */
export const yespo = (c: TestCollector, body: unknown, init: PostInit = {}) =>
  post(c, '/api/v2/event', body, { auth: basic(ACCOUNT.apiKey), ...init });

/** A Da Vinci endpoint, by default with the account's key as the Bearer token. */
export const davinci = (c: TestCollector, path: string, body: unknown, init: PostInit = {}) =>
  post(c, path, body, { auth: bearer(ACCOUNT.apiKey), ...init });

/** The account's stored events of one API. */
export const storedOf = async (c: TestCollector, channel: string, accountId = ACCOUNT.id) =>
  (await c.store.events(accountId)).filter((e) => e.channel === channel);

/** Rows of a SQL query on the collector's DuckDB file. */
export async function query(c: TestCollector, sql: string): Promise<Record<string, unknown>[]> {
  const conn = await c.store.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
  }
}
