import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_SCHEMA } from '../../packages/collector/src/config/env.js';

const ROOT = join(import.meta.dirname, '../..');
const CONFIGURATION = readFileSync(join(ROOT, 'docs/configuration.md'), 'utf8');
const OPERATIONS = readFileSync(join(ROOT, 'docs/operations.md'), 'utf8');
/** The ClickHouse settings live in their own doc's table. */
const CLICKHOUSE_SETTINGS = readFileSync(join(ROOT, 'docs/clickhouse.md'), 'utf8').split('\n').filter((l) => l.startsWith('| `CARTBEACON_'));

/** The rows of docs/operations.md's tables that start with an environment variable: name → default cell. */
const rows = new Map(
  [...OPERATIONS.matchAll(/^\| `(CARTBEACON_[A-Z_]+)` \| ([^|]*) \|/gm)].map(([, name, cell]) => [name!, cell!.trim()]),
);

describe('the environment in the docs', () => {
  const keys = Object.keys(ENV_SCHEMA.properties) as (keyof typeof ENV_SCHEMA.properties)[];

  it('names every variable the collector reads, in docs/configuration.md, docs/operations.md or docs/clickhouse.md\'s settings', () => {
    const inClickHouse = (k: string) => CLICKHOUSE_SETTINGS.some((l) => l.includes(`\`${k}\``));
    const missing = keys.filter((k) => !CONFIGURATION.includes(`\`${k}\``) && !rows.has(k) && !inClickHouse(k));
    expect(missing).toEqual([]);
  });

  it("gives each limit, timeout and rate limit the schema's default", () => {
    const limits = keys.filter((k) => /TIMEOUT|CONNECTIONS|RATE_LIMIT|CLIENT_IP/.test(k));
    expect(limits.length).toBeGreaterThan(5);
    for (const k of limits) {
      expect(rows.has(k), k).toBe(true);
      const schema = ENV_SCHEMA.properties[k] as { default?: number };
      if (schema.default === undefined) expect(rows.get(k), k).toBe('unset');
      else expect(rows.get(k), k).toMatch(new RegExp(`^\`${schema.default}\``));
    }
  });
});
