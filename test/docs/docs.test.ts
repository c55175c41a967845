/**
 * The README and docs/ against what they describe: every relative link reaches a file and
 * a heading; every shell example that talks to `http://localhost:8080` is run, as written,
 * against the real collector on a loopback port and must get an answer that is not an
 * error; the SQL examples run on the DuckDB file those requests filled; the config
 * examples and error lines are the collector's own; the tables name every key of the
 * schemas they describe; no internal source name reaches a reader; the README stays short.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { EVENT_FIELDS, CommonFields, BasketProduct } from '@cartbeacon/schema';
import { ACCOUNT, startCollector, tempDir } from '../helpers/collector.js';
import type { TestCollector } from '../helpers/collector.js';
import { CONFIG_FILE_SCHEMA, ConfigError, validateConfig } from '../../packages/collector/src/config/config.js';
import { ENV_SCHEMA, parseEnv } from '../../packages/collector/src/config/env.js';
import { WORKFLOWS_SCHEMA } from '../../packages/collector/src/config/workflows.js';
import { EVENT_COLUMNS } from '../../packages/collector/src/store/columns.js';

const ROOT = join(import.meta.dirname, '../..');
const DOCS = join(ROOT, 'docs');
/** What a reader reads: the README and every page of docs/. */
const FILES = [join(ROOT, 'README.md'), ...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f))];
const text = (file: string) => readFileSync(file, 'utf8');
const rel = (file: string) => relative(ROOT, file);
const doc = (name: string) => text(join(DOCS, name));

/** Markdown without its fenced code blocks (a `# comment` in a shell block is no heading). */
const prose = (md: string) => md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/** The fenced code blocks of a language. */
const blocks = (md: string, lang: string) =>
  [...md.matchAll(new RegExp('^```' + lang + '\\n([\\s\\S]*?)^```$', 'gm'))].map((m) => m[1]!);

/** The languages of shell blocks. */
const SHELL = '(?:sh|bash|shell|console)';

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens (github-slugger). */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');

/** The anchors of a page's headings, with GitHub's -1, -2 … for repeats. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, h] of prose(md).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
    const base = slug(h!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n ? `${base}-${n}` : base);
  }
  return out;
}

describe('links', () => {
  const links = FILES.flatMap((file) =>
    [...prose(text(file)).matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1]!)
      .filter((href) => !/^[a-z]+:/i.test(href))
      .map((href) => ({ file, href })),
  );

  it('finds the links it checks', () => {
    expect(links.length).toBeGreaterThan(50);
  });

  it.each(links.map((l) => [rel(l.file), l.href, l] as const))('%s → %s', (_, __, { file, href }) => {
    const [path, anchor] = href.split('#') as [string, string | undefined];
    const target = path ? resolve(dirname(file), path) : file;
    expect(existsSync(target), `${href} in ${rel(file)}: no file ${rel(target)}`).toBe(true);
    if (anchor !== undefined && target.endsWith('.md')) expect([...anchors(text(target))]).toContain(anchor);
    if (anchor === undefined && !target.endsWith('.md')) expect(statSync(target).isFile() || statSync(target).isDirectory()).toBe(true);
  });
});

describe('the shell examples, run against the collector', () => {
  let collector: TestCollector;
  const data = tempDir('cartbeacon-docs-');
  const cwd = tempDir('cartbeacon-docs-cwd-');

  /** Every ```sh block that talks to the collector, with the file it is in. */
  const examples = FILES.flatMap((file) =>
    blocks(text(file), SHELL)
      // Talks to the collector in a command, not only in a comment (`npm start  # serves http://localhost:8080`).
      .filter((b) => b.replace(/(^|\s)#.*$/gm, '').includes('http://localhost:8080'))
      .map((block) => ({ file, block })),
  );

  beforeAll(async () => {
    collector = await startCollector({}, data.path);
  });

  afterAll(async () => {
    await collector?.close();
    data.remove();
    cwd.remove();
  });

  it('finds the examples it runs', () => {
    const commands = examples.flatMap((e) => e.block.match(/^curl |\bnode examples\//gm) ?? []);
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  /**
   * Runs a block as a reader would, with the collector's address for localhost:8080 and
   * the test account's keys for the placeholders, and returns each curl's HTTP status.
   */
  async function run(block: string): Promise<{ statuses: number[]; output: string }> {
    // curl as the reader runs it, but quiet, with the status after each answer.
    const script = `curl() { command curl -sS -w '\\nHTTP %{http_code}\\n' "$@"; }\n${block}`
      .replaceAll('http://localhost:8080', collector.url)
      .replaceAll('<apiKey printed by npm start>', ACCOUNT.apiKey)
      .replaceAll('YOUR_API_KEY', ACCOUNT.apiKey)
      .replace(/\bnode examples\//g, `node ${ROOT}/examples/`);
    // Not execFileSync: the collector answers on this process's event loop.
    const { stdout: output } = await promisify(execFile)('bash', ['--norc', '--noprofile', '-euo', 'pipefail', '-c', script], {
      cwd: cwd.path,
      env: { PATH: process.env.PATH, API_KEY: ACCOUNT.apiKey, ACCOUNT_ID: ACCOUNT.id, REPORT_TOKEN: ACCOUNT.reportToken },
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { statuses: [...output.matchAll(/^HTTP (\d+)$/gm)].map((m) => Number(m[1])), output };
  }

  it.each(examples.map((e) => [rel(e.file), e.block.split('\n')[0], e] as const))('%s: %s', async (_, __, { block }) => {
    const { statuses, output } = await run(block);
    expect(statuses.length, output).toBe((block.match(/^\s*curl /gm) ?? []).length);
    // 2xx, or the sign-in's redirect: never a 404 of a path that is not there, a 405, a 4xx of a bad example.
    for (const s of statuses) expect(s, output).toBeLessThan(400);
    // The event API refuses a bad event beside good ones with a 200 that names its code.
    expect(output).not.toMatch(/"statusCode"/);
  });

  it('the SQL examples run on the DuckDB file those requests filled', async () => {
    // docs/clickhouse.md's SQL is ClickHouse's: its events view is checked by the ClickHouse store's tests.
    const sql = FILES.filter((f) => !f.endsWith('clickhouse.md')).flatMap((f) => blocks(text(f), 'sql'));
    expect(sql.length).toBeGreaterThan(0);
    await collector.close();
    const db = await DuckDBInstance.create(join(data.path, 'cartbeacon.duckdb'));
    const conn = await db.connect();
    try {
      const stored = (await conn.runAndReadAll('SELECT count(*)::INTEGER AS n FROM events')).getRowObjects();
      expect(stored[0]!.n).toBeGreaterThan(0);
      for (const q of sql) expect((await conn.runAndReadAll(q)).getRowObjects().length, q).toBeGreaterThan(0);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});

/**
 * The docs' other commands and what runs each: `npm start` is `npm run build` and then
 * examples/start.mjs, which examples/start.test.ts starts with PORT and a data dir;
 * `npm test` is what .ci/run runs; the Koa example has its own test.
 */
const RUN_ELSEWHERE: [command: RegExp, runner: string, runs: string][] = [
  [/^npm install && npm start$/, 'examples/start.test.ts', 'start.mjs'],
  [/^PORT=\d+ CARTBEACON_DATA_DIR=\S+ npm start$/, 'examples/start.test.ts', 'CARTBEACON_DATA_DIR'],
  [/^npm test$/, '.ci/run', 'npm test'],
  [/^PORT=\d+ node examples\/koa-embed\/app\.mjs$/, 'examples/koa-embed/app.test.ts', 'app.mjs'],
  // The production path from a clean copy: npm ci, the build, serve with a config, backup.
  [/^npm ci && npm run build$/, 'test/deploy/production-path.test.ts', "['ci', '--prefer-offline'"],
  [/^(sudo -u \S+ )?\.\/node_modules\/\.bin\/cartbeacon (serve|backup) .*--data-dir \S+$/, 'test/deploy/production-path.test.ts', 'node_modules/.bin/cartbeacon'],
  // cartbeacon serve on ClickHouse: the kill -9 test runs it on a real server; the cluster
  // settings are the store's, which the two-shard cluster test opens.
  [/^CARTBEACON_STORAGE=clickhouse CARTBEACON_CLICKHOUSE_URL=\S+ npx cartbeacon serve$/, 'test/collector/ingest/crash.test.ts', "CARTBEACON_STORAGE: 'clickhouse'"],
  [/^CARTBEACON_STORAGE=clickhouse CARTBEACON_CLICKHOUSE_CLUSTER=\S+ .* npx cartbeacon serve$/, 'test/collector/store/clickhouse-cluster.test.ts', 'cluster: cluster.name'],
];

/**
 * The deployment docs' commands that administer the operator's own machine (a user, a
 * systemd unit, a container, a proxy, a data dir moved into place): no test can run them
 * here. What they name is checked instead: every deploy/ file exists, and
 * test/docs/deployment.test.ts checks the variables those files set (nginx -t, caddy
 * validate and systemd-analyze verify passed on them when they were written, not in CI).
 */
const MACHINE_ADMIN = /^(sudo -u \S+ )?(useradd|install|systemctl|journalctl|docker|nginx|caddy|git (clone|pull)|cd|mv|cp -a|chown)\b/;
const ADMIN_DOCS = ['docs/deployment.md', 'docs/operations.md'];

describe('every other command in the docs', () => {
  const commands = FILES.flatMap((file) =>
    blocks(text(file), SHELL)
      .filter((b) => !b.replace(/(^|\s)#.*$/gm, '').includes('http://localhost:8080'))
      .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
      .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
      .filter(Boolean)
      .map((command) => ({ file, command })),
  );

  it.each(commands.map((c) => [rel(c.file), c.command] as const))('%s: %s is run by a test or a script', (page, command) => {
    if (ADMIN_DOCS.includes(page) && MACHINE_ADMIN.test(command)) {
      for (const path of command.match(/\bdeploy\/\S+/g) ?? []) expect(existsSync(join(ROOT, path)), path).toBe(true);
      return;
    }
    const runner = RUN_ELSEWHERE.find(([re]) => re.test(command));
    expect(runner, `no test runs "${command}": run it in test/docs/docs.test.ts, or add the test that does to RUN_ELSEWHERE`).toBeDefined();
    const [, file, runs] = runner!;
    expect(text(join(ROOT, file))).toContain(runs);
  });
});

describe('the configuration in the docs', () => {
  const config = doc('configuration.md');
  const named = (key: string) => config.includes(`\`${key}\``);

  it('names every key of the configuration file, its accounts, workflows, goals and conditions', () => {
    const props = (schema: unknown) => Object.keys((schema as { properties: object }).properties);
    const file = CONFIG_FILE_SCHEMA as unknown as { properties: { accounts: { items: unknown } } };
    const workflow = WORKFLOWS_SCHEMA.items;
    const goal = workflow.properties.goals.items;
    const keys = [...props(file), ...props(file.properties.accounts.items), ...props(workflow), ...props(goal), ...props(goal.properties.when)];
    expect(keys.filter((k) => !named(k))).toEqual([]);
  });

  it('names every environment variable the collector reads', () => {
    expect(Object.keys(ENV_SCHEMA.properties).filter((k) => !named(k))).toEqual([]);
  });

  it("gives the schema's defaults for the main variables", () => {
    for (const k of ['PORT', 'HOST', 'CARTBEACON_DATA_DIR', 'CARTBEACON_STORAGE', 'CARTBEACON_SPOOL_MAX'] as const) {
      const row = config.split('\n').find((l) => l.startsWith(`| \`${k}\` |`));
      expect(row, k).toContain(`\`${(ENV_SCHEMA.properties[k] as { default: unknown }).default}\``);
    }
  });

  it('every configuration example is one the collector accepts', () => {
    const examples = FILES.flatMap((f) => blocks(text(f), 'json'))
      .map((b) => JSON.parse(b) as Record<string, unknown>)
      .filter((j) => 'accounts' in j || 'workflows' in j);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const j of examples) {
      // An account's workflows and goals are shown on their own: put them in an account.
      const file = 'accounts' in j ? j : { accounts: [{ ...ACCOUNT, ...j }] };
      expect(() => validateConfig(file)).not.toThrow();
    }
  });

  it("the error lines shown are the collector's own", () => {
    const shown = config.slice(config.indexOf('## Bad configuration'));
    const lines = blocks(shown, '')[0]!.trim().split('\n');
    const source = lines[0]!.match(/^cartbeacon: (\S+): /)![1]!;
    const { id, name, apiKey, reportToken, timezone, currency, origins } = ACCOUNT;
    const message = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        if (e instanceof ConfigError) return `cartbeacon: ${e.message}`;
        throw e;
      }
      return 'no error';
    };
    expect(lines).toEqual([
      message(() => validateConfig({ accounts: [{ id, name, apiKey, reportToken, timezone, currency, orgins: origins }] }, source)),
      message(() => validateConfig({ accounts: [{ ...ACCOUNT, timezone: 'Mars/Olympus' }] }, source)),
      message(() => parseEnv({ PORT: 'eighty' })),
    ]);
  });
});

describe('the other tables against what they describe', () => {
  it('docs/event-api.md names every field of every event', () => {
    const api = doc('event-api.md');
    const fields = [CommonFields, BasketProduct, ...Object.values(EVENT_FIELDS)].flatMap((o) => Object.keys(o.properties));
    expect([...new Set(fields)].filter((f) => !api.includes(`\`${f}\``))).toEqual([]);
  });

  it('docs/architecture.md says why each dependency is there', () => {
    const arch = doc('architecture.md');
    const why = arch.slice(arch.indexOf('## Dependencies and why'), arch.indexOf('## Tests'));
    const manifests = ['package.json', ...readdirSync(join(ROOT, 'packages')).map((p) => `packages/${p}/package.json`)];
    const deps = manifests.flatMap((m) => {
      const j = JSON.parse(text(join(ROOT, m))) as Record<string, Record<string, string> | undefined>;
      return [...Object.keys(j.dependencies ?? {}), ...Object.keys(j.devDependencies ?? {})];
    });
    expect(deps.length).toBeGreaterThan(20);
    const unexplained = deps.filter((d) => !d.startsWith('@cartbeacon/') && !why.includes(`\`${d.startsWith('@types/') ? '@types/*' : d}\``));
    expect(unexplained).toEqual([]);
  });

  it("docs/architecture.md names every column of the events table", () => {
    const arch = doc('architecture.md');
    const table = arch.slice(arch.indexOf('## Your data'), arch.indexOf('## Layout'));
    expect(Object.values(EVENT_COLUMNS).map((c) => c.name).filter((n) => !table.includes(`\`${n}\``))).toEqual([]);
  });
});

describe('what a reader reads', () => {
  /** Files a user meets: the docs, the examples and the packages' sources (their comments and messages). */
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
      d.name === 'node_modules' || d.name === 'dist' ? [] : d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)],
    );
  const read = [
    ...FILES,
    ...walk(join(ROOT, 'examples')).filter((f) => !f.endsWith('.test.ts')),
    ...readdirSync(join(ROOT, 'packages')).flatMap((p) => walk(join(ROOT, 'packages', p, 'src'))),
  ];

  it('never names the contract\'s source documents (seed files, their numbers)', () => {
    const hits = read.flatMap((f) =>
      text(f)
        .split('\n')
        .map((line, i) => ({ where: `${rel(f)}:${i + 1}`, line }))
        .filter(({ line }) => /\bseeds?\b|seed[ -]?0\d\d|\b00\d_[0-9a-f]{16}\b/i.test(line)),
    );
    expect(hits).toEqual([]);
  });

  it('keeps the README to a few screens', () => {
    expect(text(join(ROOT, 'README.md')).split('\n').length).toBeLessThanOrEqual(150);
  });
});
