// Scores an adapter (see adapters/cartbeacon.mjs for the shape) on the accuracy fixtures.
// Each function returns { rows: [[label, cases, right]], misses: [string] }.
import { load } from './fixtures.mjs';

/** Brand names compared loosely: case, punctuation and a trailing "search" do not matter. */
const norm = (s) => (s == null ? '' : ('' + s).toLowerCase().replace(/[^a-z0-9]/g, '').replace(/(web)?search$/, ''));
const sameSource = (got, want) => [].concat(want).some((w) => norm(got) === norm(w));

const SUMMARIES = new Set(['mainstream tablets', 'with a hint', 'agent only', 'held out']);

function tally(cases, label, ok) {
  const groups = new Map();
  const misses = [];
  for (const c of cases) {
    for (const g of label(c)) {
      const r = groups.get(g) ?? [0, 0];
      r[0]++;
      groups.set(g, r);
    }
    const verdict = ok(c);
    if (verdict === true) for (const g of label(c)) groups.get(g)[1]++;
    else misses.push(verdict);
  }
  // Groups as they first appear, then tags, classes and summaries, 'all' last.
  const rank = (g) => (/(^|: )all$/.test(g) ? 4 : g.startsWith('· ') ? 1 : g.startsWith('class ') ? 2 : SUMMARIES.has(g) ? 3 : 0);
  const rows = [...groups].map(([g, [n, right]]) => [g, n, right]);
  return { rows: rows.sort((a, b) => rank(a[0]) - rank(b[0])), misses };
}

/** Referrers: medium right, and source and medium right, per group and tag. */
export function scoreReferrers(adapter) {
  const cases = load('referrers');
  const got = new Map(cases.map((c) => [c, adapter.traffic(c.page, c.referrer) ?? {}]));
  const mediumOk = (c) => (got.get(c).medium ?? null) === c.expect.medium;
  const label = (c) => [c.group, ...(c.tag ? ['· ' + c.tag] : []), 'all'];
  const medium = tally(cases, label, (c) => mediumOk(c) || 'medium');
  const both = tally(cases, label, (c) => (mediumOk(c) && sameSource(got.get(c).source, c.expect.source)) || `${c.referrer} on ${c.page}: ${JSON.stringify(got.get(c))}, want ${JSON.stringify(c.expect)}`);
  return {
    header: ['group', 'cases', 'medium right', '%', 'source and medium right', '%'],
    rows: medium.rows.map(([g, n, r], i) => [g, n, r, pct(r, n), both.rows[i][2], pct(both.rows[i][2], n)]),
    misses: both.misses,
  };
}

const TABLETS = new Set(['ipad', 'ipad-desktop', 'android-tablet', 'android-tablet-mobile-token', 'fire-tablet']);

/** Devices: right per group, per expected class, and for mainstream tablets. */
export function scoreDevices(adapter) {
  const cases = load('user-agents');
  // Cases marked holdout were written after the rules, to score them on agents they were not made from.
  const label = (c) => [c.group, 'class ' + c.expect, ...(TABLETS.has(c.group) ? ['mainstream tablets'] : []), ...(c.hints ? ['with a hint'] : ['agent only']), ...(c.holdout ? ['held out'] : []), 'all'];
  const t = tally(cases, label, (c) => {
    const d = adapter.device(c.ua, c.hints);
    return d === c.expect || `${c.group}: ${d}, want ${c.expect}${c.hints ? ' ' + JSON.stringify(c.hints) : ''}: ${c.ua}`;
  });
  return { header: ['group', 'cases', 'right', '%'], rows: t.rows.map(([g, n, r]) => [g, n, r, pct(r, n)]), misses: t.misses };
}

/** Bots: the share of bots caught, and of human agents wrongly flagged (per kind). */
export function scoreBots(adapter) {
  const bots = load('bots');
  const humans = load('humans');
  const caught = tally(bots, (c) => ['bots caught: ' + c.kind, 'bots caught: all'], (c) => adapter.isBot(c.ua) || `missed bot: ${c.ua}`);
  const flagged = tally(humans, (c) => ['humans flagged: ' + c.kind, 'humans flagged: all'], (c) => !adapter.isBot(c.ua) || `flagged human (${c.kind}): ${c.ua}`);
  const rows = [
    ...caught.rows.map(([g, n, r]) => [g, n, r, pct(r, n)]),
    ...flagged.rows.map(([g, n, notFlagged]) => [g, n, n - notFlagged, pct(n - notFlagged, n)]),
  ];
  return { header: ['set', 'cases', 'flagged', '%'], rows, misses: [...caught.misses, ...flagged.misses] };
}

/** Prices: the number read from a JSON-LD value, a microdata content value or visible text. */
export function scorePrices(adapter) {
  const cases = load('prices');
  const t = tally(cases, (c) => [c.kind, 'all'], (c) => {
    let n = adapter.price(c.value, c.kind);
    if (n == null || Number.isNaN(n)) n = null;
    return n === c.expect || `${c.kind} ${JSON.stringify(c.value)}: ${n}, want ${c.expect}`;
  });
  return { header: ['source kind', 'cases', 'right', '%'], rows: t.rows.map(([g, n, r]) => [g, n, r, pct(r, n)]), misses: t.misses };
}

/** Microseconds per call of fn over inputs, after one warm-up pass. */
export function timePerCall(fn, inputs, rounds = 3) {
  for (const x of inputs) fn(x);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) for (const x of inputs) fn(x);
  return Number(process.hrtime.bigint() - t0) / 1e3 / (rounds * inputs.length);
}

const pct = (r, n) => (n ? ((100 * r) / n).toFixed(1) : '–');
