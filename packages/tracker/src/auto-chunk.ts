/**
 * The auto-capture chunk, dist/cartbeacon-auto.js: an ES module that cartbeacon.js imports
 * from the collector as it starts, then calls with its tracker. It is apart from
 * cartbeacon.js because cartbeacon.js has a 4 KB budget and this does not fit in it
 * (BENCHMARKS.md); its work waits for the page's load event anyway.
 */
export { autoCapture as a } from './auto/index';
