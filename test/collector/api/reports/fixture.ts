import { ACCOUNT, startCollector } from '../../../helpers/collector.js';
import type { TestCollector } from '../../../helpers/collector.js';
import { storeMaker } from '../../../helpers/stores.js';
import type { StoreKind } from '../../../helpers/stores.js';
import type { AccountConfig, Store } from '@cartbeacon/collector';
import { countedEvents } from './model.js';
import type { LeftOut, ModelEvent, ModelStats, GoalSpec } from './model.js';
import { deliver, generateTraffic } from './generate-traffic.js';

export const TZ = ACCOUNT.timezone; // Europe/Helsinki
const MIN = 60_000;
const DAY = 86_400_000;

/** Two weeks of local days, 2025-10-20 … 2025-11-02, across the end of summer time (2025-10-26 04:00 → 03:00). */
export const FROM = Date.parse('2025-10-20T00:00:00+03:00');
export const TO = Date.parse('2025-11-03T00:00:00+02:00');

export const PURCHASE: GoalSpec = { uid: '3b317fad-b163-463a-9720-774143be96e9', name: 'System: Visitor purchased', when: { name: 'CHECKOUT', step: 'purchase' } };

export const CHAT_GOALS: GoalSpec[] = [
  { uid: '0b7b3f3e-1c1e-4d55-9d7e-6a1f7c2b9a01', name: 'Visitor chatted', when: { name: 'CUSTOM_EVENT', type: 'chat_message' } },
  { uid: '0b7b3f3e-1c1e-4d55-9d7e-6a1f7c2b9a02', name: 'Added to cart', when: { name: 'BASKET_OPERATIONS', step: 'add' } },
];
export const ACCOUNT_GOALS: GoalSpec[] = [
  { uid: '5d0f6c1a-7a59-4c1e-8f0e-2b6f1d9e0c11', name: 'Viewed the sale', when: { pageUrlContains: '/sale/' } },
  { uid: '5d0f6c1a-7a59-4c1e-8f0e-2b6f1d9e0c12', name: 'Gave payment details', when: { name: 'CHECKOUT', step: ['customer', 'payment'] } },
];

export const WORKFLOWS = {
  productPages: { id: 'a1f0e2d3-0000-4000-8000-000000000001', name: 'After a product view', type: 'page_navigation', entry: { name: 'PRODUCT_VIEW' } },
  chat: {
    id: 'a1f0e2d3-0000-4000-8000-000000000002',
    name: 'Chat',
    type: 'interaction',
    entry: { name: 'CUSTOM_EVENT', type: 'chat_opened' },
    goals: CHAT_GOALS,
  },
  newsletter: {
    id: 'a1f0e2d3-0000-4000-8000-000000000003',
    name: 'Newsletter visitors',
    type: 'interaction',
    entry: { source: 'newsletter', medium: 'email' },
    goals: [{ uid: '0b7b3f3e-1c1e-4d55-9d7e-6a1f7c2b9a03', name: 'Started checkout', when: { name: 'CHECKOUT', step: 'basket' } }],
  },
  /** Its entry condition looks like SQL: it must be a value, matching nothing. */
  quoted: {
    id: 'a1f0e2d3-0000-4000-8000-000000000004',
    name: "Robert'); DROP TABLE events; --",
    type: 'interaction',
    entry: { type: "chat_opened' OR '1'='1", pageUrlContains: "%' OR 1=1 --" },
    goals: [{ uid: '0b7b3f3e-1c1e-4d55-9d7e-6a1f7c2b9a04', name: 'Any', when: { name: ["x') OR (1=1", 'PAGE_VIEW'] } }],
  },
} as const;

export const SHOP: AccountConfig = {
  ...ACCOUNT,
  workflows: Object.values(WORKFLOWS) as unknown as AccountConfig['workflows'],
  goals: ACCOUNT_GOALS,
};

/** A second account whose traffic is recent, for the named date ranges (today, last_week, …). */
export const RECENT: AccountConfig = {
  ...ACCOUNT,
  id: '9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
  apiKey: 'recent-public-ingest-key',
  reportToken: 'recent-secret-report-token-0123456789',
};

export interface ReportFixture {
  c: TestCollector<Store>;
  /** Counted events of SHOP and RECENT, by the independent calculation. */
  shop: ModelEvent[];
  recent: ModelEvent[];
  /** Stored events of SHOP and RECENT that no report counts (test mode, bots, held). */
  shopLeft: LeftOut[];
  recentLeft: LeftOut[];
  stats: ModelStats;
  /** GETs a report path with the account's Bearer token (or the given Authorization). */
  get(path: string, init?: { token?: string | null; authorization?: string }): Promise<Response>;
  post(path: string, body: unknown, init?: { token?: string | null; raw?: string }): Promise<Response>;
}

/** Sends one request to every collector at once; answers as the first one that refused, else the first. */
const fanOut =
  (cs: TestCollector<Store>[]) =>
  async (body: unknown, init: Parameters<TestCollector['send']>[1]): Promise<Response> => {
    const all = await Promise.all(cs.map((c) => c.send(body, init)));
    const answer = all.find((r) => r.status !== 200) ?? all[0]!;
    await Promise.all(all.filter((r) => r !== answer).map((r) => r.arrayBuffer().catch(() => undefined)));
    return answer;
  };

/**
 * Starts a collector on each kind of store and sends them all the same generated traffic
 * over HTTP, each request to all at once (answered by all before the next): 1,200 sessions over the two weeks for SHOP (plus
 * sessions around midnights and the clock change, and some before the first day), 300
 * over the last 45 days for RECENT. `close()` stops them all.
 */
export async function reportFixtures(kinds: StoreKind[]): Promise<{ of: Record<StoreKind, ReportFixture>; close(): Promise<void> }> {
  const makers = kinds.map(storeMaker);
  // ClickHouse as `cartbeacon serve` runs it: behind the spool, loaded in batches (it wants
  // few large inserts); DuckDB as before, each request written as it comes.
  const cs = await Promise.all(
    makers.map((m) =>
      startCollector<Store>({ accounts: [SHOP, RECENT], countryHeader: 'CF-IPCountry' }, undefined, m.kind === 'duckdb' ? undefined : { loadIntervalMs: 100 }, { openStore: m.open }),
    ),
  );
  const extraStarts = [
    // Around the clock change: 03:30 summer time, then 03:30 winter time (the hour that repeats).
    Date.parse('2025-10-26T00:30:00Z'),
    Date.parse('2025-10-26T00:59:00Z'),
    Date.parse('2025-10-26T01:30:00Z'),
    // Just before local midnight, so that sessions run into the next day.
    ...Array.from({ length: 14 }, (_, d) => FROM + (d + 1) * DAY - 5 * MIN + (d >= 6 ? 3_600_000 : 0)),
    // Before the first day: their landing is outside ranges that start with it.
    ...Array.from({ length: 20 }, (_, i) => FROM - 20 * MIN + i * MIN),
  ];
  const main = generateTraffic({ seed: 4004, from: FROM - DAY, to: TO, sessions: 1200, prefix: 'm', extraStarts });
  const now = Date.now();
  const recent = generateTraffic({ seed: 4005, from: now - 45 * DAY, to: now - 3_600_000, latest: now - MIN, sessions: 300, prefix: 'r' });
  await deliver(fanOut(cs), main.deliveries);
  await deliver(fanOut(cs), recent.deliveries, RECENT.apiKey);
  await Promise.all(cs.map((c) => c.ingest?.drain()));
  const shop = countedEvents(main.deliveries, SHOP.currency);
  const rec = countedEvents(recent.deliveries, RECENT.currency);

  const accountOf = (path: string) => (path.includes(`/orgs/${RECENT.id}/`) || path.includes(`account_id=${RECENT.id}`) ? RECENT : SHOP);
  const auth = (token: string | null | undefined, account: AccountConfig): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token ?? account.reportToken}` };
  const fixture = (c: TestCollector<Store>): ReportFixture => ({
    c,
    shop: shop.events,
    recent: rec.events,
    shopLeft: shop.left,
    recentLeft: rec.left,
    stats: shop.stats,
    get(path, init = {}) {
      const account = accountOf(path);
      const headers = init.authorization !== undefined ? { authorization: init.authorization } : auth(init.token, account);
      return fetch(`${c.url}${path}`, { headers });
    },
    post(path, body, init = {}) {
      const account = accountOf(path);
      return fetch(`${c.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth(init.token, account) },
        body: init.raw ?? JSON.stringify(body),
      });
    },
  });
  return {
    of: Object.fromEntries(kinds.map((k, i) => [k, fixture(cs[i]!)])) as Record<StoreKind, ReportFixture>,
    async close() {
      await Promise.all(cs.map((c) => c.close()));
      await Promise.all(makers.map((m) => m.close()));
    },
  };
}

/** The fixtures of a test file: made once, on first use, for each of `kinds`. */
export function sharedReportFixtures(kinds: StoreKind[]) {
  let made: ReturnType<typeof reportFixtures> | undefined;
  return {
    get: (kind: StoreKind) => (made ??= reportFixtures(kinds)).then((f) => f.of[kind]),
    close: async () => (await made?.catch(() => undefined))?.close(),
  };
}
