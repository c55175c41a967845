import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import type { Accounts } from '../../../config/accounts.js';
import type { AccountConfig } from '../../../config/config.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'cartbeacon_dashboard';

/** How long a sign-in lasts. @defaultValue 7 days */
export const SESSION_SECONDS = 7 * 24 * 3600;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The accounts whose report token `token` is (compared in constant time); usually one. */
export function accountsOfToken(accounts: Accounts, token: string): AccountConfig[] {
  const given = digest(token);
  return accounts.list().filter((a) => timingSafeEqual(given, digest(a.reportToken)));
}

/**
 * Signed, stateless dashboard sessions. A cookie names the accounts it opens and when it
 * expires, and carries an HMAC-SHA256 of that under a key made from the collector's
 * session secret and the accounts' current report tokens: it survives restarts (the
 * secret is kept in the data dir), and changing an account's reportToken (or the secret)
 * ends every session of it. Nothing of a token is in the cookie.
 */
export interface Sessions {
  /** Sets the cookie of a new session for `accounts`. */
  issue(ctx: Context, accounts: AccountConfig[]): void;
  /** The accounts of the request's session; none without a valid one. */
  read(ctx: Context): AccountConfig[];
  /** Ends the browser's session (the cookie is cleared). */
  clear(ctx: Context): void;
}

/** Whether the page was asked for over https (directly, or through a proxy that says so). */
export function overHttps(ctx: Context): boolean {
  // Trusting the header can only add Secure: a forged one costs its sender the cookie.
  return ctx.secure || /^\s*https\s*(,|$)/i.test(ctx.get('x-forwarded-proto'));
}

/** The dashboard's path under the collector's mount point (the cookie is sent there only). */
export const dashboardPath = (ctx: Context) => `${(ctx as { mountPath?: string }).mountPath ?? ''}/dashboard`;

export function createSessions(accounts: Accounts, secret: string | Buffer = '', now: () => number = Date.now): Sessions {
  const key = createHmac('sha256', secret).update('cartbeacon dashboard session v1').digest();
  const mac = (payload: string, list: AccountConfig[]) =>
    createHmac('sha256', key)
      .update(payload)
      .update(list.map((a) => `\n${a.id}\n${digest(a.reportToken).toString('hex')}`).join(''))
      .digest();

  const set = (ctx: Context, value: string, maxAge: number) => {
    const attrs = [`Path=${dashboardPath(ctx)}`, 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAge}`];
    if (overHttps(ctx)) attrs.push('Secure');
    ctx.append('Set-Cookie', `${SESSION_COOKIE}=${value}; ${attrs.join('; ')}`);
  };

  return {
    issue(ctx, list) {
      const payload = Buffer.from(JSON.stringify({ a: list.map((a) => a.id), x: Math.floor(now() / 1000) + SESSION_SECONDS })).toString('base64url');
      set(ctx, `${payload}.${mac(payload, list).toString('base64url')}`, SESSION_SECONDS);
    },

    read(ctx) {
      const raw = cookieValue(ctx.get('cookie'), SESSION_COOKIE);
      const [payload, signature, extra] = raw?.split('.') ?? [];
      if (!payload || !signature || extra !== undefined) return [];
      let claims: { a?: unknown; x?: unknown };
      try {
        claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return [];
      }
      if (!Array.isArray(claims.a) || typeof claims.x !== 'number' || claims.x * 1000 <= now()) return [];
      const list = claims.a.map((id) => (typeof id === 'string' ? accounts.byId(id) : undefined));
      if (!list.length || list.some((a) => !a)) return [];
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload, list as AccountConfig[]);
      return given.length === expected.length && timingSafeEqual(given, expected) ? (list as AccountConfig[]) : [];
    },

    clear(ctx) {
      set(ctx, '', 0);
    },
  };
}

/** The value of cookie `name` in a Cookie header. */
function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
