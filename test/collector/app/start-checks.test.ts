/**
 * `cartbeacon serve`'s checks before any work, each told in one line that says what to
 * change: a busy port (no data dir made), a data dir another collector holds (its pid), a
 * stale lock taken over, a data dir or database file the collector's user cannot write.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { collectorUrl, killAll, runCli, runNode } from '../../helpers/process.js';
import type { CollectorProcess } from '../../helpers/process.js';

const ROOT = join(import.meta.dirname, '../../..');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

/** A temp dir others may enter (the non-root user of the writability tests reads the config in it). */
function setup() {
  const d = tempDir();
  chmodSync(d.path, 0o755);
  const config = join(d.path, 'cartbeacon.json');
  writeFileSync(config, JSON.stringify({ accounts: [ACCOUNT] }), { mode: 0o644 });
  const procs: CollectorProcess[] = [];
  cleanups.push(async () => {
    await killAll(procs);
    d.remove();
  });
  return {
    dir: d.path,
    data: join(d.path, 'data'),
    serve(args: string[] = [], as?: { uid: number; gid: number }) {
      const p = runCli(['serve', '--config', config, '--host', '127.0.0.1', ...args], {}, as);
      procs.push(p);
      return p;
    },
  };
}

/** A port taken by a listener of this process. */
async function busyPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return (server.address() as AddressInfo).port;
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => child.on('exit', r));
  return child.pid!;
}

const stopped = async (p: CollectorProcess) => {
  p.child.kill('SIGTERM');
  return p.exited;
};

describe('cartbeacon serve: checks before the start', { timeout: 120_000 }, () => {
  it('a busy port: one line naming it and what to change; no data dir is made', async () => {
    const s = setup();
    const port = await busyPort();
    const p = s.serve(['--data-dir', s.data, '--port', String(port)]);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toBe(`cartbeacon: port ${port} on 127.0.0.1 is in use by another process: stop it, or choose another port (--port or PORT)\n`);
    expect(existsSync(s.data)).toBe(false);
  });

  it('a busy port for a demo account: no fresh data dir with demo keys is left behind', async () => {
    const s = setup();
    const port = await busyPort();
    const p = runCli(['serve', '--data-dir', s.data, '--port', String(port), '--host', '127.0.0.1'], {});
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(/^cartbeacon: port \d+ on 127\.0\.0\.1 is in use/);
    expect(existsSync(s.data)).toBe(false);
  });

  it('a data dir in use: "another collector (pid N) uses DIR", and the first one runs on', async () => {
    const s = setup();
    const first = s.serve(['--data-dir', s.data, '--port', '0']);
    const url = await collectorUrl(first);
    expect(readFileSync(join(s.data, 'cartbeacon.pid'), 'utf8').trim()).toBe(String(first.child.pid));

    const second = s.serve(['--data-dir', s.data, '--port', '0']);
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toBe(`cartbeacon: another collector (pid ${first.child.pid}) uses ${s.data}\n`);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect(existsSync(s.data)).toBe(true);

    expect(await stopped(first)).toBe(0);
    expect(existsSync(join(s.data, 'cartbeacon.pid'))).toBe(false);
  });

  it("takes over a stale lock: a dead process's, a pid now used by another program, or by a node process started after the lock", async () => {
    const s = setup();
    for (const owner of [await deadPid(), 'sleeper', 'later node']) {
      let pid: number;
      if (owner === 'sleeper' || owner === 'later node') {
        const sleeper = owner === 'sleeper' ? spawn('sleep', ['30']) : spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
        cleanups.push(() => void sleeper.kill('SIGKILL'));
        pid = sleeper.pid!;
      } else pid = owner as number;
      mkdirSync(s.data, { recursive: true });
      const lock = join(s.data, 'cartbeacon.pid');
      writeFileSync(lock, `${pid}\n`);
      // The lock was written a minute ago: the node process that has its pid now came later.
      if (owner === 'later node') utimesSync(lock, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const p = s.serve(['--data-dir', s.data, '--port', '0']);
      const url = await collectorUrl(p);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      expect(readFileSync(join(s.data, 'cartbeacon.pid'), 'utf8').trim()).toBe(String(p.child.pid));
      expect(await stopped(p)).toBe(0);
    }
  });

  it('a database file another program holds open (a duckdb shell): one line naming its pid', async () => {
    const s = setup();
    const first = s.serve(['--data-dir', s.data, '--port', '0']);
    await collectorUrl(first);
    expect(await stopped(first)).toBe(0);
    const file = join(s.data, 'cartbeacon.duckdb');
    // Another process with the file open for writing, as DuckDB's own shell would have it.
    const holder = runNode(
      ['--input-type=module', '-e', `const { DuckDBInstance } = await import('@duckdb/node-api'); await DuckDBInstance.create(${JSON.stringify(file)}); console.log('open'); setInterval(() => {}, 1000);`],
      {},
    );
    cleanups.push(() => killAll([holder]));
    while (!holder.stdout().includes('open')) {
      if (holder.child.exitCode !== null) throw new Error(holder.stderr());
      await new Promise((r) => setTimeout(r, 50));
    }
    const p = s.serve(['--data-dir', s.data, '--port', '0']);
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(new RegExp(`^cartbeacon: another process \\(pid ${holder.child.pid}, [^)]+\\) has ${file} open: stop it first\n$`));
  });

  describe('a data dir its user cannot write', () => {
    // As root (which may write anything), the collector runs as nobody; as anyone else, the
    // files are made read-only for their owner.
    const root = process.getuid?.() === 0;
    const nobody = { uid: 65534, gid: 65534 };
    const as = root ? nobody : undefined;
    const user = root ? 'nobody (uid 65534)' : undefined;

    it('the data dir: one line naming it, its owner and the fix', async () => {
      const s = setup();
      mkdirSync(s.data, { mode: 0o755 });
      if (!root) chmodSync(s.data, 0o555);
      const p = s.serve(['--data-dir', s.data, '--port', '0'], as);
      expect(await p.exited).toBe(1);
      const line = p.stderr().trim().split('\n');
      expect(line).toEqual([expect.stringMatching(new RegExp(`^cartbeacon: cannot write ${s.data} \\(EACCES, owned by uid \\d+; the collector runs as .+\\): give the data dir to that user \\(chown -R \\S+ ${s.data}\\) or choose another \\(--data-dir or CARTBEACON_DATA_DIR\\)$`))]);
      if (user) expect(line[0]).toContain(`runs as ${user}`);
      // The same before a demo account would be written there.
      const demo = runCli(['serve', '--data-dir', s.data, '--port', '0', '--host', '127.0.0.1'], {}, as);
      expect(await demo.exited).toBe(1);
      expect(demo.stderr()).toBe(p.stderr());
      chmodSync(s.data, 0o755);
    });

    it('a data dir it may not even read (another user\'s, mode 0700): the same one line', async () => {
      const s = setup();
      mkdirSync(s.data, { mode: 0o700 });
      if (!root) chmodSync(s.data, 0o000);
      const p = s.serve(['--data-dir', s.data, '--port', '0'], as);
      expect(await p.exited).toBe(1);
      expect(p.stderr().trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^cartbeacon: cannot write ${s.data} \\(EACCES, owned by uid \\d+; .*chown -R \\S+ ${s.data}\\)`))]);
      chmodSync(s.data, 0o755);
    });

    it('the database file in a writable data dir: one line naming the file', async () => {
      const s = setup();
      // A store made by one user (root, or the owner before a chmod)…
      const first = s.serve(['--data-dir', s.data, '--port', '0']);
      await collectorUrl(first);
      expect(await stopped(first)).toBe(0);
      const file = join(s.data, 'cartbeacon.duckdb');
      if (root) chownSync(s.data, nobody.uid, nobody.gid);
      else chmodSync(file, 0o444);
      // …started as another.
      const p = s.serve(['--data-dir', s.data, '--port', '0'], as);
      expect(await p.exited).toBe(1);
      expect(p.stderr().trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^cartbeacon: cannot write ${file} \\(EACCES, owned by uid \\d+; .*chown -R \\S+ ${s.data}\\)`))]);
      chmodSync(file, 0o644);
    });
  });
});

describe('npm start: the port is checked before the build', { timeout: 120_000 }, () => {
  it('a busy port stops it at once with one line, before any build or data dir', async () => {
    const s = setup();
    const port = await busyPort();
    const p = runNode([join(ROOT, 'scripts/start.mjs')], { PORT: String(port), CARTBEACON_DATA_DIR: s.data });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toBe(`cartbeacon: port ${port} on 127.0.0.1 is in use by another process: stop it, or choose another port (PORT=… npm start, or npm start -- --port …)\n`);
    // The build prints what rollup and tsc made: nothing was built.
    expect(p.stdout()).toBe('');
    expect(existsSync(s.data)).toBe(false);
  });

  it('the demo itself (after the build) binds 127.0.0.1 by default and leaves no data dir on a failed start', async () => {
    const s = setup();
    const port = await busyPort();
    const p = runNode([join(ROOT, 'examples/start.mjs'), '--port', String(port)], { CARTBEACON_DATA_DIR: s.data });
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toMatch(new RegExp(`^cartbeacon: port ${port} on 127\\.0\\.0\\.1 is in use`));
    expect(existsSync(s.data)).toBe(false);

    const ok = runNode([join(ROOT, 'examples/start.mjs'), '--port', '0'], { CARTBEACON_DATA_DIR: s.data });
    cleanups.push(async () => {
      ok.child.kill('SIGKILL');
      await ok.exited;
    });
    expect(await collectorUrl(ok, 30_000)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
