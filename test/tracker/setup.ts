/**
 * What the tests of createTracker share: a fake collector behind `fetch`, a new browser
 * (empty IndexedDB and localStorage) for every test, and the trackers a test made, settled
 * after it. Call `useTrackers(createTracker)` at the top of a jsdom test file, with the
 * createTracker under test (the source's or the package entry's).
 */
import { afterEach, beforeEach, vi } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import type { Tracker, TrackerOptions } from '../../packages/tracker/src/tracker.js';
import { openKv } from '../../packages/tracker/src/kv.js';

type Sent = { url: string; events: Record<string, unknown>[] };

const sent: Sent[] = [];
const answers: (number | [number, Record<string, string>] | 'network')[] = [];
const answer = async (url: string, init: RequestInit) => {
  sent.push({ url, events: JSON.parse(init.body as string) });
  const next = answers.shift() ?? 200;
  if (next === 'network') throw new TypeError('Failed to fetch');
  const [status, headers] = Array.isArray(next) ? next : [next, {}];
  return new Response(status === 204 ? null : '{}', { status, headers });
};

/**
 * The fake collector: `fetch` records the batches and answers with the statuses a test lines
 * up (200 when none); emptied before every test.
 */
export const collector = {
  fetch: vi.fn(answer),
  sent,
  answers,
  events: () => sent.flatMap((s) => s.events),
  names: () => sent.flatMap((s) => s.events.map((e) => e.name)),
};

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The events in the IndexedDB queue. */
export const queued = async () => (await openKv('cartbeacon-queue')._all()).map(([, item]) => item[0]);

/** Returns `make`: a tracker of a new page, sending to the fake collector, without automatic page views unless asked. */
export function useTrackers(createTracker: (options: TrackerOptions) => Tracker) {
  const originals = { pushState: history.pushState, replaceState: history.replaceState };
  /** The trackers a test made, settled after it. */
  const made: Tracker[] = [];

  beforeEach(() => {
    // Timers advance with real time; what a test leaves scheduled (a retry, a lock wait)
    // is cleared after it, so no tracker of one test acts in the next.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    // A new browser: empty IndexedDB and localStorage.
    globalThis.indexedDB = new IDBFactory();
    localStorage.clear();
    sent.length = answers.length = 0;
    collector.fetch.mockReset().mockImplementation(answer);
    vi.stubGlobal('fetch', collector.fetch);
    history.replaceState(null, '', '/start');
  });
  afterEach(async () => {
    // Let the test's trackers finish what they started (IndexedDB work ends in timers, and a
    // send in the next test's collector), so that the timers they leave are fake ones, cleared
    // here, not real ones that fire later. A flush that cannot end (a fetch that never
    // answers) is given up after a while.
    const settled = Promise.all(made.splice(0).map((t) => t.flush()));
    await Promise.race([settled, new Promise((r) => setTimeout(r, 1000))]);
    await new Promise((r) => setTimeout(r, 30));
    vi.clearAllTimers();
    vi.useRealTimers();
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
    Object.assign(history, originals);
  });
  return (options: Partial<TrackerOptions> = {}) => {
    const t = createTracker({ endpoint: 'https://collector.test/', apiKey: 'key 1', pageViews: false, ...options });
    made.push(t);
    return t;
  };
}
