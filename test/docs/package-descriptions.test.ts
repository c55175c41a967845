/**
 * The packages' descriptions (what npm and GitHub show) promise only what is built: a
 * storage they name is one the collector opens, a part they name exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '@cartbeacon/collector';
import type { Storage } from '@cartbeacon/collector';
import { tempDir } from '../helpers/collector.js';

const ROOT = resolve(import.meta.dirname, '../..');
const MANIFESTS = ['package.json', ...['collector', 'dashboard', 'schema', 'tracker'].map((p) => `packages/${p}/package.json`)];
const description = (file: string): string => JSON.parse(readFileSync(join(ROOT, file), 'utf8')).description;

/** Whether the collector opens a storage of this kind (a refused connection is not a refusal of the kind). */
async function opens(storage: Storage): Promise<boolean> {
  const dir = tempDir();
  try {
    const store = await openStore({ storage, dataDir: dir.path, clickhouseUrl: 'http://127.0.0.1:9' });
    await store.close();
    return true;
  } catch (e) {
    return !/not available/.test(String((e as Error).message));
  } finally {
    dir.remove();
  }
}

describe('the packages’ descriptions', () => {
  it.each(MANIFESTS)('%s names only storage that the collector opens', async (file) => {
    const text = description(file);
    expect(text.length).toBeGreaterThan(20);
    for (const [name, storage] of [['DuckDB', 'duckdb'], ['ClickHouse', 'clickhouse']] as const)
      if (text.includes(name)) expect(await opens(storage), `${file} promises ${name}`).toBe(true);
  });

  it.each(MANIFESTS)('%s names only parts that are built', (file) => {
    const text = description(file).toLowerCase();
    if (text.includes('dashboard')) expect(existsSync(join(ROOT, 'packages/dashboard/dist/dashboard.js'))).toBe(true);
    if (text.includes('cli')) expect(JSON.parse(readFileSync(join(ROOT, 'packages/collector/package.json'), 'utf8')).bin.cartbeacon).toBeTruthy();
    if (text.includes('esm build')) expect(existsSync(join(ROOT, 'packages/tracker/dist/index.mjs'))).toBe(true);
  });
});
