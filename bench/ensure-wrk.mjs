#!/usr/bin/env node
// The ingest benchmark drives both servers with wrk (Debian's package). Installs it with
// apt when it is missing, as scripts/ensure-chromium.mjs does for chromium.
import { execFileSync, execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The wrk binary: WRK, or `wrk` on the PATH. */
export const WRK = process.env.WRK || 'wrk';

const found = () => {
  try {
    execFileSync(WRK, ['-v'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    // wrk -v prints its version and exits 1; only a missing binary is ENOENT.
    return e.code !== 'ENOENT';
  }
};

/** Makes sure wrk runs; installs Debian's wrk with apt-get when it does not. */
export function ensureWrk() {
  if (found()) return;
  if (process.platform !== 'linux' || !execSyncOk('command -v apt-get'))
    throw new Error(`ensure-wrk: ${WRK} is missing; install wrk (https://github.com/wg/wrk) or set WRK to its path`);
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  console.log('ensure-wrk: installing Debian wrk with apt-get');
  execSync(`${sudo}apt-get update -qq`, { stdio: 'inherit' });
  execSync(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk`, { stdio: 'inherit' });
  if (!found()) throw new Error('ensure-wrk: apt-get finished but wrk is still missing');
}

function execSyncOk(cmd) {
  try {
    execSync(cmd, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureWrk();
  } catch (e) {
    console.error(e.message);
    process.exitCode = 1;
  }
}
