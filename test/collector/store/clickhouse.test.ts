import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBatchOf } from '@cartbeacon/collector';
import type { ClickHouseStore, StoredEvent } from '@cartbeacon/collector';
import { storedEvent, tempDir } from '../../helpers/collector.js';
import { chdbClient, clickhouseServer, databaseName, openClickHouse } from '../../helpers/stores.js';

/**
 * What the ClickHouse store promises without transactions: every event id once, across a
 * load that fails half-way and is tried again, across a restart, and across collectors
 * loading the same ids at once; held events released whichever collector loads the page
 * view; the vendor state and each collector's position in the database. On ClickHouse
 * 18.16 and on a current release.
 */
/** A load's lines and keys, as the spool's loader hands them over. */
const rows = (events: StoredEvent[]) => loadBatchOf(events);
const row = (e: StoredEvent) => loadBatchOf([e]);

describe.each([
  ['ClickHouse 18.16 server', 'server'],
  ['ClickHouse 26 in-process (chdb)', 'chdb'],
] as const)('the ClickHouse store on %s', (_label, kind) => {
  let url = 'chdb';
  let client: (() => ReturnType<typeof chdbClient>) | undefined;
  let stop = async () => {};
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  beforeAll(async () => {
    if (kind === 'server') {
      const server = await clickhouseServer();
      url = server.url;
      stop = () => server.stop();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-chdb-'));
      client = () => chdbClient(dir);
      stop = async () => rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
  afterAll(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    await stop();
  }, 60_000);

  /** A store (a collector) over `database`, in the data dir `dir` (a new one by default). */
  const open = async (database: string, dir = tempDir()): Promise<ClickHouseStore & { dir: string }> => {
    const store = (await openClickHouse(url, client, database)(dir.path)) as ClickHouseStore;
    cleanup.push(() => dir.remove(), () => store.close());
    return Object.assign(store, { dir: dir.path });
  };
  const count = async (s: ClickHouseStore, sql: string) => Number(Object.values((await s.db.query(sql))[0]!)[0]);
  /** [event id, how many rows of it] in the `events` view, as a user reads it. */
  const viewed = async (s: ClickHouseStore) =>
    new Map((await s.db.query<{ event_id: string; n: string }>(`SELECT event_id, count() AS n FROM ${s.db.table('events')} GROUP BY event_id`)).map((r) => [r.event_id, Number(r.n)]));
  const batch = (n: number, tag: string, fields: Partial<StoredEvent> = {}) => Array.from({ length: n }, (_, i) => storedEvent(`${tag}-${i}`, fields));

  it('keeps what it stored, its repeats out, its identity and its spool position across a restart', async () => {
    const database = databaseName();
    const dir = tempDir();
    const first = (await openClickHouse(url, client, database)(dir.path)) as ClickHouseStore;
    expect(await first.insert(batch(100, 'a'))).toEqual({ inserted: 100, repeats: [] });
    expect(await first.load({ ...rows(batch(10, 'p')), state: [], position: '3:128' })).toMatchObject({ stored: 10, duplicates: 0 });
    const who = first.collector;
    await first.close();
    const store = await open(database, dir);
    expect(store.collector).toEqual(who);
    expect(await store.loadedPosition()).toBe('3:128');
    const again = await Promise.all([store.insert(batch(100, 'a')), store.insert(batch(50, 'b'))]);
    expect(again).toEqual([{ inserted: 0, repeats: Array.from({ length: 100 }, (_, i) => i) }, { inserted: 50, repeats: [] }]);
    expect(await store.events('acct')).toHaveLength(160);
    // Its seqs go on after the ones it made before the restart.
    expect(await count(store, `SELECT count() FROM ${store.db.table('event_rows')} WHERE seq % 4096 != ${who.number}`)).toBe(0);
  });

  it('finds a repeat within the week whatever its time, and a later one by its time', async () => {
    const store = await open(databaseName());
    const now = Date.now();
    const e = storedEvent('stamped', { ts: now - 3 * 86_400_000, receivedAt: now - 3 * 86_400_000 });
    expect(await store.load({ ...row(e), state: [] })).toMatchObject({ stored: 1 });
    expect(await store.load({ ...row({ ...e, ts: now - 1000, receivedAt: now }), state: [] })).toMatchObject({ stored: 0, duplicates: 1, repeats: [0] });
    // Past the week its claims are gone; the same time still finds it among the rows.
    for (const at of [e.receivedAt, now]) await store.db.command(`ALTER TABLE ${store.db.table('recent_ids')} DROP PARTITION '${new Date(at).toISOString().slice(0, 10)}'`);
    expect(await count(store, `SELECT count() FROM ${store.db.table('recent_ids')}`)).toBe(0);
    expect(await store.load({ ...row({ ...e, receivedAt: now }), state: [] })).toMatchObject({ stored: 0, duplicates: 1 });
    expect((await viewed(store)).get('stamped')).toBe(1);
  });

  it.each([
    ['before its rows', 'event_rows'],
    ['after its rows, before its marks and held rows', 'held_rows'],
    ['before its spool position', 'collector_positions'],
  ])('tries a load that failed %s again: nothing lost, nothing doubled', async (_when, failing) => {
    const store = await open(databaseName());
    const events = [...batch(300, 'x'), storedEvent('x-0'), storedEvent('h', { held: true, userId: 'u1', ts: Date.now() - 5000 }), storedEvent('v', { name: 'PAGE_VIEW', userId: 'u1' })];
    const insert = store.db.insert;
    let fail = true;
    store.db.insert = async (table, rows) => {
      if (fail && table.includes(failing) && rows.length) throw new Error(`${failing}: the connection broke`);
      return insert(table, rows);
    };
    await expect(store.load({ ...rows(events), state: [], position: '1:1' })).rejects.toThrow(/connection broke/);
    fail = false;
    const result = await store.load({ ...rows(events), state: [], position: '1:1' });
    expect(result).toMatchObject({ stored: 302, duplicates: 1, repeats: [300] });
    const ids = await viewed(store);
    expect(ids.size).toBe(302);
    expect([...ids.values()].every((n) => n === 1)).toBe(true);
    expect(await store.loadedPosition()).toBe('1:1');
    // The held row is released by the page view after it, once.
    expect((await store.events('acct')).find((e) => e.eventId === 'h')!.held).toBe(false);
  });

  it('after a crash half-way, the next start loads the batch again without a double', async () => {
    const database = databaseName();
    const dir = tempDir();
    const first = (await openClickHouse(url, client, database)(dir.path)) as ClickHouseStore;
    await first.load({ ...rows(batch(5, 'before')), state: [], position: '1:10' });
    const insert = first.db.insert;
    first.db.insert = async (table, rows) => {
      // The rows go in; the process dies before the position does.
      if (table.includes('collector_positions')) throw new Error('killed');
      return insert(table, rows);
    };
    const events = batch(200, 'crash');
    await expect(first.load({ ...rows(events), state: [], position: '1:20' })).rejects.toThrow('killed');
    await first.close();
    const store = await open(database, dir);
    expect(await store.loadedPosition()).toBe('1:10');
    expect(await store.load({ ...rows(events), state: [], position: '1:20' })).toMatchObject({ stored: 200, duplicates: 0 });
    expect([...(await viewed(store)).values()].filter((n) => n !== 1)).toEqual([]);
    expect((await viewed(store)).size).toBe(205);
  });

  describe('two collectors on one database', () => {
    it('store an id sent to both at once once, and the copy received first counts', async () => {
      const database = databaseName();
      const [a, b] = [await open(database), await open(database)];
      expect(a.collector.number).not.toBe(b.collector.number);
      for (let round = 0; round < 4; round++) {
        const ids = Array.from({ length: 150 }, (_, i) => `r${round}-${i}`);
        // Even rounds: A's copy was received first; odd: B's. B's copies are purchases.
        const t = Date.now() - 60_000 + round * 1000;
        const [ta, tb] = round % 2 ? [t + 10, t] : [t, t + 10];
        const ofA = ids.map((id) => storedEvent(id, { ts: t - 1000, receivedAt: ta, accountId: 'two' }));
        const ofB = ids.map((id) => storedEvent(id, { ts: t - 1000, receivedAt: tb, accountId: 'two', name: 'CHECKOUT', step: 'purchase', totalPrice: '9' }));
        const [ra, rb] = await Promise.all([a.load({ ...rows(ofA), state: [] }), b.load({ ...rows(ofB), state: [] })]);
        // Each loader saw one of the two as first at the time it read: never both stored as new and left so.
        expect(ra.stored + ra.duplicates).toBe(150);
        expect(rb.stored + rb.duplicates).toBe(150);
        for (const s of [a, b]) {
          const events = (await s.events('two')).filter((e) => e.eventId.startsWith(`r${round}-`));
          expect(events).toHaveLength(150);
          expect(new Set(events.map((e) => e.name))).toEqual(new Set([round % 2 ? 'CHECKOUT' : 'CUSTOM_EVENT']));
        }
      }
    });

    it('mark the row of a collector that did not yet see the copy received before its own', async () => {
      const database = databaseName();
      const [a, b] = [await open(database), await open(database)];
      const t = Date.now() - 60_000;
      // A reads the copies before B has claimed its own: A stores its copy, which is not the first received.
      let aRead!: () => void;
      const read = new Promise<void>((r) => (aRead = r));
      const aQuery = a.db.query;
      a.db.query = (async (sql: string) => {
        const rows = await aQuery(sql);
        if (sql.includes('recent_ids')) aRead();
        return rows;
      }) as typeof a.db.query;
      const bInsert = b.db.insert;
      b.db.insert = async (table, rows) => {
        if (table.includes('recent_ids')) await read;
        await bInsert(table, rows);
      };
      const ofA = storedEvent('late', { ts: t, receivedAt: t + 50, accountId: 'two', source: 'from-a' });
      const ofB = storedEvent('late', { ts: t + 7, receivedAt: t, accountId: 'two', source: 'from-b' });
      const [ra, rb] = await Promise.all([a.load({ ...row(ofA), state: [] }), b.load({ ...row(ofB), state: [] })]);
      expect([ra.stored, rb.stored]).toEqual([1, 1]);
      expect(await count(a, `SELECT count() FROM ${a.db.table('event_rows')} WHERE event_id = 'late'`)).toBe(2);
      for (const s of [a, b]) expect((await s.events('two')).filter((e) => e.eventId === 'late').map((e) => e.source)).toEqual(['from-b']);
      const funnel = await a.funnel({ accountId: 'two', start: t - 3600e3, end: t + 3600e3, groupBy: 'source', skip: 0, limit: 100 });
      expect(funnel.map((r) => [r.key, r.clicks])).toEqual([['from-b', 1]]);
    });

    it('release a held event whichever of them loads the later page view, and in whichever order', async () => {
      const database = databaseName();
      const [a, b] = [await open(database), await open(database)];
      const t = Date.now() - 60_000;
      const held = (id: string, user: string) => storedEvent(id, { accountId: 'h', userId: user, held: true, ts: t, receivedAt: t + 1 });
      const view = (id: string, user: string, receivedAt: number) => storedEvent(id, { accountId: 'h', userId: user, name: 'PAGE_VIEW', ts: t + 5000, receivedAt });
      // The page view loaded first, by the other collector; then at once; then before the held one was received.
      await b.load({ ...row(view('v1', 'u1', t + 5000)), state: [] });
      await a.load({ ...row(held('h1', 'u1')), state: [] });
      await Promise.all([a.load({ ...row(held('h2', 'u2')), state: [] }), b.load({ ...row(view('v2', 'u2', t + 5000)), state: [] })]);
      await b.load({ ...row(view('v3', 'u3', t)), state: [] });
      await a.load({ ...row(held('h3', 'u3')), state: [] });
      const events = new Map((await b.events('h')).map((e) => [e.eventId, e.held]));
      expect(Object.fromEntries(['h1', 'h2', 'h3'].map((id) => [id, events.get(id)]))).toEqual({ h1: false, h2: false, h3: true });
      const views = await a.pageNavigation({ accountId: 'h', start: t - 3600e3, end: t + 3600e3, timeZone: 'UTC', days: false, entry: { name: 'CUSTOM_EVENT' } });
      expect(views.uniqueVisitors).toBe(2);
    });

    it('read the same vendor state: the last write', async () => {
      const database = databaseName();
      const [a, b] = [await open(database), await open(database)];
      const entry = (value: unknown) => ({ accountId: 'acct', kind: 'yespo.cart', key: 'c1', value: JSON.stringify(value) });
      await a.insert([], { state: [entry({ n: 1 })] });
      expect(await b.getState('acct', 'yespo.cart', 'c1')).toBe('{"n":1}');
      await b.load({ ...rows([]), state: [entry({ n: 2 }), entry({ n: 3 })], position: '1:1' });
      expect(await a.getState('acct', 'yespo.cart', 'c1')).toBe('{"n":3}');
      expect(await a.getState('acct', 'yespo.cart', 'c2')).toBeUndefined();
      // Each keeps its own spool position.
      expect([await a.loadedPosition(), await b.loadedPosition()]).toEqual([undefined, '1:1']);
    });
  });

  it('shows users one `events` row per stored event, with the documented columns', async () => {
    const store = await open(databaseName());
    await store.insert([storedEvent('e1', { price: '12.5', country: 'FI' }), storedEvent('e1'), storedEvent('e2', { held: true })]);
    const rows = await store.db.query<Record<string, unknown>>(
      `SELECT account_id, event_id, name, step, ts, user_id, session_id, page_url, referrer, source, medium, campaign, device, country, test_mode, is_bot, held, data, toString(price) AS p
       FROM ${store.db.table('events')} ORDER BY event_id`,
    );
    expect(rows.map((r) => [r.event_id, r.country, r.held, r.data])).toEqual([
      ['e1', 'FI', 0, '{}'],
      ['e2', null, 1, '{}'],
    ]);
    expect((await store.events('acct'))[0]).toMatchObject({ eventId: 'e1', price: '12.5000', held: false });
  });

  it('creates its schema once, and refuses a database of a newer schema', async () => {
    const database = databaseName();
    const store = await open(database);
    await open(database);
    await store.db.insert(store.db.table('cartbeacon_schema'), ['{"version":99,"at":0}']);
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    await expect(openClickHouse(url, client, database)(dir.path)).rejects.toThrow(/schema version 99, newer than this collector's/);
  });

  it('loads a batch of 20 000 rows, and finds all of them repeated in the next (its id lists are long queries)', async () => {
    const store = await open(databaseName());
    const events = batch(20_000, 'big');
    expect(await store.load({ ...rows(events), state: [] })).toMatchObject({ stored: 20_000, duplicates: 0 });
    expect(await store.load({ ...rows(events), state: [] })).toMatchObject({ stored: 0, duplicates: 20_000 });
  }, 120_000);

  it('migrates a version 1 database: the product-line columns are added, and a purchase\'s lines load into them', async () => {
    const database = databaseName();
    const v2 = await open(database);
    // Version 1 as it was: event_rows without the product-line columns.
    for (const c of ['line_products', 'line_currencies', 'line_amounts', 'line_priced']) await v2.db.command(`ALTER TABLE ${v2.db.table('event_rows')} DROP COLUMN ${c}`);
    await v2.db.command(`TRUNCATE TABLE ${v2.db.table('cartbeacon_schema')}`);
    await v2.db.insert(v2.db.table('cartbeacon_schema'), ['{"version":1,"at":0}']);
    const store = await open(database);
    expect(await count(store, `SELECT max(version) FROM ${store.db.table('cartbeacon_schema')}`)).toBe(2);
    const data = JSON.stringify({ productList: [{ productId: 'P1', price: '2.5', quantity: 2 }] });
    await store.insert([storedEvent('o1', { name: 'CHECKOUT', step: 'purchase', totalPrice: '5.0000', data })]);
    const [row] = await store.db.query<Record<string, unknown>>(
      `SELECT line_products, line_currencies, toString(line_amounts[1]) AS amount, line_priced FROM ${store.db.table('event_rows')}`,
    );
    expect(row).toMatchObject({ line_products: ['P1'], line_currencies: [''], line_priced: [1] });
    expect(Number(row!.amount)).toBe(5);
  });
});
