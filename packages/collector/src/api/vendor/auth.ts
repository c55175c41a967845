import type { Context } from 'koa';
import type { Accounts } from '../../config/accounts.js';
import type { AccountConfig } from '../../config/config.js';
import { refuse } from '../../http/errors.js';
import { basicPasswordOf, bearerOf, queryParam } from '../../http/params.js';

/**
 * The account whose API key the request carries: UNAUTHENTICATED (401, with
 * WWW-Authenticate for `scheme`) without a key or with an unknown one;
 * ORIGIN_NOT_ALLOWED (403) when a browser sends it from an origin outside the account's list.
 */
export function accountFor(ctx: Context, accounts: Accounts, key: string | undefined, scheme: 'Basic' | 'Bearer', how: string): AccountConfig {
  const challenge = { 'WWW-Authenticate': `${scheme} realm="cartbeacon"` };
  if (!key) throw refuse('UNAUTHENTICATED', `Unauthenticated: send the account's API key ${how}`, challenge);
  const account = accounts.byApiKey(key);
  if (!account) throw refuse('UNAUTHENTICATED', 'Unauthenticated: the API key is not one of an account', challenge);
  const origin = ctx.get('origin');
  if (origin && !accounts.allows(account, origin)) throw refuse('ORIGIN_NOT_ALLOWED', `Origin ${origin.slice(0, 200)} is not one of the account's origins: add it to the account's origins in the collector's configuration`);
  return account;
}

/** Yespo: the API key as the Basic auth password (any user name), or `?apiKey=`. */
export const yespoAccount = (ctx: Context, accounts: Accounts) =>
  accountFor(ctx, accounts, basicPasswordOf(ctx.get('authorization')) ?? queryParam(ctx, 'apiKey'), 'Basic', 'as the Basic auth password or as ?apiKey=');

/** Da Vinci: `Authorization: Bearer <API key>`. */
export const davinciAccount = (ctx: Context, accounts: Accounts) =>
  accountFor(ctx, accounts, bearerOf(ctx.get('authorization')), 'Bearer', 'as "Authorization: Bearer <key>"');
