import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file in the data dir that holds the dashboard's session secret. */
export const SESSION_SECRET_FILE = 'dashboard-session.key';

/**
 * The secret that signs the dashboard's session cookies (with each account's report
 * token): made once, 32 random bytes, and kept in the data dir (owner-only), so that
 * sign-ins survive restarts. Deleting the file signs everyone out at the next start.
 */
export function loadSessionSecret(dataDir: string): Buffer {
  const file = join(dataDir, SESSION_SECRET_FILE);
  try {
    const kept = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (kept.length >= 32) return kept;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const secret = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret.toString('hex') + '\n', { mode: 0o600 });
  return secret;
}
