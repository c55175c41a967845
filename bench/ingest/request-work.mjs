#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: what one 10-event
// request's own work costs in-process, without HTTP, over 2 000 bodies, 3 rounds, in CPU time — on the
// request path (JSON.parse, checking, the spool record) and in the loader's thread
// (enrichment and the rows' and keys' lines).
// Usage: node bench/ingest/request-work.mjs   (needs packages/collector/dist: npm run build)
import { randomUUID } from 'node:crypto';
import { checkBatch } from '../../packages/collector/dist/pipeline/batch.js';
import { encodeBatchRecord } from '../../packages/collector/dist/ingest/record.js';
import { decodeRecords } from '../../packages/collector/dist/ingest/decode.js';

const N = 2000;
const event = () => ({
  name: 'PAGE_VIEW', category: 'Home Page', userId: 'u', sessionId: 's', eventId: randomUUID(),
  pageUrl: 'https://shop.example/p?utm_source=news', referrer: 'https://www.google.com/',
});
const context = {
  accountId: 'a', currency: 'EUR', receivedAt: Date.now(), fromBrowser: false, country: null, channel: 'events',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
};
const bodies = Array.from({ length: N }, () => JSON.stringify(Array.from({ length: 10 }, event)));
// CPU time, not the clock: the figures hold on a machine that other work shares.
const now = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
const perRequest = (t0) => ((now() - t0) / N).toFixed(1);
for (let round = 1; round <= 3; round++) {
  let t0 = now();
  const parsed = bodies.map((b) => JSON.parse(b));
  const parse = perRequest(t0);
  t0 = now();
  const refused = parsed.map((b) => checkBatch(b).map((e) => e.index));
  const check = perRequest(t0);
  t0 = now();
  const records = bodies.map((body, i) => encodeBatchRecord({ context, body: Buffer.from(body), refused: refused[i] }));
  const record = perRequest(t0);
  t0 = now();
  decodeRecords(records.map((parts) => Buffer.concat(parts)));
  console.log(`round ${round}: µs per request: request path: JSON.parse ${parse}, check ${check}, record ${record}; loader: enrich + lines ${perRequest(t0)}`);
}
