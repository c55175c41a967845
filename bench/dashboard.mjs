#!/usr/bin/env node
// The dashboard's panels over 10 million events, as the contract defines it: each panel's
// JSON endpoint (GET /dashboard/api/<panel>) timed over HTTP to the real collector app on a
// DuckDB store, signed in as the dashboard is, for three ranges: yesterday (by hour), the
// last 7 days and the last 30 days (by day). Each figure is the median of several runs,
// the panels taking turns; beside them, the whole page: every panel asked at once, as
// the page does.
//
// The store is made by the reports' generator (bench/reports.mjs: 90 days of sessions,
// 3 % bots, 0.5 % test mode, checkouts with product lines) and, like there, lives in a
// temporary directory unless BENCH_KEEP_DIR=path keeps it (BENCH_REUSE=1 measures a kept
// one again). BENCH_EVENTS, BENCH_DAYS, BENCH_RUNS, BENCH_WARMUP_RUNS as there.
//
// Usage: node bench/dashboard.mjs [--json]   (needs the build: npm run build)
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApp, createDuckDBStore, createLogger } from '../packages/collector/dist/index.js';
import { ACCOUNT, DEFAULTS, describeStore, generate, median } from './reports.mjs';

/** The contract: every dashboard panel answers in ≤ 300 ms over 10 million events. */
export const TARGET_MS = 300;

/** The panels, in the order the page asks for them. */
export const PANELS = ['summary', 'timeseries', 'stages', 'funnel', 'sources', 'campaigns', 'pages', 'products', 'heatmap', 'excluded', 'realtime'];
export const RANGES = ['yesterday', 'last_7_days', 'last_30_days'];

const localDate = (t, timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(t);
const addDays = (date, n) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** Generates (or reuses) the store, serves the app over it, signs in and times every panel. */
export async function measureDashboard(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const dir = o.keepDir ?? mkdtempSync(join(tmpdir(), 'cartbeacon-bench-dashboard-'));
  const onSignal = () => {
    if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const loadAtStart = loadavg()[0];
  let store;
  let server;
  try {
    // The last `days` whole local days before today, as the reports' bench makes them.
    const maker = await createDuckDBStore({ dataDir: dir, memoryLimit: '4GB' });
    let generated;
    try {
      const firstDay = addDays(localDate(Date.now(), ACCOUNT.timezone), -o.days);
      generated = o.keepDir && o.reuse ? await describeStore(maker) : await generate(maker, { events: o.events, days: o.days, firstDay });
    } finally {
      await maker.close();
    }
    const fileMB = statSync(join(dir, 'cartbeacon.duckdb')).size / 2 ** 20;

    store = await createDuckDBStore({ dataDir: dir, memoryLimit: process.env.BENCH_MEMORY_LIMIT || undefined });
    const app = createApp({ config: { accounts: [ACCOUNT] }, store, logger: createLogger('silent'), sessionSecret: 'bench' });
    server = createServer(app.callback());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    const signIn = await fetch(`${base}/dashboard/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ACCOUNT.reportToken }),
      redirect: 'manual',
    });
    const cookie = signIn.headers.get('set-cookie').split(';')[0];
    const call = async (panel, range) => {
      const res = await fetch(`${base}/dashboard/api/${panel}?date_range=${range}`, { headers: { cookie } });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${panel} ${range}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };

    const ranges = {};
    for (const range of RANGES) {
      const times = Object.fromEntries([...PANELS, 'page'].map((p) => [p, []]));
      const last = {};
      for (let i = 0; i < o.warmup + o.runs; i++) {
        for (const panel of PANELS) {
          const t0 = performance.now();
          last[panel] = await call(panel, range);
          if (i >= o.warmup) times[panel].push(performance.now() - t0);
        }
        const t0 = performance.now();
        await Promise.all(PANELS.map((p) => call(p, range)));
        if (i >= o.warmup) times.page.push(performance.now() - t0);
      }
      ranges[range] = {
        first: last.summary.range.first,
        last: last.summary.range.last,
        sessions: last.summary.current.sessions,
        orders: last.summary.current.orders,
        panels: Object.fromEntries(
          Object.entries(times).map(([p, t]) => [p, { medianMs: Math.round(median(t)), runsMs: t.map(Math.round), met: p === 'page' ? undefined : median(t) <= TARGET_MS }]),
        ),
      };
    }
    return {
      machine: { cpus: availableParallelism(), node: process.version, loadavg1AtStart: +loadAtStart.toFixed(2), loadavg1AtEnd: +loadavg()[0].toFixed(2) },
      settings: { events: o.events, days: o.days, runs: o.runs, warmup: o.warmup },
      generated: { ...generated, fileMB: Math.round(fileMB) },
      ranges,
      met: Object.values(ranges).every((r) => PANELS.every((p) => r.panels[p].met)),
    };
  } finally {
    if (server) {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    if (store) await store.close();
    if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** A table of the figures: a row per panel, a column per range. */
export function describeDashboard(r) {
  const g = r.generated;
  const lines = [
    `machine: ${r.machine.cpus} CPUs, node ${r.machine.node}, load average ${r.machine.loadavg1AtStart} before, ${r.machine.loadavg1AtEnd} after`,
    `store: ${g.events} events, ${g.sessions} sessions over ${r.settings.days} days, ${g.fileMB} MB; median of ${r.settings.runs} runs, target ≤ ${TARGET_MS} ms per panel`,
    `panel        ${RANGES.map((x) => x.padStart(16)).join('')}`,
  ];
  for (const p of [...PANELS, 'page']) {
    const cells = RANGES.map((x) => {
      const c = r.ranges[x].panels[p];
      return `${c.medianMs} ms${c.met === false ? ' MISSED' : ''}`.padStart(16);
    });
    lines.push(`${(p === 'page' ? 'whole page' : p).padEnd(13)}${cells.join('')}`);
  }
  lines.push(`every panel within ${TARGET_MS} ms: ${r.met ? 'yes' : 'NO'}`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureDashboard();
  console.log(describeDashboard(r));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
}
