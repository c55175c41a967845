/**
 * The web-vitals chunk, dist/cartbeacon-vitals.js: an ES module that cartbeacon.js imports
 * from the collector once the page has loaded, then calls with its tracker.
 */
export { vitals as v } from './vitals';
