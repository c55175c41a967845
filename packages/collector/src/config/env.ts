import { Ajv } from 'ajv';
import { ConfigError } from './errors.js';
import { DEFAULT_RATE_LIMITS } from '../http/rate-limit.js';
import { DEFAULT_SERVER_LIMITS } from '../http/server-limits.js';

const seconds = (defaultMs: number) =>
  ({ type: 'number', exclusiveMinimum: 0, maximum: 86400, default: defaultMs / 1000, description: 'is not a number of seconds (above 0, at most a day)' }) as const;
const rate = (value: number) => ({ type: 'number', minimum: 0, default: value, description: 'is not a number of requests per second (0 turns the limit off)' }) as const;
const burst = (value: number) => ({ type: 'integer', minimum: 1, default: value, description: 'is not a whole number of requests (at least 1)' }) as const;

/**
 * The environment the collector reads, as one JSON Schema with the contract's defaults:
 * ajv checks it, coerces PORT to a number and fills in what is unset. Each key's
 * `description` is the sentence a bad value gets: `PORT "eighty" is not a port number`.
 */
export const ENV_SCHEMA = {
  type: 'object',
  properties: {
    PORT: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'is not a port number' },
    HOST: { type: 'string', default: '0.0.0.0', description: 'is not a host name or address' },
    CARTBEACON_DATA_DIR: { type: 'string', default: './data', description: 'is not a directory' },
    CARTBEACON_CONFIG: { type: 'string', description: 'is not a file name' },
    CARTBEACON_STORAGE: { enum: ['duckdb', 'clickhouse'], default: 'duckdb', description: 'must be "duckdb" or "clickhouse"' },
    CARTBEACON_CLICKHOUSE_URL: { type: 'string', pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+', description: 'is not an http(s) URL' },
    CARTBEACON_CLICKHOUSE_DATABASE: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      default: 'cartbeacon',
      description: 'is not a plain database name (letters, digits and _)',
    },
    CARTBEACON_CLICKHOUSE_USER: { type: 'string', default: 'default', description: 'is not a user name' },
    CARTBEACON_CLICKHOUSE_PASSWORD: { type: 'string', description: 'is not a password' },
    CARTBEACON_CLICKHOUSE_CLUSTER: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: "is not a plain cluster name of the server's remote_servers (letters, digits and _)",
    },
    CARTBEACON_MEMORY_LIMIT: {
      type: 'string',
      pattern: '^\\d+(\\.\\d+)?\\s*([kKmMgGtT])[iI]?[bB]$',
      description: 'is not a size such as "512MB" or "4GB"',
    },
    CARTBEACON_SPOOL_MAX: {
      type: 'string',
      pattern: '^\\d+(\\.\\d+)?\\s*([kKmMgGtT])[iI]?[bB]$',
      default: '1GB',
      description: 'is not a size such as "512MB" or "4GB"',
    },
    // Limits and timeouts (docs/operations.md); the defaults are the modules' own.
    CARTBEACON_HEADERS_TIMEOUT: seconds(DEFAULT_SERVER_LIMITS.headersTimeoutMs),
    CARTBEACON_REQUEST_TIMEOUT: seconds(DEFAULT_SERVER_LIMITS.requestTimeoutMs),
    CARTBEACON_KEEP_ALIVE_TIMEOUT: seconds(DEFAULT_SERVER_LIMITS.keepAliveTimeoutMs),
    CARTBEACON_MAX_CONNECTIONS: {
      type: 'integer',
      minimum: 1,
      default: DEFAULT_SERVER_LIMITS.maxConnections,
      description: 'is not a whole number of connections (at least 1)',
    },
    CARTBEACON_RATE_LIMIT_CLIENT: rate(DEFAULT_RATE_LIMITS.client!.rate),
    CARTBEACON_RATE_LIMIT_CLIENT_BURST: burst(DEFAULT_RATE_LIMITS.client!.burst),
    CARTBEACON_RATE_LIMIT_KEY: rate(DEFAULT_RATE_LIMITS.key!.rate),
    CARTBEACON_RATE_LIMIT_KEY_BURST: burst(DEFAULT_RATE_LIMITS.key!.burst),
    CARTBEACON_CLIENT_IP_HEADER: { type: 'string', pattern: '^[A-Za-z0-9-]+$', description: 'is not a header name' },
  },
} as const;

export type EnvKey = keyof typeof ENV_SCHEMA.properties;
/** The environment variables the collector reads (all strings, as in process.env). */
export type Env = Partial<Record<EnvKey, string>>;

/** The environment after the schema: defaults filled in, PORT a number. */
export interface ParsedEnv {
  PORT: number;
  HOST: string;
  CARTBEACON_DATA_DIR: string;
  CARTBEACON_CONFIG?: string;
  CARTBEACON_STORAGE: 'duckdb' | 'clickhouse';
  CARTBEACON_CLICKHOUSE_URL?: string;
  CARTBEACON_CLICKHOUSE_DATABASE: string;
  CARTBEACON_CLICKHOUSE_USER: string;
  CARTBEACON_CLICKHOUSE_PASSWORD?: string;
  CARTBEACON_CLICKHOUSE_CLUSTER?: string;
  CARTBEACON_MEMORY_LIMIT?: string;
  CARTBEACON_SPOOL_MAX: string;
  /** Seconds. */
  CARTBEACON_HEADERS_TIMEOUT: number;
  CARTBEACON_REQUEST_TIMEOUT: number;
  CARTBEACON_KEEP_ALIVE_TIMEOUT: number;
  CARTBEACON_MAX_CONNECTIONS: number;
  /** Requests per second; 0 is off. */
  CARTBEACON_RATE_LIMIT_CLIENT: number;
  CARTBEACON_RATE_LIMIT_CLIENT_BURST: number;
  CARTBEACON_RATE_LIMIT_KEY: number;
  CARTBEACON_RATE_LIMIT_KEY_BURST: number;
  CARTBEACON_CLIENT_IP_HEADER?: string;
}

const UNIT: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12 };
/** Bytes of a size the schema took ("512MB", "1.5GiB"): KB = 1000 bytes, KiB = 1024. */
export function sizeBytes(size: string): number {
  const [, n, unit, binary] = /^(\d+(?:\.\d+)?)\s*([kmgt])(i?)b$/i.exec(size)!;
  const base = binary ? 1024 ** ('kmgt'.indexOf(unit!.toLowerCase()) + 1) : UNIT[unit!.toLowerCase()]!;
  return Math.round(Number(n) * base);
}

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: false }).compile<ParsedEnv>(ENV_SCHEMA);
const KEYS = Object.keys(ENV_SCHEMA.properties) as EnvKey[];

/** Reads the collector's variables from `env` (an empty value is an unset one); a ConfigError names the first bad one. */
export function parseEnv(env: Env): ParsedEnv {
  const given: Record<string, unknown> = {};
  for (const k of KEYS) if (env[k] !== undefined && env[k] !== '') given[k] = env[k];
  if (validate(given)) return given;
  const key = validate.errors![0]!.instancePath.slice(1) as EnvKey;
  throw new ConfigError(`${key} "${env[key]}" ${ENV_SCHEMA.properties[key].description}`);
}
