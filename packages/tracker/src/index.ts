export { createTracker } from './tracker';
export type { Tracker, TrackerOptions, EventOptions } from './tracker';
export type * from '@cartbeacon/types';
