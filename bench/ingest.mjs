#!/usr/bin/env node
// Ingest throughput, as the contract defines it: batches of 10 event API batches with fresh
// event ids, POSTed backend-style to /add/events/v1.json and durably stored, in requests/s
// as a ratio to a bare node:http server that reads the same body and answers 204 — both
// driven by the same wrk settings in the same run. Also the collector's p99 latency, its
// peak RSS (VmHWM), and a check that every event acknowledged with a 200 is in the DuckDB
// file afterwards.
//
// Both servers are processes of their own, started once; wrk loads one at a time while the
// other idles. The machine is small and shared, so the run is split into rounds that
// alternate which server goes first; each round gives a ratio of two runs a few seconds
// apart, and the figures are the medians over the rounds.
//
// Usage: node bench/ingest.mjs [--json]
// Environment: BENCH_THREADS, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_DURATION, BENCH_ROUNDS
// (see DEFAULTS); BENCH_STORE_EVENTS (measure into a kept store already holding that many events);
// BENCH_MEMORY_LIMIT (the collector's CARTBEACON_MEMORY_LIMIT); BENCH_MALLOC_ARENA_MAX (its MALLOC_ARENA_MAX, '2' unless set); BENCH_COLLECTOR_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
// BENCH_COLLECTOR_CLI (another build's bin/cartbeacon.js, to try a change in a scratch
// copy); BENCH_VERBOSE=1 passes the collector's stderr through.
// CARTBEACON_STORAGE=clickhouse measures into ClickHouse: a local server started here
// (Debian's 18.16, scripts/clickhouse/server.mjs), or the one CARTBEACON_CLICKHOUSE_URL
// names; its CPU per request and peak RSS are given beside the collector's.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { ensureWrk, WRK } from './ensure-wrk.mjs';
import { startClickHouse } from '../scripts/clickhouse/server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LUA = fileURLToPath(new URL('./ingest/events.lua', import.meta.url));
const BARE = fileURLToPath(new URL('./ingest/bare-server.mjs', import.meta.url));
/** The collector's CLI; BENCH_COLLECTOR_CLI points at another build (e.g. a scratch copy with a change to try). */
const CLI = process.env.BENCH_COLLECTOR_CLI || join(ROOT, 'packages/collector/bin/cartbeacon.js');

export const TARGETS = { ratio: 0.5, p99Ms: 20, rssMB: 250 };

const API_KEY = 'bench-public-ingest-key';
const PATH = `/add/events/v1.json?apiKey=${API_KEY}`;
const ACCOUNT = {
  id: '7b1f3c9e-2f4d-4a8e-9c1b-5d6e7f8a9b0c',
  name: 'Bench shop',
  apiKey: API_KEY,
  reportToken: 'bench-secret-report-token-0123456789',
  origins: ['http://shop.example'],
  timezone: 'UTC',
  currency: 'EUR',
};

const env = (name, fallback) => Number(process.env[name] || fallback);

/**
 * The load settings, the same for both servers.
 * @defaultValue wrk -t2 -c32, warm-up 3 s each, 3 rounds of 10 s per server
 */
export const DEFAULTS = {
  threads: env('BENCH_THREADS', 2),
  connections: env('BENCH_CONNECTIONS', 32),
  warmupSeconds: env('BENCH_WARMUP', 3),
  durationSeconds: env('BENCH_DURATION', 10),
  rounds: env('BENCH_ROUNDS', 3),
  /** Extra node options for the collector, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
  collectorNodeArgs: (process.env.BENCH_COLLECTOR_NODE_ARGS || '').split(' ').filter(Boolean),
  /** Events already in the store (a kept one in .bench-data, made on the first run). @defaultValue 0: a new store */
  storeEvents: env('BENCH_STORE_EVENTS', 0),
  /** The collector's CARTBEACON_MEMORY_LIMIT. @defaultValue DuckDB's own */
  memoryLimit: process.env.BENCH_MEMORY_LIMIT || undefined,
  /** The collector's MALLOC_ARENA_MAX. @defaultValue '2', as the deployment docs set it */
  mallocArenaMax: process.env.BENCH_MALLOC_ARENA_MAX ?? '2',
  /** The store: CARTBEACON_STORAGE. @defaultValue 'duckdb' */
  storage: process.env.CARTBEACON_STORAGE === 'clickhouse' ? 'clickhouse' : 'duckdb',
};

/** A ClickHouse server for the collector: CARTBEACON_CLICKHOUSE_URL's, or a local one started for the run. */
async function clickhouseFor(log) {
  const database = `bench_ingest_${Date.now()}`;
  if (process.env.CARTBEACON_CLICKHOUSE_URL) return { url: process.env.CARTBEACON_CLICKHOUSE_URL, database, pid: () => undefined, stop: async () => {} };
  const server = await startClickHouse();
  log(`ingest: a local ClickHouse server on ${server.url}`);
  return { ...server, database };
}

/** Counts what a ClickHouse database's `events` holds (one row per stored event). */
async function countStoredClickHouse({ url, database }) {
  const res = await fetch(url, { method: 'POST', body: `SELECT count(), uniqExact(event_id) FROM ${database}.events FORMAT TSV` });
  const [events, ids] = (await res.text()).trim().split('\t').map(Number);
  return { events, distinctIds: ids };
}

/** The data dir of a kept store of `events` generated events (bench/reports.mjs's traffic), made if missing. */
async function keptStore(events, log) {
  const dataDir = join(ROOT, '.bench-data', `ingest-store-${events}`);
  if (existsSync(join(dataDir, 'cartbeacon.duckdb'))) return dataDir;
  const { createDuckDBStore } = await import('../packages/collector/dist/index.js');
  const { generate } = await import('./reports.mjs');
  const t0 = performance.now();
  const store = await createDuckDBStore({ dataDir });
  const firstDay = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 10);
  await generate(store, { events, days: 365, firstDay });
  await store.close();
  log(`ingest: made a store of ${events} events in ${dataDir} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return dataDir;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** utime + stime of a process, in seconds; undefined once it is gone. */
function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // fields 14, 15; USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM). */
function statusMB(pid, field) {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Starts a node process and resolves once it prints the line that `pattern` matches (group 1: the URL or port). */
function startProcess(args, extraEnv, pattern) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (c) => {
    err = (err + c).slice(-4000);
    if (process.env.BENCH_VERBOSE) process.stderr.write(c);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${out}${err}`)), 30_000);
    child.stdout.on('data', (c) => {
      if (out.length < 100_000) out += c;
      const m = out.match(pattern);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m[1], stderr: () => err });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${out}${err}`));
    });
  });
}

/** Sends SIGTERM and resolves with the exit code (or the signal's name). */
function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal));
    child.kill('SIGTERM');
  });
}

/**
 * One wrk run against `url` with the events script; samples the CPU time of wrk and the
 * server, and the server's RSS, while it runs.
 */
async function runWrk(url, serverPid, { threads, connections, seconds, run }) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency', '--timeout', '10s', '-s', LUA, url];
  args.push('--', PATH, String(run));
  const wrk = spawn(WRK, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  wrk.stdout.on('data', (c) => (out += c));
  wrk.stderr.on('data', (c) => (out += c));
  const first = { at: performance.now(), wrk: cpuSeconds(wrk.pid) ?? 0, server: cpuSeconds(serverPid) ?? 0 };
  let last = first;
  let peakRss = 0;
  const sampler = setInterval(() => {
    const w = cpuSeconds(wrk.pid);
    const s = cpuSeconds(serverPid);
    if (w !== undefined && s !== undefined) last = { at: performance.now(), wrk: w, server: s };
    peakRss = Math.max(peakRss, statusMB(serverPid, 'VmRSS') ?? 0);
  }, 200);
  const code = await new Promise((resolve) => wrk.once('exit', resolve));
  clearInterval(sampler);
  const line = out.split('\n').find((l) => l.startsWith('WRK_RESULT '));
  if (code !== 0 || !line) throw new Error(`wrk failed (exit ${code}):\n${out}`);
  const r = JSON.parse(line.slice('WRK_RESULT '.length));
  const wall = (last.at - first.at) / 1000;
  const rps = r.requests / (r.durationUs / 1e6);
  const cpu = { wrk: (last.wrk - first.wrk) / wall, server: (last.server - first.server) / wall };
  return {
    ...r,
    rps,
    cpu,
    /** The server's CPU time per request, in µs: steadier than req/s on a shared machine. */
    serverCpuUsPerRequest: (cpu.server / rps) * 1e6,
    sampledPeakRssMB: peakRss,
  };
}

/** Counters of the collector's Prometheus text: answers of the ingest route by status, events stored. */
async function collectorCounters(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const statuses = {};
  for (const m of text.matchAll(/^cartbeacon_http_request_duration_seconds_count\{route="\/add\/events\/v1\.json",status="(\d+)"\} (\d+)/gm))
    statuses[m[1]] = Number(m[2]);
  const value = (re) => Number(text.match(re)?.[1] ?? 0);
  return {
    statuses,
    answered200: statuses['200'] ?? 0,
    eventsStored: value(/^cartbeacon_events_stored_total\{channel="events"\} (\d+)/m),
    eventsDuplicate: value(/^cartbeacon_events_duplicate_total\{channel="events"\} (\d+)/m),
  };
}

/**
 * The counters once the collector has answered everything: wrk stops with requests under
 * way, and the collector still stores and answers them after wrk has gone.
 */
async function settledCounters(url) {
  let prev = await collectorCounters(url);
  for (let stable = 0, i = 0; stable < 4 && i < 120; i++) {
    await sleep(250);
    const now = await collectorCounters(url);
    stable = now.answered200 === prev.answered200 && now.eventsStored === prev.eventsStored ? stable + 1 : 0;
    prev = now;
  }
  return prev;
}

/** Counts what the DuckDB file holds, opened after the collector stopped. */
async function countStored(dataDir) {
  const db = await DuckDBInstance.create(join(dataDir, 'cartbeacon.duckdb'), { access_mode: 'READ_ONLY' });
  const con = await db.connect();
  const r = await con.runAndReadAll(`SELECT count(*) AS events, count(DISTINCT event_id) AS ids FROM events`);
  const row = r.getRowObjects()[0];
  con.closeSync();
  db.closeSync();
  return { events: Number(row.events), distinctIds: Number(row.ids) };
}

/** Runs the ingest benchmark; resolves with the figures (see BENCHMARKS.md). */
export async function measureIngest(options = {}) {
  const settings = { ...DEFAULTS, ...options };
  const log = options.log ?? ((m) => console.error(m));
  ensureWrk();
  if (!existsSync(CLI.replace(/bin\/cartbeacon\.js$/, 'dist/index.js')))
    throw new Error('ingest: the collector is not built; run `npm run build` first');

  // Other work on the machine skews every figure; the load average before ours shows how much.
  const machine = { cpus: availableParallelism(), node: process.version, loadavg1AtStart: +loadavg()[0].toFixed(2) };
  const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-bench-'));
  const configFile = join(dir, 'config.json');
  // With BENCH_STORE_EVENTS, into a store that holds that many events already, made once
  // and kept in .bench-data (the collector's memory must not grow with it).
  if (settings.storeEvents && settings.storage === 'clickhouse') throw new Error('ingest: BENCH_STORE_EVENTS is for DuckDB only');
  const dataDir = settings.storeEvents ? await keptStore(settings.storeEvents, log) : join(dir, 'data');
  const before = settings.storeEvents ? await countStored(dataDir) : { events: 0, distinctIds: 0 };
  const clickhouse = settings.storage === 'clickhouse' ? await clickhouseFor(log) : undefined;
  writeFileSync(configFile, JSON.stringify({ accounts: [ACCOUNT] }));
  let bare, collector;
  try {
    bare = await startProcess([BARE], { PORT: '0', HOST: '127.0.0.1' }, /listening (\d+)/);
    bare.url = `http://127.0.0.1:${bare.match}`;
    collector = await startProcess(
      [...settings.collectorNodeArgs, CLI, 'serve'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        CARTBEACON_DATA_DIR: dataDir,
        CARTBEACON_CONFIG: configFile,
        LOG_LEVEL: 'warn',
        // wrk is one client sending as fast as it can: limits far above it, so that their
        // checks are in the measured path but refuse nothing.
        CARTBEACON_RATE_LIMIT_CLIENT: '1000000',
        CARTBEACON_RATE_LIMIT_CLIENT_BURST: '1000000',
        CARTBEACON_RATE_LIMIT_KEY: '1000000',
        CARTBEACON_RATE_LIMIT_KEY_BURST: '1000000',
        ...(settings.memoryLimit ? { CARTBEACON_MEMORY_LIMIT: settings.memoryLimit } : {}),
        // As docs/deployment.md runs it: two malloc arenas instead of eight per core keep
        // DuckDB's and the loader thread's freed memory from piling up (BENCH_MALLOC_ARENA_MAX='' for glibc's default).
        ...(settings.mallocArenaMax ? { MALLOC_ARENA_MAX: settings.mallocArenaMax } : {}),
        ...(clickhouse
          ? { CARTBEACON_STORAGE: 'clickhouse', CARTBEACON_CLICKHOUSE_URL: clickhouse.url, CARTBEACON_CLICKHOUSE_DATABASE: clickhouse.database }
          : {}),
      },
      /collector on (http:\/\/\S+)/,
    );
    collector.url = collector.match;
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${collector.url}/readyz`).catch(() => undefined))?.ok) break;
      await sleep(100);
    }

    const clickhouseCpuAtStart = clickhouse?.pid() ? cpuSeconds(clickhouse.pid()) : 0;
    // Each wrk run gets its own run number, which the Lua script puts in every event id.
    let run = 0;
    const load = (server, seconds) =>
      runWrk(server.url, server.child.pid, { threads: settings.threads, connections: settings.connections, seconds, run: ++run });
    const wrkSettings = `wrk -t${settings.threads} -c${settings.connections}`;
    log(`ingest: warm-up, ${wrkSettings} -d${settings.warmupSeconds}s on each server (collector's DuckDB in ${dataDir})`);
    const warmup = { bare: await load(bare, settings.warmupSeconds), collector: await load(collector, settings.warmupSeconds) };

    const rounds = [];
    for (let i = 0; i < settings.rounds; i++) {
      const r = {};
      for (const name of i % 2 ? ['collector', 'bare'] : ['bare', 'collector'])
        r[name] = await load(name === 'bare' ? bare : collector, settings.durationSeconds);
      r.ratio = r.collector.rps / r.bare.rps;
      rounds.push(r);
      log(
        `ingest: round ${i + 1}/${settings.rounds}: bare ${r.bare.rps.toFixed(0)} req/s, collector ${r.collector.rps.toFixed(0)} req/s ` +
          `(p99 ${(r.collector.latencyUs.p99 / 1000).toFixed(1)} ms), ratio ${r.ratio.toFixed(3)}`,
      );
    }

    const counters = await settledCounters(collector.url);
    const hwmMB = statusMB(collector.child.pid, 'VmHWM');
    // ClickHouse's own work for what the collector loaded (over the whole run, warm-up included).
    const chPid = clickhouse?.pid();
    const clickhouseFigures = chPid
      ? { cpuUsPerRequest: ((cpuSeconds(chPid) - clickhouseCpuAtStart) / counters.answered200) * 1e6, peakRssMB: statusMB(chPid, 'VmHWM') }
      : undefined;
    const exitCode = await stopProcess(collector.child);
    if (exitCode !== 0) throw new Error(`the collector exited with ${exitCode} on SIGTERM:\n${collector.stderr()}`);
    const after = clickhouse ? await countStoredClickHouse(clickhouse) : await countStored(dataDir);
    const stored = { events: after.events - before.events, distinctIds: after.distinctIds - before.distinctIds, total: after.events };

    const runs = [warmup.collector, ...rounds.map((r) => r.collector)];
    const sum = (f) => runs.reduce((n, r) => n + f(r), 0);
    const notOk = sum((r) => r.notOk);
    const socketErrors = sum((r) => r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout);
    const durability = {
      stored: stored.events,
      distinctIds: stored.distinctIds,
      collectorAnswered200: counters.answered200,
      collectorAnswersByStatus: counters.statuses,
      wrkReceived2xx: sum((r) => r.ok),
      wrkNot2xx: notOk,
      wrkSocketErrors: socketErrors,
      sent: sum((r) => r.sent),
      duplicates: counters.eventsDuplicate,
      // Every 200 the collector gave stands for 10 stored events, no more, no less. (wrk may
      // have closed the connection of the last few before reading them; those were still
      // stored and answered, so the collector's own count of 200s is the one to compare.)
      ok:
        stored.events === 10 * counters.answered200 &&
        stored.events === stored.distinctIds &&
        Object.keys(counters.statuses).every((s) => s === '200') &&
        notOk === 0,
    };

    const ratio = median(rounds.map((r) => r.ratio));
    const p99Ms = median(rounds.map((r) => r.collector.latencyUs.p99)) / 1000;
    const peakRssMB = Math.max(hwmMB ?? 0, ...runs.map((r) => r.sampledPeakRssMB));
    return {
      machine,
      settings: {
        tool: `${wrkSettings} -d${settings.durationSeconds}s --latency -s bench/ingest/events.lua`,
        threads: settings.threads,
        connections: settings.connections,
        warmupSeconds: settings.warmupSeconds,
        durationSeconds: settings.durationSeconds,
        rounds: settings.rounds,
      },
      rounds: rounds.map((r) => ({ ratio: r.ratio, bare: summarize(r.bare), collector: summarize(r.collector) })),
      warmup: { bare: summarize(warmup.bare), collector: summarize(warmup.collector) },
      ratio,
      bareRps: median(rounds.map((r) => r.bare.rps)),
      collectorRps: median(rounds.map((r) => r.collector.rps)),
      p50Ms: median(rounds.map((r) => r.collector.latencyUs.p50)) / 1000,
      p99Ms,
      bareP99Ms: median(rounds.map((r) => r.bare.latencyUs.p99)) / 1000,
      bareCpuUsPerRequest: median(rounds.map((r) => r.bare.serverCpuUsPerRequest)),
      collectorCpuUsPerRequest: median(rounds.map((r) => r.collector.serverCpuUsPerRequest)),
      peakRssMB,
      bareRssMB: statusMB(bare.child.pid, 'VmHWM'),
      storage: settings.storage,
      ...(clickhouseFigures ? { clickhouse: clickhouseFigures } : {}),
      durability,
      met: {
        ratio: ratio >= TARGETS.ratio,
        p99: p99Ms <= TARGETS.p99Ms,
        rss: peakRssMB <= TARGETS.rssMB,
        durability: durability.ok,
      },
    };
  } finally {
    if (bare) await stopProcess(bare.child);
    if (collector) await stopProcess(collector.child);
    await clickhouse?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The figures of one wrk run worth keeping. */
function summarize(r) {
  return {
    requests: r.requests,
    rps: Math.round(r.rps),
    p50Ms: r.latencyUs.p50 / 1000,
    p99Ms: r.latencyUs.p99 / 1000,
    maxMs: r.latencyUs.max / 1000,
    notOk: r.notOk,
    errors: r.errors,
    cpu: { server: +r.cpu.server.toFixed(2), wrk: +r.cpu.wrk.toFixed(2) },
    serverCpuUsPerRequest: Math.round(r.serverCpuUsPerRequest),
  };
}

/** A short human summary of measureIngest's figures. */
export function describeIngest(r) {
  const f = (n, d = 0) => n.toFixed(d);
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  const d = r.durability;
  return [
    `load: ${r.settings.tool}, ${r.settings.rounds} rounds (medians below); ${r.machine.cpus} CPUs, node ${r.machine.node}, ` +
      `load average ${r.machine.loadavg1AtStart} before the run`,
    `bare node:http: ${f(r.bareRps)} req/s, p99 ${f(r.bareP99Ms, 1)} ms, ${f(r.bareCpuUsPerRequest)} µs CPU per request`,
    `collector:      ${f(r.collectorRps)} req/s = ${f(r.collectorRps * 10)} events/s, p50 ${f(r.p50Ms, 1)} ms, p99 ${f(r.p99Ms, 1)} ms, ` +
      `${f(r.collectorCpuUsPerRequest)} µs CPU per request, peak RSS ${f(r.peakRssMB)} MB`,
    `ratio ${f(r.ratio, 3)} (rounds ${r.rounds.map((x) => f(x.ratio, 3)).join(', ')}; target ≥ ${TARGETS.ratio}: ${mark(r.met.ratio)}), ` +
      `p99 ≤ ${TARGETS.p99Ms} ms: ${mark(r.met.p99)}, RSS ≤ ${TARGETS.rssMB} MB: ${mark(r.met.rss)}`,
    ...(r.clickhouse
      ? [`clickhouse server: ${f(r.clickhouse.cpuUsPerRequest)} µs CPU per request loaded, peak RSS ${f(r.clickhouse.peakRssMB)} MB`]
      : []),
    `durability: ${d.stored} events in ${r.storage === 'clickhouse' ? 'ClickHouse (events)' : 'the DuckDB file'}, 10 × ${d.collectorAnswered200} answers of 200 = ${10 * d.collectorAnswered200} ` +
      `(${d.distinctIds} distinct ids; wrk read ${d.wrkReceived2xx} of them; non-200 answers ${d.wrkNot2xx}, socket errors ${d.wrkSocketErrors}): ` +
      (d.ok ? 'ok' : 'FAILED'),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureIngest();
  console.log(describeIngest(r));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  if (!r.durability.ok) process.exitCode = 1;
}
