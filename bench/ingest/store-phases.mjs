#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: what one group commit
// costs in DuckDB alone, per row and per phase, with no HTTP and no collector code. It
// writes groups of rows shaped like the collector's (23 columns, a ~600-byte JSON column)
// into a DuckDB file in a temp dir and reports wall time and process CPU time (DuckDB's
// threads included) per phase.
//
// Usage: node bench/ingest/store-phases.mjs [variant[,variant…]] [groups=300] [rowsPerGroup=160]
//   staging   (default) the collector's way: appender into a temp staging table, then
//             INSERT … ON CONFLICT DO NOTHING RETURNING, DELETE FROM staging, COMMIT
//   noreturn  the same INSERT without RETURNING
//   plain     INSERT without ON CONFLICT (a repeated id would fail the group)
//   direct    appender straight into events (the appender checks the primary key on close)
//   nopk      no primary key on events
//   nockpt    checkpoint_threshold = 1GB: no automatic checkpoint during the run
//   slow      print every group that took over 100 ms (the automatic checkpoints)
// 160 rows per group is what the collector commits at once under wrk -c32 (16 requests).
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [variant = 'staging', groupsArg = '300', perArg = '160'] = process.argv.slice(2);
const V = new Set(variant.split(','));
const groups = Number(groupsArg);
const per = Number(perArg);

const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-phases-'));
const config = { memory_limit: '1GB' };
if (V.has('nockpt')) config.checkpoint_threshold = '1GB';
const db = await DuckDBInstance.create(join(dir, 'x.duckdb'), config);
const w = await db.connect();
const pk = V.has('nopk') ? '' : ', PRIMARY KEY (account_id, event_id)';
await w.run(`CREATE TABLE events (account_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, name VARCHAR, ts TIMESTAMPTZ,
  user_id VARCHAR, session_id VARCHAR, page_url VARCHAR, referrer VARCHAR, category VARCHAR, sub_category VARCHAR,
  product_id VARCHAR, price DECIMAL(18,4), source VARCHAR, medium VARCHAR, device VARCHAR, browser VARCHAR, os VARCHAR,
  os_version VARCHAR, device_class VARCHAR, is_bot BOOLEAN, lang VARCHAR, channel VARCHAR, data JSON ${pk})`);
await w.run(`CREATE TEMP TABLE staging AS SELECT * FROM events LIMIT 0`);

const data = JSON.stringify({
  name: 'PRODUCT_VIEW', productId: 'P-123', title: 'Example product 123', url: 'https://shop.example/p/123',
  image: 'https://cdn.shop.example/p/123.jpg', category: 'Men > Sports > Shoes', brand: 'Example', price: 129.99,
  oldPrice: 149.99, inStock: 'true', colors: ['black', 'red'], sizes: ['42', '43'], userId: 'v1-12345',
  sessionId: 's1-12345', pageUrl: 'https://shop.example/p/123', referrer: 'https://shop.example/c/3',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
});

const phases = {};
async function phase(name, f) {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const r = await f();
  const used = process.cpuUsage(cpu);
  const p = (phases[name] ??= { wall: 0, cpu: 0 });
  p.wall += performance.now() - t;
  p.cpu += (used.user + used.system) / 1000;
  return r;
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const groupMs = [];
for (let g = 0; g < groups; g++) {
  const started = performance.now();
  await phase('begin', () => w.run('BEGIN TRANSACTION'));
  await phase('append', async () => {
    const a = await w.createAppender(V.has('direct') ? 'events' : 'staging');
    for (let i = 0; i < per; i++) {
      a.appendVarchar('7b1f3c9e-2f4d-4a8e-9c1b-5d6e7f8a9b0c');
      a.appendVarchar(randomUUID());
      a.appendVarchar('PRODUCT_VIEW');
      a.appendNull();
      for (const v of [`v1-${i}`, `s1-${i}`, 'https://shop.example/p/123', 'https://shop.example/c/3', 'Product Page', 'Men > Shoes', 'P-123'])
        a.appendVarchar(v);
      a.appendNull();
      for (const v of ['Direct']) a.appendVarchar(v);
      a.appendNull();
      for (const v of ['PC', 'Chrome', 'Windows', '10', 'Desktop']) a.appendVarchar(v);
      a.appendBoolean(false);
      a.appendVarchar('en-US');
      a.appendVarchar('events');
      a.appendVarchar(data);
      a.endRow();
    }
    a.closeSync();
  });
  if (!V.has('direct')) {
    if (V.has('plain')) await phase('insert', () => w.run(`INSERT INTO events SELECT * FROM staging`));
    else if (V.has('noreturn')) await phase('insert', () => w.run(`INSERT INTO events SELECT * FROM staging ON CONFLICT DO NOTHING`));
    else await phase('insert', () => w.runAndReadAll(`INSERT INTO events SELECT * FROM staging ON CONFLICT DO NOTHING RETURNING account_id, event_id`));
    await phase('delete', () => w.run('DELETE FROM staging'));
  }
  await phase('commit', () => w.run('COMMIT'));
  const ms = performance.now() - started;
  groupMs.push(ms);
  if (V.has('slow') && ms > 100) console.log(`  group ${g + 1}: ${((g + 1) * per).toLocaleString('en')} rows stored, ${ms.toFixed(0)} ms`);
}
const seconds = (performance.now() - t0) / 1000;
const used = process.cpuUsage(cpu0);
const rows = groups * per;
groupMs.sort((a, b) => a - b);
const q = (p) => groupMs[Math.min(groupMs.length - 1, Math.floor(groupMs.length * p))].toFixed(1);
console.log(
  `${variant}: ${rows} rows in ${groups} groups: ${((used.user + used.system) / rows).toFixed(0)} µs CPU per row, ${(rows / seconds).toFixed(0)} rows/s; ` +
    `group p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${groupMs.at(-1).toFixed(0)} ms`,
);
console.log(
  '  per group: ' +
    Object.entries(phases)
      .map(([k, v]) => `${k} ${(v.wall / groups).toFixed(1)} ms (${(v.cpu / groups).toFixed(1)} ms CPU)`)
      .join(', '),
);
w.closeSync();
db.closeSync();
rmSync(dir, { recursive: true, force: true });
