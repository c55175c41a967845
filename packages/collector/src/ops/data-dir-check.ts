import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { CommandError } from './command-error.js';

/** The directories of the data dir whose files the collector writes (the spool's segments). */
const SUBDIRS = ['spool'];

/** Checked first, so that the line names the file that matters most: the database and its WAL. */
const FIRST = ['cartbeacon.duckdb', 'cartbeacon.duckdb.wal'];

const user = () => {
  try {
    const { username, uid } = userInfo();
    return uid >= 0 ? `${username} (uid ${uid})` : username;
  } catch {
    return 'this user';
  }
};

const rank = (name: string) => (FIRST.includes(name) ? FIRST.indexOf(name) : FIRST.length);

/** One line for a path the collector cannot write, saying what to change. */
function cannotWrite(path: string, dataDir: string, e: NodeJS.ErrnoException): CommandError {
  if (e.code === 'EROFS') return new CommandError(`${path} is on a read-only file system: choose a writable data dir (--data-dir or CARTBEACON_DATA_DIR)`);
  let owner = '';
  try {
    owner = `, owned by uid ${statSync(path).uid}`;
  } catch {
    // Not there: the directory it would be made in is at fault.
  }
  return new CommandError(
    `cannot write ${path} (${e.code}${owner}; the collector runs as ${user()}): give the data dir to that user (chown -R ${userInfo().username} ${dataDir}) or choose another (--data-dir or CARTBEACON_DATA_DIR)`,
  );
}

/**
 * Makes the data dir if need be and fails with a CommandError naming the first of its
 * files the collector could not write (the database file and its WAL, the spool, the
 * keys): a data dir made by root and started as a service user, or a read-only mount,
 * would otherwise stop the start with DuckDB's raw IO error, or fail the first ingest.
 */
export function checkDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw cannotWrite(dataDir, dataDir, e as NodeJS.ErrnoException);
  }
  const paths = [dataDir];
  let names: string[];
  try {
    // A data dir the collector's user may not even read (another user's, mode 0700).
    names = readdirSync(dataDir).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  } catch (e) {
    throw cannotWrite(dataDir, dataDir, e as NodeJS.ErrnoException);
  }
  for (const name of names) paths.push(join(dataDir, name));
  for (const sub of SUBDIRS) {
    try {
      for (const name of readdirSync(join(dataDir, sub))) paths.push(join(dataDir, sub, name));
    } catch {
      // Not made yet, or not readable: its own entry above is checked.
    }
  }
  for (const path of paths) {
    try {
      accessSync(path, constants.R_OK | constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotWrite(path, dataDir, e as NodeJS.ErrnoException);
    }
  }
}
