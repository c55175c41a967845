import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { SESSION_SECRET_FILE } from '../config/session-secret.js';
import type { Ingest } from '../ingest/ingest.js';
import type { Store } from '../store/ports.js';
import { CommandError } from './command-error.js';

/** The database file's name in a data dir (and in a backup). */
export const DATABASE_FILE = 'cartbeacon.duckdb';

/** What a backup directory holds, written beside its files as `backup.json`. */
export interface BackupManifest {
  createdAt: string;
  /** The data dir it was taken from. */
  from: string;
  /** Its files, relative to the backup directory. */
  files: string[];
  /** Where the configuration file is in the backup, when it was outside the data dir. */
  config?: string;
}

export interface BackupSource {
  store: Pick<Store, 'backup'>;
  ingest: Pick<Ingest, 'drain'>;
  dataDir: string;
  /** The configuration file in use (the data dir's config.json for a demo account). */
  configSource: string;
  /** How long the spool may take to load before the backup gives up. @defaultValue 60 000 ms */
  drainTimeoutMs?: number;
}

/** Resolves when `drained` does; a CommandError after `ms` (a store that cannot commit never drains). */
async function drainWithin(drained: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CommandError(`the collector could not load its spool into the store within ${ms / 1000} s (is /readyz 503? the store may be failing): nothing was copied; try again once it answers 200`)),
      ms,
    );
  });
  try {
    await Promise.race([drained, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Takes a consistent copy of a running collector into `target` (absolute, new or empty),
 * which is then itself a data dir: everything acknowledged before the call is loaded from
 * the spool first, the store copies itself as of one moment (DuckDB: one transaction,
 * while writes go on), and the configuration and the dashboard's session key are copied
 * beside it. Restore: stop, put the copy in the data dir's place, start (docs/operations.md).
 */
export async function backupDataDir(target: string, source: BackupSource): Promise<BackupManifest> {
  if (!isAbsolute(target)) throw new CommandError(`the backup directory must be an absolute path: ${target}`);
  const made = !existsSync(target);
  if (!made && readdirSync(target).length > 0) throw new CommandError(`${target} is not empty: back up into a new directory`);
  try {
    mkdirSync(target, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EROFS')
      throw new CommandError(`cannot make ${target} (EROFS): read-only for the collector (under the systemd unit, only /var/backups/cartbeacon is writable); choose a directory it may write`);
    throw new CommandError(`cannot make ${target} (${code}): the collector's user (${userInfo().username}) writes the backup; choose a directory it may write`);
  }
  try {
    await drainWithin(source.ingest.drain(), source.drainTimeoutMs ?? 60_000);
    const files = [DATABASE_FILE];
    await source.store.backup(join(target, DATABASE_FILE));
    const copy = (from: string, to: string) => {
      mkdirSync(dirname(join(target, to)), { recursive: true });
      copyFileSync(from, join(target, to));
      chmodSync(join(target, to), 0o600);
      files.push(to);
    };
    const secret = join(source.dataDir, SESSION_SECRET_FILE);
    if (existsSync(secret)) copy(secret, SESSION_SECRET_FILE);
    // A demo account's config.json lives in the data dir and goes back there; a file of
    // CARTBEACON_CONFIG is kept under config/ so that a restore does not mistake it for one.
    const inDataDir = !relative(source.dataDir, source.configSource).startsWith('..');
    const config = inDataDir ? relative(source.dataDir, source.configSource) : join('config', basename(source.configSource));
    if (existsSync(source.configSource)) copy(source.configSource, config);
    const manifest: BackupManifest = { createdAt: new Date().toISOString(), from: source.dataDir, files, ...(inDataDir ? {} : { config }) };
    writeFileSync(join(target, 'backup.json'), JSON.stringify(manifest, null, 2) + '\n');
    return manifest;
  } catch (e) {
    if (made) rmSync(target, { recursive: true, force: true });
    throw e;
  }
}
