import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDBStore, loadBatchOf } from '@cartbeacon/collector';
import type { DuckDBStore, StoredEvent } from '@cartbeacon/collector';
import { storedEvent, tempDir } from '../../helpers/collector.js';

const DAY = 86_400_000;
const ROWS = 3_000_000;
const SPAN_DAYS = 60;

/**
 * Repeats found without an index of every id: a store of three million events over 60
 * days, and repeats of events weeks old sent again among new ones.
 */
describe('repeats of old events into a large store', () => {
  const dir = tempDir();
  let store: DuckDBStore;
  const now = Date.now();
  const t0 = now - SPAN_DAYS * DAY;
  /** The stored event `i` as the generator below made it: [eventId, ts]. */
  const old = (i: number): [string, number] => [`old-${i}`, t0 + Math.floor((i * SPAN_DAYS * DAY) / ROWS)];

  beforeAll(async () => {
    store = await createDuckDBStore({ dataDir: dir.path, threads: 2 });
    const c = await store.connect();
    // A row per millisecond step, like the collector's own (columns as the store has them).
    await c.run(`INSERT INTO events SELECT
      'acct', 'old-' || i, 'PAGE_VIEW', NULL, NULL,
      epoch_ms(${t0} + (i * ${SPAN_DAYS * DAY}) // ${ROWS})::TIMESTAMPTZ, epoch_ms(${t0} + (i * ${SPAN_DAYS * DAY}) // ${ROWS} + 1000)::TIMESTAMPTZ,
      'u' || (i % 100000), 's' || (i // 7), NULL, NULL, 'Home Page', NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      'Direct', NULL, NULL, 'PC', NULL, NULL, NULL, 'Desktop', false, NULL, NULL, false, false, 'test', '{}'
      FROM range(${ROWS}) t(i)`);
    c.closeSync();
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    dir.remove();
  });

  const batch = (...events: StoredEvent[]) => ({ ...loadBatchOf(events), state: [] });

  it('skips events of three and five weeks ago sent again, and stores the new ones beside them', async () => {
    const repeats = [old(ROWS * 0.5), old(ROWS * 0.5 + 1), old(ROWS * 0.2), old(ROWS - 10)].map(([eventId, ts]) => storedEvent(eventId, { ts, receivedAt: now }));
    const fresh = Array.from({ length: 50 }, (_, i) => storedEvent(`new-${i}`, { ts: now - 1000 - i, receivedAt: now }));
    const result = await store.load(batch(...repeats, ...fresh));
    expect(result).toMatchObject({ stored: 50, duplicates: 4, repeats: [0, 1, 2, 3] });
    const c = await store.connect();
    const count = (await c.runAndReadAll(`SELECT count(*)::INTEGER, count(DISTINCT event_id)::INTEGER FROM events`)).getRows()[0];
    c.closeSync();
    expect(count).toEqual([ROWS + 50, ROWS + 50]);
    // And once more, all of them: nothing new.
    expect(await store.load(batch(...repeats, ...fresh))).toMatchObject({ stored: 0, duplicates: 54 });
  });

  it('finds a repeat sent again with another time within the week after (a backend that stamps each try anew)', async () => {
    const first = storedEvent('stamped-anew', { ts: now - 2 * DAY, receivedAt: now - 2 * DAY + 500 });
    expect(await store.load(batch(first))).toMatchObject({ stored: 1 });
    const again = { ...first, ts: now - 1000, receivedAt: now };
    expect(await store.load(batch(again))).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('finds a repeat of an event timed by its receipt within the week after', async () => {
    const first = storedEvent('receipt-timed', { ts: now - 3 * DAY, receivedAt: now - 3 * DAY });
    expect(await store.load(batch(first))).toMatchObject({ stored: 1 });
    // Sent again three days later, without a time of its own: timed by this receipt.
    const again = { ...first, ts: now, receivedAt: now };
    expect(await store.load(batch(again))).toMatchObject({ stored: 0, duplicates: 1 });
  });
});
