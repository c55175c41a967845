import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDBStore } from '@cartbeacon/collector';
import type { DuckDBStore } from '@cartbeacon/collector';
import { storedEvent as event, tempDir } from '../../helpers/collector.js';

const entry = (key: string, value: unknown) => ({ accountId: 'acct', kind: 'test', key, value: JSON.stringify(value) });

describe('store state written with the events (Store.insert options.state, getState)', () => {
  const dir = tempDir();
  let store: DuckDBStore;
  beforeAll(async () => {
    store = await createDuckDBStore({ dataDir: dir.path, threads: 1, memoryLimit: '256MB' });
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('stores state alone, or with events, and reads it back', async () => {
    expect(await store.insert([], { state: [entry('a', { n: 1 })] })).toMatchObject({ inserted: 0 });
    expect(await store.insert([event('e1')], { state: [entry('b', { n: 2 })] })).toMatchObject({ inserted: 1 });
    expect(JSON.parse((await store.getState('acct', 'test', 'a'))!)).toEqual({ n: 1 });
    expect(JSON.parse((await store.getState('acct', 'test', 'b'))!)).toEqual({ n: 2 });
    expect(await store.getState('acct', 'test', 'missing')).toBeUndefined();
    expect(await store.getState('other', 'test', 'a')).toBeUndefined();
  });

  it('lets the last write of a key win when one group commit holds several', async () => {
    const writes = Array.from({ length: 20 }, (_, i) => store.insert([event(`g${i}`)], { state: [entry('same', { i })] }));
    expect((await Promise.all(writes)).map((r) => r.inserted)).toEqual(Array(20).fill(1));
    expect(JSON.parse((await store.getState('acct', 'test', 'same'))!)).toEqual({ i: 19 });
  });

  it('still counts repeated event ids once when state rides along', async () => {
    const e = event('repeat');
    const [a, b] = await Promise.all([store.insert([e, e], { state: [entry('r', 1)] }), store.insert([e], { state: [entry('r', 2)] })]);
    expect(a.inserted + b.inserted).toBe(1);
    // The second of a write's copies is a repeat, and which one the store says.
    expect(a.repeats).toContain(1);
    expect(await store.insert([e])).toEqual({ inserted: 0, repeats: [0] });
    expect((await store.events('acct')).filter((x) => x.eventId === 'repeat')).toHaveLength(1);
  });

  it('writes no state when the events of the same commit fail', async () => {
    // A NOT NULL column left null: the commit fails after it began.
    await expect(store.insert([event('bad', { userId: null as unknown as string })], { state: [entry('never', { n: 1 })] })).rejects.toThrow();
    expect(await store.getState('acct', 'test', 'never')).toBeUndefined();
    // The store goes on.
    expect(await store.insert([event('after')], { state: [entry('after', 1)] })).toMatchObject({ inserted: 1 });
  });
});
