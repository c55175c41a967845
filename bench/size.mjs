#!/usr/bin/env node
// The tracker's size against the contract's budget: cartbeacon.js ≤ 4096 bytes gzip
// (level 9, as the size-budget plugin in rollup.config.mjs measures it; the build fails
// above it). Brotli is reported beside it because that is what most CDNs and reverse
// proxies actually serve. The chunks that cartbeacon.js imports at run time
// (dist/cartbeacon-*.js) are listed too, with what a page fetches as the script starts:
// everything but the web-vitals chunk, which the contract sets apart as loaded lazily.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** The contract's budget for the script-tag build. */
export const BUDGET = 4096;

const DIST = fileURLToPath(new URL('../packages/tracker/dist/', import.meta.url));
export const BUNDLE = `${DIST}cartbeacon.js`;

/** The contract's budget for the dashboard page's own script and styles together. */
export const DASHBOARD_BUDGET = 60 * 1024;
const DASHBOARD = fileURLToPath(new URL('../packages/dashboard/dist/', import.meta.url));

/** Chunks that load only after the page has loaded (the contract's "web-vitals chunk apart"). */
const LAZY = new Set(['cartbeacon-vitals.js']);

function sizes(file) {
  const code = readFileSync(file);
  return {
    raw: code.length,
    gzip: gzipSync(code, { level: 9 }).length,
    brotli: brotliCompressSync(code, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
    }).length,
  };
}

/**
 * Measures the built bundle and its chunks (run `npm run build` first).
 * @returns sizes in bytes (raw, gzip -9, brotli 11) of cartbeacon.js and of each chunk,
 *   the gzip total fetched at start, and whether cartbeacon.js is within the budget
 */
export function measureSize() {
  const main = sizes(BUNDLE);
  const chunks = readdirSync(DIST)
    .filter((f) => /^cartbeacon-.+\.js$/.test(f))
    .sort()
    .map((name) => ({ name, lazy: LAZY.has(name), ...sizes(DIST + name) }));
  const atStartGzip = main.gzip + chunks.filter((c) => !c.lazy).reduce((n, c) => n + c.gzip, 0);
  return { file: 'packages/tracker/dist/cartbeacon.js', ...main, budget: BUDGET, met: main.gzip <= BUDGET, chunks, atStartGzip };
}

/** The dashboard page's script and stylesheet (packages/dashboard/dist), each and together. */
export function measureDashboardSize() {
  const files = ['dashboard.js', 'dashboard.css'].map((name) => ({ name, ...sizes(DASHBOARD + name) }));
  const gzip = files.reduce((n, f) => n + f.gzip, 0);
  return { files, gzip, budget: DASHBOARD_BUDGET, met: gzip <= DASHBOARD_BUDGET };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = measureSize();
  console.log(`${r.file}: ${r.raw} bytes, ${r.gzip} bytes gzip -9 (budget ${r.budget}: ${r.met ? 'met' : 'MISSED'}), ${r.brotli} bytes brotli`);
  for (const c of r.chunks)
    console.log(`  chunk ${c.name}: ${c.raw} bytes, ${c.gzip} bytes gzip -9, ${c.brotli} bytes brotli (${c.lazy ? 'after the page has loaded' : 'fetched as the script starts'})`);
  if (r.chunks.length) console.log(`  fetched at start (cartbeacon.js and its eager chunks): ${r.atStartGzip} bytes gzip -9`);
  const d = measureDashboardSize();
  for (const f of d.files) console.log(`packages/dashboard/dist/${f.name}: ${f.raw} bytes, ${f.gzip} bytes gzip -9, ${f.brotli} bytes brotli`);
  console.log(`  the dashboard page's own script and styles: ${d.gzip} bytes gzip -9 (budget ${d.budget}: ${d.met ? 'met' : 'MISSED'})`);
  if (process.argv.includes('--json')) console.log(JSON.stringify({ ...r, dashboard: d }, null, 2));
  if (!r.met || !d.met) process.exitCode = 1;
}
