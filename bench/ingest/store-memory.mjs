#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: the peak memory of the
// DuckDB store alone under a steady write load, for a given DuckDB memory_limit. It writes
// 400 000 collector-shaped events through createDuckDBStore (groups of 16 inserts of 10
// events at once, as the collector's group commit sees them under wrk -c32), with no HTTP,
// into a temp dir, and prints the time and the process's VmHWM.
//
// With a data dir (e.g. the 10-million-event store that `BENCH_KEEP_DIR=dir node
// bench/reports.mjs` keeps), it writes 10 000 new events and 100 repeats of stored ones into
// that store instead: what the primary-key index of a large store asks of memory, and
// whether commits go through under the limit. The store is changed by it.
//
// Usage: node bench/ingest/store-memory.mjs [memory_limit, e.g. 128MB; '' for DuckDB's own] [data dir]
//        (needs packages/collector/dist: npm run build)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDuckDBStore } from '../../packages/collector/dist/index.js';

const limit = process.argv[2] || undefined;
const existing = process.argv[3];
const dir = existing ?? mkdtempSync(join(tmpdir(), 'cartbeacon-store-memory-'));
const store = await createDuckDBStore({ dataDir: dir, memoryLimit: limit });
const data = JSON.stringify({
  name: 'PRODUCT_VIEW', productId: 'P-123', title: 'Example product 123', url: 'https://shop.example/p/123',
  image: 'https://cdn.shop.example/p/123.jpg', category: 'Men > Sports > Shoes', brand: 'Example', price: 129.99,
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  pageUrl: 'https://shop.example/p/123', referrer: 'https://shop.example/c/3',
});
let accountId = 'acct';
const event = (eventId = randomUUID()) => ({
  accountId, eventId, name: 'PRODUCT_VIEW', step: null, type: null, ts: Date.now(), receivedAt: Date.now(),
  userId: `u${Math.random()}`, sessionId: `s${Math.random()}`, pageUrl: 'https://shop.example/p/123', referrer: 'https://shop.example/c/3',
  category: 'Product Page', subCategory: 'Men > Shoes', productId: 'P-123', price: '129.99', currency: 'EUR', quantity: null,
  totalPrice: null, orderNo: null, source: 'Direct', medium: null, campaign: null, device: 'PC', browser: 'Chrome', os: 'Windows',
  osVersion: '10', deviceClass: 'Desktop', isBot: false, country: 'DE', lang: 'en-US', testMode: false, held: false, channel: 'events', data,
});
const hwm = () => Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);
try {
  const t = performance.now();
  if (existing) {
    const c = await store.connect();
    const count = (await c.runAndReadAll('SELECT count(*) FROM events')).getRows()[0][0];
    accountId = (await c.runAndReadAll('SELECT account_id FROM events LIMIT 1')).getRows()[0][0];
    const stored = (await c.runAndReadAll('SELECT event_id FROM events USING SAMPLE 100 ROWS')).getRows().map(([id]) => id);
    c.closeSync();
    let added = 0;
    try {
      for (let g = 0; g < 200; g++) added += (await store.insert(Array.from({ length: 50 }, () => event()))).inserted;
      const repeats = (await store.insert(stored.map((id) => event(id)))).inserted;
      console.log(`memory_limit ${limit ?? "DuckDB's own"}, store of ${count} events: ${added} of 10000 new events and ${repeats} of 100 repeats stored in ${((performance.now() - t) / 1000).toFixed(1)} s, VmHWM ${hwm()} MB`);
    } catch (e) {
      console.log(`memory_limit ${limit ?? "DuckDB's own"}, store of ${count} events: a commit failed after ${added} new events (VmHWM ${hwm()} MB): ${String(e.message).split('\n')[0]}`);
    }
  } else {
    for (let g = 0; g < 2500; g++) await Promise.all(Array.from({ length: 16 }, () => store.insert(Array.from({ length: 10 }, () => event()))));
    console.log(`memory_limit ${limit ?? "DuckDB's own"}: 400000 events in ${((performance.now() - t) / 1000).toFixed(1)} s, VmHWM ${hwm()} MB`);
  }
} finally {
  await store.close().catch(() => {});
  if (!existing) rmSync(dir, { recursive: true, force: true });
}
