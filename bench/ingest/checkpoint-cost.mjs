#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: what one CHECKPOINT
// costs after a handful of new rows, on a store that already holds many. This is the cost a
// trickle of events would pay at every pause if the store checkpointed a WAL of any size
// (it checkpoints only from idleCheckpointMinBytes, 16 MiB, on). The table has the
// collector's key (account id, event id) and a 500-byte payload per row.
//
// Usage: node bench/ingest/checkpoint-cost.mjs [rows already stored = 2000000]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const rows = Number(process.argv[2] ?? 2e6);
const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-checkpoint-'));
const db = await DuckDBInstance.create(join(dir, 'x.duckdb'), { checkpoint_threshold: '256MB' });
const w = await db.connect();
try {
  await w.run(`CREATE TABLE events (account_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, name VARCHAR, ts TIMESTAMPTZ,
    user_id VARCHAR, data VARCHAR, PRIMARY KEY (account_id, event_id))`);
  let t = performance.now();
  await w.run(`INSERT INTO events SELECT 'acct', uuid()::VARCHAR, 'PAGE_VIEW', now(), 'u' || (i % 100000), repeat('x', 500) FROM range(${rows}) r(i)`);
  await w.run('CHECKPOINT');
  console.log(`${rows} rows stored in ${(performance.now() - t).toFixed(0)} ms`);
  for (let k = 0; k < 5; k++) {
    const a = await w.createAppender('events');
    for (let i = 0; i < 10; i++) {
      for (const v of ['acct', randomUUID(), 'PAGE_VIEW']) a.appendVarchar(v);
      a.appendNull();
      a.appendVarchar('u1');
      a.appendVarchar('y'.repeat(500));
      a.endRow();
    }
    a.closeSync();
    t = performance.now();
    await w.run('CHECKPOINT');
    console.log(`CHECKPOINT after 10 new rows: ${(performance.now() - t).toFixed(0)} ms`);
  }
} finally {
  w.closeSync();
  db.closeSync();
  rmSync(dir, { recursive: true, force: true });
}
