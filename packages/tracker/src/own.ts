import type { Tracker } from './tracker';

/** A call the page made itself: [method, first argument, the address it was made on]. */
export type OwnCall = [method: string, arg: any, href: string];

/**
 * What a tracker made by createTracker holds for auto-capture, beside its methods: the calls
 * the page made itself, growing as it makes more, so that auto-capture does not repeat on an
 * address what the page sent for it; and the same tracker, whose calls are not counted among
 * them. cartbeacon-auto.js is a bundle of its own, so these names are not mangled.
 */
export interface Own {
  calls: OwnCall[];
  tracker: Tracker;
}

/** `tracker`, with every call of the page counted in its `own`. */
export function countOwn(tracker: Tracker): Tracker & { own: Own } {
  const calls: OwnCall[] = [];
  const counted = { own: { calls, tracker } } as Tracker & { own: Own };
  for (const k in tracker)
    (counted as any)[k] = (...a: unknown[]) => (calls.push([k, a[0], location.href]), (tracker as any)[k](...a));
  return counted;
}
