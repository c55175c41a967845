#!/usr/bin/env node
// A diagnostic beside bench/ingest.mjs, not part of `npm run bench`: what one 10-event
// request's own work costs in-process, without HTTP — JSON.parse, validation and
// enrichment (prepareBatch), and the spool record's encoding — over 2 000 bodies, 3 rounds.
// Usage: node bench/ingest/request-work.mjs   (needs packages/collector/dist: npm run build)
import { randomUUID } from 'node:crypto';
import { prepareBatch } from '../../packages/collector/dist/pipeline/batch.js';
import { encodeRecord } from '../../packages/collector/dist/ingest/record.js';

const N = 2000;
const event = () => ({
  name: 'PAGE_VIEW', category: 'Home Page', userId: 'u', sessionId: 's', eventId: randomUUID(),
  pageUrl: 'https://shop.example/p?utm_source=news', referrer: 'https://www.google.com/',
});
const ctx = {
  accountId: 'a', currency: 'EUR', receivedAt: Date.now(), fromBrowser: false, country: null, channel: 'events',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
};
const bodies = Array.from({ length: N }, () => JSON.stringify(Array.from({ length: 10 }, event)));
const perRequest = (t0) => (((performance.now() - t0) * 1000) / N).toFixed(1);
for (let round = 1; round <= 3; round++) {
  let t0 = performance.now();
  const parsed = bodies.map((b) => JSON.parse(b));
  const parse = perRequest(t0);
  t0 = performance.now();
  const rows = parsed.map((b) => prepareBatch(b, ctx).rows);
  const prepare = perRequest(t0);
  t0 = performance.now();
  rows.forEach((r) => encodeRecord(r, []));
  console.log(`round ${round}: µs per request: JSON.parse ${parse}, validate + enrich ${prepare}, encode ${perRequest(t0)}`);
}
