// Starts ClickHouse servers (and ZooKeeper for a cluster) for the tests and benchmarks,
// from the configs beside this file: each on free loopback ports with a fresh data folder,
// stopped by stop() — and by a watchdog if the process that started them dies first.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  // On TERM (stop) or once the starter is gone: TERM, then KILL after 10 s.
  const script = `${quoted} >>'${logFile}' 2>&1 & child=$!
end() { kill -TERM $child 2>/dev/null; for i in $(seq 50); do kill -0 $child 2>/dev/null || exit 0; sleep 0.2; done; kill -KILL $child 2>/dev/null; exit 0; }
trap end TERM
while kill -0 ${process.pid} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1 & wait $!; done
end`;
  const shell = spawn('/bin/bash', ['-c', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => shell.once('exit', resolve));
  return {
    exited,
    async stop() {
      if (shell.exitCode !== null || shell.signalCode !== null) return;
      shell.kill('SIGTERM');
      const timer = setTimeout(() => shell.kill('SIGKILL'), 15_000);
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
 * @param {{ cluster?: { name: string, tcpPorts: number[], zookeeperPort: number }, shard?: number, maxThreads?: number, tcpPort?: number }} [options]
 * @returns {Promise<{ url: string, httpPort: number, tcpPort: number, dir: string, pid(): number | undefined, pause(): Promise<void>, resume(): Promise<void>, stop(): Promise<void> }>}
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
  const url = `http://127.0.0.1:${httpPort}`;
  const launch = async () => {
    const p = supervised(CLICKHOUSE_SERVER, [`--config-file=${config}`], log);
    try {
      await until(async () => (await fetch(`${url}/ping`)).ok, 30_000, `clickhouse-server on ${httpPort}`, join(dir, 'log', 'server.err.log'));
    } catch (e) {
      await p.stop();
      throw e;
    }
    return p;
  };
  let proc = await launch();
  return {
    url,
    httpPort,
    tcpPort,
    dir,
    /** The server's process id (for its CPU time and memory), or undefined when it is not running. */
    pid() {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
          if (cmd.startsWith(CLICKHOUSE_SERVER) && cmd.includes(`--config-file=${config}`)) return Number(entry);
        } catch {}
      }
      return undefined;
    },
    /** Stops the server and keeps its data, as a server that went down. */
    async pause() {
      await proc.stop();
    },
    /** Starts it again on the same ports and data. */
    async resume() {
      proc = await launch();
    },
    async stop() {
      await proc.stop();
      // CARTBEACON_KEEP_CLICKHOUSE=1 keeps the data and logs, to look into a failure.
      if (process.env.CARTBEACON_KEEP_CLICKHOUSE) console.error(`clickhouse-server on ${httpPort}: kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
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
    ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dzookeeper.admin.enableServer=false', '-cp', `/etc/zookeeper/conf:${ZOOKEEPER_JAR}`, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(dir, 'zoo.cfg')],
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
      if (process.env.CARTBEACON_KEEP_CLICKHOUSE) console.error(`zookeeper on ${port}: kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A cluster of `shards` servers (one replica each) with ZooKeeper, named `name`.
 * @param {{ name?: string, shards?: number, maxThreads?: number }} [options]
 * @returns {Promise<{ name: string, servers: Awaited<ReturnType<typeof startClickHouse>>[], stop(): Promise<void> }>}
 */
export async function startCluster({ name = 'cartbeacon_test', shards = 2, maxThreads } = {}) {
  const zookeeper = await startZooKeeper();
  const tcpPorts = await Promise.all(Array.from({ length: shards }, freePort));
  const servers = [];
  /**
   * A node, once it has a ZooKeeper session. ClickHouse 18.16 gives up on ZooKeeper after
   * a second and then crashes (its DDL worker) when the JVM is slow to answer, as on a
   * busy machine: such a node is started again, with a fresh folder.
   */
  const node = async (shard) => {
    for (let attempt = 1; ; attempt++) {
      const server = await startClickHouse({ cluster: { name, tcpPorts, zookeeperPort: zookeeper.port }, shard, tcpPort: tcpPorts[shard - 1], maxThreads });
      const session = () => fetch(server.url, { method: 'POST', body: "SELECT count() FROM system.zookeeper WHERE path = '/'" }).then((r) => r.ok);
      try {
        await until(session, 20_000, `clickhouse-server ${shard}'s ZooKeeper session`, join(server.dir, 'log', 'server.err.log'));
        // Still up a moment later: its DDL worker has its session too.
        await sleep(1000);
        if (await session().catch(() => false)) return server;
        throw new Error(`clickhouse-server ${shard} stopped after connecting to ZooKeeper`);
      } catch (e) {
        await server.stop();
        if (attempt === 3) throw e;
      }
    }
  };
  try {
    for (let i = 0; i < shards; i++) servers.push(await node(i + 1));
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
