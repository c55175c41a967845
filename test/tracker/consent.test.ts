// @vitest-environment jsdom
/** createTracker's consent (consent.ts): Global Privacy Control, Do Not Track, requireConsent, refusals wherever they are stored. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../packages/tracker/src/tracker.js';
import { openKv } from '../../packages/tracker/src/kv.js';
import { collector, queued, useTrackers } from './setup.js';

const make = useTrackers(createTracker);

describe('createTracker', () => {
  describe('privacy', () => {
    it('sends nothing under Global Privacy Control, unless consent(true)', async () => {
      Object.defineProperty(navigator, 'globalPrivacyControl', { configurable: true, get: () => true });
      try {
        const t = make();
        t.custom('before');
        await new Promise((r) => setTimeout(r, 50));
        expect(collector.sent).toHaveLength(0);
        expect(await queued()).toEqual([]);
        expect(await openKv('cartbeacon')._get(['b'])).toEqual([undefined]);
        t.consent(true);
        t.custom('after');
        await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['after']));
      } finally {
        Reflect.deleteProperty(navigator, 'globalPrivacyControl');
      }
    });

    it('sends nothing under Do Not Track', async () => {
      Object.defineProperty(navigator, 'doNotTrack', { configurable: true, get: () => '1' });
      try {
        make().custom('x');
        await new Promise((r) => setTimeout(r, 50));
        expect(collector.sent).toHaveLength(0);
        expect(await queued()).toEqual([]);
      } finally {
        Reflect.deleteProperty(navigator, 'doNotTrack');
      }
    });

    it('with requireConsent, holds events in memory only until consent(true)', async () => {
      const t = make({ requireConsent: true });
      t.custom('waiting');
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.sent).toHaveLength(0);
      expect(await openKv('cartbeacon')._all()).toEqual([]);
      t.consent(true);
      await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['waiting']));
      // Remembered for the next page.
      make({ requireConsent: true }).custom('next page');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(2));
    });

    it('consent(false) forgets ids and the queue and sends nothing more', async () => {
      const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
      const t = make();
      t.custom('queued');
      await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
      t.consent(false);
      t.custom('after refusal');
      await vi.waitFor(async () => expect(await queued()).toEqual([]));
      // The choice is stored last, once the rest is gone.
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 's', 'k'])).toEqual([undefined, undefined, 0]));
      onLine.mockReturnValue(true);
      // The refusal holds from the next page's first moment, even when it is left at once.
      const beacons: string[] = [];
      Object.defineProperty(navigator, 'sendBeacon', { configurable: true, value: (_u: string, d: string) => (beacons.push(d), true) });
      make().custom('next page');
      dispatchEvent(new Event('pagehide'));
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.sent).toHaveLength(0);
      expect(beacons).toEqual([]);
      expect(JSON.parse(localStorage.getItem('cartbeacon-ids')!)).toEqual([null, null, false]);
    });
  });

  describe('privacy: the stored choice and the localStorage copy of the ids', () => {
    const beacons: Record<string, any>[] = [];
    beforeEach(() => {
      beacons.length = 0;
      Object.defineProperty(navigator, 'sendBeacon', {
        configurable: true,
        value: (_u: string, d: string) => (beacons.push(...JSON.parse(d)), true),
      });
    });
    const copy = () => JSON.parse(localStorage.getItem('cartbeacon-ids')!);

    it('brings the copy back from IndexedDB when localStorage lost it', async () => {
      make().custom('first page');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const { userId, sessionId } = collector.events()[0]!;
      localStorage.removeItem('cartbeacon-ids');
      await make().flush();
      expect(copy()[0]).toBe(userId);
      expect(copy()[1].i).toBe(sessionId);
    });

    it('a refusal in IndexedDB takes back what a stale copy of the ids stamped before it answered', async () => {
      const first = make();
      first.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      first.consent(false);
      await first.flush();
      // A copy that still has ids (as a page of a version without it could leave behind).
      const { userId, sessionId } = collector.events()[0]!;
      localStorage.setItem('cartbeacon-ids', JSON.stringify([userId, { i: sessionId, s: Date.now(), t: Date.now(), c: '' }, null]));
      const t = make();
      t.custom('stamped from the copy');
      await t.flush();
      dispatchEvent(new Event('pagehide'));
      await new Promise((r) => setTimeout(r, 50));
      expect(beacons).toEqual([]);
      expect(collector.events()).toHaveLength(1);
      expect(copy()).toEqual([null, null, false]);
    });

    it("another tab's refusal holds in this one at once", async () => {
      const here = make();
      here.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const other = make();
      other.consent(false);
      // What the browser tells the other tabs when one changes localStorage.
      dispatchEvent(new StorageEvent('storage', { key: 'cartbeacon-ids', newValue: localStorage.getItem('cartbeacon-ids') }));
      here.custom('after the refusal');
      dispatchEvent(new Event('pagehide'));
      await here.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.events().map((e) => e.type)).toEqual(['before']);
      expect(beacons).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it('a refusal that reached only the copy (the page was left at once) wins over a stored grant, and its storage is cleared', async () => {
      const onLine = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
      const t = make();
      t.consent(true);
      t.custom('queued while offline');
      await vi.waitFor(async () => expect(await queued()).toHaveLength(1));
      // A page that refused and went away before its IndexedDB step: the copy alone says so.
      localStorage.setItem('cartbeacon-ids', JSON.stringify([null, null, false]));
      onLine.mockReturnValue(true);
      const next = make();
      next.custom('after the refusal');
      await next.flush();
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 's', 'k'])).toEqual([undefined, undefined, 0]));
      expect(await queued()).toEqual([]);
      expect(collector.sent).toEqual([]);
      // (The first page, still alive here, beacons its own event: it was left before the refusal.)
      expect(beacons.filter((e) => e.type === 'after the refusal')).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it("another tab's refusal, heard before IndexedDB answers, wins over the stored grant", async () => {
      const t = make();
      t.consent(true);
      t.custom('granted');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const here = make();
      dispatchEvent(new StorageEvent('storage', { key: 'cartbeacon-ids', newValue: JSON.stringify([null, null, false]) }));
      here.custom('after the refusal');
      await here.flush();
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(async () => expect(await openKv('cartbeacon')._get(['b', 'k'])).toEqual([undefined, 0]));
      expect(collector.events().map((e) => e.type)).toEqual(['granted']);
      expect(beacons.filter((e) => e.type === 'after the refusal')).toEqual([]);
      expect(copy()).toEqual([null, null, false]);
    });

    it('refused and granted again before IndexedDB answers: new ids, not the old ones', async () => {
      const t = make();
      t.custom('before');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      const old = collector.events()[0]!.userId;
      // Every copy written from the refusal on.
      const copies: string[] = [];
      const setItem = Storage.prototype.setItem;
      vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, k: string, v: string) {
        if (k === 'cartbeacon-ids') copies.push(v);
        setItem.call(this, k, v);
      });
      // A consent mode that starts denied and is granted at load.
      const next = make();
      next.consent(false);
      next.consent(true);
      next.custom('after');
      dispatchEvent(new Event('pagehide'));
      await vi.waitFor(() => expect(new Set(collector.events().map((e) => e.type))).toEqual(new Set(['before', 'after'])));
      const after = collector.events().filter((e) => e.type === 'after');
      expect(after.every((e) => e.userId !== old)).toBe(true);
      expect(beacons.filter((e) => e.userId === old)).toEqual([]);
      const [b, k] = await openKv('cartbeacon')._get(['b', 'k']);
      expect([b === old, k]).toEqual([false, 1]);
      expect(copies.filter((v) => v.includes(old as string))).toEqual([]);
    });

    it('consent() called before IndexedDB answers wins over the stored choice', async () => {
      const t = make({ requireConsent: true });
      t.consent(true);
      t.custom('granted');
      await vi.waitFor(() => expect(collector.events()).toHaveLength(1));
      // The next page withdraws at once (a consent manager replaying the visitor's choice).
      const next = make({ requireConsent: true });
      next.consent(false);
      next.custom('withdrawn');
      dispatchEvent(new Event('pagehide'));
      await next.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect(collector.events().map((e) => e.type)).toEqual(['granted']);
      expect(beacons.filter((e) => e.type === 'withdrawn')).toEqual([]);
      expect(await openKv('cartbeacon')._get(['b', 'k'])).toEqual([undefined, 0]);
      // And the other way round: consent given at once over a stored refusal.
      const again = make({ requireConsent: true });
      again.consent(true);
      again.custom('given again');
      await vi.waitFor(() => expect(collector.events().map((e) => e.type)).toEqual(['granted', 'given again']));
    });
  });
});
