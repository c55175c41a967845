#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: what the ingest rate
// limit costs a request in-process — the limiter's check alone (one client; 200 000
// clients in turn, so that the cache of 100 000 misses and forgets on every check; a flood refused), and the Koa
// middleware around it on real Koa contexts of event API requests, and as the fast path calls it — CPU time (so that a
// shared machine's other work counts less), medians of 5 rounds.
// Usage: node bench/ingest/rate-limit.mjs   (needs packages/collector/dist: npm run build)
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import { createRateLimiter, DEFAULT_RATE_LIMITS, createMetrics } from '../../packages/collector/dist/index.js';
import { indexAccounts } from '../../packages/collector/dist/config/accounts.js';
import { ingestRateLimit, limitedBy } from '../../packages/collector/dist/api/ingest-limit.js';

const ROUNDS = 5;
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
/** CPU nanoseconds (user + system) since `from`. */
const cpuNs = (from) => {
  const u = process.cpuUsage(from);
  return (u.user + u.system) * 1000;
};
/** CPU ns per call of `fn(i)` over `n` calls, median of ROUNDS. */
function measure(n, fn) {
  const runs = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    runs.push(cpuNs(t0) / n);
  }
  return median(runs);
}

const huge = { client: { rate: 1e9, burst: 1e9 }, key: { rate: 1e9, burst: 1e9 } };
const clients = Array.from({ length: 200_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);

const one = createRateLimiter(huge);
const many = createRateLimiter(huge);
const refusing = createRateLimiter({ ...DEFAULT_RATE_LIMITS, client: { rate: 1, burst: 1 } });
const rows = [
  ['check: one client, one account', measure(1_000_000, () => one.check('203.0.113.7', 'acct'))],
  ['check: 200 000 clients in turn (each new: a miss, and the oldest of 100 000 forgotten)', measure(1_000_000, (i) => many.check(clients[i % clients.length], 'acct'))],
  ['check: a flood refused', measure(1_000_000, () => refusing.check('203.0.113.7', 'acct'))],
];

// The middleware on a Koa context as the event API's route sees it.
const account = { id: 'acct', apiKey: 'public-ingest-key', origins: ['*'] };
const check = ingestRateLimit(createRateLimiter(huge), { accounts: indexAccounts([account]), metrics: createMetrics() });
const limit = limitedBy(check);
const app = new Koa();
const context = () => {
  const req = new IncomingMessage(new Socket());
  req.method = 'POST';
  req.url = '/add/events/v1.json?apiKey=public-ingest-key';
  req.headers = { host: 'collector.example', 'content-type': 'text/plain', origin: 'https://shop.example' };
  return app.createContext(req, new ServerResponse(req));
};
const next = () => undefined;
// Koa parses a request's query once and caches it; the route reads it anyway. So the
// contexts are made and looked at once before the measure: what is left is the middleware's own work.
const contexts = Array.from({ length: 1000 }, context);
contexts.forEach((ctx) => ctx.query);
rows.push(['Koa middleware (the API key, the account, the client, the check)', measure(1_000_000, (i) => limit(contexts[i % 1000], next))]);
// As the event API's fast path calls it, on what it reads of a request.
const params = new URLSearchParams('apiKey=public-ingest-key');
const request = { get: (f) => (f === 'authorization' ? '' : ''), query: (n) => params.get(n) ?? undefined, remoteAddress: '203.0.113.7' };
rows.push(['the same check from the fast path', measure(1_000_000, () => check(request))]);

for (const [what, ns] of rows) console.log(`${what}: ${(ns / 1000).toFixed(3)} µs`);
