import { existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSettings } from '../config/config.js';
import type { Env, Settings } from '../config/config.js';
import { parseEnv } from '../config/env.js';
import { CommandError } from '../ops/command-error.js';
import { checkDataDir } from '../ops/data-dir-check.js';
import { checkPortFree } from '../ops/port-check.js';

/**
 * Starts a collector as `cartbeacon serve` and `npm start` do, from their environment
 * (flags already merged in): the port and the data dir are checked before the settings
 * make a demo account in the data dir, and a data dir that this start made is removed again if the start
 * fails, so that a failed start leaves nothing behind (no fresh demo keys to mistake for
 * the next start's).
 */
export async function startChecked<T>(env: Env, start: (settings: Readonly<Settings>) => Promise<T>): Promise<T> {
  const e = parseEnv(env);
  await checkPortFree(e.HOST, e.PORT);
  const dataDir = resolve(e.CARTBEACON_DATA_DIR);
  const made = !existsSync(dataDir);
  try {
    checkDataDir(dataDir);
    return await start(loadSettings(env));
  } catch (err) {
    // A data dir another collector took meanwhile is its own.
    const busy = err instanceof CommandError && err.message.startsWith('another collector');
    if (made && !busy) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}
