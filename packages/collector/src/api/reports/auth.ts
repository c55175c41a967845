import { createHash, timingSafeEqual } from 'node:crypto';
import type { Accounts } from '../../config/accounts.js';
import type { AccountConfig } from '../../config/config.js';
import { bearerOf } from '../../http/params.js';
import { unauthenticated } from './refusals.js';

/** A token's SHA-256, so that tokens of any length compare in constant time. */
export const tokenDigest = (s: string) => createHash('sha256').update(s).digest();

/** The accounts whose report token `token` is (compared in constant time); usually one. */
export function accountsOfToken(accounts: Accounts, token: string): AccountConfig[] {
  const given = tokenDigest(token);
  return accounts.list().filter((a) => timingSafeEqual(given, tokenDigest(a.reportToken)));
}

/**
 * UNAUTHENTICATED (401) unless `authorization` is `Bearer <some account's reportToken>`:
 * for a report request that names no account, so that a caller without a token learns
 * nothing of the parameters (401 comes before 400).
 */
export function requireSomeReportToken(accounts: Accounts, authorization: string): void {
  const token = bearerOf(authorization);
  if (!token || !accountsOfToken(accounts, token).length) throw unauthenticated();
}

/**
 * The account named by `accountId` when `authorization` is `Bearer <its reportToken>`;
 * else UNAUTHENTICATED (401), the same for an unknown account as for a wrong token. The
 * tokens are compared in constant time.
 */
export function authorizeReport(accounts: Accounts, accountId: string, authorization: string): AccountConfig {
  const token = bearerOf(authorization);
  const account = accounts.byId(accountId);
  if (!token || !account || !timingSafeEqual(tokenDigest(token), tokenDigest(account.reportToken))) throw unauthenticated();
  return account;
}
