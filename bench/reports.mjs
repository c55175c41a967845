#!/usr/bin/env node
// The reports over 10 million events, as the contract defines it: the funnel (the last 30
// days, by Source) and the built-in workflow's sidedata (the same 30 days), each the
// median of several requests over HTTP to the real collector app on a DuckDB store made
// by the collector's own code. Beside each, the best query written by hand for the same
// answer, timed in the same run on the same store, so that the endpoint's overhead shows;
// and a check that both give the same answer.
//
// The events are made by DuckDB itself (range, hash, unnest) in one INSERT … SELECT:
// 90 days of a shop's sessions with a daily rhythm (the hours of the workflow sidedata report's documented example),
// landing pages from ten sources, product views, baskets, checkouts and purchases, 3 %
// bots and 0.5 % test mode. The store file lives in a temporary directory and is removed
// at the end (BENCH_KEEP_DIR=path keeps one there instead; with BENCH_REUSE=1 a kept store
// is measured again). BENCH_MEMORY_LIMIT=128MB opens the measured store with that DuckDB
// memory_limit, as CARTBEACON_MEMORY_LIMIT does for the collector.
//
// Usage: node bench/reports.mjs [--json]   (needs packages/collector/dist: npm run build)
// CARTBEACON_STORAGE=clickhouse runs bench/clickhouse/reports.mjs instead: the same reports
// over the same generated events on ClickHouse, beside DuckDB.
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBListValue, DOUBLE, LIST } from '@duckdb/node-api';
import { createApp, createDuckDBStore, createLogger } from '../packages/collector/dist/index.js';

export const TARGET_MS = 500;

/**
 * @defaultValue 10 million events over 90 days, 7 timed runs after 1 warm-up run
 */
export const DEFAULTS = {
  events: Number(process.env.BENCH_EVENTS || 10_000_000),
  days: Number(process.env.BENCH_DAYS || 90),
  runs: Number(process.env.BENCH_RUNS || 7),
  warmup: Number(process.env.BENCH_WARMUP_RUNS || 1),
  keepDir: process.env.BENCH_KEEP_DIR || undefined,
  /** With keepDir: measure the store already there instead of making a new one. */
  reuse: process.env.BENCH_REUSE === '1',
};

export const ACCOUNT = {
  id: '7b1f3c9e-2f4d-4a8e-9c1b-5d6e7f8a9b0c',
  name: 'Bench shop',
  apiKey: 'bench-public-ingest-key',
  reportToken: 'bench-secret-report-token-0123456789',
  origins: ['http://shop.example'],
  timezone: 'Europe/Helsinki',
  currency: 'EUR',
};

/** Page views per hour of day in the workflow sidedata report's documented example: the daily rhythm of the sessions. */
const HOURS = [554, 575, 594, 699, 1689, 3219, 3792, 3424, 2791, 2483, 2412, 2337, 2082, 1767, 1278, 1098, 979, 887, 834, 764, 687, 648, 576, 589];

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (t0) => performance.now() - t0;

/** YYYY-MM-DD of an instant in a zone. */
export const localDate = (t, timeZone) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(t);
export const addDays = (date, n) => new Date(Date.parse(`${date}T12:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The minute of the day below which a share b/1000 of the sessions start (the inverse of HOURS' distribution). */
function minuteQuantiles() {
  const total = HOURS.reduce((a, b) => a + b);
  const out = [];
  let below = 0;
  let h = 0;
  for (let b = 0; b <= 1000; b++) {
    const target = (b / 1000) * total;
    while (h < 23 && below + HOURS[h] < target) below += HOURS[h++];
    out.push(Math.min(1440, h * 60 + ((target - below) / HOURS[h]) * 60));
  }
  return out;
}

/**
 * Fills `events` (the table the collector made) with generated traffic, on a connection
 * of the store's own instance: one INSERT … SELECT instead of 10 million loads.
 */
export async function generate(store, { events, days, firstDay }) {
  const c = await store.connect();
  try {
    const t0 = performance.now();

    await c.run(
      `CREATE TEMP TABLE quantile AS SELECT (generate_subscripts($q, 1) - 1)::INT AS b, unnest($q) AS minute`,
      { q: new DuckDBListValue(minuteQuantiles()) },
      { q: LIST(DOUBLE) },
    );
    // Weighted choices as bucket tables: row b of 1000 (or 100) says what bucket b gets.
    await c.run(`CREATE TEMP TABLE landing AS SELECT (row_number() OVER () - 1)::INT AS b, source, medium, utm, referrer FROM (VALUES
      ('Direct', NULL, false, NULL, 300), ('Google', 'organic', false, 'https://www.google.com/', 250), ('google', 'cpc', true, NULL, 100),
      ('Facebook', 'social', false, 'https://l.facebook.com/', 80), ('Instagram', 'social', false, 'https://l.instagram.com/', 40),
      ('Bing', 'organic', false, 'https://www.bing.com/', 30), ('newsletter', 'email', true, NULL, 60),
      ('Referrer', 'referral', false, 'https://blog.example.org/', 60), ('DuckDuckGo', 'organic', false, 'https://duckduckgo.com/', 20),
      ('affiliate', 'affiliate', true, NULL, 60)) v(source, medium, utm, referrer, w), range(w)`);
    await c.run(`CREATE TEMP TABLE place AS SELECT (row_number() OVER () - 1)::INT AS b, country FROM (VALUES
      ('FI', 500), ('SE', 150), ('EE', 80), ('DE', 80), ('US', 60), ('GB', 40), ('NO', 30), ('DK', 20), (NULL, 40)) v(country, w), range(w)`);
    await c.run(`CREATE TEMP TABLE agent AS SELECT (row_number() OVER () - 1)::INT AS b, device, device_class, browser, os FROM (VALUES
      ('PC', 'Desktop', 'Chrome', 'Windows', 35), ('PC', 'Desktop', 'Safari', 'Mac OS', 10), ('IOS', 'Mobile', 'Mobile Safari', 'iOS', 25),
      ('ANDROID', 'Mobile', 'Chrome', 'Android', 22), ('TABLET', 'Tablet', 'Mobile Safari', 'iOS', 8)) v(device, device_class, browser, os, w), range(w)`);

    // About 5.3 events per session: a few more sessions than needed, cut at exactly
    // `events`; a session's start follows from how many events come before it, so the
    // events fill the days evenly, each day with the rhythm of HOURS.
    const sessions = Math.ceil(events / 5.1);
    await c.run(`CREATE TEMP TABLE n AS SELECT i FROM range($s) t(i)`, { s: sessions });
    await c.run(
      `CREATE TEMP TABLE sessions AS
      WITH s AS (
        SELECT i, md5('s' || i) AS session_id, md5('v' || hash(i, 'visitor') % ($s * 11 // 20)) AS user_id,
          1 + least(39, floor(-ln(1 - (hash(i, 'n') % 1000000) / 1e6) * 4.4))::INT AS browse,
          CASE WHEN hash(i, 'f') % 1000 < 30 THEN 5 WHEN hash(i, 'f') % 1000 < 70 THEN 3 WHEN hash(i, 'f') % 1000 < 150 THEN 1 ELSE 0 END AS funnel,
          l.source, l.medium, l.utm, l.referrer, CASE WHEN l.utm THEN 'campaign-' || hash(i, 'c') % 12 END AS campaign,
          p.country, a.device, a.device_class, a.browser, a.os,
          hash(i, 'bot') % 1000 < 30 AS is_bot, hash(i, 'test') % 1000 < 5 AS test_mode
        FROM n
        JOIN landing l ON l.b = hash(i, 'landing') % 1000
        JOIN place p ON p.b = hash(i, 'country') % 1000
        JOIN agent a ON a.b = hash(i, 'agent') % 100
      ), c AS (
        SELECT *, browse + funnel AS n, sum(browse + funnel) OVER (ORDER BY i ROWS UNBOUNDED PRECEDING) - (browse + funnel) AS before FROM s
      ), d AS (
        SELECT * REPLACE (least(n, $events - before)::INT AS n), before * $days / $events AS pos FROM c WHERE before < $events
      )
      SELECT d.*, timezone($tz, $first::DATE::TIMESTAMP + to_milliseconds((
          floor(pos) * 86400e3 + 60e3 * (q.minute + ((pos - floor(pos)) * 1000 - q.b) * (q1.minute - q.minute)))::BIGINT)) AS start
      FROM d
      JOIN quantile q ON q.b = floor((pos - floor(pos)) * 1000)::INT
      JOIN quantile q1 ON q1.b = q.b + 1
      ORDER BY i`,
      { s: sessions, days, first: firstDay, tz: ACCOUNT.timezone, events },
    );
    await c.run(
      `INSERT INTO events (account_id, event_id, name, step, type, ts, received_at, user_id, session_id, page_url, referrer,
        category, sub_category, product_id, price, currency, quantity, total_price, order_no, source, medium, campaign,
        device, browser, os, os_version, device_class, is_bot, country, lang, test_mode, held, channel, data)
      WITH e AS (SELECT *, unnest(generate_series(0, n - 1)) AS k FROM sessions),
      x AS (SELECT *, k - browse AS f, hash(i, k) % 100 AS r, start + to_seconds(k * 45 + hash(i, k, 'gap') % 40) AS ts FROM e)
      SELECT $account, session_id || '-' || k,
        CASE WHEN k = 0 THEN 'PAGE_VIEW' WHEN f = 0 THEN 'BASKET_OPERATIONS' WHEN f > 0 THEN 'CHECKOUT'
          WHEN r < 55 THEN 'PAGE_VIEW' WHEN r < 95 THEN 'PRODUCT_VIEW' ELSE 'CUSTOM_EVENT' END,
        CASE f WHEN 0 THEN 'add' WHEN 1 THEN 'basket' WHEN 2 THEN 'customer' WHEN 3 THEN 'payment' WHEN 4 THEN 'purchase' END,
        CASE WHEN k > 0 AND f < 0 AND r >= 95 THEN 'search' END,
        ts, ts + INTERVAL 2 SECOND, user_id, session_id,
        CASE WHEN k = 0 AND utm THEN 'https://shop.example/?utm_source=' || source || '&utm_medium=' || medium || '&utm_campaign=' || campaign
          ELSE 'https://shop.example/p/' || (r * 7 + k) END,
        CASE WHEN k = 0 THEN referrer ELSE 'https://shop.example/' END,
        CASE WHEN k = 0 OR (f < 0 AND r < 55) THEN 'Category Page' END, NULL,
        CASE WHEN (f < 0 AND r >= 55 AND r < 95) OR f = 0 THEN 'P' || hash(i, k, 'product') % 5000 END,
        CASE WHEN (f < 0 AND r >= 55 AND r < 95) OR f = 0 THEN (10 + hash(i, k, 'product') % 20000 / 100)::DECIMAL(18,4) END,
        CASE WHEN f >= 0 OR (r >= 55 AND r < 95) THEN 'EUR' END,
        CASE WHEN f = 0 THEN 1 END,
        CASE WHEN f > 0 THEN (20 + hash(i, 'total') % 30000 / 100)::DECIMAL(18,4) END,
        CASE WHEN f = 4 THEN 'O' || i END,
        -- The landing page has the session's source; pages after it were reached from the shop itself.
        CASE WHEN k = 0 THEN source ELSE 'Direct' END, CASE WHEN k = 0 THEN medium END, CASE WHEN k = 0 THEN campaign END,
        device, browser, os, NULL, device_class, is_bot, country, 'fi', test_mode, false, 'events',
        -- A checkout carries its product lines, as the event API sends them (the dashboard's top products read them).
        CASE WHEN f > 0 THEN format('{{"productList":[{{"productId":"P{}","price":{},"quantity":{}}},{{"productId":"P{}","price":"{}"}}]}}',
          hash(i, 'line1') % 5000, 10 + hash(i, 'line1') % 9000 / 100, 1 + hash(i, 'q') % 3, hash(i, 'line2') % 5000, (5 + hash(i, 'line2') % 4000 / 100)::DECIMAL(10,2))
          ELSE '{}' END
      FROM x`,
      { account: ACCOUNT.id },
    );
    const filled = ms(t0);
    await c.run('CHECKPOINT');
    return { ...(await describeStore(store)), seconds: ms(t0) / 1000, fillSeconds: filled / 1000 };
  } finally {
    c.closeSync();
  }
}

/** What the store holds. */
export async function describeStore(store) {
  const c = await store.connect();
  try {
    return (
      await c.runAndReadAll(`SELECT count(*)::DOUBLE AS events, count(DISTINCT session_id)::DOUBLE AS sessions,
        count(DISTINCT user_id)::DOUBLE AS visitors, min(ts)::VARCHAR AS first, max(ts)::VARCHAR AS last FROM events`)
    ).getRowObjectsJS()[0];
  } finally {
    c.closeSync();
  }
}

/**
 * The best hand-written queries for the same answers: the same definitions, the bounds
 * as literals, nothing generic. (They were chosen among variants by timing them here.)
 */
const HAND = {
  funnel: ({ from, start, end, t0, scale }) => `
    SELECT key, count(*) AS clicks, count_if(reached & 8 <> 0) AS conversions, count_if(reached & 1 <> 0) AS microconversions,
      count_if(reached & 2 <> 0) AS add_to_cart, count_if(reached & 4 <> 0) AS checkout
    FROM (
      SELECT arg_min_null(source, (epoch_ms(ts) - ${t0}) * ${scale} + rowid) AS key,
        bit_or(CASE WHEN ts < '${start}'::TIMESTAMPTZ THEN 0 WHEN name = 'PRODUCT_VIEW' THEN 1
          WHEN name = 'BASKET_OPERATIONS' AND step = 'add' THEN 2
          WHEN name = 'CHECKOUT' THEN CASE WHEN step = 'purchase' THEN 12 ELSE 4 END ELSE 0 END) AS reached
      FROM events
      WHERE account_id = '${ACCOUNT.id}' AND NOT test_mode AND NOT is_bot AND NOT held
        AND ts >= '${from}'::TIMESTAMPTZ AND ts < '${end}'::TIMESTAMPTZ
      GROUP BY session_id
      HAVING max(ts) >= '${start}'::TIMESTAMPTZ
    )
    GROUP BY key ORDER BY clicks DESC, key LIMIT 100`,
  sidedata: ({ start, end }) => `
    WITH c AS (
      SELECT epoch_ms(ts) // 60000 AS minute, count(*) AS views FROM events
      WHERE account_id = '${ACCOUNT.id}' AND NOT test_mode AND NOT is_bot AND NOT held AND name = 'PAGE_VIEW'
        AND ts >= '${start}'::TIMESTAMPTZ AND ts < '${end}'::TIMESTAMPTZ
      GROUP BY minute
    ), l AS MATERIALIZED (SELECT timezone('${ACCOUNT.timezone}', to_timestamp(minute * 60)) AS t, views FROM c),
    u AS (
      SELECT count(DISTINCT user_id) AS visitors, count(DISTINCT session_id) AS sessions FROM events
      WHERE account_id = '${ACCOUNT.id}' AND NOT test_mode AND NOT is_bot AND NOT held
        AND ts >= '${start}'::TIMESTAMPTZ AND ts < '${end}'::TIMESTAMPTZ
    )
    SELECT
      (SELECT list([v, h] ORDER BY h) FROM (SELECT hour(t) AS h, sum(views) AS v FROM l GROUP BY h)) AS hours,
      (SELECT list([v, d] ORDER BY d) FROM (SELECT isodow(t) AS d, sum(views) AS v FROM l GROUP BY d)) AS days,
      u.visitors, u.sessions
    FROM u`,
};

/**
 * Times each of `fns` `n` times, taking turns (a, b, c, a, b, c, …) so that a change in
 * the machine's load weighs on all of them alike; `warmup` untimed turns first.
 */
async function timeTurns(n, warmup, fns) {
  const out = Object.fromEntries(Object.keys(fns).map((k) => [k, { times: [], last: undefined }]));
  for (let i = 0; i < warmup + n; i++) {
    for (const [k, fn] of Object.entries(fns)) {
      const t0 = performance.now();
      out[k].last = await fn();
      if (i >= warmup) out[k].times.push(ms(t0));
    }
  }
  return Object.fromEntries(
    Object.entries(out).map(([k, { times, last }]) => [k, { medianMs: median(times), runsMs: times.map((t) => Math.round(t)), last }]),
  );
}

/** Generates the store, serves the app over it and times both reports; removes the store after. */
export async function measureReports(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const dir = o.keepDir ?? mkdtempSync(join(tmpdir(), 'cartbeacon-bench-reports-'));
  // A gigabyte is not left behind when the run is stopped either.
  const onSignal = () => {
    if (!o.keepDir) rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const loadAtStart = loadavg()[0];
  // The last `days` whole local days before today; the reports ask for the last 30 of them.
  const today = localDate(Date.now(), ACCOUNT.timezone);
  const firstDay = addDays(today, -o.days);
  const range = { first: addDays(today, -30), last: addDays(today, -1) };
  let store;
  let server;
  try {
    // 1. The store, as the collector makes it, filled with generated events.
    const maker = await createDuckDBStore({ dataDir: dir, memoryLimit: '4GB' });
    let generated;
    try {
      generated = o.keepDir && o.reuse ? await describeStore(maker) : await generate(maker, { events: o.events, days: o.days, firstDay });
    } finally {
      await maker.close();
    }
    const fileMB = statSync(join(dir, 'cartbeacon.duckdb')).size / 2 ** 20;

    // 2. The collector as `cartbeacon serve` runs it (default store options), on a loopback port.
    store = await createDuckDBStore({ dataDir: dir, memoryLimit: process.env.BENCH_MEMORY_LIMIT || undefined });
    const app = createApp({ config: { accounts: [ACCOUNT] }, store, logger: createLogger('silent') });
    server = createServer(app.callback());
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${server.address().port}`;
    const headers = { authorization: `Bearer ${ACCOUNT.reportToken}`, 'content-type': 'application/json' };
    const dateRange = `${range.first.replaceAll('-', '')},${range.last.replaceAll('-', '')}`;
    const funnelUrl = `${base}/api/funnel?account_id=${ACCOUNT.id}&report_type=Source&date_range=${dateRange}`;
    const sidedataUrl = `${base}/api/reporting/workflow/v1/orgs/${ACCOUNT.id}/workflows/${ACCOUNT.id}/sidedata/`;
    const interval = { start: `${range.first}T00:00:00`, end: `${addDays(range.last, 1)}T00:00:00` };
    const call = async (url, init) => {
      const res = await fetch(url, { headers, ...init });
      const body = await res.json();
      if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
      return body;
    };

    // 3. The endpoints, and the hand-written queries on a connection of the same instance
    // with the same bounds, taking turns.
    const c = await store.connect();
    let funnel;
    let sidedata;
    let hand;
    try {
      const [bounds] = (
        await c.runAndReadAll(
          `SELECT timezone($tz, $a::DATE::TIMESTAMP)::VARCHAR AS start, timezone($tz, $b::DATE::TIMESTAMP)::VARCHAR AS end,
             (timezone($tz, $a::DATE::TIMESTAMP) - INTERVAL 24 HOUR)::VARCHAR AS from,
             epoch_ms(timezone($tz, $a::DATE::TIMESTAMP)) - 86400000 AS t0, epoch_ms(timezone($tz, $b::DATE::TIMESTAMP)) AS t1`,
          { tz: ACCOUNT.timezone, a: range.first, b: addDays(range.last, 1) },
        )
      ).getRowObjectsJS();
      // From 24 hours before the range (the look-back for landings), as the store does; the
      // rowid scale as the store picks it: the bits the time offsets leave.
      bounds.scale = 2 ** (62 - Math.ceil(Math.log2(Number(bounds.t1 - bounds.t0) + 1)));
      const q = async (sql) => (await c.runAndReadAll(sql)).getRowObjectsJS();
      const t = await timeTurns(o.runs, o.warmup, {
        funnel: () => call(funnelUrl),
        handFunnel: () => q(HAND.funnel(bounds)),
        sidedata: () => call(sidedataUrl, { method: 'POST', body: JSON.stringify({ interval }) }),
        handSidedata: () => q(HAND.sidedata(bounds)),
      });
      ({ funnel, sidedata } = t);
      hand = { funnel: t.handFunnel, sidedata: t.handSidedata };
    } finally {
      c.closeSync();
    }

    // 4. Same answers?
    const n = Number;
    const handFunnel = hand.funnel.last.map((r) => ({
      Source: r.key,
      clicks: n(r.clicks),
      conversions: n(r.conversions),
      microconversions: n(r.microconversions),
      'add-to-cart': n(r.add_to_cart),
      checkout: n(r.checkout),
    }));
    const s = hand.sidedata.last[0];
    const pairs = (l) => l.map(([v, i]) => [n(v), n(i)]);
    const handSidedata = {
      timeframe_stat: { day_in_week: pairs(s.days), hour_in_day: pairs(s.hours) },
      unique_visitors_count: n(s.visitors),
      unique_sessions_count: n(s.sessions),
    };
    const same = {
      funnel: JSON.stringify(funnel.last.data) === JSON.stringify(handFunnel),
      sidedata: JSON.stringify(sidedata.last) === JSON.stringify(handSidedata),
    };

    return {
      machine: { cpus: availableParallelism(), node: process.version, loadavg1AtStart: +loadAtStart.toFixed(2) },
      settings: { events: o.events, days: o.days, runs: o.runs, warmup: o.warmup, range: dateRange, interval },
      generated: { ...generated, fileMB: Math.round(fileMB) },
      funnel: { medianMs: funnel.medianMs, runsMs: funnel.runsMs, rows: funnel.last.data.length, top: funnel.last.data[0] },
      sidedata: {
        medianMs: sidedata.medianMs,
        runsMs: sidedata.runsMs,
        uniqueVisitors: sidedata.last.unique_visitors_count,
        uniqueSessions: sidedata.last.unique_sessions_count,
      },
      hand: {
        funnel: { medianMs: hand.funnel.medianMs, runsMs: hand.funnel.runsMs },
        sidedata: { medianMs: hand.sidedata.medianMs, runsMs: hand.sidedata.runsMs },
      },
      same,
      met: { funnel: funnel.medianMs <= TARGET_MS, sidedata: sidedata.medianMs <= TARGET_MS },
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

/** A short human summary of measureReports' figures. */
export function describeReports(r) {
  const f = (x, d = 0) => x.toFixed(d);
  const mark = (ok) => (ok ? 'met' : 'MISSED');
  const g = r.generated;
  return [
    `machine: ${r.machine.cpus} CPUs, node ${r.machine.node}, load average ${r.machine.loadavg1AtStart} before the run`,
    `store: ${f(g.events)} events, ${f(g.sessions)} sessions, ${f(g.visitors)} visitors over ${r.settings.days} days ` +
      `(${g.first} … ${g.last}), ${g.fileMB} MB; ` +
      (g.seconds === undefined ? 'reused' : `generated in ${f(g.seconds, 1)} s (rows ${f(g.fillSeconds, 1)} s)`),
    `funnel   GET /api/funnel?report_type=Source&date_range=${r.settings.range}: median ${f(r.funnel.medianMs)} ms ` +
      `(runs ${r.funnel.runsMs.join(', ')}; target ≤ ${TARGET_MS} ms: ${mark(r.met.funnel)}); hand-written query ${f(r.hand.funnel.medianMs)} ms ` +
      `(runs ${r.hand.funnel.runsMs.join(', ')}); ${r.funnel.rows} rows, same answer: ${r.same.funnel ? 'yes' : 'NO'}`,
    `sidedata POST …/workflows/<account id>/sidedata/ over the same 30 days: median ${f(r.sidedata.medianMs)} ms ` +
      `(runs ${r.sidedata.runsMs.join(', ')}; target ≤ ${TARGET_MS} ms: ${mark(r.met.sidedata)}); hand-written query ${f(r.hand.sidedata.medianMs)} ms ` +
      `(runs ${r.hand.sidedata.runsMs.join(', ')}); same answer: ${r.same.sidedata ? 'yes' : 'NO'}`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.env.CARTBEACON_STORAGE === 'clickhouse') {
  // Not awaited: that module imports this one, which must finish evaluating first.
  import('./clickhouse/reports.mjs').then((m) => m.main());
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await measureReports();
  console.log(describeReports(r));
  if (process.argv.includes('--json')) console.log(JSON.stringify(r, null, 2));
  if (!r.same.funnel || !r.same.sidedata) process.exitCode = 1;
}
