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
    await kv._put([
      ['a', 1],
      ['b', { x: 2 }],
    ]);
    await kv._upd<number>('a', (v) => (v ?? 0) + 10);
    const again = openKv('t');
    expect(await again._get(['a', 'b', 'c'])).toEqual([11, { x: 2 }, undefined]);
    await again._drop(['a']);
    expect(await kv._all()).toEqual([['b', { x: 2 }]]);
    await kv._wipe();
    expect(await again._all()).toEqual([]);
  });

  it('serialises read-modify-write across two stores (two tabs)', async () => {
    const a = openKv('t');
    const b = openKv('t');
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b)._upd<number>('n', (v) => (v ?? 0) + 1)));
    expect(await a._get(['n'])).toEqual([20]);
  });

  it('falls back to memory when IndexedDB cannot be opened, and never rejects', async () => {
    globalThis.indexedDB = {
      open() {
        throw new DOMException('The user denied permission', 'SecurityError');
      },
    } as unknown as IDBFactory;
    const kv = openKv('t');
    await kv._put([['a', 1]]);
    await kv._upd<number>('a', (v) => (v ?? 0) + 1);
    expect(await kv._get(['a'])).toEqual([2]);
    expect(await kv._all()).toEqual([['a', 2]]);
  });

  it('falls back to memory when there is no IndexedDB at all', async () => {
    // A browser context without IndexedDB.
    Reflect.deleteProperty(globalThis, 'indexedDB');
    const kv = openKv('t');
    await kv._put([['k', 'v']]);
    expect(await kv._get(['k'])).toEqual(['v']);
  });

  it('switches to memory when a write fails (quota) and keeps that write', async () => {
    const kv = openKv('t');
    await kv._put([['before', 1]]);
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    };
    try {
      await kv._put([['after', 2]]);
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(await kv._get(['after'])).toEqual([2]);
  });
});
