import { gzipSync } from 'node:zlib';

/** Within this share of its budget, a size is near it: a warning, so that the next change is weighed. */
export const NEAR = 0.98;

/**
 * Says a gzipped size against its budget through a rollup plugin's context: an error (the
 * build fails) over it, a warning near it (at NEAR or more), else one quiet info line — so
 * that a build within its budgets prints no warning.
 * @param {{ error(message: string): never, warn(message: string): void, info(message: string): void }} context
 * @param {string} what e.g. "cartbeacon.js"
 * @param {number} size bytes gzipped
 * @param {number} limit the budget in bytes
 */
export function reportSize(context, what, size, limit) {
  const line = `${what}: ${size} bytes gzipped (budget ${limit})`;
  if (size > limit) context.error(`${what} is ${size} bytes gzipped, over the ${limit} byte budget`);
  else if (size >= limit * NEAR) context.warn(`${line}: ${limit - size} bytes left`);
  else context.info(line);
}

/**
 * A rollup plugin that fails the build when a gzipped chunk is over budget (like snowplow's
 * bundlemon), and says each chunk's size (reportSize).
 * @param {number} limit bytes gzipped
 */
export function sizeBudget(limit) {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        reportSize(this, file.fileName, gzipSync(file.code, { level: 9 }).length, limit);
      }
    },
  };
}
