export { createTracker } from './tracker';
export type { Tracker, TrackerOptions, EventOptions } from './tracker';
export { autoCapture } from './auto/index';
export type { AutoOptions } from './auto/index';
export { vitals } from './vitals';
export type * from '@cartbeacon/schema';
