import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDBStore, openStore } from '@cartbeacon/collector';
import type { DuckDBStore } from '@cartbeacon/collector';
import { storedEvent, tempDir } from '../../helpers/collector.js';

/**
 * What a user of the embedded store meets: what was written is there after a restart,
 * once writes pause the database file alone holds it (a copy of `cartbeacon.duckdb` is a
 * whole backup), and the memory limit it was given.
 */
describe('the DuckDB store', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const open = async (options: { idleCheckpointMs?: number; idleCheckpointMinBytes?: number } = {}, dir = tempDir()) => {
    const store: DuckDBStore = await createDuckDBStore({ dataDir: dir.path, threads: 1, idleCheckpointMinBytes: 0, ...options });
    cleanup.push(() => dir.remove(), () => store.close());
    return { dir, store };
  };
  const batch = (n: number, tag: string) => Array.from({ length: n }, (_, i) => storedEvent(`${tag}-${i}`));

  /** The events of `acct` in a copy of the database file alone, without its WAL: [eventId, held]. */
  async function inFileAlone(dir: string): Promise<[string, boolean][]> {
    const copy = tempDir();
    try {
      copyFileSync(join(dir, 'cartbeacon.duckdb'), join(copy.path, 'copy.duckdb'));
      const db = await DuckDBInstance.create(join(copy.path, 'copy.duckdb'));
      const c = await db.connect();
      try {
        const r = await c.runAndReadAll(`SELECT event_id, held FROM events WHERE account_id = 'acct' ORDER BY event_id`);
        return r.getRows() as [string, boolean][];
      } finally {
        c.closeSync();
        db.closeSync();
      }
    } finally {
      copy.remove();
    }
  }

  it('keeps what it stored, and its repeats out, across a restart', async () => {
    const dir = tempDir();
    const first = await createDuckDBStore({ dataDir: dir.path, threads: 1 });
    expect(await first.insert(batch(100, 'a'))).toMatchObject({ inserted: 100 });
    await first.close();
    const { store } = await open({}, dir);
    const again = await Promise.all([store.insert(batch(100, 'a')), store.insert(batch(50, 'b'))]);
    expect(again).toEqual([{ inserted: 0, repeats: Array.from({ length: 100 }, (_, i) => i) }, { inserted: 50, repeats: [] }]);
    expect(await store.events('acct')).toHaveLength(150);
  });

  it('once writes pause, holds every event in the database file alone', async () => {
    const { dir, store } = await open({ idleCheckpointMs: 100 });
    for (let i = 0; i < 5; i++) await store.insert(batch(200, `g${i}`));
    await vi.waitFor(async () => expect(await inFileAlone(dir.path)).toHaveLength(1000), { timeout: 10_000, interval: 200 });
    // And it goes on writing and deduplicating after that.
    expect(await store.insert(batch(10, 'g0'))).toMatchObject({ inserted: 0 });
    expect(await store.events('acct')).toHaveLength(1000);
  });

  it('gets the file up to date after a reader that held it off has finished', async () => {
    const { dir, store } = await open({ idleCheckpointMs: 100 });
    await store.insert([storedEvent('held', { held: true, userId: 'v' })]);
    await vi.waitFor(async () => expect(await inFileAlone(dir.path)).toEqual([['held', true]]), { timeout: 10_000, interval: 200 });
    // A reader's snapshot from before an update (the held event's release by a page view)
    // makes DuckDB refuse to bring the file up to date until it ends.
    const reader = await store.connect();
    await reader.run('BEGIN TRANSACTION');
    await reader.run('SELECT count(*) FROM events');
    await store.insert([storedEvent('release', { name: 'PAGE_VIEW', userId: 'v', ts: Date.now() + 1000 })]);
    await reader.run('COMMIT');
    reader.closeSync();
    const expected = [
      ['held', false],
      ['release', false],
    ];
    await vi.waitFor(async () => expect(await inFileAlone(dir.path)).toEqual(expected), { timeout: 10_000, interval: 200 });
    expect((await store.events('acct')).map((e) => [e.eventId, e.held])).toEqual(expected);
  });

  it("opens DuckDB with the memory limit it is given, else DuckDB's own", async () => {
    const UNITS: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };
    /** DuckDB's memory_limit ("286.1 MiB") in bytes. */
    const bytes = async (store: DuckDBStore) => {
      const c = await store.connect();
      try {
        const text = (await c.runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]![0] as string;
        const [, n, unit] = /^([\d.]+)\s*(\w+)$/.exec(text)!;
        return Number(n) * UNITS[unit!]!;
      } finally {
        c.closeSync();
      }
    };
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    // As `cartbeacon serve` opens it, with CARTBEACON_MEMORY_LIMIT=300MB.
    const given = (await openStore({ storage: 'duckdb', dataDir: dir.path, memoryLimit: '300MB' })) as DuckDBStore;
    try {
      expect(Math.abs((await bytes(given)) - 300e6) / 300e6).toBeLessThan(0.01);
    } finally {
      await given.close();
    }
    const own = await createDuckDBStore({ dataDir: dir.path });
    try {
      // 80 % of the machine's RAM, more than the 300 MB given above.
      expect(await bytes(own)).toBeGreaterThan(300e6 * 1.5);
    } finally {
      await own.close();
    }
  });
});
