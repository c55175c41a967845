#!/usr/bin/env node
// The reports over 10 million events on ClickHouse, beside DuckDB on the very same events:
// bench/reports.mjs's generated store (made once and kept in .bench-data), its rows copied
// into a ClickHouse server (Debian's 18.16 started here, or CARTBEACON_CLICKHOUSE_URL's),
// then the funnel and the sidedata over HTTP to two collector apps, one per store, taking
// turns; the answers must be the same. Then what the ways of keeping an event id once
// cost a funnel-shaped query over the same rows (docs/clickhouse.md, "Exactly once"):
// the marks the store uses, no dedup at all, ReplacingMergeTree with FINAL (keyed by time
// and id, or by id alone), and argMin per id.
//
// Usage: CARTBEACON_STORAGE=clickhouse node bench/reports.mjs [--json]
// Environment: BENCH_EVENTS, BENCH_DAYS, BENCH_RUNS (as bench/reports.mjs), BENCH_THREADS
// (ClickHouse's max_threads, @defaultValue the CPUs), BENCH_DEDUP=0 skips the dedup part.
// Where chdb is installed (node scripts/ensure-clickhouse.mjs), the same reports are timed on
// a current ClickHouse (26.x) in-process too, on the same rows (BENCH_CHDB=0 skips it).
// Then the dashboard's panels (bench/dashboard.mjs's panels and ranges) over HTTP on every
// store, taking turns, BENCH_DASHBOARD_RUNS times (3; 0 skips them), each answer compared
// with DuckDB's.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clickhouseQuote, createApp, createClickHouseStore, createDuckDBStore, createLogger, EVENT_COLUMNS } from '../../packages/collector/dist/index.js';
import { startClickHouse } from '../../scripts/clickhouse/server.mjs';
import { CHDB_DIR, CHDB_MODULE } from '../../scripts/ensure-clickhouse.mjs';
import { createRequire } from 'node:module';
import { ACCOUNT, addDays, DEFAULTS, generate, localDate, median } from '../reports.mjs';
import { PANELS, RANGES, TARGET_MS } from '../dashboard.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATABASE = 'bench_reports';
const EPOCH_MS = Date.UTC(2020, 0, 1);
const ms = (t0) => performance.now() - t0;

/** The kept DuckDB store of `events` generated events (the reports' generator), made if missing. */
async function duckdbStore(events, days, log) {
  const dir = join(ROOT, '.bench-data', `reports-${events}-${days}d`);
  if (existsSync(join(dir, 'cartbeacon.duckdb'))) return { dir, made: false };
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const store = await createDuckDBStore({ dataDir: dir, memoryLimit: '4GB' });
  // The last `days` whole local days before the day it is made: the reports ask for the last 30.
  await generate(store, { events, days, firstDay: addDays(localDate(Date.now(), ACCOUNT.timezone), -days) });
  await store.close();
  log(`reports: made a DuckDB store of ${events} events in ${dir} in ${(ms(t0) / 1000).toFixed(0)} s`);
  return { dir, made: true };
}

/**
 * The rows as CSV for ClickHouse's event_rows: its columns in order (a time as seconds and
 * ms), and a seq as the store makes them (receive ms, a counter within the ms, collector 1).
 */
async function exportCsv(dir, log) {
  const file = join(dir, 'events-clickhouse-v2.csv');
  if (existsSync(file)) return file;
  const columns = Object.values(EVENT_COLUMNS).flatMap((c) =>
    c.kind === 'ms'
      ? [`floor(epoch_ms(${c.name}) / 1000)::BIGINT`, `epoch_ms(${c.name})`]
      : c.kind === 'bool'
        ? [`${c.name}::INT`]
        : c.kind === 'json'
          ? [`${c.name}::VARCHAR`]
          : [c.name],
  );
  const seq = `(((epoch_ms(received_at) - ${EPOCH_MS})::HUGEINT * 4096 + row_number() OVER (PARTITION BY received_at ORDER BY rowid) - 1) * 4096 + 1)::UBIGINT`;
  // A purchase's product lines as the store makes them at load (store/clickhouse/product-lines.ts),
  // as ClickHouse array text: ids, currencies ('' for none), price × quantity, whether priced.
  const lines = `from_json(json_extract(data, '$.productList'), '[{"productId":"VARCHAR","price":"VARCHAR","currency":"VARCHAR","quantity":"VARCHAR"}]')`;
  const purchase = `name = 'CHECKOUT' AND step = 'purchase'`;
  const price = (l) => `TRY_CAST(trim(${l}.price) AS DECIMAL(18,4))`;
  const array = (item) => `CASE WHEN ${purchase} THEN '[' || coalesce(array_to_string(list_transform(list_filter(${lines}, l -> l.productId IS NOT NULL), l -> ${item}), ','), '') || ']' ELSE '[]' END`;
  const lineColumns = [
    array(`'''' || replace(replace(l.productId, '\\', '\\\\'), '''', '\\''') || ''''`),
    array(`'''' || coalesce(upper(trim(l.currency)), '') || ''''`),
    array(`coalesce(${price('l')} * coalesce(TRY_CAST(trim(l.quantity) AS DECIMAL(18,4)), 1), 0)::DECIMAL(38,8)::VARCHAR`),
    array(`CASE WHEN ${price('l')} IS NULL THEN '0' ELSE '1' END`),
  ];
  const store = await createDuckDBStore({ dataDir: dir, memoryLimit: '4GB' });
  const c = await store.connect();
  const t0 = performance.now();
  try {
    await c.run(`COPY (SELECT ${columns.join(', ')}, ${seq}, ${lineColumns.join(', ')} FROM events ORDER BY ts) TO '${file}' (HEADER false, NULLSTR '\\N')`);
  } finally {
    c.closeSync();
    await store.close();
  }
  log(`reports: wrote ${file} (${(statSync(file).size / 2 ** 20).toFixed(0)} MB) in ${(ms(t0) / 1000).toFixed(0)} s`);
  return file;
}

/** Sends `sql` to ClickHouse; returns the rows (JSONEachRow) and, with `id`, its query id for query_log. */
async function sql(url, text, id) {
  const res = await fetch(`${url}/?${id ? `query_id=${id}&` : ''}output_format_json_quote_64bit_integers=0`, { method: 'POST', body: text });
  const body = await res.text();
  if (!res.ok) throw new Error(`${text.slice(0, 200)}: ${body}`);
  return body
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (l.startsWith('{') ? JSON.parse(l) : l));
}

/** Loads the CSV into event_rows with clickhouse-client (native protocol, streamed). */
function insertCsv(server, file) {
  return new Promise((resolve, reject) => {
    const client = spawn('clickhouse-client', ['--port', String(server.tcpPort), '--query', `INSERT INTO ${DATABASE}.event_rows FORMAT CSV`], {
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    createReadStream(file).pipe(client.stdin);
    client.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`clickhouse-client exited with ${code}`))));
  });
}

/**
 * A ClickHouse store on a current release in-process (chdb), its event_rows filled from the
 * CSV (the same rows as the server's); undefined when chdb is not installed.
 */
async function chdbStore(csv, columns, log) {
  if (process.env.BENCH_CHDB === '0' || !existsSync(CHDB_MODULE)) return undefined;
  const require = createRequire(join(CHDB_DIR, 'index.js'));
  const { createClient } = await import('@clickhouse/client');
  const { createChdbConnection } = require('chdb/connection');
  const path = mkdtempSync(join(tmpdir(), 'cartbeacon-bench-chdb-'));
  const dataDir = mkdtempSync(join(tmpdir(), 'cartbeacon-bench-chdb-id-'));
  const store = await createClickHouseStore({ url: 'chdb', database: DATABASE, dataDir, client: createClient({ connection: createChdbConnection({ path }) }) });
  const t0 = performance.now();
  await store.db.command(`INSERT INTO ${DATABASE}.event_rows SELECT * FROM file(${clickhouseQuote(csv)}, 'CSV', ${clickhouseQuote(columns)})`);
  await store.db.command(`OPTIMIZE TABLE ${DATABASE}.event_rows FINAL`);
  const [{ version }] = await store.db.query('SELECT version() AS version');
  log(`reports: the same rows into ClickHouse ${version} in-process (chdb) in ${(ms(t0) / 1000).toFixed(0)} s`);
  return {
    store,
    version,
    async close() {
      await store.close();
      rmSync(path, { recursive: true, force: true });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A collector app on `store`, on a loopback port; its base URL and close(). */
async function serve(store) {
  const app = createApp({ config: { accounts: [ACCOUNT] }, store, logger: createLogger('silent'), sessionSecret: 'bench' });
  const server = createServer(app.callback());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => (server.closeAllConnections(), new Promise((r) => server.close(r))),
  };
}

/** Times each of `fns` `n` times, taking turns; returns the median, the runs and the last answer of each. */
async function timeTurns(n, warmup, fns) {
  const out = Object.fromEntries(Object.keys(fns).map((k) => [k, { times: [], last: undefined }]));
  for (let i = 0; i < warmup + n; i++)
    for (const [k, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      out[k].last = await fn();
      if (i >= warmup) out[k].times.push(ms(t0));
    }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, { medianMs: median(v.times), runsMs: v.times.map(Math.round), last: v.last }]));
}

/**
 * Every dashboard panel for each range on each app (signed in as the page is), the stores
 * taking turns; each store's median per panel and range, and whether every answer but the
 * time-dependent realtime one equals the first store's (DuckDB's).
 */
async function timeDashboard(apps, runs, warmup) {
  const cookies = await Promise.all(
    apps.map(async (app) => {
      const res = await fetch(`${app.base}/dashboard/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: ACCOUNT.reportToken }),
        redirect: 'manual',
      });
      return res.headers.get('set-cookie').split(';')[0];
    }),
  );
  const out = {};
  let same = true;
  for (const range of RANGES) {
    out[range] = {};
    for (const panel of PANELS) {
      const fns = Object.fromEntries(
        apps.map((app, i) => [
          i,
          async () => {
            const res = await fetch(`${app.base}/dashboard/api/${panel}?date_range=${range}`, { headers: { cookie: cookies[i] } });
            const body = await res.json();
            if (res.status !== 200) throw new Error(`${panel} ${range}: ${res.status} ${JSON.stringify(body)}`);
            return body;
          },
        ]),
      );
      const t = await timeTurns(runs, warmup, fns);
      if (panel !== 'realtime') for (const i of Object.keys(t).slice(1)) same &&= JSON.stringify(t[i].last) === JSON.stringify(t[0].last);
      out[range][panel] = Object.values(t).map((x) => Math.round(x.medianMs));
    }
  }
  return { medianMs: out, same };
}

/**
 * The funnel by Source over [start, end) with the 24-hour look-back, as the store writes
 * it, over `rows` (a FROM … WHERE … of the counted rows of the range).
 */
const funnelOver = (rows, start) => `
SELECT group_key, count() AS clicks, countIf(bitAnd(reached, 8) != 0) AS conversions
FROM (
  SELECT argMin(source, (ts_ms, seq)) AS group_key,
    groupBitOr(multiIf(ts_ms < ${start}, 0, name = 'PRODUCT_VIEW', 1, name = 'BASKET_OPERATIONS' AND ifNull(step = 'add', 0), 2,
      name = 'CHECKOUT', if(ifNull(step = 'purchase', 0), 12, 4), 0)) AS reached
  ${rows}
  GROUP BY session_id
  HAVING max(ts_ms) >= ${start}
)
GROUP BY group_key ORDER BY clicks DESC, group_key LIMIT 100`;

/** What each way of keeping an id once costs the same funnel: wall and CPU time from query_log. */
async function dedupCosts(server, { from, start, end }, runs, log) {
  const t = (name) => `${DATABASE}.${name}`;
  const range = `ts_ms >= ${from} AND ts_ms < ${end} AND ts >= toDateTime(${Math.floor(from / 1000)}) AND ts <= toDateTime(${Math.ceil(end / 1000)})`;
  const plain = `account_id = '${ACCOUNT.id}' AND test_mode = 0 AND is_bot = 0 AND held = 0`;
  const marks = (kind) => `(SELECT seq FROM ${t('event_marks')} WHERE account_id = '${ACCOUNT.id}' AND kind = '${kind}')`;
  log('reports: making the ReplacingMergeTree copies for FINAL (by time and id; by id)');
  const columns = (await sql(server.url, `SELECT name, type FROM system.columns WHERE database = '${DATABASE}' AND table = 'event_rows' FORMAT JSONEachRow`))
    .map((c) => `${c.name} ${c.type}`)
    .join(', ');
  for (const [name, order] of [
    ['rows_by_time_id', '(account_id, ts_ms, event_id)'],
    ['rows_by_id', '(account_id, event_id)'],
  ]) {
    await sql(server.url, `DROP TABLE IF EXISTS ${t(name)}`);
    await sql(server.url, `CREATE TABLE ${t(name)} (${columns}, version UInt64) ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(ts) ORDER BY ${order}`);
    await sql(server.url, `INSERT INTO ${t(name)} SELECT *, 18446744073709551615 - seq FROM ${t('event_rows')}`);
    await sql(server.url, `OPTIMIZE TABLE ${t(name)} FINAL`);
  }
  // Marks as a running store has them: a few thousand, of rows that are not these.
  await sql(
    server.url,
    `INSERT INTO ${t('event_marks')} SELECT '${ACCOUNT.id}', number * 7919 + 3, ${start}, if(number % 10 = 0, 'released', 'repeat'), now() FROM numbers(5000)`,
  );
  const inline = (kind, n, from) => `(${Array.from({ length: n }, (_, i) => (BigInt(from + i) * 7919n + 3n).toString()).join(', ')})`;
  const variants = {
    // The store's query: the marks of the range are read first, and usually there are none.
    'no marks in the range': `FROM ${t('event_rows')} WHERE ${plain} AND ${range}`,
    '5 000 marks written in': `FROM ${t('event_rows')} WHERE account_id = '${ACCOUNT.id}' AND test_mode = 0 AND is_bot = 0
      AND seq NOT IN ${inline('repeat', 4500, 0)} AND (held = 0 OR seq IN ${inline('released', 500, 4500)}) AND ${range}`,
    'marks by subquery': `FROM ${t('event_rows')} WHERE account_id = '${ACCOUNT.id}' AND test_mode = 0 AND is_bot = 0
      AND seq NOT IN ${marks('repeat')} AND (held = 0 OR seq IN ${marks('released')}) AND ${range}`,
    'FINAL, key (time, id)': `FROM ${t('rows_by_time_id')} FINAL WHERE ${plain} AND ${range}`,
    'FINAL, key (id)': `FROM ${t('rows_by_id')} FINAL WHERE ${plain} AND ${range}`,
    'argMin per id': `FROM (
      SELECT session_id, t_ms AS ts_ms, s AS seq, n AS name, st AS step, so AS source FROM (
        SELECT session_id, argMin(ts_ms, seq) AS t_ms, min(seq) AS s, argMin(name, seq) AS n, argMin(step, seq) AS st, argMin(source, seq) AS so,
          argMin(test_mode, seq) AS t, argMin(is_bot, seq) AS b, argMin(held, seq) AS h
        FROM ${t('event_rows')} WHERE account_id = '${ACCOUNT.id}' AND ${range} GROUP BY account_id, event_id, session_id
      ) WHERE t = 0 AND b = 0 AND h = 0
    )`,
  };
  const answers = {};
  const ids = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < runs + 1; i++)
    for (const [k, rows] of Object.entries(variants)) {
      const id = `dedup-${k.replace(/\W+/g, '-')}-${i}-${Date.now()}`;
      answers[k] = await sql(server.url, `${funnelOver(rows, start)} FORMAT JSONEachRow`, id);
      if (i) ids[k].push(id);
    }
  await sql(server.url, 'SYSTEM FLUSH LOGS');
  const out = {};
  for (const [k, list] of Object.entries(ids)) {
    const rows = await sql(
      server.url,
      `SELECT query_duration_ms AS wall, ProfileEvents.Values[indexOf(ProfileEvents.Names, 'UserTimeMicroseconds')] / 1000 AS cpu, read_rows
       FROM system.query_log WHERE type = 2 AND query_id IN (${list.map((x) => `'${x}'`).join(', ')}) FORMAT JSONEachRow`,
    );
    out[k] = {
      medianMs: median(rows.map((r) => Number(r.wall))),
      cpuMs: median(rows.map((r) => Number(r.cpu))),
      readRows: Number(rows[0]?.read_rows ?? 0),
      same: JSON.stringify(answers[k]) === JSON.stringify(answers['no marks in the range']),
    };
  }
  return out;
}

export async function measureClickHouseReports(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const log = options.log ?? ((m) => console.error(m));
  const loadAtStart = loadavg()[0];
  const { dir } = await duckdbStore(o.events, o.days, log);
  const csv = await exportCsv(dir, log);
  const threads = Number(process.env.BENCH_THREADS || availableParallelism());
  const server = process.env.CARTBEACON_CLICKHOUSE_URL
    ? { url: process.env.CARTBEACON_CLICKHOUSE_URL, tcpPort: 9000, stop: async () => {}, pid: () => undefined }
    : await startClickHouse({ maxThreads: threads });
  const chData = mkdtempSync(join(tmpdir(), 'cartbeacon-bench-ch-'));
  let duck, ch, chdb, apps = [];
  try {
    await sql(server.url, `DROP DATABASE IF EXISTS ${DATABASE}`);
    ch = await createClickHouseStore({ url: server.url, database: DATABASE, dataDir: chData });
    let t0 = performance.now();
    await insertCsv(server, csv);
    const insertSeconds = ms(t0) / 1000;
    t0 = performance.now();
    await sql(server.url, `OPTIMIZE TABLE ${DATABASE}.event_rows FINAL`);
    const optimizeSeconds = ms(t0) / 1000;
    const [size] = await sql(
      server.url,
      `SELECT sum(rows) AS rows, sum(bytes_on_disk) AS bytes, count() AS parts FROM system.parts WHERE database = '${DATABASE}' AND table = 'event_rows' AND active FORMAT JSONEachRow`,
    );
    log(`reports: ${size.rows} rows into ClickHouse in ${insertSeconds.toFixed(0)} s, merged in ${optimizeSeconds.toFixed(0)} s; ${(size.bytes / 2 ** 20).toFixed(0)} MB`);

    const structure = (await sql(server.url, `SELECT name, type FROM system.columns WHERE database = '${DATABASE}' AND table = 'event_rows' FORMAT JSONEachRow`))
      .map((c) => `${c.name} ${c.type}`)
      .join(', ');
    chdb = await chdbStore(csv, structure, log);
    duck = await createDuckDBStore({ dataDir: dir });
    apps = [await serve(duck), await serve(ch), ...(chdb ? [await serve(chdb.store)] : [])];
    const today = localDate(Date.now(), ACCOUNT.timezone);
    const range = { first: addDays(today, -30), last: addDays(today, -1) };
    const dateRange = `${range.first.replaceAll('-', '')},${range.last.replaceAll('-', '')}`;
    const interval = { start: `${range.first}T00:00:00`, end: `${addDays(range.last, 1)}T00:00:00` };
    const headers = { authorization: `Bearer ${ACCOUNT.reportToken}`, 'content-type': 'application/json' };
    const call = async (url, init) => {
      const res = await fetch(url, { headers, ...init });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };
    const funnel = (app) => () => call(`${app.base}/api/funnel?account_id=${ACCOUNT.id}&report_type=Source&date_range=${dateRange}`);
    const sidedata = (app) => () =>
      call(`${app.base}/api/reporting/workflow/v1/orgs/${ACCOUNT.id}/workflows/${ACCOUNT.id}/sidedata/`, { method: 'POST', body: JSON.stringify({ interval }) });
    const t = await timeTurns(o.runs, o.warmup, {
      duckdbFunnel: funnel(apps[0]),
      clickhouseFunnel: funnel(apps[1]),
      ...(chdb ? { chdbFunnel: funnel(apps[2]) } : {}),
      duckdbSidedata: sidedata(apps[0]),
      clickhouseSidedata: sidedata(apps[1]),
      ...(chdb ? { chdbSidedata: sidedata(apps[2]) } : {}),
    });
    const same = {
      funnel: JSON.stringify(t.duckdbFunnel.last) === JSON.stringify(t.clickhouseFunnel.last) && (!chdb || JSON.stringify(t.duckdbFunnel.last) === JSON.stringify(t.chdbFunnel.last)),
      sidedata:
        JSON.stringify(t.duckdbSidedata.last) === JSON.stringify(t.clickhouseSidedata.last) && (!chdb || JSON.stringify(t.duckdbSidedata.last) === JSON.stringify(t.chdbSidedata.last)),
    };

    // The funnel's bounds, as the store computes them for the range (local midnight, 24 h before).
    const start = Date.parse(new Date(`${range.first}T00:00:00Z`).toISOString()) - offsetMs(range.first);
    const end = Date.parse(`${addDays(range.last, 1)}T00:00:00Z`) - offsetMs(addDays(range.last, 1));
    const dedup = process.env.BENCH_DEDUP === '0' ? undefined : await dedupCosts(server, { from: start - 86_400_000, start, end }, o.runs, log);
    const dashboardRuns = Number(process.env.BENCH_DASHBOARD_RUNS ?? 3);
    const dashboard = dashboardRuns > 0 ? await timeDashboard(apps, dashboardRuns, 1) : undefined;

    return {
      machine: { cpus: availableParallelism(), node: process.version, loadavg1AtStart: +loadAtStart.toFixed(2), clickhouseThreads: threads },
      settings: { events: o.events, days: o.days, runs: o.runs, range: dateRange, interval },
      clickhouse: { rows: Number(size.rows), mb: Math.round(size.bytes / 2 ** 20), insertSeconds, optimizeSeconds, version: (await sql(server.url, 'SELECT version()'))[0] },
      duckdbFileMB: Math.round(statSync(join(dir, 'cartbeacon.duckdb')).size / 2 ** 20),
      funnel: { duckdb: pick(t.duckdbFunnel), clickhouse: pick(t.clickhouseFunnel), ...(chdb ? { chdb: pick(t.chdbFunnel) } : {}) },
      sidedata: { duckdb: pick(t.duckdbSidedata), clickhouse: pick(t.clickhouseSidedata), ...(chdb ? { chdb: pick(t.chdbSidedata) } : {}) },
      ...(chdb ? { chdbVersion: chdb.version } : {}),
      same,
      dedup,
      ...(dashboard ? { dashboard } : {}),
      loadavg1AtEnd: +loadavg()[0].toFixed(2),
    };
  } finally {
    for (const a of apps) await a.close();
    await duck?.close();
    await ch?.close();
    await chdb?.close();
    await server.stop();
    rmSync(chData, { recursive: true, force: true });
  }
}

const pick = (x) => ({ medianMs: Math.round(x.medianMs), runsMs: x.runsMs });

/** The account's UTC offset (ms) at local midnight of `date`: Helsinki is +2 or +3 h. */
function offsetMs(date) {
  const noonUtc = Date.parse(`${date}T12:00:00Z`);
  const local = new Intl.DateTimeFormat('en-GB', { timeZone: ACCOUNT.timezone, hour: '2-digit', hourCycle: 'h23' }).format(noonUtc);
  return (Number(local) - 12) * 3_600_000;
}

export function describeClickHouseReports(r) {
  const line = (what, x) =>
    `${what}: DuckDB ${x.duckdb.medianMs} ms (runs ${x.duckdb.runsMs.join(', ')}), ClickHouse ${r.clickhouse.version} ${x.clickhouse.medianMs} ms (runs ${x.clickhouse.runsMs.join(', ')})` +
    (x.chdb ? `, ClickHouse ${r.chdbVersion} in-process ${x.chdb.medianMs} ms (runs ${x.chdb.runsMs.join(', ')})` : '');
  return [
    `machine: ${r.machine.cpus} CPUs, node ${r.machine.node}, ClickHouse ${r.clickhouse.version} with max_threads ${r.machine.clickhouseThreads}; load average ${r.machine.loadavg1AtStart} before, ${r.loadavg1AtEnd} after`,
    `store: ${r.settings.events} events over ${r.settings.days} days; DuckDB file ${r.duckdbFileMB} MB; ClickHouse ${r.clickhouse.rows} rows, ${r.clickhouse.mb} MB, inserted in ${r.clickhouse.insertSeconds.toFixed(0)} s (${Math.round(r.clickhouse.rows / r.clickhouse.insertSeconds)} rows/s), merged in ${r.clickhouse.optimizeSeconds.toFixed(0)} s`,
    line(`funnel   GET /api/funnel?report_type=Source&date_range=${r.settings.range}`, r.funnel),
    line('sidedata POST …/workflows/<account id>/sidedata/, the same 30 days', r.sidedata),
    `same answers on both stores: funnel ${r.same.funnel ? 'yes' : 'NO'}, sidedata ${r.same.sidedata ? 'yes' : 'NO'}`,
    ...(r.dedup
      ? [
          'a funnel-shaped query by the way each id is kept once (median wall / CPU ms, rows read, same answer as with no marks):',
          ...Object.entries(r.dedup).map(([k, v]) => `  ${k.padEnd(24)} ${String(v.medianMs).padStart(6)} / ${String(Math.round(v.cpuMs)).padStart(6)} ms, ${v.readRows} rows, ${v.same ? 'same' : 'DIFFERENT'}`),
        ]
      : []),
    ...(r.dashboard
      ? [
          `dashboard panels, median of ${process.env.BENCH_DASHBOARD_RUNS ?? 3} runs (ms): DuckDB / ClickHouse ${r.clickhouse.version}${r.chdbVersion ? ` / ClickHouse ${r.chdbVersion} in-process` : ''}; target ≤ ${TARGET_MS} ms`,
          `${'panel'.padEnd(12)}${RANGES.map((x) => x.padEnd(22)).join('')}`,
          ...PANELS.map((p) => `${p.padEnd(12)}${RANGES.map((x) => r.dashboard.medianMs[x][p].join(' / ').padEnd(22)).join('')}`),
          `same answers as DuckDB (realtime aside, it moves): ${r.dashboard.same ? 'yes' : 'NO'}`,
        ]
      : []),
  ].join('\n');
}

export async function main() {
  const r = await measureClickHouseReports();
  console.log(describeClickHouseReports(r));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  if (!r.same.funnel || !r.same.sidedata || r.dashboard?.same === false) process.exitCode = 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
