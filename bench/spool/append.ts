// Appends/s, latency and CPU per append of the spool's candidates: N concurrent appenders
// (1, 16, 64), each appending groups of 10 records of ~400 B (one ingest request's events)
// and awaiting each before the next, for a few seconds per row. Prints a markdown table.
//
// Usage: npx vite-node bench/spool/append.ts [seconds per row = 3] [dir = os.tmpdir()]
// The SQLite rows need better-sqlite3@12 in a scratch folder (see bench/spool/README.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openSpool } from '../../packages/collector/src/spool/index.js';
import { openSqliteMainThread, openSqliteWorker, sqliteAvailable } from './sqlite-spool.js';
import type { BenchSpool } from './sqlite-spool.js';

const seconds = Number(process.argv[2] ?? 3);
const base = process.argv[3] ?? tmpdir();
const CONCURRENCY = [1, 16, 64];
const RECORDS = 10;
const RECORD_BYTES = 400;

const candidates: { name: string; open(dir: string): Promise<BenchSpool> }[] = [
  { name: 'segment log', open: (dir) => openSpool({ dir }) },
];
const sqlite = sqliteAvailable();
if (sqlite === true) {
  candidates.push(
    { name: 'SQLite WAL FULL, main thread', open: async (dir) => openSqliteMainThread(dir) },
    { name: 'SQLite WAL FULL, worker', open: async (dir) => openSqliteWorker(dir) },
  );
} else console.error(`SQLite rows left out: ${sqlite}`);

// Distinct payloads made up front, so that the loop measures the spool, not the test data.
const payloads = Array.from({ length: 4096 }, (_, i) =>
  Buffer.from(JSON.stringify({ name: 'PRODUCT_VIEW', eventId: `e-${i}`, userId: `u-${i % 97}` }).padEnd(RECORD_BYTES, ' ')),
);
const group = (i: number) => Array.from({ length: RECORDS }, (_, j) => payloads[(i * RECORDS + j) % payloads.length]!);

interface Row {
  name: string;
  concurrency: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMicros: number;
  userMicros: number;
  loopP99: number;
  /** Appends per commit (one fdatasync each). */
  perSync: number;
  /** The process's resident set at the end of the row. */
  rssMB: number;
}

async function measure(name: string, spool: BenchSpool, concurrency: number): Promise<Row> {
  const latencies: number[] = [];
  // A short warm-up outside the figures.
  await Promise.all(Array.from({ length: concurrency }, (_, w) => spool.append(group(w))));
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const syncs = spool.stats().syncs;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await spool.append(group(n++));
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  const used = process.cpuUsage(cpu);
  loop.disable();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    name,
    concurrency,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: at(0.5),
    p99: at(0.99),
    cpuMicros: (used.user + used.system) / latencies.length,
    userMicros: used.user / latencies.length,
    loopP99: loop.percentile(99) / 1e6,
    perSync: latencies.length / (spool.stats().syncs - syncs),
    rssMB: process.memoryUsage.rss() / 1024 ** 2,
  };
}

const rows: Row[] = [];
// Candidates side by side at each concurrency, so that a busy spell of the machine does not favour one.
for (const concurrency of CONCURRENCY) {
  for (const c of candidates) {
    const dir = mkdtempSync(join(base, 'cartbeacon-spool-bench-'));
    const spool = await c.open(dir);
    try {
      rows.push(await measure(c.name, spool, concurrency));
    } finally {
      await spool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const f = (x: number, digits = 1) => x.toFixed(digits);
console.log(`\nSpool append: groups of ${RECORDS} × ${RECORD_BYTES} B, ${seconds} s a row, Node ${process.version}, in ${base}\n`);
console.log('| implementation | appenders | appends/s | p50 ms | p99 ms | CPU µs/append (user) | appends/sync | event loop p99 ms | RSS MB |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows.sort((a, b) => a.name.localeCompare(b.name) || a.concurrency - b.concurrency)) {
  console.log(
    `| ${r.name} | ${r.concurrency} | ${f(r.perSecond, 0)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${f(r.cpuMicros)} (${f(r.userMicros)}) | ${f(r.perSync)} | ${f(r.loopP99, 2)} | ${f(r.rssMB, 0)} |`,
  );
}
