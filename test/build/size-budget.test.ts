/**
 * The size-budget rollup plugin (scripts/size-budget.mjs), in a real rollup build: quiet
 * within its budget (an info line), a warning near it, a failed build over it.
 */
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { RollupLog, LogLevel } from 'rollup';
import { describe, expect, it } from 'vitest';
import { NEAR, sizeBudget } from '../../scripts/size-budget.mjs';

const CODE = `export const words = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `word-${i * 7919}`))};\n`;

/** Builds CODE with the plugin at `limit`; what rollup logged, by level. */
async function build(limit: number) {
  const logs: [LogLevel, string][] = [];
  const bundle = await rollup({
    input: 'entry',
    plugins: [{ name: 'virtual', resolveId: (id) => id, load: () => CODE }, sizeBudget(limit)],
    onLog: (level: LogLevel, log: RollupLog) => void logs.push([level, log.message]),
  });
  try {
    const { output } = await bundle.generate({ format: 'es' });
    return { logs, size: gzipSync(output[0].code, { level: 9 }).length };
  } finally {
    await bundle.close();
  }
}

describe('the size budget of a build', () => {
  it('says the size in one info line, and warns of nothing, within its budget', async () => {
    const { logs, size } = await build(100_000);
    expect(logs).toEqual([['info', `[plugin size-budget] entry.js: ${size} bytes gzipped (budget 100000)`]]);
  });

  it('warns near its budget, with the bytes left', async () => {
    const { size } = await build(100_000);
    const limit = Math.floor(size / NEAR) - 1;
    const { logs } = await build(limit);
    expect(logs).toEqual([['warn', `[plugin size-budget] entry.js: ${size} bytes gzipped (budget ${limit}): ${limit - size} bytes left`]]);
  });

  it('fails the build over its budget', async () => {
    const { size } = await build(100_000);
    await expect(build(size - 1)).rejects.toThrow(`entry.js is ${size} bytes gzipped, over the ${size - 1} byte budget`);
  });
});
