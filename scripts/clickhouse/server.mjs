// Starts ClickHouse servers (and ZooKeeper for a cluster) for the tests and benchmarks,
// from the configs beside this file: each on free loopback ports with a fresh data folder,
// stopped by stop() — and by a watchdog if the process that started them dies first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLICKHOUSE_SERVER, ZOOKEEPER_JAR } from '../ensure-clickhouse.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const template = (name, values) =>
  readFileSync(join(HERE, name), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k) => {
    if (!(k in values)) throw new Error(`${name}: no value for {{${k}}}`);
    return String(values[k]);
  });

/** A free TCP port on the loopback (free when asked; the server takes it right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `command` under a shell that kills it once this process is gone, so that a test run
 * that dies leaves no server behind. Resolves with a stop() that ends it (SIGTERM, then
 * SIGKILL) and waits for it.
 */
function supervised(command, args, logFile) {
  const quoted = [command, ...args].map((a) => `'${String(a).replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `${quoted} >>'${logFile}' 2>&1 & child=$!
trap 'kill -TERM $child 2>/dev/null; wait $child; exit 0' TERM
while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1 & wait $!; done
kill -TERM $child 2>/dev/null; sleep 5; kill -KILL $child 2>/dev/null; wait $child`;
  const shell = spawn('/bin/bash', ['-c', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => shell.once('exit', resolve));
  return {
    exited,
    async stop() {
      if (shell.exitCode !== null || shell.signalCode !== null) return;
      shell.kill('SIGTERM');
      const timer = setTimeout(() => shell.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Waits until `check` resolves true, or throws after `ms` with `what` and the log's tail. */
async function until(check, ms, what, logFile) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await sleep(100);
  }
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8').slice(-2000);
  } catch {}
  throw new Error(`${what} did not start within ${ms} ms\n${log}`);
}

/**
 * Starts one ClickHouse server. `cluster` (with `shard`) makes it a node of a test cluster:
 * { name, tcpPorts: one per shard, zookeeperPort }.
 * @returns {Promise<{ url: string, httpPort: number, tcpPort: number, dir: string, stop(): Promise<void> }>}
 */
export async function startClickHouse({ cluster, shard = 1, maxThreads = availableParallelism(), tcpPort } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-clickhouse-'));
  mkdirSync(join(dir, 'log'));
  const httpPort = await freePort();
  tcpPort ??= await freePort();
  const interserverPort = await freePort();
  const users = join(dir, 'users.xml');
  writeFileSync(users, template('users.xml', { MAX_THREADS: maxThreads }));
  const clusterXml = cluster
    ? template('cluster.xml', {
        CLUSTER_NAME: cluster.name,
        SHARDS: cluster.tcpPorts
          .map((p) => `      <shard><replica><host>127.0.0.1</host><port>${p}</port></replica></shard>`)
          .join('\n'),
        ZOOKEEPER_PORT: cluster.zookeeperPort,
        SHARD: shard,
        REPLICA: `replica${shard}`,
      })
    : '';
  const config = join(dir, 'config.xml');
  writeFileSync(config, template('config.xml', { DIR: dir, HTTP_PORT: httpPort, TCP_PORT: tcpPort, INTERSERVER_PORT: interserverPort, USERS: users, CLUSTER: clusterXml }));
  const log = join(dir, 'log', 'stdout.log');
  const proc = supervised(CLICKHOUSE_SERVER, [`--config-file=${config}`], log);
  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await until(async () => (await fetch(`${url}/ping`)).ok, 30_000, `clickhouse-server on ${httpPort}`, join(dir, 'log', 'server.err.log'));
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    url,
    httpPort,
    tcpPort,
    dir,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Starts ZooKeeper (Debian's, on the JRE) on a free port. */
export async function startZooKeeper() {
  const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-zookeeper-'));
  mkdirSync(join(dir, 'data'));
  const port = await freePort();
  writeFileSync(join(dir, 'zoo.cfg'), template('zoo.cfg', { DIR: dir, PORT: port }));
  const log = join(dir, 'zookeeper.log');
  const proc = supervised(
    'java',
    ['-Xmx256m', '-Dzookeeper.admin.enableServer=false', '-cp', `/etc/zookeeper/conf:${ZOOKEEPER_JAR}`, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(dir, 'zoo.cfg')],
    log,
  );
  const ruok = () =>
    new Promise((resolve) => {
      import('node:net').then(({ connect }) => {
        const s = connect(port, '127.0.0.1', () => s.end('ruok'));
        let out = '';
        s.on('data', (d) => (out += d));
        s.on('close', () => resolve(out === 'imok'));
        s.on('error', () => resolve(false));
      });
    });
  try {
    await until(ruok, 30_000, `zookeeper on ${port}`, log);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return {
    port,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A cluster of `shards` servers (one replica each) with ZooKeeper, named `name`.
 * @returns {Promise<{ name: string, servers: Awaited<ReturnType<typeof startClickHouse>>[], stop(): Promise<void> }>}
 */
export async function startCluster({ name = 'cartbeacon_test', shards = 2, maxThreads } = {}) {
  const zookeeper = await startZooKeeper();
  const tcpPorts = await Promise.all(Array.from({ length: shards }, freePort));
  const servers = [];
  try {
    for (let i = 0; i < shards; i++)
      servers.push(await startClickHouse({ cluster: { name, tcpPorts, zookeeperPort: zookeeper.port }, shard: i + 1, tcpPort: tcpPorts[i], maxThreads }));
  } catch (e) {
    await Promise.all(servers.map((s) => s.stop()));
    await zookeeper.stop();
    throw e;
  }
  return {
    name,
    servers,
    async stop() {
      await Promise.all(servers.map((s) => s.stop()));
      await zookeeper.stop();
    },
  };
}
