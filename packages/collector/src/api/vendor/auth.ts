import type { Context } from 'koa';
import type { Accounts } from '../../config/accounts.js';
import type { AccountConfig } from '../../config/config.js';
import { bearerOf, queryParam } from '../../http/body.js';
import { InputError } from './request.js';

/** The password of a Basic Authorization header (the user name is ignored), or undefined. */
export function basicPassword(ctx: Context): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(ctx.get('authorization'));
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : undefined;
}


/**
 * The account whose API key the request carries: 401 (with WWW-Authenticate for
 * `scheme`) without a key or with an unknown one; 403 when a browser sends it from an
 * origin outside the account's list.
 */
export function accountFor(ctx: Context, accounts: Accounts, key: string | undefined, scheme: 'Basic' | 'Bearer', how: string): AccountConfig {
  const refuse = (message: string) => {
    ctx.set('WWW-Authenticate', `${scheme} realm="cartbeacon"`);
    return new InputError(message, 401);
  };
  if (!key) throw refuse(`Unauthenticated: send the account's API key ${how}`);
  const account = accounts.byApiKey(key);
  if (!account) throw refuse('Unauthenticated: the API key is not one of an account');
  const origin = ctx.get('origin');
  if (origin && !accounts.allows(account, origin)) throw new InputError(`Origin ${origin} is not one of the account's origins`, 403);
  return account;
}

/** Yespo: the API key as the Basic auth password (any user name), or `?apiKey=`. */
export const yespoAccount = (ctx: Context, accounts: Accounts) =>
  accountFor(ctx, accounts, basicPassword(ctx) ?? queryParam(ctx, 'apiKey'), 'Basic', 'as the Basic auth password or as ?apiKey=');

/** Da Vinci: `Authorization: Bearer <API key>`. */
export const davinciAccount = (ctx: Context, accounts: Accounts) =>
  accountFor(ctx, accounts, bearerOf(ctx.get('authorization')), 'Bearer', 'as "Authorization: Bearer <key>"');
