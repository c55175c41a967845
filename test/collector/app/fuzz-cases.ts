import { METHODS } from 'node:http';
import { gzipSync } from 'node:zlib';
import { EXAMPLES as EVENT_EXAMPLES } from '../../fixtures/event-api-examples.js';
import { EXAMPLES as YESPO_EXAMPLES } from '../../fixtures/yespo-examples.js';
import { EXAMPLES as DAVINCI_EXAMPLES } from '../../fixtures/davinci-examples.js';
import { httpRequest } from '../../helpers/raw-http.js';
import { random } from '../../helpers/random.js';
import type { Random } from '../../helpers/random.js';
import type { RawOptions } from '../../helpers/raw-http.js';

/**
 * Hostile requests, generated from a seed: every path of the collector, every method,
 * valid requests of each API made wrong in one or a few ways (the body's JSON, one field
 * anywhere in it, the headers, the target, the framing).
 */

export interface Keys {
  accountId: string;
  apiKey: string;
  reportToken: string;
  workflows: string[];
}

export interface FuzzCase {
  label: string;
  bytes: Buffer;
  options: RawOptions;
}

// ---- values ----------------------------------------------------------------

/** Raw JSON text to splice in where a placeholder string stands (JSON.stringify cannot write these). */
const RAW = (r: Random): string =>
  r.pick([
    () => '1e400',
    () => '-1e400',
    () => '1e-400',
    () => '-0',
    () => '123456789012345678901234567890123456789',
    () => '0.' + '1'.repeat(5000),
    () => '9'.repeat(400),
    () => '"\\ud800"',
    () => '"\\udfff\\ud800x"',
    () => '"a\\u0000b"',
    () => '"\\u0000"',
    () => '"\\u202e\\u0007\\u001b[31m"',
    () => '{"__proto__":{"isAdmin":true,"name":"PAGE_VIEW"}}',
    () => '{"constructor":{"prototype":{"polluted":1}}}',
    () => '{"__proto__":null}',
    () => '{"toString":1,"valueOf":"x","hasOwnProperty":[]}',
    () => '['.repeat(r.int(5000) + 33),
  ])();

/** A hostile value for one field. */
function hostile(r: Random, raws: string[]): unknown {
  const raw = (text = RAW(r)) => {
    raws.push(text);
    return `\u0001RAW${raws.length - 1}\u0001`;
  };
  return r.pick<() => unknown>([
    () => raw(deepText(r.int(6000) + 20, r.chance(0.5))),
    () => raw(deepText(r.int(6000) + 20, r.chance(0.5))),
    () => nest(r, r.int(40) + 1),
    raw,
    raw,
    () => 'x'.repeat(r.pick([256, 257, 513, 10_000, 200_000])),
    () => '\u0000'.repeat(r.int(50) + 1),
    () => '\ud800',
    () => 'é'.repeat(1000) + '\udc00',
    () => r.pick([0, -1, 1.5, 1e21, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 1e-320]),
    () => r.pick([true, false, null, '', ' ', 'null', 'undefined', 'NaN', 'Infinity', '1e400', '0x10', '2025-13-45T99:99:99Z']),
    () => [],
    () => ({}),
    () => Array.from({ length: r.pick([1, 100, 2000]) }, (_, i) => i),
    () => Object.fromEntries(Array.from({ length: r.pick([1, 500, 2000]) }, (_, i) => [`k${i}`, i])),
    () => ({ [r.pick(['__proto__', 'constructor', 'prototype', 'toString'])]: { polluted: true } }),
    () => 'ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ 👩‍👩‍👧 \u202e',
  ])();
}

/** An array or object nested `depth` levels. */
function nest(r: Random, depth: number): unknown {
  let v: unknown = r.pick(['x', 1, null]);
  const asObject = r.chance(0.5);
  for (let i = 0; i < depth; i++) v = asObject ? { a: v } : [v];
  return v;
}

/** Every [parent, key] in a value, so that one can be replaced. */
function slots(value: unknown, out: [Record<string | number, unknown>, string | number][] = [], depth = 0): typeof out {
  if (depth > 8 || !value || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value).slice(0, 50)) {
    out.push([value as Record<string, unknown>, Array.isArray(value) ? Number(k) : k]);
    slots(v, out, depth + 1);
  }
  return out;
}

/** `seed` with one to three fields (at any depth) replaced, removed or added, as JSON text. */
function mutatedJson(r: Random, seed: unknown): string {
  const value = structuredClone(seed);
  const raws: string[] = [];
  const n = r.int(3) + 1;
  for (let i = 0; i < n; i++) {
    const all = slots(value);
    if (!all.length) break;
    const [parent, key] = r.pick(all);
    const what = r.int(10);
    if (what === 0) delete parent[key];
    else if (what === 1 && !Array.isArray(parent))
      // An own key, so that JSON.stringify writes it (assigning "__proto__" would set the prototype).
      Object.defineProperty(parent, r.pick(['__proto__', 'constructor', 'extra', 'x'.repeat(5000), '', '\u0000']), {
        value: hostile(r, raws),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else parent[key] = hostile(r, raws);
  }
  return withRaws(value, raws);
}

/** `value` as JSON text, with the raw texts spliced in where their placeholders stand. */
function withRaws(value: unknown, raws: string[]): string {
  let text = JSON.stringify(value);
  raws.forEach((raw, i) => (text = text.replace(`"\\u0001RAW${i}\\u0001"`, () => raw)));
  return text;
}

/** A deep array or object as raw JSON text (JSON.stringify itself overflows the stack on a few thousand levels). */
function deepText(depth: number, asObject: boolean): string {
  return asObject ? `${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}` : `${'['.repeat(depth)}"x"${']'.repeat(depth)}`;
}

/** JSON text broken as a careless or hostile client breaks it. */
function brokenText(r: Random, text: string): string {
  return r.pick<() => string>([
    () => text.slice(0, r.int(text.length)),
    () => text.slice(0, r.int(text.length)) + String.fromCharCode(r.int(256)) + text.slice(r.int(text.length)),
    () => text.replace(/"/g, r.pick(["'", '”', ''])),
    () => '\ufeff' + text,
    () => text + ']'.repeat(r.int(5) + 1),
    () => '',
    () => ' \n\t ',
    () => r.pick(['null', 'true', '0', '"x"', '[]', '{}', '[null]', '[[]]', '[1,2,3]', 'NaN', 'undefined']),
    () => '['.repeat(100_000),
    () => '{"a":'.repeat(20_000),
    () => `[${Array.from({ length: 1000 }, () => (text.length < 300 ? text : '{}')).join(',')}]`,
  ])();
}

// ---- requests ----------------------------------------------------------------

interface Endpoint {
  method: string;
  path: (k: Keys, r: Random) => string;
  /** Valid bodies for it, when it takes one. */
  bodies?: unknown[];
  auth?: (k: Keys) => [string, string] | undefined;
}

const basic = (password: string) => `Basic ${Buffer.from(`user:${password}`).toString('base64')}`;

function endpoints(): Endpoint[] {
  const events = EVENT_EXAMPLES.map((e) => e.body);
  const davinci: Endpoint[] = DAVINCI_EXAMPLES.map((e) => ({
    method: 'POST',
    path: () => e.path,
    bodies: [e.request],
    auth: (k) => ['Authorization', `Bearer ${k.apiKey}`],
  }));
  return [
    { method: 'POST', path: (k) => `/add/events/v1.json?apiKey=${k.apiKey}`, bodies: events },
    { method: 'GET', path: (_k, r) => `/get/key?count=${r.pick(['1', '100', '101', '-1', 'x', '1e3', '%00', ''])}` },
    { method: 'POST', path: () => '/api/v2/event', bodies: YESPO_EXAMPLES.map((y) => y.body), auth: (k) => ['Authorization', basic(k.apiKey)] },
    ...davinci,
    {
      method: 'GET',
      path: (k, r) =>
        `/api/funnel?account_id=${k.accountId}&report_type=${r.pick(['Source', 'Medium', 'Campaign', 'Country', 'Device', 'x'])}&date_range=${r.pick(['today', 'last_30_days', '20250101,20250131', '20250231,20250101', '1,2'])}&limit=${r.pick(['1', '100', '101', '-5', 'x'])}&skip=${r.pick(['0', '-1', '1e9'])}&country=${r.pick(['es', 'ES', 'xyz', ''])}`,
      auth: (k) => ['Authorization', `Bearer ${k.reportToken}`],
    },
    {
      method: 'POST',
      path: (k, r) => `/api/reporting/workflow/v1/orgs/${k.accountId}/workflows/${r.pick(k.workflows)}/sidedata/`,
      bodies: [{ interval: { start: '2025-06-01T00:00:00Z', end: '2025-06-08T00:00:00Z' } }, { interval: { start: '2025-06-01', end: '2025-06-02T08:00' } }],
      auth: (k) => ['Authorization', `Bearer ${k.reportToken}`],
    },
    ...['/', '/start.css', '/cartbeacon.js', '/cartbeacon.js.map', '/cartbeacon-auto.js', '/healthz', '/readyz', '/metrics'].map((p) => ({ method: 'GET', path: () => p })),
  ];
}

/** A target made strange: long, badly encoded, absolute, full of odd bytes. */
function strangeTarget(r: Random, path: string): string {
  return r.pick<() => string>([
    () => `${path}${path.includes('?') ? '&' : '?'}pad=${'a'.repeat(r.pick([1000, 8000, 15_000, 20_000]))}`,
    () => `/${'a/'.repeat(r.pick([100, 3000]))}`,
    () => path.replace(/\/([^/?]*)/, '/%E0%A4%A$1'),
    () => `${path}${path.includes('?') ? '&' : '?'}apiKey=a&apiKey=b&__proto__[x]=1&constructor[prototype][y]=2&%ZZ=%&a=%C0%AF`,
    () => `http://evil.example${path}`,
    () => `//${path}`,
    () => `/../../../etc/passwd`,
    () => `/%2e%2e/%2e%2e/etc/passwd`,
    () => `${path.split('?')[0]}/.`,
    () => `${path}#fragment`,
    () => '*',
    () => Buffer.from(`/ünïcødé/${'é'.repeat(50)}`, 'utf8').toString('latin1'),
    () => `/\u0000`,
    () => path.toUpperCase(),
  ])();
}

/** A content type, right or wrong. */
const CONTENT_TYPES = [
  'application/json',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/json; charset=utf-16',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'image/png',
  '*/*',
  'garbage',
  '',
  `application/json; ${'x=1; '.repeat(1000)}`,
];

/** Headers made strange. */
function strangeHeaders(r: Random, k: Keys, headers: [string, string][]): [string, string][] {
  const out = [...headers];
  const n = r.int(3) + 1;
  for (let i = 0; i < n; i++)
    out.push(
      r.pick<() => [string, string]>([
        () => ['Content-Type', r.pick(CONTENT_TYPES)],
        () => ['Content-Encoding', r.pick(['gzip', 'deflate', 'br', 'identity', 'gzip, gzip', 'x'])],
        () => ['Authorization', r.pick([`Bearer ${'x'.repeat(8000)}`, 'Bearer', 'Basic !!!', basic(''), basic('x'.repeat(3000)), `Bearer ${k.apiKey}`, `Bearer ${k.reportToken}`, 'Digest x', `basic ${Buffer.from(':').toString('base64')}`])],
        () => ['Origin', r.pick(['http://shop.test', 'http://evil.example', 'null', 'x'.repeat(4000), Buffer.from('http://ü.example', 'utf8').toString('latin1')])],
        () => ['Referer', 'http://x/'.repeat(1000)],
        () => ['User-Agent', r.pick(['', 'x'.repeat(12_000), 'Googlebot/2.1', Buffer.from('Mozilla 🦊', 'utf8').toString('latin1')])],
        () => ['X-Forwarded-For', Array.from({ length: 500 }, (_, j) => `10.0.${j % 255}.1`).join(', ')],
        () => ['Accept-Encoding', r.pick(['gzip;q=0', '*', 'br, x;q=2', 'x'.repeat(2000)])],
        () => ['Accept-Language', r.pick(['*', 'en-US,en;q=0.9', ';;;,,,', 'x'.repeat(3000)])],
        () => ['If-None-Match', r.pick(['*', '"x"', 'W/"x", "y"'])],
        () => ['Idempotency-Key', r.pick(['k', 'x'.repeat(300), ''])],
        () => ['Expect', r.pick(['100-continue', 'x'])],
        () => ['X-Big', 'y'.repeat(r.pick([8000, 17_000]))],
        () => ['Cookie', 'a=b; '.repeat(2000)],
        () => [r.pick(['Content-Length', 'content-length']), r.pick(['-1', 'abc', '1e3', '99999999999999999999', '0'])],
        () => ['Transfer-Encoding', r.pick(['chunked', 'gzip', 'chunked, chunked', 'identity'])],
        () => ['X-Nul', 'a\u0000b'],
        () => ['Bad Header', 'x'],
        () => ['X-Ctl', 'a\u0007b'],
      ])(),
    );
  for (let i = 0, many = r.chance(0.05) ? 300 : 0; i < many; i++) out.push([`X-H${i}`, String(i)]);
  return out;
}

/**
 * `count` hostile requests from `seed`. Each is [label, bytes, how to send]: most whole
 * and answered at once; some cut off (our side closed), a few left unfinished for the
 * server's request timeout to end (`timeoutMs`).
 */
export function fuzzCases(seed: number, count: number, k: Keys, timeoutMs: number): FuzzCase[] {
  const r = random(seed);
  const all = endpoints();
  const methods = [...METHODS.filter((m) => m !== 'CONNECT'), 'get', 'BREW', 'G\u00c9T', 'X'.repeat(100)];
  const cases: FuzzCase[] = [];
  for (let i = 0; i < count; i++) {
    const e = r.pick(all);
    let method = e.method;
    let target = e.path(k, r);
    const headers: [string, string][] = [];
    const auth = e.auth?.(k);
    if (auth && !r.chance(0.1)) headers.push(auth);
    const valid: unknown = e.bodies && r.pick(e.bodies);
    if (valid) headers.push(['Content-Type', r.pick(['application/json', 'text/plain'])]);
    let body: Buffer | undefined;
    let seedText = valid === undefined ? undefined : JSON.stringify(valid);
    const labels: string[] = [];

    const kind = r.int(100);
    if (kind < 40 && valid) {
      seedText = mutatedJson(r, valid);
      labels.push('field');
    } else if (kind < 55 && valid) {
      seedText = brokenText(r, seedText!);
      labels.push('text');
    } else if (kind < 62) {
      method = r.pick(methods);
      labels.push(`method ${method.slice(0, 12)}`);
    } else if (kind < 70) {
      target = strangeTarget(r, target);
      labels.push('target');
    } else if (kind < 85) {
      headers.push(...strangeHeaders(r, k, []));
      labels.push('headers');
    } else if (kind < 88 && valid) {
      // Oversize: declared so (and cut off), or a little over the ingest limit in earnest.
      if (r.chance(0.85)) {
        headers.push(['Content-Length', String(r.pick([1024 * 1024 + 1, 50_000_000, 2 ** 53]))]);
        body = Buffer.from(seedText!.slice(0, 1000));
      } else seedText = `[${'{"name":"PAGE_VIEW","userId":"u","sessionId":"s","category":"x"},'.repeat(17_000)}{}]`;
      labels.push('oversize');
    } else if (kind < 90 && valid) {
      headers.push(['Content-Encoding', 'gzip']);
      body = r.chance(0.5) ? gzipSync(seedText!) : Buffer.from(seedText!);
      labels.push('gzip');
    } else if (kind < 92) {
      labels.push('valid');
    } else {
      headers.push(...strangeHeaders(r, k, []));
      if (valid) seedText = mutatedJson(r, valid);
      target = r.chance(0.3) ? strangeTarget(r, target) : target;
      labels.push('mixed');
    }
    body ??= seedText === undefined ? undefined : Buffer.from(seedText, 'utf8');
    if (body && r.chance(0.03)) body = Buffer.concat([body, Buffer.from([0xed, 0xa0, 0x80, 0xff, 0xfe, 0x00])]); // invalid UTF-8, NUL

    let bytes = httpRequest(method, target, headers, body);
    const options: RawOptions = { deadlineMs: timeoutMs + 5000 };
    const framing = r.int(100);
    if (body && framing < 4) {
      // Unfinished: the body declared longer than sent, and our side closed.
      bytes = httpRequest(method, target, [...headers, ['Content-Length', String(body.length + 100)]], body);
      options.halfClose = true;
      labels.push('unfinished');
    } else if (body && framing < 5) {
      // Unfinished and left open: the server's request timeout ends it.
      bytes = httpRequest(method, target, [...headers, ['Content-Length', String(body.length + 100)]], body);
      labels.push('unfinished-open');
    } else if (framing < 6) {
      bytes = bytes.subarray(0, r.int(bytes.length));
      options.halfClose = true;
      labels.push('cut');
    } else if (body && framing < 8) {
      const chunked = httpRequest(method, target, [...headers, ['Transfer-Encoding', 'chunked']], Buffer.concat([
        Buffer.from(`${r.pick([body.length.toString(16), 'zz', '-1', 'fffffffffffffffff'])}\r\n`),
        body,
        Buffer.from(r.pick(['\r\n0\r\n\r\n', '\r\n', ''])),
      ]));
      bytes = chunked;
      options.halfClose = true;
      labels.push('chunked');
    }
    cases.push({ label: `#${i} ${e.method} ${e.path(k, random(0)).split('?')[0]} [${labels.join(', ')}]`, bytes, options });
  }
  return cases;
}

/**
 * Every field (to eight levels) of every valid body, in turn nested thousands of levels
 * deep as an array and as an object, and made something hostile: one request each.
 */
export function fieldCases(seed: number, k: Keys): FuzzCase[] {
  const r = random(seed ^ 0x5eed);
  const cases: FuzzCase[] = [];
  for (const e of endpoints())
    (e.bodies ?? []).forEach((body, b) => {
      const headers: [string, string][] = [['Content-Type', 'application/json'], ...(e.auth ? [e.auth(k)!] : [])];
      slots(body).forEach((_, i) => {
        const makes = [() => deepText(r.int(5000) + 1000, false), () => deepText(r.int(5000) + 1000, true), () => deepText(33, r.chance(0.5)), () => RAW(r)];
        makes.forEach((make, m) => {
          const value = structuredClone(body);
          const [parent, key] = slots(value)[i]!;
          parent[key] = '\u0001RAW0\u0001';
          const text = withRaws(value, [make()]);
          cases.push({ label: `field ${e.method} ${e.path(k, random(0)).split('?')[0]} body ${b} slot ${i} kind ${m}`, bytes: httpRequest(e.method, e.path(k, r), headers, text), options: {} });
        });
      });
    });
  return cases;
}

/** Every method Node takes (CONNECT apart: protocolCases) on every path, and a few it does not. */
export function methodCases(k: Keys): FuzzCase[] {
  const r = random(1);
  const paths = [...new Set(endpoints().map((e) => e.path(k, r))), '/no/such/path'];
  return paths.flatMap((path) =>
    [...METHODS.filter((m) => m !== 'CONNECT'), 'get', 'BREW'].map((method) => ({ label: `method ${method} ${path.split('?')[0]}`, bytes: httpRequest(method, path), options: {} })),
  );
}

/** Requests the HTTP server itself must answer: CONNECT, absolute targets, garbage. */
export function protocolCases(): FuzzCase[] {
  const raw = (label: string, text: string, halfClose = false): FuzzCase => ({ label, bytes: Buffer.from(text, 'latin1'), options: { halfClose } });
  return [
    raw('CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'),
    raw('CONNECT to itself', 'CONNECT 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
    raw('absolute target', 'GET http://example.com/healthz HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n'),
    raw('OPTIONS *', 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    raw('HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n'),
    raw('HTTP/1.1 without Host', 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'),
    raw('HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', true),
    raw('HTTP/9', 'GET / HTTP/9.9\r\nHost: x\r\n\r\n', true),
    raw('TLS hello', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', true),
    raw('nothing', '', true),
    raw('a line of garbage', 'hello\r\n\r\n', true),
    raw('LF only', 'GET /healthz HTTP/1.1\nHost: x\nConnection: close\n\n'),
    raw('websocket upgrade', 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'),
    raw('h2c upgrade', 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n'),
    raw('CL and TE', 'POST /add/events/v1.json HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', true),
    raw('two Content-Lengths', 'POST /add/events/v1.json HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n[]', true),
    raw('pipelined', 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /readyz HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    raw('smuggled', 'POST /add/events/v1.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
  ];
}
