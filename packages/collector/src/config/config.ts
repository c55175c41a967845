import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv } from 'ajv';
import type { JSONSchemaType } from 'ajv';
import { GOALS_SCHEMA, WORKFLOWS_SCHEMA, workflowProblem } from './workflows.js';
import type { WorkflowConfig } from './workflows.js';
import type { Goal } from './workflows.js';
import { ConfigError } from './errors.js';
import { parseEnv, sizeBytes } from './env.js';
import type { Env } from './env.js';
import type { RateLimits } from '../http/rate-limit.js';
import type { ServerLimits } from '../http/server-limits.js';

export { ConfigError };
export type { Env };

/** One shop: who may send events for it and who may read its reports. */
export interface AccountConfig {
  /** A stable id (a UUID); the report endpoints' account_id / organization_id. */
  id: string;
  name: string;
  /** The public ingest key: the tracker's data-key, the `apiKey` query parameter. */
  apiKey: string;
  /** The secret Bearer token of the report endpoints. */
  reportToken: string;
  /** Browser origins allowed to send events, e.g. "https://shop.example"; "*" allows any. */
  origins: string[];
  /** IANA time zone in which reports count days and hours. */
  timezone: string;
  /** ISO 4217 code used for amounts that come without a currency. */
  currency: string;
  /** Named funnels reported by the workflow sidedata report (docs/reports.md, "Configuring workflows and goals"). */
  workflows?: WorkflowConfig[];
  /** Goals outside any workflow (sidedata's affected_goals), besides "System: Visitor purchased". */
  goals?: Goal[];
}

/** The configuration file (`CARTBEACON_CONFIG`). */
export interface ConfigFile {
  accounts: AccountConfig[];
  /**
   * A request header set by a trusted proxy in front of the collector that carries the
   * visitor's ISO 3166-1 country code, e.g. "cf-ipcountry". Without it no country is recorded.
   */
  countryHeader?: string;
}

export type Storage = 'duckdb' | 'clickhouse';

/** The ClickHouse server or cluster of the store. */
export interface ClickHouseSettings {
  /** CARTBEACON_CLICKHOUSE_URL @defaultValue 'http://127.0.0.1:8123' */
  url: string;
  /** CARTBEACON_CLICKHOUSE_DATABASE @defaultValue 'cartbeacon' */
  database: string;
  /** CARTBEACON_CLICKHOUSE_USER @defaultValue 'default' */
  username: string;
  /** CARTBEACON_CLICKHOUSE_PASSWORD @defaultValue '' */
  password: string;
  /** CARTBEACON_CLICKHOUSE_CLUSTER: a cluster of the server's remote_servers; unset, one server. */
  cluster?: string;
}

/** Everything the collector runs with, validated and frozen at start. */
export interface Settings {
  port: number;
  host: string;
  dataDir: string;
  storage: Storage;
  clickhouseUrl?: string;
  /** Where the ClickHouse store lives (CARTBEACON_CLICKHOUSE_*), when `storage` is clickhouse. */
  clickhouse?: ClickHouseSettings;
  /** DuckDB's memory_limit (CARTBEACON_MEMORY_LIMIT); unset: DuckDB's own, 80 % of RAM. */
  memoryLimit?: string;
  /** Past this many bytes not yet loaded into the store, ingest answers 503 (CARTBEACON_SPOOL_MAX, 1GB). */
  spoolMaxBytes: number;
  /** The HTTP server's timeouts and connection cap (CARTBEACON_HEADERS_TIMEOUT, …; docs/operations.md). */
  server: ServerLimits;
  /** The ingest rate limits (CARTBEACON_RATE_LIMIT_*; docs/operations.md). */
  rateLimits: RateLimits;
  /** The trusted proxy header that carries the client's address, lower case (CARTBEACON_CLIENT_IP_HEADER). */
  clientIpHeader?: string;
  /** Where the configuration came from: a file path, or the demo account made in the data dir. */
  configSource: string;
  /** True when no CARTBEACON_CONFIG was given and the demo account is in use. */
  demo: boolean;
  config: Readonly<ConfigFile>;
}

// Unknown keys stop the start: a misspelt "workflow" or "countryheader" would otherwise be
// ignored without a word.
const accountSchema: JSONSchemaType<AccountConfig> = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'apiKey', 'reportToken', 'origins', 'timezone', 'currency'],
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 100 },
    name: { type: 'string', minLength: 1 },
    apiKey: { type: 'string', minLength: 8, maxLength: 200 },
    reportToken: { type: 'string', minLength: 16, maxLength: 500 },
    origins: { type: 'array', items: { type: 'string', minLength: 1 } },
    timezone: { type: 'string', minLength: 1 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    // JSONSchemaType cannot type these schemas (string | string[] fields); ajv checks them.
    workflows: { ...WORKFLOWS_SCHEMA, nullable: true } as never,
    goals: { ...GOALS_SCHEMA, nullable: true } as never,
  },
};

/** The configuration file's JSON Schema (docs/configuration.md lists its keys; a test checks that it names them all). */
export const CONFIG_FILE_SCHEMA: JSONSchemaType<ConfigFile> = {
  type: 'object',
  additionalProperties: false,
  required: ['accounts'],
  properties: {
    accounts: { type: 'array', minItems: 1, items: accountSchema },
    countryHeader: { type: 'string', nullable: true, pattern: '^[A-Za-z0-9-]+$' },
  },
};

// All errors, so that a misspelt key is named before the required key it stands for is missed.
const validateFile = new Ajv({ allErrors: true, verbose: true }).compile(CONFIG_FILE_SCHEMA);

/** "accounts[0].timezone" from ajv's "/accounts/0/timezone". */
const keyName = (path: string) =>
  path
    .split('/')
    .filter(Boolean)
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i ? `.${p}` : p))
    .join('');

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/**
 * Checks a parsed configuration file and returns it frozen; throws a ConfigError naming
 * the first key at fault.
 */
export function validateConfig(value: unknown, source = 'config'): Readonly<ConfigFile> {
  // A copy: the caller's object is neither normalised nor frozen.
  value = structuredClone(value);
  if (!validateFile(value)) {
    const errors = validateFile.errors!;
    const err = errors.find((e) => e.keyword === 'additionalProperties') ?? errors[0]!;
    const missing = err.keyword === 'required' ? `.${(err.params as { missingProperty: string }).missingProperty}` : '';
    const key = keyName(err.instancePath) + missing;
    if (err.keyword === 'additionalProperties') {
      const unknown = (err.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = closest(unknown, known);
      throw new ConfigError(`${source}: ${key ? `${key}.` : ''}${unknown} is not a known key${near ? `; did you mean ${near}?` : ''}`);
    }
    throw new ConfigError(`${source}: ${key ? `${key.replace(/^\./, '')} ` : ''}${err.message}`);
  }
  // An origin as browsers send it: "https://shop.example/" and "HTTPS://Shop.Example" are "https://shop.example".
  for (const a of value.accounts) a.origins = a.origins.map((o) => (o === '*' ? o : normalOrigin(o) ?? o));
  const seen = { id: new Set<string>(), apiKey: new Set<string>() };
  value.accounts.forEach((a, i) => {
    const at = `${source}: accounts[${i}]`;
    if (!isTimeZone(a.timezone)) throw new ConfigError(`${at}.timezone "${a.timezone}" is not an IANA time zone`);
    const workflows = workflowProblem(a);
    if (workflows) throw new ConfigError(`${at}.${workflows}`);
    a.origins.forEach((o, j) => {
      if (o !== '*' && !isOrigin(o)) throw new ConfigError(`${at}.origins[${j}] "${o}" is not an origin like https://shop.example`);
    });
    for (const k of ['id', 'apiKey'] as const) {
      if (seen[k].has(a[k])) throw new ConfigError(`${at}.${k} "${a[k]}" is used by another account`);
      seen[k].add(a[k]);
    }
  });
  return deepFreeze(value);
}

const parseUrl = (u: string) => {
  try {
    return new URL(u);
  } catch {
    return undefined;
  }
};

const isOrigin = (o: string) => parseUrl(o)?.origin === o;

/** An origin written with a bare trailing slash or in capitals, as browsers send it; undefined when it is more than an origin. */
const normalOrigin = (o: string): string | undefined => {
  const u = parseUrl(o);
  return u && u.origin !== 'null' && u.pathname === '/' && !u.search && !u.hash && !u.username && /^[a-z]+:\/\/[^/]+\/?$/i.test(o) ? u.origin : undefined;
};

/** The known key a misspelt one most likely stands for: the same but for case, or at most two edits away. */
function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const key of known) {
    const d = key.toLowerCase() === lower ? 0 : editDistance(lower, key.toLowerCase());
    if (d <= 2 && (!best || d < best.d)) best = { key, d };
  }
  return best?.key;
}

/** Levenshtein distance, transpositions counting one (e.g. orgins → origins is 1). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.values(o).forEach(deepFreeze);
    Object.freeze(o);
  }
  return o;
}

/** A new demo account for a collector on `port`; its keys are random. */
export function demoAccount(port: number): AccountConfig {
  return {
    id: randomUUID(),
    name: 'Demo shop',
    apiKey: randomUUID(),
    reportToken: randomBytes(24).toString('base64url'),
    origins: [`http://localhost:${port}`, `http://127.0.0.1:${port}`],
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    currency: 'EUR',
  };
}

/**
 * Reads the settings from the environment (and the file CARTBEACON_CONFIG names).
 * Without CARTBEACON_CONFIG a demo account is made once and kept in
 * `<data dir>/config.json`. Throws a ConfigError naming the first bad key.
 */
export function loadSettings(env: Env = process.env as Env): Readonly<Settings> {
  const e = parseEnv(env);
  const port = e.PORT;
  const storage = e.CARTBEACON_STORAGE;
  const clickhouseUrl = e.CARTBEACON_CLICKHOUSE_URL ?? (storage === 'clickhouse' ? 'http://127.0.0.1:8123' : undefined);
  const dataDir = resolve(e.CARTBEACON_DATA_DIR);
  const memoryLimit = e.CARTBEACON_MEMORY_LIMIT;
  // Node refuses a headers timeout longer than the whole request's.
  if (e.CARTBEACON_HEADERS_TIMEOUT > e.CARTBEACON_REQUEST_TIMEOUT)
    throw new ConfigError(
      `CARTBEACON_HEADERS_TIMEOUT "${e.CARTBEACON_HEADERS_TIMEOUT}" is longer than CARTBEACON_REQUEST_TIMEOUT (${e.CARTBEACON_REQUEST_TIMEOUT} s), which includes the headers`,
    );
  const bucket = (rate: number, burst: number) => (rate > 0 ? { rate, burst } : null);

  let configSource: string;
  let raw: unknown;
  if (e.CARTBEACON_CONFIG) {
    configSource = resolve(e.CARTBEACON_CONFIG);
    raw = readJson(configSource, 'CARTBEACON_CONFIG');
  } else {
    configSource = join(dataDir, 'config.json');
    if (existsSync(configSource)) raw = readJson(configSource, configSource);
    else {
      raw = { accounts: [demoAccount(port || 8080)] };
      try {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(configSource, JSON.stringify(raw, null, 2) + '\n', { mode: 0o600 });
      } catch (e) {
        throw new ConfigError(`CARTBEACON_DATA_DIR "${dataDir}" is not writable: ${(e as Error).message}`);
      }
    }
  }
  const config = validateConfig(raw, configSource);
  return Object.freeze({
    port,
    host: e.HOST,
    dataDir,
    storage,
    clickhouseUrl,
    ...(storage === 'clickhouse' && {
      clickhouse: {
        url: clickhouseUrl!,
        database: e.CARTBEACON_CLICKHOUSE_DATABASE,
        username: e.CARTBEACON_CLICKHOUSE_USER,
        password: e.CARTBEACON_CLICKHOUSE_PASSWORD ?? '',
        ...(e.CARTBEACON_CLICKHOUSE_CLUSTER ? { cluster: e.CARTBEACON_CLICKHOUSE_CLUSTER } : {}),
      },
    }),
    memoryLimit,
    spoolMaxBytes: sizeBytes(e.CARTBEACON_SPOOL_MAX),
    server: Object.freeze({
      headersTimeoutMs: Math.round(e.CARTBEACON_HEADERS_TIMEOUT * 1000),
      requestTimeoutMs: Math.round(e.CARTBEACON_REQUEST_TIMEOUT * 1000),
      keepAliveTimeoutMs: Math.round(e.CARTBEACON_KEEP_ALIVE_TIMEOUT * 1000),
      maxConnections: e.CARTBEACON_MAX_CONNECTIONS,
    }),
    rateLimits: Object.freeze({
      client: bucket(e.CARTBEACON_RATE_LIMIT_CLIENT, e.CARTBEACON_RATE_LIMIT_CLIENT_BURST),
      key: bucket(e.CARTBEACON_RATE_LIMIT_KEY, e.CARTBEACON_RATE_LIMIT_KEY_BURST),
    }),
    ...(e.CARTBEACON_CLIENT_IP_HEADER ? { clientIpHeader: e.CARTBEACON_CLIENT_IP_HEADER.toLowerCase() } : {}),
    configSource,
    demo: !e.CARTBEACON_CONFIG,
    config,
  });
}

function readJson(path: string, key: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`${key}: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${key}: ${path} is not valid JSON: ${jsonProblem(text, (e as Error).message)}`);
  }
}

/** JSON.parse's complaint, its character position told as a line and column ("at line 3, column 1"). */
function jsonProblem(text: string, message: string): string {
  const m = /^(.*?)(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(message);
  const at = m ? Number(m[2]) : message.startsWith('Unexpected end') ? text.length : undefined;
  if (at === undefined) return message;
  const before = text.slice(0, at).split('\n');
  return `${(m?.[1] ?? message.replace(/ of JSON input$/, '')).trim()} at line ${before.length}, column ${before.at(-1)!.length + 1}`;
}
