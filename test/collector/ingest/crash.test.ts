import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { collectorUrl, runCli } from '../../helpers/process.js';
import type { CollectorProcess } from '../../helpers/process.js';
import { clickhouseServer, databaseName } from '../../helpers/stores.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

/** Each stored event id in the DuckDB file and how many rows it has. */
async function duckdbIds(dataDir: string): Promise<Map<string, number>> {
  const db = await DuckDBInstance.create(join(dataDir, 'cartbeacon.duckdb'));
  const c = await db.connect();
  try {
    const rows = (await c.runAndReadAll('SELECT event_id, count(*)::INTEGER FROM events GROUP BY event_id')).getRows();
    return new Map(rows as [string, number][]);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Each event id of a ClickHouse database's `events` (one row per stored event, as users read it) and how many rows it has. */
async function clickhouseIds(url: string, database: string): Promise<Map<string, number>> {
  const res = await fetch(url, { method: 'POST', body: `SELECT event_id, count() FROM ${database}.events GROUP BY event_id FORMAT TSV` });
  const text = (await res.text()).trim();
  expect(res.status, text).toBe(200);
  return new Map(text ? text.split('\n').map((l) => l.split('\t')).map(([id, n]) => [id!, Number(n)]) : []);
}

interface Storage {
  env(): Record<string, string>;
  storedIds(dataDir: string): Promise<Map<string, number>>;
}

let clickhouse: { url: string; stop(): Promise<void> } | undefined;
const database = databaseName('crash');
const STORAGES: [string, Storage][] = [
  ['DuckDB', { env: () => ({}), storedIds: duckdbIds }],
  [
    'a ClickHouse 18.16 server',
    {
      env: () => ({ CARTBEACON_STORAGE: 'clickhouse', CARTBEACON_CLICKHOUSE_URL: clickhouse!.url, CARTBEACON_CLICKHOUSE_DATABASE: database }),
      storedIds: () => clickhouseIds(clickhouse!.url, database),
    },
  ],
];

describe.each(STORAGES)('kill -9 of the collector under load, on %s', (label, storage) => {
  beforeAll(async () => {
    if (label.includes('ClickHouse')) clickhouse = await clickhouseServer();
  }, 60_000);
  afterAll(() => clickhouse?.stop(), 30_000);

  it('keeps every acknowledged event, each once, across the crash and a restart', async () => {
    const d = tempDir();
    const file = join(d.path, 'cartbeacon.json');
    writeFileSync(file, JSON.stringify({ accounts: [ACCOUNT] }));
    const procs: CollectorProcess[] = [];
    cleanups.push(() => (procs.forEach((p) => p.child.kill('SIGKILL')), d.remove()));
    // Rate limits off: the load is one client's, as much as it can send.
    const env = { CARTBEACON_CONFIG: file, CARTBEACON_DATA_DIR: join(d.path, 'data'), PORT: '0', HOST: '127.0.0.1', CARTBEACON_RATE_LIMIT_CLIENT: '0', CARTBEACON_RATE_LIMIT_KEY: '0', ...storage.env() };
    const run = () => {
      const p = runCli(['serve'], env);
      procs.push(p);
      return p;
    };

    const first = run();
    const url = await collectorUrl(first);
    const acked: string[] = [];
    let n = 0;
    let killed = false;
    // Eight senders, each posting 10-event batches one after another, until the kill.
    const sender = async () => {
      while (!killed) {
        const batch = Array.from({ length: 10 }, () => ({
          name: 'PAGE_VIEW',
          category: 'Home Page',
          userId: `u${n % 50}`,
          sessionId: `s${n % 50}`,
          eventId: `kill-${n++}`,
          timestamp: Date.now() - 1000,
        }));
        const status = await fetch(`${url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, { method: 'POST', body: JSON.stringify(batch) }).then(
          (r) => r.status,
          () => 0,
        );
        if (status === 200) acked.push(...batch.map((e) => e.eventId));
      }
    };
    const senders = Array.from({ length: 8 }, sender);
    await new Promise((r) => setTimeout(r, 2500));
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    await Promise.all(senders);
    expect(acked.length).toBeGreaterThan(500);

    // The restart loads what the spool held; a clean stop then leaves the file alone.
    const second = run();
    const url2 = await collectorUrl(second);
    for (let i = 0; i < 100 && (await fetch(`${url2}/readyz`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${url2}/readyz`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const stored = await storage.storedIds(join(d.path, 'data'));
    const lost = acked.filter((id) => !stored.has(id));
    const doubled = [...stored].filter(([, count]) => count > 1);
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    // Nothing that was never sent.
    expect([...stored.keys()].every((id) => Number(id.slice(5)) < n)).toBe(true);
  }, 60_000);
});
