import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadSettings, validateConfig } from '../../../packages/collector/src/config/config.js';
import { ACCOUNT, tempDir } from '../../helpers/collector.js';

const dirs: { remove(): void }[] = [];
const dir = () => {
  const d = tempDir();
  dirs.push(d);
  return d.path;
};
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

const withConfig = (config: unknown) => {
  const d = dir();
  const file = join(d, 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { CARTBEACON_CONFIG: file, CARTBEACON_DATA_DIR: d };
};

const failure = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadSettings', () => {
  it('uses the contract defaults and makes a demo account once, kept in the data dir', () => {
    const d = dir();
    const first = loadSettings({ CARTBEACON_DATA_DIR: d });
    expect(first).toMatchObject({ port: 8080, host: '0.0.0.0', storage: 'duckdb', dataDir: d, demo: true });
    expect(first.configSource).toBe(join(d, 'config.json'));
    const [account] = first.config.accounts;
    expect(account).toMatchObject({ name: 'Demo shop', origins: ['http://localhost:8080', 'http://127.0.0.1:8080'], currency: 'EUR' });
    expect(account!.apiKey).not.toBe(account!.reportToken);
    const second = loadSettings({ CARTBEACON_DATA_DIR: d });
    expect(second.config.accounts[0]).toEqual(account);
    expect(Object.isFrozen(second.config.accounts[0])).toBe(true);
  });

  it('reads PORT, HOST, CARTBEACON_CONFIG, CARTBEACON_CLICKHOUSE_URL and CARTBEACON_MEMORY_LIMIT', () => {
    const env = withConfig({ accounts: [ACCOUNT], countryHeader: 'cf-ipcountry' });
    const s = loadSettings({ ...env, PORT: '9000', HOST: '127.0.0.1', CARTBEACON_CLICKHOUSE_URL: 'http://ch:8123', CARTBEACON_MEMORY_LIMIT: '1.5GiB' });
    expect(s).toMatchObject({ port: 9000, host: '127.0.0.1', demo: false, clickhouseUrl: 'http://ch:8123', memoryLimit: '1.5GiB' });
    expect(loadSettings(env).memoryLimit).toBeUndefined();
    expect(s.config).toEqual({ accounts: [ACCOUNT], countryHeader: 'cf-ipcountry' });
  });

  it('reads the ClickHouse settings, with their defaults, when the storage is clickhouse', () => {
    const env = withConfig({ accounts: [ACCOUNT] });
    expect(loadSettings(env).clickhouse).toBeUndefined();
    expect(loadSettings({ ...env, CARTBEACON_STORAGE: 'clickhouse' }).clickhouse).toEqual({
      url: 'http://127.0.0.1:8123',
      database: 'cartbeacon',
      username: 'default',
      password: '',
    });
    const s = loadSettings({
      ...env,
      CARTBEACON_STORAGE: 'clickhouse',
      CARTBEACON_CLICKHOUSE_URL: 'https://ch.internal:8443',
      CARTBEACON_CLICKHOUSE_DATABASE: 'shop_events',
      CARTBEACON_CLICKHOUSE_USER: 'cartbeacon',
      CARTBEACON_CLICKHOUSE_PASSWORD: 's3cret',
      CARTBEACON_CLICKHOUSE_CLUSTER: 'events_cluster',
    });
    expect(s.clickhouse).toEqual({ url: 'https://ch.internal:8443', database: 'shop_events', username: 'cartbeacon', password: 's3cret', cluster: 'events_cluster' });
  });

  it('reads the limits and timeouts, with the documented defaults', () => {
    const env = withConfig({ accounts: [ACCOUNT] });
    expect(loadSettings(env)).toMatchObject({
      server: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 4096 },
      rateLimits: { client: { rate: 100, burst: 1000 }, key: { rate: 1000, burst: 5000 } },
    });
    expect(loadSettings(env).clientIpHeader).toBeUndefined();
    const s = loadSettings({
      ...env,
      CARTBEACON_HEADERS_TIMEOUT: '0.5',
      CARTBEACON_REQUEST_TIMEOUT: '5',
      CARTBEACON_KEEP_ALIVE_TIMEOUT: '5',
      CARTBEACON_MAX_CONNECTIONS: '100',
      CARTBEACON_RATE_LIMIT_CLIENT: '0',
      CARTBEACON_RATE_LIMIT_KEY: '2.5',
      CARTBEACON_RATE_LIMIT_KEY_BURST: '10',
      CARTBEACON_CLIENT_IP_HEADER: 'X-Real-IP',
    });
    expect(s).toMatchObject({
      server: { headersTimeoutMs: 500, requestTimeoutMs: 5000, keepAliveTimeoutMs: 5000, maxConnections: 100 },
      rateLimits: { client: null, key: { rate: 2.5, burst: 10 } },
      clientIpHeader: 'x-real-ip',
    });
  });

  it.each([
    [{ CARTBEACON_HEADERS_TIMEOUT: '0' }, /^CARTBEACON_HEADERS_TIMEOUT "0" is not a number of seconds/],
    [{ CARTBEACON_REQUEST_TIMEOUT: 'soon' }, /^CARTBEACON_REQUEST_TIMEOUT "soon" is not a number of seconds/],
    [{ CARTBEACON_HEADERS_TIMEOUT: '40' }, /^CARTBEACON_HEADERS_TIMEOUT "40" is longer than CARTBEACON_REQUEST_TIMEOUT \(30 s\)/],
    [{ CARTBEACON_MAX_CONNECTIONS: '1.5' }, /^CARTBEACON_MAX_CONNECTIONS "1.5" is not a whole number/],
    [{ CARTBEACON_RATE_LIMIT_KEY: '-1' }, /^CARTBEACON_RATE_LIMIT_KEY "-1" is not a number of requests per second/],
    [{ CARTBEACON_RATE_LIMIT_CLIENT_BURST: '0' }, /^CARTBEACON_RATE_LIMIT_CLIENT_BURST "0" is not a whole number of requests/],
    [{ CARTBEACON_CLIENT_IP_HEADER: 'x real ip' }, /^CARTBEACON_CLIENT_IP_HEADER "x real ip" is not a header name/],
    [{ PORT: 'eighty' }, /^PORT "eighty"/],
    [{ PORT: '70000' }, /^PORT/],
    [{ CARTBEACON_STORAGE: 'mysql' }, /^CARTBEACON_STORAGE "mysql" must be "duckdb" or "clickhouse"/],
    [{ CARTBEACON_CLICKHOUSE_URL: 'ftp://x' }, /^CARTBEACON_CLICKHOUSE_URL/],
    [{ CARTBEACON_CLICKHOUSE_DATABASE: 'shop-events' }, /^CARTBEACON_CLICKHOUSE_DATABASE "shop-events" is not a plain database name/],
    [{ CARTBEACON_CLICKHOUSE_DATABASE: 'x; DROP DATABASE y' }, /^CARTBEACON_CLICKHOUSE_DATABASE/],
    [{ CARTBEACON_CLICKHOUSE_CLUSTER: "c' OR 1" }, /^CARTBEACON_CLICKHOUSE_CLUSTER "c' OR 1" is not a plain cluster name/],
    [{ CARTBEACON_MEMORY_LIMIT: 'lots' }, /^CARTBEACON_MEMORY_LIMIT "lots" is not a size such as "512MB" or "4GB"/],
    [{ CARTBEACON_MEMORY_LIMIT: '512' }, /^CARTBEACON_MEMORY_LIMIT "512"/],
    [{ CARTBEACON_CONFIG: '/nonexistent/cartbeacon.json' }, /^CARTBEACON_CONFIG: cannot read \/nonexistent\/cartbeacon.json: ENOENT/],
  ])('stops on %j with one line naming the key', (env, pattern) => {
    expect(failure(() => loadSettings({ CARTBEACON_DATA_DIR: dir(), ...env }))).toMatch(pattern);
  });

  it.each([
    ['{ not json', /is not valid JSON/],
    [{}, /accounts must have required property 'accounts'|must have required property 'accounts'/],
    [{ accounts: [] }, /accounts must NOT have fewer than 1 items/],
    [{ accounts: [{ ...ACCOUNT, apiKey: undefined }] }, /accounts\[0\]\.apiKey/],
    [{ accounts: [{ ...ACCOUNT, timezone: 'Mars/Olympus' }] }, /accounts\[0\]\.timezone "Mars\/Olympus" is not an IANA time zone/],
    [{ accounts: [{ ...ACCOUNT, origins: ['shop.example'] }] }, /accounts\[0\]\.origins\[0\] "shop.example" is not an origin/],
    [{ accounts: [{ ...ACCOUNT, origins: ['https://shop.example/cart'] }] }, /accounts\[0\]\.origins\[0\] "https:\/\/shop.example\/cart" is not an origin/],
    [{ accounts: [{ ...ACCOUNT, currency: 'eur' }] }, /accounts\[0\]\.currency must match/],
    [{ accounts: [{ ...ACCOUNT, reportToken: 'short' }] }, /accounts\[0\]\.reportToken/],
    [{ accounts: [ACCOUNT, { ...ACCOUNT, id: 'other' }] }, /accounts\[1\]\.apiKey ".*" is used by another account/],
    [{ accounts: [ACCOUNT], countryHeader: 'bad header!' }, /countryHeader must match/],
    [{ accounts: [{ ...ACCOUNT, workflow: [] }] }, /config.json: accounts\[0\]\.workflow is not a known key; did you mean workflows\?$/],
    [{ accounts: [ACCOUNT], countryheader: 'cf-ipcountry' }, /config.json: countryheader is not a known key; did you mean countryHeader\?$/],
    [{ accounts: [ACCOUNT], shops: [] }, /config.json: shops is not a known key$/],
    // The misspelt key is named, not the required one it stands for.
    [{ accounts: [{ ...ACCOUNT, origins: undefined, orgins: ['https://shop.example'] }] }, /config.json: accounts\[0\]\.orgins is not a known key; did you mean origins\?$/],
    ['{\n  "accounts": [],\n}\n', /config.json is not valid JSON: .* at line 3, column 1$/],
    ['{\n  "accounts": [\n', /config.json is not valid JSON: Unexpected end at line 3, column 1$/],
  ])('stops on a configuration file %j naming the key', (config, pattern) => {
    expect(failure(() => loadSettings(withConfig(config)))).toMatch(pattern);
  });

  it('takes an origin with a trailing slash or in capitals as browsers send it', () => {
    const s = loadSettings(withConfig({ accounts: [{ ...ACCOUNT, origins: ['https://Shop.Example/', 'http://localhost:8080', '*'] }] }));
    expect(s.config.accounts[0]!.origins).toEqual(['https://shop.example', 'http://localhost:8080', '*']);
  });

  it('validateConfig freezes what it returns', () => {
    const config = validateConfig(JSON.parse(JSON.stringify({ accounts: [ACCOUNT] })));
    expect(Object.isFrozen(config.accounts)).toBe(true);
    expect(() => (config.accounts as unknown[]).push(ACCOUNT)).toThrow();
  });
});
