#!/usr/bin/env node
// What the collector's classifiers cost per call, in-process: classifyTraffic(pageUrl,
// referrer) and agentOf(userAgent, hints) over the accuracy fixtures, each measured twice:
// "new", every input unseen (past the LRU caches, as the first event of a new page or a new
// browser costs), and "cached", the same inputs again (as the other events of a page cost).
// Median of 9 rounds, in µs of CPU time (user + system) per call: the machine is shared,
// and CPU time is what other processes disturb least.
//   node bench/accuracy/cost.mjs    (needs packages/collector/dist: npm run build:collector)
// CARTBEACON_DIST points at another build (e.g. a worktree of an older commit) to compare.
import { pathToFileURL } from 'node:url';
import { load } from './fixtures.mjs';

const dist = process.env.CARTBEACON_DIST
  ? pathToFileURL(process.env.CARTBEACON_DIST.replace(/\/?$/, '/'))
  : new URL('../../packages/collector/dist/', import.meta.url);
const { classifyTraffic } = await import(new URL('pipeline/sources.js', dist).href);
const { agentOf } = await import(new URL('pipeline/agent.js', dist).href);

const ROUNDS = 9;
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const time = (calls) => {
  const t0 = process.cpuUsage();
  for (const call of calls) call();
  const { user, system } = process.cpuUsage(t0);
  return (user + system) / calls.length;
};

const referrers = load('referrers');
const agents = load('user-agents');
let round = 0;
// Unseen inputs: a query parameter no rule reads makes each page new to the cache; a
// trailing build tag each agent.
const fresh = {
  traffic: () => referrers.map((c, i) => () => classifyTraffic(`${c.page}${c.page.includes('?') ? '&' : '?'}r${round}=${i}`, c.referrer)),
  agent: () => agents.map((c, i) => () => agentOf(`${c.ua} r${round}/${i}`, c.hints)),
};
const same = {
  traffic: () => referrers.map((c) => () => classifyTraffic(c.page, c.referrer)),
  agent: () => agents.map((c) => () => agentOf(c.ua, c.hints)),
};

const rows = [];
for (const fn of ['traffic', 'agent']) {
  const cold = [];
  const warm = [];
  // A warm-up round (JIT), then the measured ones.
  for (round = 0; round <= ROUNDS; round++) {
    const c = time(fresh[fn]());
    const w = time(same[fn]());
    if (round) cold.push(c), warm.push(w);
  }
  rows.push([fn === 'traffic' ? 'classifyTraffic' : 'agentOf', median(cold).toFixed(2), median(warm).toFixed(2)]);
}
console.log('| call | µs new input | µs cached |\n| --- | ---: | ---: |');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
