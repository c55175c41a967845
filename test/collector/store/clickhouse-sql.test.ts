import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { clickhouseLiteral as literal, clickhouseQuote as quote } from '@cartbeacon/collector';
import { chdbClient, clickhouseServer } from '../../helpers/stores.js';

/**
 * ClickHouse 18.16 has no query parameters, so the store writes every value into its SQL
 * through its own escaping (store/clickhouse/sql.ts). Each value here goes to a real
 * server and back unchanged, on ClickHouse 18.16 and on a current release.
 */
const NASTY = [
  '',
  "'",
  "''",
  "\\'",
  '\\',
  '\\\\',
  "Robert'); DROP TABLE events; --",
  "' OR '1'='1",
  '\u0000',
  'a\u0000b',
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f',
  '\n\r\t\b\f\v',
  '\\x41 \\n \\0 \\\\ \\',
  '{name:String} $1 ? %s',
  '`backticks` "double quotes"',
  'ünïcödé ✓ 日本語 🛒 👩‍👩‍👧',
  '\u2028\u2029\ufeff',
  'x'.repeat(100_000),
];

describe.each([
  ['ClickHouse 18.16 server', 'server'],
  ['ClickHouse 26 in-process (chdb)', 'chdb'],
] as const)('SQL literals on %s', (_label, kind) => {
  let client: ClickHouseClient;
  let stop = async () => {};
  beforeAll(async () => {
    if (kind === 'server') {
      const server = await clickhouseServer();
      client = createClient({ url: server.url });
      stop = () => server.stop();
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'cartbeacon-chdb-'));
      client = chdbClient(dir);
      stop = async () => rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await stop();
  });

  const select = async (sql: string) => (await (await client.query({ query: `SELECT ${sql} AS v`, format: 'JSONEachRow', clickhouse_settings: { output_format_json_quote_64bit_integers: 1 } })).json<{ v: unknown }>())[0]!.v;

  it.each(NASTY.map((s) => [JSON.stringify(s).slice(0, 60), s]))('a string comes back unchanged: %s', async (_what, s) => {
    expect(await select(quote(s))).toBe(s);
    // And its bytes, not only its JSON rendering.
    expect(await select(`hex(${quote(s)})`)).toBe(Buffer.from(s, 'utf8').toString('hex').toUpperCase());
  });

  it('compares as the value it is, never as SQL', async () => {
    for (const s of NASTY.slice(0, 12)) expect(Number(await select(`${quote(s)} = ${quote(s)} AND ${quote(s)} != ${quote(s + 'x')}`))).toBe(1);
  });

  it('writes numbers, bigints, booleans, NULL and lists exactly', async () => {
    expect(await select(literal(18446744073709551615n))).toBe('18446744073709551615');
    expect(Number(await select(literal(-42)))).toBe(-42);
    expect(Number(await select(literal(0.1)))).toBe(0.1);
    expect(Number(await select(literal(true)))).toBe(1);
    expect(await select(literal(null))).toBeNull();
    expect(await select(literal(["a'b", 'c\\d']))).toEqual(["a'b", 'c\\d']);
  });

  it('refuses what has no exact literal', () => {
    for (const v of [NaN, Infinity, -Infinity]) expect(() => literal(v)).toThrow(/finite/);
    expect(() => literal({} as never)).toThrow();
  });
});
