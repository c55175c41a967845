// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { openKv } from '../../packages/tracker/src/kv.js';

const original = globalThis.indexedDB;
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
});
afterEach(() => {
  globalThis.indexedDB = original;
});

describe('openKv', () => {
  it('keeps values in IndexedDB, where a second page (a new store) finds them', async () => {
    const kv = openKv('t');
    await kv.put([
      ['a', 1],
      ['b', { x: 2 }],
    ]);
    await kv.upd<number>('a', (v) => (v ?? 0) + 10);
    const again = openKv('t');
    expect(await again.get(['a', 'b', 'c'])).toEqual([11, { x: 2 }, undefined]);
    await again.drop(['a']);
    expect(await kv.all()).toEqual([['b', { x: 2 }]]);
    await kv.wipe();
    expect(await again.all()).toEqual([]);
  });

  it('serialises read-modify-write across two stores (two tabs)', async () => {
    const a = openKv('t');
    const b = openKv('t');
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).upd<number>('n', (v) => (v ?? 0) + 1)));
    expect(await a.get(['n'])).toEqual([20]);
  });

  it('falls back to memory when IndexedDB cannot be opened, and never rejects', async () => {
    globalThis.indexedDB = {
      open() {
        throw new DOMException('The user denied permission', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const kv = openKv('t');
    await kv.put([['a', 1]]);
    await kv.upd<number>('a', (v) => (v ?? 0) + 1);
    expect(await kv.get(['a'])).toEqual([2]);
    expect(await kv.all()).toEqual([['a', 2]]);
  });

  it('falls back to memory when there is no IndexedDB at all', async () => {
    // A browser context without IndexedDB.
    Reflect.deleteProperty(globalThis, 'indexedDB');
    const kv = openKv('t');
    await kv.put([['k', 'v']]);
    expect(await kv.get(['k'])).toEqual(['v']);
  });

  it('switches to memory when a write fails (quota) and keeps that write', async () => {
    const kv = openKv('t');
    await kv.put([['before', 1]]);
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    };
    try {
      await kv.put([['after', 2]]);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(await kv.get(['after'])).toEqual([2]);
  });
});
