import type { AccountConfig } from './config.js';

/** The accounts of the configuration, found by ingest key or by id. */
export interface Accounts {
  byApiKey(key: string): AccountConfig | undefined;
  byId(id: string): AccountConfig | undefined;
  /** Whether a browser on `origin` may send events for the account. */
  allows(account: AccountConfig, origin: string): boolean;
  list(): readonly AccountConfig[];
}

export function indexAccounts(accounts: readonly AccountConfig[]): Accounts {
  const byKey = new Map(accounts.map((a) => [a.apiKey, a]));
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const origins = new Map(accounts.map((a) => [a, new Set(a.origins)]));
  return {
    byApiKey: (key) => byKey.get(key),
    byId: (id) => byId.get(id),
    allows: (account, origin) => {
      const set = origins.get(account)!;
      return set.has('*') || set.has(origin);
    },
    list: () => accounts,
  };
}
