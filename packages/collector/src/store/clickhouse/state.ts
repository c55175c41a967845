import type { StateEntry } from '../event.js';
import type { Db } from './db.js';
import { quote } from './sql.js';

/**
 * Server-side state of the vendor-compatible APIs (a Yespo cart, a visitor's session, a
 * Da Vinci browser, session or identity), one JSON value per (account, kind, key), in
 * `vendor_states` of the same database as the events, so that every collector of a
 * cluster reads the same. A write is a new row; the row with the highest seq is the value
 * (ReplacingMergeTree keeps only it once parts merge).
 */

const key = (e: StateEntry) => `${e.accountId}\u0000${e.kind}\u0000${e.key}`;

/** The rows of a load's state entries, the last entry of a key only, each with its seq. */
export function stateLines(entries: readonly StateEntry[], nextSeq: () => bigint): string[] {
  const last = new Map<string, StateEntry>();
  for (const e of entries) last.set(key(e), e);
  return [...last.values()].map(
    (e) =>
      `{"account_id":${JSON.stringify(e.accountId)},"kind":${JSON.stringify(e.kind)},"key":${JSON.stringify(e.key)},"value":${JSON.stringify(e.value)},"seq":${nextSeq()}}`,
  );
}

/** The JSON value stored for a key, or undefined. */
export async function readState(db: Db, accountId: string, kind: string, k: string): Promise<string | undefined> {
  const rows = await db.query<{ value: string }>(
    `SELECT value FROM ${db.table('vendor_states')}
     WHERE account_id = ${quote(accountId)} AND kind = ${quote(kind)} AND key = ${quote(k)}
     ORDER BY seq DESC LIMIT 1`,
  );
  return rows[0]?.value;
}
