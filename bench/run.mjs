#!/usr/bin/env node
// `npm run bench`: runs every benchmark in BENCHES, one after the other, each as a process
// of its own (so that one's heap, DuckDB files and servers never weigh on the next), and
// prints each one's figures and a last line per benchmark. Results go into BENCHMARKS.md
// by hand, with the machine they were measured on.
//
// Usage: npm run bench [-- <name>…]   e.g. `npm run bench -- size` runs only the size benchmark.
// To add a benchmark, add a line to BENCHES: a script under bench/ that prints its figures
// and exits non-zero when it could not measure or a check failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The benchmarks, in the order they run. */
export const BENCHES = [
  { name: 'size', script: 'bench/size.mjs', what: 'gzip size of cartbeacon.js (≤ 4096 bytes) and of the dashboard page\'s script and styles (≤ 60 KB)' },
  { name: 'ingest', script: 'bench/ingest.mjs', what: 'ingest req/s vs a bare node:http server (≥ 0.5×), p99 ≤ 20 ms, RSS ≤ 250 MB' },
  { name: 'spool', script: 'bench/spool/run.mjs', what: 'spool appends/s, latency and CPU: the segment log (and SQLite, where installed in a scratch folder)' },
  { name: 'reports', script: 'bench/reports.mjs', what: 'funnel and sidedata over 10 million events (≤ 500 ms each)' },
  { name: 'dashboard', script: 'bench/dashboard.mjs', what: "each dashboard panel's JSON over 10 million events (≤ 300 ms each)" },
];

/** What the benchmarks need built. */
const BUILT = ['packages/tracker/dist/cartbeacon.js', 'packages/dashboard/dist/dashboard.js', 'packages/collector/dist/index.js'];

function runScript(script) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [script], { cwd: ROOT, stdio: 'inherit' });
    child.once('exit', (code, signal) => resolve({ code: code ?? signal, seconds: (performance.now() - started) / 1000 }));
  });
}

async function main(names) {
  const unknown = names.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`bench: no benchmark named ${unknown.join(', ')}; there are ${BENCHES.map((b) => b.name).join(', ')}`);
    return 2;
  }
  if (BUILT.some((f) => !existsSync(`${ROOT}/${f}`))) {
    console.log('bench: building first (npm run build)');
    const built = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) return built.status ?? 1;
  }
  const selected = BENCHES.filter((b) => !names.length || names.includes(b.name));
  const results = [];
  for (const b of selected) {
    console.log(`\n== ${b.name}: ${b.what}`);
    if (!existsSync(`${ROOT}/${b.script}`)) {
      console.log(`(${b.script} is not there yet; skipped)`);
      results.push({ ...b, status: 'skipped' });
      continue;
    }
    const { code, seconds } = await runScript(b.script);
    results.push({ ...b, status: code === 0 ? 'ok' : `failed (exit ${code})`, seconds });
  }
  console.log('\n== summary');
  for (const r of results) console.log(`${r.name.padEnd(8)} ${r.status}${r.seconds ? ` in ${r.seconds.toFixed(0)} s` : ''}`);
  console.log(`node ${process.version}, ${(await import('node:os')).availableParallelism()} CPUs; figures and targets above, in BENCHMARKS.md`);
  return results.some((r) => r.status.startsWith('failed')) ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
