import { createHash, timingSafeEqual } from 'node:crypto';
import type { Accounts } from '../../config/accounts.js';
import type { AccountConfig } from '../../config/config.js';
import { bearerOf } from '../../http/params.js';
import { unauthenticated } from './refusals.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * The account named by `accountId` when `authorization` is `Bearer <its reportToken>`;
 * else UNAUTHENTICATED (401), the same for an unknown account as for a wrong token. The
 * tokens are compared in constant time.
 */
export function authorizeReport(accounts: Accounts, accountId: string, authorization: string): AccountConfig {
  const token = bearerOf(authorization);
  const account = accounts.byId(accountId);
  if (!token || !account || !timingSafeEqual(digest(token), digest(account.reportToken))) throw unauthenticated();
  return account;
}
