import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, DuckDBTimestampTZValue, DuckDBDecimalValue } from '@duckdb/node-api';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { groupCommit } from '../group-commit.js';
import { createDuckDBReports } from './reports.js';
import { isStateItem, readState, STATE_SCHEMA, writeState } from './state.js';
import type { StateItem } from './state.js';
import type { InsertResult, StateEntry, Store, StoredEvent } from '../ports.js';

export interface DuckDBStoreOptions {
  /** The directory that holds `cartbeacon.duckdb`. */
  dataDir: string;
  /**
   * DuckDB's memory_limit. It must leave room for the primary-key index, which is held in
   * memory and grows by ~100 bytes per stored event (~1 GB at 10 million): below that,
   * commits fail. @defaultValue DuckDB's own, 80 % of the machine's RAM
   */
  memoryLimit?: string;
  /** DuckDB's threads. @defaultValue the number of CPUs */
  threads?: number;
  /**
   * The WAL size at which a commit checkpoints (DuckDB's checkpoint_threshold). The store
   * checkpoints on its own whenever writes pause for `idleCheckpointMs`, so a commit under
   * load seldom meets one. @defaultValue '256MB'
   */
  checkpointThreshold?: string;
  /** Writes paused this long: checkpoint now. @defaultValue 500 */
  idleCheckpointMs?: number;
  /**
   * A pause checkpoints only a WAL at least this large. A checkpoint's cost grows with the
   * store (0.1–0.3 s at 2 million events: bench/ingest/checkpoint-cost.mjs), so a trickle of
   * events would pay it after every request; a small WAL waits (it is replayed quickly at
   * start). @defaultValue 16 MiB
   */
  idleCheckpointMinBytes?: number;
}

/**
 * The columns of `events`, in order, with their DuckDB types. Staging rows are appended
 * with the same types, so one list serves the table, the staging table and the appender.
 */
const COLUMNS = [
  ['account_id', 'VARCHAR NOT NULL'],
  ['event_id', 'VARCHAR NOT NULL'],
  ['name', 'VARCHAR NOT NULL'],
  ['step', 'VARCHAR'],
  ['type', 'VARCHAR'],
  ['ts', 'TIMESTAMPTZ NOT NULL'],
  ['received_at', 'TIMESTAMPTZ NOT NULL'],
  ['user_id', 'VARCHAR NOT NULL'],
  ['session_id', 'VARCHAR NOT NULL'],
  ['page_url', 'VARCHAR'],
  ['referrer', 'VARCHAR'],
  ['category', 'VARCHAR'],
  ['sub_category', 'VARCHAR'],
  ['product_id', 'VARCHAR'],
  ['price', 'DECIMAL(18,4)'],
  ['currency', 'VARCHAR'],
  ['quantity', 'DOUBLE'],
  ['total_price', 'DECIMAL(18,4)'],
  ['order_no', 'VARCHAR'],
  ['source', 'VARCHAR NOT NULL'],
  ['medium', 'VARCHAR'],
  ['campaign', 'VARCHAR'],
  ['device', 'VARCHAR NOT NULL'],
  ['browser', 'VARCHAR'],
  ['os', 'VARCHAR'],
  ['os_version', 'VARCHAR'],
  ['device_class', 'VARCHAR NOT NULL'],
  ['is_bot', 'BOOLEAN NOT NULL'],
  ['country', 'VARCHAR'],
  ['lang', 'VARCHAR'],
  ['test_mode', 'BOOLEAN NOT NULL'],
  ['held', 'BOOLEAN NOT NULL'],
  ['channel', 'VARCHAR NOT NULL'],
  ['data', 'JSON'],
] as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(',\n  ')},
  PRIMARY KEY (account_id, event_id)
);`;

const STAGING = `CREATE TEMP TABLE IF NOT EXISTS staging AS SELECT * FROM events LIMIT 0;`;

const micros = (ms: number) => new DuckDBTimestampTZValue(BigInt(ms) * 1000n);

const MAX_DECIMAL_18 = 10n ** 18n - 1n;

/** "349.99" → 3499900n at scale 4; the validator guarantees the shape. */
function decimal4(v: string): DuckDBDecimalValue {
  const [int, frac = ''] = v.split('.');
  const neg = int!.startsWith('-');
  const digits = BigInt((neg ? int!.slice(1) : int!) + (frac + '0000').slice(0, 4));
  // Round half away from zero on the fifth decimal, but never past the column's 18 digits
  // (99999999999999.99995 is kept as 99999999999999.9999, the largest it can hold).
  const round = frac.length > 4 && frac[4]! >= '5' && digits < MAX_DECIMAL_18 ? 1n : 0n;
  return new DuckDBDecimalValue((digits + round) * (neg ? -1n : 1n), 18, 4);
}

function append(a: DuckDBAppender, e: StoredEvent) {
  const text = (v: string | null) => (v === null ? a.appendNull() : a.appendVarchar(v));
  const money = (v: string | null) => (v === null ? a.appendNull() : a.appendDecimal(decimal4(v)));
  a.appendVarchar(e.accountId);
  a.appendVarchar(e.eventId);
  a.appendVarchar(e.name);
  text(e.step);
  text(e.type);
  a.appendTimestampTZ(micros(e.ts));
  a.appendTimestampTZ(micros(e.receivedAt));
  a.appendVarchar(e.userId);
  a.appendVarchar(e.sessionId);
  text(e.pageUrl);
  text(e.referrer);
  text(e.category);
  text(e.subCategory);
  text(e.productId);
  money(e.price);
  text(e.currency);
  e.quantity === null ? a.appendNull() : a.appendDouble(e.quantity);
  money(e.totalPrice);
  text(e.orderNo);
  a.appendVarchar(e.source);
  text(e.medium);
  text(e.campaign);
  a.appendVarchar(e.device);
  text(e.browser);
  text(e.os);
  text(e.osVersion);
  a.appendVarchar(e.deviceClass);
  a.appendBoolean(e.isBot);
  text(e.country);
  text(e.lang);
  a.appendBoolean(e.testMode);
  a.appendBoolean(e.held);
  a.appendVarchar(e.channel);
  a.appendVarchar(e.data);
  a.endRow();
}

const SELECT_EVENTS = `
SELECT account_id, event_id, name, step, type, epoch_ms(ts) AS ts, epoch_ms(received_at) AS received_at,
  user_id, session_id, page_url, referrer, category, sub_category, product_id,
  price::VARCHAR AS price, currency, quantity, total_price::VARCHAR AS total_price, order_no,
  source, medium, campaign, device, browser, os, os_version, device_class, is_bot, country, lang,
  test_mode, held, channel, data::VARCHAR AS data
FROM events WHERE account_id = $account ORDER BY ts, event_id LIMIT $limit`;

type Row = Record<string, unknown>;

function fromRow(r: Row): StoredEvent {
  const num = (v: unknown) => (v === null ? null : Number(v));
  return {
    accountId: r.account_id as string,
    eventId: r.event_id as string,
    name: r.name as string,
    step: r.step as string | null,
    type: r.type as string | null,
    ts: Number(r.ts),
    receivedAt: Number(r.received_at),
    userId: r.user_id as string,
    sessionId: r.session_id as string,
    pageUrl: r.page_url as string | null,
    referrer: r.referrer as string | null,
    category: r.category as string | null,
    subCategory: r.sub_category as string | null,
    productId: r.product_id as string | null,
    price: r.price as string | null,
    currency: r.currency as string | null,
    quantity: num(r.quantity),
    totalPrice: r.total_price as string | null,
    orderNo: r.order_no as string | null,
    source: r.source as string,
    medium: r.medium as string | null,
    campaign: r.campaign as string | null,
    device: r.device as string,
    browser: r.browser as string | null,
    os: r.os as string | null,
    osVersion: r.os_version as string | null,
    deviceClass: r.device_class as string,
    isBot: r.is_bot as boolean,
    country: r.country as string | null,
    lang: r.lang as string | null,
    testMode: r.test_mode as boolean,
    held: r.held as boolean,
    channel: r.channel as string,
    data: r.data as string,
  };
}

export interface DuckDBStore extends Store {
  /** The open DuckDB instance, for the report queries and for tools. */
  readonly instance: DuckDBInstance;
  /** A fresh connection (report queries run on their own). */
  connect(): Promise<DuckDBConnection>;
}

/**
 * The embedded store: one DuckDB file in the data directory. Writes go through one
 * connection in group commits: a group's rows are appended straight into `events`, or,
 * when one of its ids is stored already or repeats within it, appended to a
 * connection-local staging table and moved by one INSERT … ON CONFLICT DO NOTHING, so a
 * repeated event id is stored once. DuckDB writes and syncs its WAL at COMMIT, so an
 * insert that resolved survives a crash; checkpoints run when writes pause.
 */
export async function createDuckDBStore(options: DuckDBStoreOptions): Promise<DuckDBStore> {
  mkdirSync(options.dataDir, { recursive: true });
  const config: Record<string, string> = { checkpoint_threshold: options.checkpointThreshold ?? '256MB' };
  if (options.memoryLimit) config.memory_limit = options.memoryLimit;
  if (options.threads) config.threads = String(options.threads);
  const file = join(options.dataDir, 'cartbeacon.duckdb');
  const instance = await DuckDBInstance.create(file, config);
  const walBytes = () => {
    try {
      return statSync(file + '.wal').size;
    } catch {
      return 0;
    }
  };
  // Times are stored as instants; the session time zone only matters for casts to text.
  const writer = await instance.connect();
  await writer.run(`SET GLOBAL TimeZone = 'UTC'`);
  await writer.run(SCHEMA);
  await writer.run(STATE_SCHEMA);
  await writer.run(STAGING);
  const reader = await instance.connect();

  // Users with held (nextPage) events; their next page view releases them.
  const heldUsers = new Set<string>();
  const heldKey = (accountId: string, userId: string) => `${accountId}\u0000${userId}`;
  for (const r of (await reader.runAndReadAll(`SELECT DISTINCT account_id, user_id FROM events WHERE held`)).getRowObjects())
    heldUsers.add(heldKey(r.account_id as string, r.user_id as string));

  async function commit(all: (StoredEvent | StateItem)[]): Promise<boolean[]> {
    // Vendor state rides in the same transaction as the events it goes with.
    const items = all.filter((x): x is StoredEvent => !isStateItem(x));
    const state = all.filter(isStateItem).map((x) => x.state);
    // A repeat inside the group is not new either.
    const seen = new Set<string>();
    const first = items.map((e) => {
      const key = heldKey(e.accountId, e.eventId);
      return seen.has(key) ? false : (seen.add(key), true);
    });
    const releases = items.some((e) => e.name === 'PAGE_VIEW' && !e.held && heldUsers.has(heldKey(e.accountId, e.userId)));
    if (!releases && first.every(Boolean) && (await appendNew(items, state))) {
      items.forEach((e) => e.held && heldUsers.add(heldKey(e.accountId, e.userId)));
      return all.map((x) => !isStateItem(x));
    }
    await writer.run('BEGIN TRANSACTION');
    try {
      const appender = await writer.createAppender('staging');
      items.forEach((e) => append(appender, e));
      appender.closeSync();
      const inserted = await writer.runAndReadAll(
        `INSERT INTO events SELECT * FROM staging ON CONFLICT DO NOTHING RETURNING account_id, event_id`,
      );
      if (releases) {
        // A held event is released by a later page view of the same visitor.
        await writer.run(`
          UPDATE events SET held = false
          FROM (SELECT account_id, user_id, max(ts) AS ts FROM staging WHERE name = 'PAGE_VIEW' AND NOT held GROUP BY ALL) p
          WHERE events.held AND events.account_id = p.account_id AND events.user_id = p.user_id AND events.ts < p.ts`);
      }
      if (state.length) await writeState(writer, state);
      await writer.run('DELETE FROM staging');
      await writer.run('COMMIT');
      const added = new Set(inserted.getRows().map(([a, id]) => heldKey(a as string, id as string)));
      items.forEach((e) => e.held && added.has(heldKey(e.accountId, e.eventId)) && heldUsers.add(heldKey(e.accountId, e.userId)));
      if (releases) await refreshHeld(items);
      const results = items.map((e, i) => first[i]! && added.has(heldKey(e.accountId, e.eventId)));
      let at = 0;
      return all.map((x) => (isStateItem(x) ? false : results[at++]!));
    } catch (e) {
      await writer.run('ROLLBACK').catch(() => {});
      await writer.run('DELETE FROM staging').catch(() => {});
      throw e;
    }
  }

  /**
   * The common case, at half the cost: rows that repeat no id of their group go straight
   * into `events`. The appender checks the primary key as it closes; if an id is stored
   * already, nothing is kept and this answers false, for the staging path that skips
   * repeats. A failure after the rows are in (the commit) is thrown.
   */
  async function appendNew(items: StoredEvent[], state: StateEntry[]): Promise<boolean> {
    await writer.run('BEGIN TRANSACTION');
    let appender: DuckDBAppender | undefined;
    try {
      appender = await writer.createAppender('events');
      items.forEach((e) => append(appender!, e));
      appender.closeSync();
      appender = undefined;
      if (state.length) await writeState(writer, state);
      await writer.run('COMMIT');
      return true;
    } catch (e) {
      // The rows the appender could not write stay in it, and its destructor would try
      // them again, in whatever transaction runs then: drop them.
      appender?.clear();
      await writer.run('ROLLBACK').catch(() => {});
      if (!appender) throw e;
      return false;
    }
  }

  async function refreshHeld(items: StoredEvent[]) {
    for (const e of items) {
      if (e.name !== 'PAGE_VIEW') continue;
      const key = heldKey(e.accountId, e.userId);
      if (!heldUsers.has(key)) continue;
      const left = await reader.runAndReadAll(`SELECT 1 FROM events WHERE held AND account_id = $a AND user_id = $u LIMIT 1`, {
        a: e.accountId,
        u: e.userId,
      });
      if (!left.currentRowCount) heldUsers.delete(key);
    }
  }

  // Checkpoints leave the request path: DuckDB would run one inside the COMMIT that
  // passes its WAL threshold (0.3–2 s, longer as the store grows), and every request
  // waiting on the group waits with it. Instead the store checkpoints when writes pause;
  // the threshold above stays as the bound under load that never pauses. The writer runs
  // one statement at a time: commits and checkpoints take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const onWriter = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = turn.then(fn);
    turn = p.catch(() => {});
    return p;
  };
  let idle: NodeJS.Timeout | undefined;
  let unsaved = false;
  const checkpointWhenIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      if (!unsaved || closed) return;
      if (writes.pending()) return checkpointWhenIdle();
      // Small: left for a later pause (the next write sets this timer again).
      if (walBytes() < (options.idleCheckpointMinBytes ?? 16 * 2 ** 20)) return;
      unsaved = false;
      // DuckDB refuses a checkpoint while a reader's snapshot predates an update (a held
      // event's release): try again after another pause.
      onWriter(() => writer.run('CHECKPOINT')).catch(() => {
        unsaved = true;
        checkpointWhenIdle();
      });
    }, options.idleCheckpointMs ?? 500);
    idle.unref();
  };
  const writes = groupCommit((items: (StoredEvent | StateItem)[]) =>
    onWriter(() => commit(items)).finally(() => {
      unsaved = true;
      checkpointWhenIdle();
    }),
  );

  let closed = false;
  return {
    kind: 'duckdb',
    instance,
    connect: () => instance.connect(),
    // The report queries (funnel, workflow sidedata).
    ...createDuckDBReports(instance),
    insert(events, options) {
      if (closed) return Promise.reject(new Error('the store is closed'));
      const state = (options?.state ?? []).map((s): StateItem => ({ state: s }));
      if (!events.length && !state.length) return Promise.resolve({ inserted: 0 });
      return writes.add([...events, ...state]).then((added): InsertResult => ({ inserted: added.filter(Boolean).length }));
    },
    getState: (accountId, kind, key) => readState(reader, accountId, kind, key),
    async events(accountId, { limit = 100000 } = {}) {
      const r = await reader.runAndReadAll(SELECT_EVENTS, { account: accountId, limit });
      return r.getRowObjects().map((row) => fromRow(row as Row));
    },
    async ping() {
      await reader.run('SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      await writes.drain();
      try {
        await onWriter(() => writer.run('CHECKPOINT'));
      } catch {
        // Refused while a report still reads: the WAL is replayed at the next start.
      } finally {
        writer.closeSync();
        reader.closeSync();
        instance.closeSync();
      }
    },
  };
}
