/**
 * `cartbeacon backup`: a consistent copy of a running collector, restored into a second
 * collector that answers the same funnel report, while the first runs on.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { askCollector, backupDataDir, CommandError, CONTROL_SOCKET } from '@cartbeacon/collector';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { eventually, funnel, sendEvents, visits, visitsFunnel } from '../../helpers/funnel-traffic.js';
import { collectorUrl, killAll, runCli } from '../../helpers/process.js';
import type { CollectorProcess } from '../../helpers/process.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

function setup() {
  const d = tempDir();
  const config = join(d.path, 'cartbeacon.json');
  writeFileSync(config, JSON.stringify({ accounts: [ACCOUNT] }));
  const procs: CollectorProcess[] = [];
  cleanups.push(async () => {
    await killAll(procs);
    d.remove();
  });
  const cli = (args: string[]) => {
    const p = runCli(args, {});
    procs.push(p);
    return p;
  };
  return { dir: d.path, config, cli, serve: (dataDir: string, configFile = config) => cli(['serve', '--config', configFile, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0']) };
}

describe('cartbeacon backup', () => {
  it('copies a running collector; the copy restored answers the same funnel report, and the first runs on', { timeout: 180_000 }, async () => {
    const s = setup();
    const data = join(s.dir, 'data');
    const a = s.serve(data);
    const url = await collectorUrl(a);
    const traffic = visits('before', 30).flat();
    for (let i = 0; i < traffic.length; i += 20) await sendEvents(url, ACCOUNT.apiKey, traffic.slice(i, i + 20));

    const target = join(s.dir, 'backup');
    const b = s.cli(['backup', target, '--data-dir', data]);
    expect(await b.exited).toBe(0);
    expect(b.stdout()).toBe(`backup of ${data} in ${target}: cartbeacon.duckdb, dashboard-session.key, config/cartbeacon.json\n`);
    // Everything acknowledged before the backup was loaded first: the report now is the backup's.
    const before = await funnel(url, ACCOUNT);
    expect(before).toEqual(visitsFunnel(30));

    // The first collector takes events on after the backup; they are not in the copy.
    await sendEvents(url, ACCOUNT.apiKey, visits('after', 9).flat());
    const later = await eventually(() => funnel(url, ACCOUNT), (v) => JSON.stringify(v) !== JSON.stringify(before));
    expect(later).toEqual(visitsFunnel(39));

    // Restore: the copy put in a data dir's place, with the configuration it holds.
    const restored = join(s.dir, 'restored');
    cpSync(target, restored, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(restored, 'backup.json'), 'utf8'));
    expect(manifest).toMatchObject({ from: data, config: 'config/cartbeacon.json' });
    expect(readFileSync(join(restored, 'dashboard-session.key'), 'utf8')).toBe(readFileSync(join(data, 'dashboard-session.key'), 'utf8'));
    const c = s.serve(restored, join(restored, manifest.config));
    const restoredUrl = await collectorUrl(c);
    expect(await funnel(restoredUrl, ACCOUNT)).toEqual(before);
    // The restored collector takes events too (its spool starts after the copy's position).
    await sendEvents(restoredUrl, ACCOUNT.apiKey, visits('after', 9).flat());
    expect(await eventually(() => funnel(restoredUrl, ACCOUNT), (v) => JSON.stringify(v) === JSON.stringify(later))).toEqual(later);
  });

  it('refuses a directory that is not empty, and says so when no collector runs on the data dir', { timeout: 120_000 }, async () => {
    const s = setup();
    const data = join(s.dir, 'data');
    const a = s.serve(data);
    await collectorUrl(a);
    const full = s.cli(['backup', s.dir, '--data-dir', data]);
    expect(await full.exited).toBe(1);
    expect(full.stderr()).toBe(`cartbeacon: ${s.dir} is not empty: back up into a new directory\n`);

    a.child.kill('SIGTERM');
    expect(await a.exited).toBe(0);
    const none = s.cli(['backup', join(s.dir, 'backup'), '--data-dir', data]);
    expect(await none.exited).toBe(1);
    expect(none.stderr()).toMatch(/^cartbeacon: no collector is running on .*data \(no .*control\.sock\): stopped, the data dir itself is a consistent copy/);
  });
});

describe('backupDataDir', () => {
  it('gives up in one line when the spool cannot be loaded (a failing store), copying nothing', async () => {
    const d = tempDir();
    cleanups.push(() => d.remove());
    const target = join(d.path, 'backup');
    let copied = false;
    const never = new Promise<void>(() => {});
    const backup = backupDataDir(target, {
      store: { backup: async () => void (copied = true) },
      ingest: { drain: () => never },
      dataDir: join(d.path, 'data'),
      configSource: join(d.path, 'data', 'config.json'),
      drainTimeoutMs: 200,
    });
    await expect(backup).rejects.toThrow(/could not load its spool into the store within 0.2 s .*nothing was copied/);
    expect(copied).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});

describe('askCollector', () => {
  it('says in one line that the collector stopped before it answered', async () => {
    const d = tempDir();
    cleanups.push(() => d.remove());
    // A collector that goes away mid-request: it takes the connection and closes it.
    const server = createServer((socket) => socket.end());
    await new Promise<void>((r) => server.listen(join(d.path, CONTROL_SOCKET), r));
    cleanups.push(() => void server.close());
    const asked = askCollector(d.path, { command: 'backup', target: join(d.path, 'backup') });
    await expect(asked).rejects.toThrow(new RegExp(`^the collector on ${d.path} stopped before it answered`));
    await expect(asked).rejects.toBeInstanceOf(CommandError);
  });
});
