/**
 * docs/deployment.md and deploy/ against the collector: the flags' table is the CLI's
 * own flags, every variable the docs and the deployment files set is one the collector
 * reads, and every file the docs link to exists.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_SCHEMA } from '../../packages/collector/src/config/env.js';
import { runCli } from '../helpers/process.js';

const ROOT = join(import.meta.dirname, '../..');
const DOC = join(ROOT, 'docs/deployment.md');
const DEPLOYMENT = readFileSync(DOC, 'utf8');
const deployFiles = (dir = join(ROOT, 'deploy')): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? deployFiles(join(dir, e.name)) : [join(dir, e.name)]));

/** Variables that are not the collector's but the runtime's. */
const RUNTIME = ['MALLOC_ARENA_MAX', 'NODE_ENV', 'LOG_LEVEL'];

describe('docs/deployment.md and deploy/', { timeout: 60_000 }, () => {
  it("lists in its flags' table exactly the flags `cartbeacon serve` takes, each with its variable", async () => {
    const help = runCli(['--help'], {});
    expect(await help.exited).toBe(0);
    const serve = help.stderr().split('\nbackup:')[0]!;
    const flags = [...serve.matchAll(/^ {2}(--[a-z-]+) <\w+>\s+(\w+)/gm)].map(([, flag, v]) => [flag, v]);
    const table = [...DEPLOYMENT.matchAll(/^\| `(--[a-z-]+) <\w+>` \| `(\w+)` \|/gm)].map(([, flag, v]) => [flag, v]);
    expect(flags.length).toBeGreaterThan(5);
    expect(table).toEqual(flags);
    for (const [, v] of table) expect(Object.keys(ENV_SCHEMA.properties)).toContain(v);
  });

  it('sets only variables the collector (or the runtime) reads', () => {
    const known = [...Object.keys(ENV_SCHEMA.properties), ...RUNTIME];
    for (const file of [DOC, ...deployFiles()]) {
      const text = readFileSync(file, 'utf8');
      const set = [...text.matchAll(/(?:^|[\s"'])((?:CARTBEACON_|PORT\b|HOST\b)[A-Z_]*|MALLOC_ARENA_MAX|NODE_ENV)=/gm)].map((m) => m[1]!);
      for (const v of set) expect(known, `${file}: ${v}`).toContain(v);
    }
  });

  it('links only to files that exist', () => {
    const links = [...DEPLOYMENT.matchAll(/\]\(((?:\.\.\/|[a-z])[^)#]*)(?:#[^)]*)?\)/g)].map(([, path]) => path!).filter((p) => !p.startsWith('http'));
    expect(links).toContain('../deploy/systemd/cartbeacon.service');
    const missing = links.filter((p) => !existsSync(join(dirname(DOC), p)));
    expect(missing).toEqual([]);
  });
});
