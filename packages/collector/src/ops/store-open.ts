import { join } from 'node:path';
import { CommandError } from './command-error.js';
import { DATABASE_FILE } from './backup.js';

/**
 * DuckDB's error at open as one line that says what to change, or the error itself:
 * its lock held by another process (a duckdb shell, a collector started without this
 * version's lock file), its file not writable, or of a newer collector's schema.
 */
export function storeOpenProblem(e: unknown, dataDir: string): unknown {
  const message = (e as Error)?.message ?? '';
  const file = join(dataDir, DATABASE_FILE);
  const lock = /Conflicting lock is held in (.*?) \(PID (\d+)\)/.exec(message);
  if (lock) return new CommandError(`another process (pid ${lock[2]}, ${lock[1]}) has ${file} open: stop it first`);
  if (/newer than this collector's/.test(message)) return new CommandError(`${file}: ${message}, or restore the backup taken before the upgrade (docs/operations.md, "Upgrading")`);
  if (/Permission denied|Read-only file system/i.test(message))
    return new CommandError(`cannot open ${file} for writing (${message.split('\n')[0]}): give the data dir to the collector's user or choose another (--data-dir)`);
  return e;
}
