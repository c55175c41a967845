#!/usr/bin/env node
// Scores a classifier on the accuracy fixtures (test/fixtures/accuracy) and prints a
// markdown table per category: referrers (source / medium), devices, bots, prices.
//
//   node bench/accuracy/run.mjs                      the project's own classifier (adapters/cartbeacon.mjs)
//   node bench/accuracy/run.mjs --adapter FILE       another one, e.g. bench/accuracy/candidates/device-detector.mjs
//   ... --only referrers,devices  --misses  --time
//
// An adapter is a module exporting any of: traffic(pageUrl, referrer) → { source, medium };
// device(userAgent, hints?) → 'PC' | 'TABLET' | 'MOBILE' | 'ANDROID' | 'IOS';
// isBot(userAgent) → boolean; price(value, kind: 'jsonld' | 'content' | 'text') → number | undefined.
// Candidates import their libraries from the working directory's node_modules, so run
// them from the folder where the library is installed (see candidates/README.md).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { load } from './fixtures.mjs';
import { scoreBots, scoreDevices, scorePrices, scoreReferrers, timePerCall } from './score.mjs';

const { values: opt } = parseArgs({
  options: {
    adapter: { type: 'string' },
    only: { type: 'string' },
    misses: { type: 'boolean', default: false },
    time: { type: 'boolean', default: false },
  },
});
const file = opt.adapter ? pathToFileURL(resolve(opt.adapter)) : new URL('./adapters/cartbeacon.mjs', import.meta.url);
const adapter = await import(file.href);
const only = opt.only?.split(',');

const CATEGORIES = [
  ['referrers', 'traffic', scoreReferrers, () => load('referrers').map((c) => () => adapter.traffic(c.page, c.referrer))],
  ['devices', 'device', scoreDevices, () => load('humans').map((c) => () => adapter.device(c.ua))],
  ['bots', 'isBot', scoreBots, () => load('humans').map((c) => () => adapter.isBot(c.ua))],
  ['prices', 'price', scorePrices, () => load('prices').map((c) => () => adapter.price(c.value, c.kind))],
];

console.log(`# Accuracy: ${adapter.name ?? file.pathname}\n`);
for (const [name, fn, score, calls] of CATEGORIES) {
  if (typeof adapter[fn] !== 'function' || (only && !only.includes(name))) continue;
  const { header, rows, misses } = score(adapter);
  console.log(`## ${name}\n`);
  console.log(`| ${header.join(' | ')} |\n|${header.map((h, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  if (opt.time) console.log(`\n${timePerCall((f) => f(), calls()).toFixed(1)} µs per call (distinct inputs; a cache inside the adapter counts)`);
  if (opt.misses && misses.length) console.log('\nMisses:\n\n' + misses.map((m) => '- ' + m).join('\n'));
  console.log();
}
