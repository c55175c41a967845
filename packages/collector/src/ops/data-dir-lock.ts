import { randomUUID } from 'node:crypto';
import { linkSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CommandError } from './command-error.js';

/** The file in the data dir that names the collector using it. */
export const LOCK_FILE = 'cartbeacon.pid';

/** The data dir's lock, held by this process until released. */
export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file (if it is still this process's). */
  release(): void;
}

/** The lock files held in this process: a lock file naming this pid and not among them is a past life's. */
const held = new Set<string>();

const ownerOf = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

/** When a process started, in ms since the epoch (Linux's /proc), or undefined. */
function startedAt(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]); // field 22: starttime
    const boot = Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]);
    return Number.isFinite(ticks) && boot > 0 ? boot * 1000 + ticks * 10 : undefined; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/**
 * A node process of this machine that was running when the lock file was written: a pid
 * reused since (by another program, or by another node process started later) is not the
 * lock's collector.
 */
function isCollector(pid: number, file: string): boolean {
  if (pid === process.pid) return held.has(file);
  const started = startedAt(pid);
  try {
    // A second of slack: the boot time is given in whole seconds.
    if (started !== undefined && started > statSync(file).mtimeMs + 1000) return false;
  } catch {
    // The lock file is gone: the caller tries again.
  }
  try {
    process.kill(pid, 0);
  } catch (e) {
    // EPERM: alive, another user's.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes(basename(process.execPath)) || cmdline.includes('cartbeacon');
  } catch {
    // No /proc (not Linux) or not ours to read: alive is all we know.
    return true;
  }
}

/**
 * Takes `<dataDir>/cartbeacon.pid`, so that a second collector on the same data dir stops
 * with one line ("another collector (pid N) uses DIR") before it touches the spool or the
 * database. The file is made complete and then linked into place (atomic: of two starts,
 * one wins); a lock of a process gone (a kill -9, a power cut, a container's restart where
 * the pid comes back) is taken over. DuckDB's own lock on its file remains the last guard.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, LOCK_FILE);
  const mine = `${file}.${process.pid}.${randomUUID().slice(0, 8)}`;
  writeFileSync(mine, `${process.pid}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = ownerOf(file);
      if (owner !== undefined && isCollector(owner, file)) throw new CommandError(`another collector (pid ${owner}) uses ${dataDir}`);
      if (attempt >= 3) throw new CommandError(`cannot take ${file}: other collectors are starting on ${dataDir}`);
      // Stale: moved aside (so that of two starts taking it over, one moves it), then the
      // link is tried again. What was moved is checked: a lock made meanwhile goes back.
      const aside = `${mine}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = ownerOf(aside);
      if (moved !== owner && moved !== undefined && isCollector(moved, file)) {
        try {
          linkSync(aside, file);
        } finally {
          unlinkSync(aside);
        }
        throw new CommandError(`another collector (pid ${moved}) uses ${dataDir}`);
      }
      unlinkSync(aside);
    }
  } finally {
    unlinkSync(mine);
  }
  held.add(file);
  return {
    file,
    release() {
      held.delete(file);
      if (ownerOf(file) === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // Gone already.
        }
      }
    },
  };
}
