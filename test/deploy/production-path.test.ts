/**
 * The production path as docs/deployment.md gives it, from a clean copy of the
 * repository (its tracked files, as a clone has them): `npm ci`, `npm run build`,
 * `cartbeacon serve` with a configuration file, events in through the event API, the
 * funnel report out, and `cartbeacon backup` restored into a second collector that
 * answers the same report. `npm ci` prefers the npm cache (filled by the install that
 * runs this suite), so that the test takes about a minute or two, not a download.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ACCOUNT } from '../helpers/collector.js';
import { funnel, sendEvents, visits, visitsFunnel } from '../helpers/funnel-traffic.js';
import { collectorUrl, killAll, runNode } from '../helpers/process.js';
import type { CollectorProcess } from '../helpers/process.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'cartbeacon-clean-'));
const procs: CollectorProcess[] = [];
afterAll(async () => {
  await killAll(procs);
  rmSync(work, { recursive: true, force: true });
});

/** Runs a command in `cwd` to its end; its output is kept for the failure message. */
function run(cwd: string, command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${out.slice(-4000)}`))));
  });
}

/** The repository's tracked files (as a clone has them, with this working tree's contents) copied to `to`. */
function cleanCopy(to: string) {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(dirname(join(to, file)), { recursive: true });
    try {
      cpSync(join(ROOT, file), join(to, file));
    } catch (e) {
      // Deleted in the working tree and not yet committed: a clone would not have it either way.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
}

describe('the production path from a clean copy', () => {
  it('npm ci, npm run build, cartbeacon serve with a config: events in, the funnel out, a backup restored answers the same', { timeout: 900_000 }, async () => {
    const repo = join(work, 'cartbeacon');
    cleanCopy(repo);
    const timings: Record<string, number> = {};
    const timed = async (name: string, fn: () => Promise<void>) => {
      const start = Date.now();
      await fn();
      timings[name] = Math.round((Date.now() - start) / 1000);
    };
    await timed('npm ci', () => run(repo, 'npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund']));
    await timed('npm run build', () => run(repo, 'npm', ['run', 'build']));
    console.log(`production path: ${JSON.stringify(timings)} (seconds)`);

    // As docs/deployment.md: a configuration file outside the checkout, a data dir of its own.
    const config = join(work, 'cartbeacon.json');
    writeFileSync(config, JSON.stringify({ accounts: [ACCOUNT] }, null, 2));
    const bin = join(repo, 'node_modules/.bin/cartbeacon');
    const serve = (dataDir: string, configFile: string) => {
      const p = runNode([bin, 'serve', '--config', configFile, '--data-dir', dataDir, '--host', '127.0.0.1', '--port', '0'], {});
      procs.push(p);
      return p;
    };
    const data = join(work, 'data');
    const first = serve(data, config);
    const url = await collectorUrl(first, 60_000);
    // The production start has no demo shop and prints no report token.
    expect((await fetch(`${url}/shop/`)).status).toBe(404);
    expect(first.stdout()).not.toContain(ACCOUNT.reportToken);

    const traffic = visits('prod', 30).flat();
    for (let i = 0; i < traffic.length; i += 25) await sendEvents(url, ACCOUNT.apiKey, traffic.slice(i, i + 25));

    const backup = join(work, 'backup');
    const b = runNode([bin, 'backup', backup, '--data-dir', data], {});
    procs.push(b);
    expect(await b.exited).toBe(0);
    const report = await funnel(url, ACCOUNT);
    expect(report).toEqual(visitsFunnel(30));

    const restored = join(work, 'restored');
    cpSync(backup, restored, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(restored, 'backup.json'), 'utf8'));
    const second = serve(restored, join(restored, manifest.config));
    const restoredUrl = await collectorUrl(second, 60_000);
    expect(await funnel(restoredUrl, ACCOUNT)).toEqual(report);

    for (const p of [first, second]) {
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
    }
  });
});
