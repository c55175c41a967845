import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { SPOOL_START, openSpool, runLoader } from '../../../packages/collector/src/spool/index.js';
import type { Spool, SpoolPosition } from '../../../packages/collector/src/spool/index.js';
import { records, tempDir } from './helpers.js';

/** A store that commits rows and the spool position together, and can be down. */
function fakeStore() {
  const store = { rows: [] as string[], position: SPOOL_START as SpoolPosition, down: false, loads: 0 };
  return Object.assign(store, {
    async load(batch: Buffer[], next: SpoolPosition) {
      await new Promise((r) => setTimeout(r, 1));
      if (store.down) throw new Error('store is down');
      // One transaction: both or neither.
      store.rows.push(...batch.map((b) => b.toString().replace(/\.+$/, '')));
      store.position = next;
      store.loads++;
    },
  });
}

describe('the spool loader', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const open = async (dir: string, committed?: SpoolPosition) => {
    const spool = await openSpool({ dir, segmentBytes: 32 * 1024, committed });
    cleanup.push(() => spool.close());
    return spool;
  };
  const appendAll = (spool: Spool, tag: string, groups: number) =>
    Promise.all(Array.from({ length: groups }, (_, i) => spool.append(records(`${tag}${i}`, 10, 200))));
  const expected = (tag: string, groups: number) =>
    Array.from({ length: groups }, (_, i) => records(`${tag}${i}`, 10).map(String)).flat();

  it('loads what the spool held at start, then each batch once, and deletes loaded segments', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const spool = await open(dir.path);
    await appendAll(spool, 'pre', 50);
    const store = fakeStore();
    const loader = runLoader(spool, { from: store.position, load: store.load, intervalMs: 50, batchRecords: 200 });
    cleanup.push(() => loader.stop());
    await vi.waitFor(() => expect(store.rows).toHaveLength(500), { timeout: 3000, interval: 10 });
    await appendAll(spool, 'live', 100);
    await vi.waitFor(() => expect(store.rows).toHaveLength(1500), { timeout: 3000, interval: 10 });
    expect(store.rows).toEqual([...expected('pre', 50), ...expected('live', 100)]);
    // Batches, not one load per append.
    expect(store.loads).toBeLessThan(20);
    await vi.waitFor(() => expect(spool.stats()).toMatchObject({ unloadedBytes: 0, oldestUnloadedAt: null }));
    expect(readdirSync(dir.path)).toHaveLength(1);
  });

  it('lets the spool grow on disk while the store is down, then loads it all once; a restart neither loses nor doubles', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    const store = fakeStore();
    store.down = true;
    let spool = await open(dir.path);
    const errors: unknown[] = [];
    let loader = runLoader(spool, { from: store.position, load: store.load, intervalMs: 20, retryMs: 20, onError: (e) => errors.push(e) });
    // In waves: a group is never split, so one big wave would make one big segment.
    for (let wave = 0; wave < 10; wave++) await appendAll(spool, `a${wave}-`, 20);
    await vi.waitFor(() => expect(errors.length).toBeGreaterThan(2), { timeout: 3000, interval: 10 });
    expect(spool.stats().segments).toBeGreaterThan(3);
    expect(spool.stats().oldestUnloadedAt).not.toBeNull();
    store.down = false;
    await vi.waitFor(() => expect(store.rows).toHaveLength(2000), { timeout: 3000, interval: 10 });
    await appendAll(spool, 'b', 30);
    await loader.stop();
    await spool.close();
    // A restart from what the store committed: the rest is loaded, nothing twice.
    spool = await open(dir.path, store.position);
    loader = runLoader(spool, { from: store.position, load: store.load, intervalMs: 20 });
    cleanup.push(() => loader.stop());
    await appendAll(spool, 'c', 10);
    await vi.waitFor(() => expect(store.rows).toHaveLength(2400), { timeout: 3000, interval: 10 });
    expect(store.rows).toEqual([
      ...Array.from({ length: 10 }, (_, wave) => expected(`a${wave}-`, 20)).flat(),
      ...expected('b', 30),
      ...expected('c', 10),
    ]);
  });
});
