import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { collectorUrl, runCli } from '../../helpers/process.js';
import type { CollectorProcess } from '../../helpers/process.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

function setup(config: unknown = { accounts: [ACCOUNT] }) {
  const d = tempDir();
  const file = join(d.path, 'cartbeacon.json');
  writeFileSync(file, JSON.stringify(config));
  const procs: CollectorProcess[] = [];
  cleanups.push(() => {
    procs.forEach((p) => p.child.kill('SIGKILL'));
    d.remove();
  });
  return {
    dir: d.path,
    run(args: string[], env: Record<string, string> = {}) {
      const p = runCli(args, { CARTBEACON_CONFIG: file, CARTBEACON_DATA_DIR: join(d.path, 'data'), PORT: '0', HOST: '127.0.0.1', ...env });
      procs.push(p);
      return p;
    },
  };
}

async function countEvents(dataDir: string): Promise<number> {
  const db = await DuckDBInstance.create(join(dataDir, 'cartbeacon.duckdb'));
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjects();
  conn.closeSync();
  db.closeSync();
  return rows[0]!.n as number;
}

describe('cartbeacon serve', () => {
  it('stops on a bad configuration with one line naming the key, exit code 1', async () => {
    const s = setup({ accounts: [{ ...ACCOUNT, timezone: 'Nowhere/Land' }] });
    const p = s.run(['serve']);
    expect(await p.exited).toBe(1);
    expect(p.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^cartbeacon: .*accounts\[0\]\.timezone "Nowhere\/Land"/)]);
  });

  it('stops with one line naming CARTBEACON_CLICKHOUSE_URL when ClickHouse does not answer', async () => {
    const s = setup();
    const p = s.run(['serve'], { CARTBEACON_STORAGE: 'clickhouse', CARTBEACON_CLICKHOUSE_URL: 'http://127.0.0.1:9' });
    expect(await p.exited).toBe(1);
    expect(p.stderr().trim().split('\n')).toEqual([expect.stringMatching(/^cartbeacon: CARTBEACON_CLICKHOUSE_URL "http:\/\/127.0.0.1:9" \(database cartbeacon\): ClickHouse cannot be used: .*ECONNREFUSED/)]);
  });

  it('stops on an unknown option and prints usage for no command', async () => {
    const s = setup();
    const bad = s.run(['serve', '--colour']);
    expect(await bad.exited).toBe(1);
    expect(bad.stderr()).toMatch(/^cartbeacon: .*--colour/);
    const usage = s.run([]);
    expect(await usage.exited).toBe(0);
    expect(usage.stderr()).toContain('Usage: cartbeacon serve');
  });

  it('prints where it listens and the keys, serves, and on SIGTERM finishes requests, stores them and exits 0', async () => {
    const s = setup();
    const p = s.run(['serve']);
    const url = await collectorUrl(p);
    expect(p.stdout()).toContain(`apiKey (public, data-key)  ${ACCOUNT.apiKey}`);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 10 }, (_, i) => ({ name: 'PAGE_VIEW', userId: 'u', sessionId: 's', category: 'x', eventId: `sigterm-${b}-${i}` })),
    );
    const sends = batches.map((body) =>
      fetch(`${url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.status,
        () => 0,
      ),
    );
    // Signal while the requests are under way.
    setTimeout(() => p.child.kill('SIGTERM'), 5);
    const statuses = await Promise.all(sends);
    expect(await p.exited).toBe(0);
    const acknowledged = statuses.filter((st) => st === 200).length;
    expect(await countEvents(join(s.dir, 'data'))).toBe(acknowledged * 10);
  });

  it('makes the demo account without CARTBEACON_CONFIG and prints its report token', async () => {
    const d = tempDir();
    cleanups.push(() => d.remove());
    const p = runCli(['serve', '--data-dir', d.path, '--port', '0', '--host', '127.0.0.1'], {});
    cleanups.push(() => p.child.kill('SIGKILL'));
    await collectorUrl(p);
    expect(p.stdout()).toMatch(/account "Demo shop"/);
    expect(p.stdout()).toMatch(/reportToken \(secret\)\s+\S{20,}/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
