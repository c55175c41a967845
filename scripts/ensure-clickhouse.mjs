#!/usr/bin/env node
// The ClickHouse tests run against Debian's ClickHouse (18.16: what CI can install), with
// ZooKeeper for the cluster test, and against a current ClickHouse run in-process by the
// `chdb` package. Installs what is missing: the servers with apt-get (not started: the
// tests start their own, on free ports), chdb with npm into a cache outside the project
// (~180 MB to download; a test tool, never a dependency of the collector).
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLICKHOUSE_SERVER = process.env.CARTBEACON_CLICKHOUSE_SERVER || '/usr/sbin/clickhouse-server';
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** The chdb release the tests run (ClickHouse 26.x). */
export const CHDB_VERSION = '3.4.0';
export const CHDB_DIR = process.env.CARTBEACON_CHDB_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'cartbeacon', `chdb-${CHDB_VERSION}`);
/** Where `require('chdb')` resolves once installed. */
export const CHDB_MODULE = join(CHDB_DIR, 'node_modules', 'chdb');

function aptInstall(packages, what) {
  if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
    console.error(`ensure-clickhouse: ${what} is missing; install ${packages.join(' ')}`);
    process.exit(1);
  }
  const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
  console.log(`ensure-clickhouse: installing ${packages.join(' ')} with apt-get`);
  // Another apt-get (a parallel setup step) holds the lock for a while: wait for it.
  const lock = '-o DPkg::Lock::Timeout=300';
  execSync(`${sudo}apt-get ${lock} update -qq`, { stdio: 'inherit' });
  execSync(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get ${lock} install -y -qq --no-install-recommends ${packages.join(' ')}`, { stdio: 'inherit' });
}

export function ensureClickHouse() {
  const missing = [];
  if (!existsSync(CLICKHOUSE_SERVER)) missing.push('clickhouse-server', 'clickhouse-client');
  if (!existsSync('/usr/bin/java')) missing.push('default-jre-headless');
  if (!existsSync(ZOOKEEPER_JAR)) missing.push('zookeeper');
  if (missing.length) aptInstall(missing, missing.join(', '));
  if (!existsSync(join(CHDB_MODULE, 'package.json'))) {
    console.log(`ensure-clickhouse: installing chdb ${CHDB_VERSION} (ClickHouse in-process, for the tests) into ${CHDB_DIR}`);
    mkdirSync(CHDB_DIR, { recursive: true });
    execSync(`npm install --prefix "${CHDB_DIR}" --no-save --no-package-lock --no-audit --no-fund --loglevel=error chdb@${CHDB_VERSION}`, { stdio: 'inherit' });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureClickHouse();
