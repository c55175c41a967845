import { afterEach, describe, expect, it, vi } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createDuckDBStore, openStore } from '../../packages/collector/src/index.js';
import type { DuckDBStore } from '../../packages/collector/src/index.js';
import { storedEvent, tempDir } from '../helpers/collector.js';

const walBytes = (dir: string) => {
  const wal = join(dir, 'cartbeacon.duckdb.wal');
  return existsSync(wal) ? statSync(wal).size : 0;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the DuckDB store checkpoints off the request path', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  // The other tests checkpoint at any WAL size.
  const open = async (idleCheckpointMs: number, idleCheckpointMinBytes = 0) => {
    const dir = tempDir();
    const store: DuckDBStore = await createDuckDBStore({ dataDir: dir.path, threads: 1, idleCheckpointMs, idleCheckpointMinBytes });
    cleanup.push(() => dir.remove(), () => store.close());
    return { dir: dir.path, store };
  };
  const batch = (n: number, tag: string) => Array.from({ length: n }, (_, i) => storedEvent(`${tag}-${i}`));

  it('leaves the WAL to grow while writes go on, and checkpoints once they pause', async () => {
    const { dir, store } = await open(300);
    for (let i = 0; i < 5; i++) {
      await store.insert(batch(200, `g${i}`));
      await sleep(50);
      // Commits made this way, within the idle time of each other, are in the WAL only.
      expect(walBytes(dir)).toBeGreaterThan(0);
    }
    await vi.waitFor(() => expect(walBytes(dir)).toBe(0), { timeout: 5000, interval: 50 });
    expect(await store.events('acct')).toHaveLength(1000);
  });

  it('leaves a WAL under the minimum for a later pause, and checkpoints one past it', async () => {
    const { dir, store } = await open(100, 2 ** 20);
    await store.insert(batch(20, 'trickle'));
    await sleep(400);
    // A trickle of events does not pay for a checkpoint at every pause.
    expect(walBytes(dir)).toBeGreaterThan(0);
    for (let i = 0; walBytes(dir) < 2 ** 20; i++) await store.insert(batch(500, `burst${i}`));
    await vi.waitFor(() => expect(walBytes(dir)).toBe(0), { timeout: 5000, interval: 50 });
    expect((await store.events('acct')).length).toBeGreaterThan(500);
  });

  it("opens DuckDB with the memory limit it is given, else DuckDB's own", async () => {
    const limitOf = async (store: DuckDBStore) =>
      (await (await store.connect()).runAndReadAll(`SELECT current_setting('memory_limit')`)).getRows()[0]![0] as string;
    const dir = tempDir();
    // As `cartbeacon serve` opens it, with CARTBEACON_MEMORY_LIMIT=300MB.
    const given = (await openStore({ storage: 'duckdb', dataDir: dir.path, memoryLimit: '300MB' })) as DuckDBStore;
    cleanup.push(() => dir.remove());
    try {
      expect(await limitOf(given)).toBe('286.1 MiB');
    } finally {
      await given.close();
    }
    const own = await createDuckDBStore({ dataDir: dir.path });
    try {
      // 80 % of the machine's RAM.
      expect(await limitOf(own)).not.toBe('286.1 MiB');
      expect(await limitOf(own)).toMatch(/GiB$/);
    } finally {
      await own.close();
    }
  });

  it('tries a checkpoint again when a reader held it off', async () => {
    const { dir, store } = await open(100);
    await store.insert([storedEvent('held', { held: true, userId: 'v' })]);
    await sleep(400);
    // A reader's snapshot from before an update (the held event's release by a page view)
    // makes DuckDB refuse checkpoints until it ends.
    const reader = await store.connect();
    await reader.run('BEGIN TRANSACTION');
    await reader.run('SELECT count(*) FROM events');
    await store.insert([storedEvent('release', { name: 'PAGE_VIEW', userId: 'v', ts: Date.now() + 1000 })]);
    await sleep(400);
    expect(walBytes(dir)).toBeGreaterThan(0);
    await reader.run('COMMIT');
    reader.closeSync();
    await vi.waitFor(() => expect(walBytes(dir)).toBe(0), { timeout: 5000, interval: 50 });
    expect((await store.events('acct')).map((e) => [e.eventId, e.held])).toEqual([
      ['held', false],
      ['release', false],
    ]);
  });

  it('keeps writing and deduplicating across an idle checkpoint', async () => {
    const { dir, store } = await open(50);
    expect(await store.insert(batch(100, 'a'))).toEqual({ inserted: 100 });
    await vi.waitFor(() => expect(walBytes(dir)).toBe(0), { timeout: 5000, interval: 50 });
    const again = await Promise.all([store.insert(batch(100, 'a')), store.insert(batch(50, 'b'))]);
    expect(again).toEqual([{ inserted: 0 }, { inserted: 50 }]);
    expect(await store.events('acct')).toHaveLength(150);
  });
});
