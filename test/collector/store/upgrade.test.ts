/**
 * Upgrades: a store of the previous schema (version 1, from its frozen SQL in
 * test/fixtures/store/schema-v1.sql) opened by the current `cartbeacon serve`: it migrates
 * once, the events and the vendor state are still there and the funnel report counts
 * them; a file of a newer schema is refused in one line.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';
import { collectorUrl, killAll, runCli } from '../../helpers/process.js';
import type { CollectorProcess } from '../../helpers/process.js';

const V1_SQL = readFileSync(join(import.meta.dirname, '../../fixtures/store/schema-v1.sql'), 'utf8');
const procs: CollectorProcess[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await killAll(procs);
  dirs.splice(0).forEach((d) => d.remove());
});

/** Runs SQL on the data dir's database file (no collector has it open) and returns the rows. */
async function sql(dataDir: string, text: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(join(dataDir, 'cartbeacon.duckdb'));
  const c = await db.connect();
  try {
    return (await c.runAndReadAll(text)).getRows();
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

function setup() {
  const d = tempDir();
  dirs.push(d);
  const config = join(d.path, 'cartbeacon.json');
  writeFileSync(config, JSON.stringify({ accounts: [ACCOUNT] }));
  const data = join(d.path, 'data');
  mkdirSync(data);
  return {
    data,
    serve() {
      const p = runCli(['serve', '--config', config, '--data-dir', data, '--host', '127.0.0.1', '--port', '0'], { LOG_LEVEL: 'info' });
      procs.push(p);
      return p;
    },
  };
}

const stop = async (p: CollectorProcess) => {
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
};

/** The fixture's day, in the account's time zone (its events are 12:00–13:20 there). */
const DAY = '20261120,20261120';
const row = (Source: string, basket: number, bought: number) => ({ Source, clicks: 3, conversions: bought, microconversions: 3, 'add-to-cart': basket, checkout: bought });

describe('upgrading the DuckDB store', () => {
  it('migrates a store of schema version 1 at start; its events and state stay and the reports count them', { timeout: 180_000 }, async () => {
    const s = setup();
    await sql(s.data, V1_SQL);
    expect(await sql(s.data, `SELECT count(*)::INTEGER FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'`)).toEqual([[1]]);

    const p = s.serve();
    const url = await collectorUrl(p);
    expect(p.stdout()).toMatch(/"from":1,"to":2,"msg":"store schema upgraded"/);
    const report = async () => {
      const r = await fetch(`${url}/api/funnel?account_id=${ACCOUNT.id}&report_type=Source&date_range=${DAY}`, {
        headers: { authorization: `Bearer ${ACCOUNT.reportToken}` },
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as { data: unknown }).data;
    };
    expect(await report()).toEqual([row('Direct', 3, 3), row('Facebook', 3, 0), row('Google', 0, 0)]);
    // An event of the old file sent again (a tracker's retry) is still a repeat.
    const again = await fetch(`${url}/add/events/v1.json?apiKey=${ACCOUNT.apiKey}`, {
      method: 'POST',
      headers: { origin: 'http://shop.test', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0.0.0 Safari/537.36' },
      body: JSON.stringify([{ name: 'PAGE_VIEW', userId: 'u-google-0', sessionId: 's-google-0', eventId: 'v1-google-0-0', category: 'Product Page', timestamp: Date.UTC(2026, 10, 20, 10) }]),
    });
    expect(again.status).toBe(200);
    await stop(p);

    expect(await sql(s.data, `SELECT value FROM cartbeacon_meta WHERE key = 'schema_version'`)).toEqual([['2']]);
    expect(await sql(s.data, `SELECT count(*)::INTEGER FROM events`)).toEqual([[27]]);
    expect(await sql(s.data, `SELECT count(*)::INTEGER FROM duckdb_constraints() WHERE table_name = 'events' AND constraint_type = 'PRIMARY KEY'`)).toEqual([[0]]);
    expect(await sql(s.data, `SELECT kind, key, value FROM vendor_states`)).toEqual([['yespo-cart', 'cart-1', '{"items":1}']]);

    // The next start finds the current version: no second migration.
    const next = s.serve();
    const nextUrl = await collectorUrl(next);
    expect(next.stdout()).not.toContain('store schema upgraded');
    expect((await fetch(`${nextUrl}/readyz`)).status).toBe(200);
    await stop(next);
  });

  it('refuses a store of a newer schema in one line (a downgrade: restore the backup)', { timeout: 60_000 }, async () => {
    const s = setup();
    await sql(s.data, `CREATE TABLE cartbeacon_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL); INSERT INTO cartbeacon_meta VALUES ('schema_version', '99')`);
    const p = s.serve();
    expect(await p.exited).toBe(1);
    expect(p.stderr()).toBe(
      `cartbeacon: ${join(s.data, 'cartbeacon.duckdb')}: the database file has schema version 99, newer than this collector's 2: upgrade the collector, or restore the backup taken before the upgrade (docs/operations.md, "Upgrading")\n`,
    );
  });
});
