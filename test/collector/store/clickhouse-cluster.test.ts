import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouseStore } from '@cartbeacon/collector';
import type { ClickHouseStore } from '@cartbeacon/collector';
import { startCollector } from '../../helpers/collector.js';
import type { TestCollector } from '../../helpers/collector.js';
import { databaseName } from '../../helpers/stores.js';
import { startCluster } from '../../../scripts/clickhouse/server.mjs';
import { ACCOUNT_GOALS, FROM, PURCHASE, SHOP, TO, TZ, WORKFLOWS } from '../api/reports/fixture.js';
import { countedEvents, expectedFunnel, expectedInteraction, expectedPageNavigation } from '../api/reports/model.js';
import type { LeftOut, ModelEvent } from '../api/reports/model.js';
import { expectedAcquisition, expectedExcluded, expectedHeatmap, expectedPages, expectedProducts, expectedTimeSeries, expectedTotals } from '../api/reports/dashboard-model.js';
import { signIn } from '../api/reports/dashboard.cases.js';
import { generateTraffic } from '../api/reports/generate-traffic.js';
import type { Delivery } from '../api/reports/generate-traffic.js';

/**
 * Running at scale: a ClickHouse cluster of two shards (with ZooKeeper, as
 * CARTBEACON_CLICKHOUSE_CLUSTER sets it up) fed by two collectors, each with its own
 * spool, each talking to its own server. Batches go to either; a resend goes to the
 * other one than the first copy, and some requests go to both at once. Both collectors
 * answer the reports of the independent calculation, and each shard holds its part.
 */
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a ClickHouse cluster of two shards fed by two collectors', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  let cs: TestCollector<ClickHouseStore>[] = [];
  let shop: ModelEvent[];
  let shopLeft: LeftOut[];
  let stored: number;
  const database = databaseName('cluster');
  const sent = { toBoth: 0, toTheOther: 0 };

  beforeAll(async () => {
    cluster = await startCluster({ shards: 2, maxThreads: 1 });
    // Two collectors starting at once: both create the schema ON CLUSTER and take a number.
    cs = await Promise.all(
      cluster.servers.map((server) =>
        startCollector<ClickHouseStore>({ accounts: [SHOP], countryHeader: 'CF-IPCountry' }, undefined, { loadIntervalMs: 100 }, {
          openStore: (dataDir) => createClickHouseStore({ url: server.url, database, cluster: cluster.name, dataDir }),
        }),
      ),
    );
    const traffic = generateTraffic({ seed: 4006, from: FROM - DAY, to: TO, sessions: 400, prefix: 'k' });
    // Where each id went first; the deliveries as the collectors (together) received them.
    const first = new Map<string, number>();
    const received: Delivery[] = [];
    for (const [i, d] of traffic.deliveries.entries()) {
      const before = d.events.map((e) => first.get(e.body.eventId)).find((c) => c !== undefined);
      const to = before !== undefined ? [1 - before] : i % 7 === 3 ? [0, 1] : [i % 2];
      if (before !== undefined) {
        sent.toTheOther++;
        // Received after the first copy by a clock tick at least: which came first is then plain.
        await sleep(2);
      }
      if (to.length === 2) sent.toBoth++;
      const answers = await Promise.all(
        to.map((c) => cs[c]!.send(d.events.map((e) => e.body), { headers: d.country ? { 'cf-ipcountry': d.country } : {} })),
      );
      for (const res of answers) expect(res.status, await res.text()).toBe(200);
      for (const e of d.events) if (!first.has(e.body.eventId)) first.set(e.body.eventId, to[0]!);
      for (const _ of to) received.push(d);
    }
    await Promise.all(cs.map((c) => c.ingest!.drain()));
    const model = countedEvents(received, SHOP.currency);
    shop = model.events;
    shopLeft = model.left;
    stored = model.stats.stored;
  }, 300_000);
  afterAll(async () => {
    await Promise.all(cs.map((c) => c.close()));
    await cluster?.stop();
  }, 60_000);

  const shardCount = (server: { url: string }, sql: string) =>
    fetch(server.url, { method: 'POST', body: `${sql} FORMAT TSV` }).then(async (r) => Number((await r.text()).trim()));

  it('was sent resends to the other collector and requests to both at once', () => {
    expect(sent.toTheOther).toBeGreaterThan(10);
    expect(sent.toBoth).toBeGreaterThan(10);
  });

  it('keeps each stored event once, a part on each shard, each session on one shard', async () => {
    const db = cs[0]!.store.db;
    const [row] = await db.query<{ n: string; ids: string }>(`SELECT count() AS n, uniqExact(event_id) AS ids FROM ${db.table('events')}`);
    expect(Number(row!.n)).toBe(stored);
    expect(Number(row!.ids)).toBe(stored);
    const local = `${db.databaseSql}.event_rows_shard`;
    const parts = await Promise.all(cluster.servers.map((s) => shardCount(s, `SELECT count() FROM ${local}`)));
    expect(parts.every((n) => n > stored / 5)).toBe(true);
    const sessions = await Promise.all(
      cluster.servers.map(async (s) => new Set((await (await fetch(s.url, { method: 'POST', body: `SELECT DISTINCT session_id FROM ${local} FORMAT TSV` })).text()).trim().split('\n'))),
    );
    expect([...sessions[0]!].filter((id) => sessions[1]!.has(id))).toEqual([]);
  });

  const get = (c: TestCollector<ClickHouseStore>, path: string) =>
    fetch(`${c.url}${path}`, { headers: { authorization: `Bearer ${SHOP.reportToken}` } }).then((r) => r.json());
  const post = (c: TestCollector<ClickHouseStore>, path: string, body: unknown) =>
    fetch(`${c.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${SHOP.reportToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
      r.json(),
    );

  it.each([
    ['Source', 'source', '20251020,20251102'],
    ['Device', 'device', '20251026,20251026'],
    ['Country', 'country', '20251022,20251028'],
  ] as const)('answers the funnel by %s on both collectors as the independent calculation', async (label, group, range) => {
    const [a, b] = range.split(',').map((d) => `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}`);
    const expected = expectedFunnel(shop, { when: { firstDay: a!, lastDay: b!, timeZone: TZ }, group, label });
    expect(expected.length).toBeGreaterThan(1);
    for (const c of cs) expect(await get(c, `/api/funnel?account_id=${SHOP.id}&report_type=${label}&date_range=${range}`)).toEqual({ status: 'ok', data: expected });
  });

  it('answers the sidedata reports on both collectors as the independent calculation', async () => {
    const interval = { start: new Date(FROM).toISOString(), end: new Date(TO).toISOString() };
    const when = { start: FROM, end: TO };
    const path = (id: string) => `/api/reporting/workflow/v1/orgs/${SHOP.id}/workflows/${id}/sidedata/`;
    const all = expectedPageNavigation(shop, { when, timeZone: TZ, days: true });
    const products = expectedPageNavigation(shop, { when, timeZone: TZ, entry: WORKFLOWS.productPages.entry, days: true });
    const chat = expectedInteraction(shop, { when, entry: WORKFLOWS.chat.entry, goals: WORKFLOWS.chat.goals as never, outerGoals: [...ACCOUNT_GOALS, PURCHASE] });
    expect(chat.started_workflows_count).toBeGreaterThan(0);
    for (const c of cs) {
      expect(await post(c, path(SHOP.id), { interval })).toEqual(all);
      expect(await post(c, path(WORKFLOWS.productPages.id), { interval })).toEqual(products);
      expect(await post(c, path(WORKFLOWS.chat.id), { interval })).toEqual(chat);
    }
  });

  it('answers the dashboard\'s panels on both collectors as the independent calculation', async () => {
    const range = '20251020,20251102';
    const when = { firstDay: '2025-10-20', lastDay: '2025-11-02', timeZone: TZ };
    const acquisition = expectedAcquisition(shop, { ...when, limit: 10, currency: 'EUR' });
    for (const c of cs) {
      const cookie = await signIn(c.url, SHOP.reportToken);
      const panel = async (name: string) => {
        const body = await (await fetch(`${c.url}/dashboard/api/${name}?date_range=${range}`, { headers: { cookie } })).json();
        expect(body.status, JSON.stringify(body)).toBe('ok');
        return body;
      };
      const table = async (name: string) => {
        const { fields, data } = await panel(name);
        return { fields, data };
      };
      expect((await panel('summary')).current).toEqual(expectedTotals(shop, when));
      const series = await panel('timeseries');
      expect({ bucket: series.bucket, fields: series.fields, data: series.data }).toEqual(expectedTimeSeries(shop, { ...when, now: Date.now(), currency: 'EUR' }));
      expect(await table('heatmap')).toEqual(expectedHeatmap(shop, when, TZ));
      expect(await table('pages')).toEqual(expectedPages(shop, when, 10));
      expect(await table('products')).toEqual(expectedProducts(shop, when, 10, 'EUR'));
      expect(await table('sources')).toEqual(acquisition.sources);
      expect(await table('campaigns')).toEqual(acquisition.campaigns);
      expect((await panel('stages')).data).toEqual(acquisition.stages);
      expect((await panel('excluded')).data).toEqual(expectedExcluded(shopLeft, when));
    }
  });
});
