/**
 * The dashboard's panels worked out independently, in plain TypeScript over the counted
 * events of the model (model.ts), from the definitions in docs/dashboard.md. It shares no
 * code with the collector: local times through Intl, paths by string search, money in
 * integer ten-thousandths.
 */
import { bySession, earliest, local, localDayStart, LOOKBACK_MS, NONE, within } from './model.js';
import type { LeftOut, ModelEvent, When } from './model.js';

const isPurchase = (e: ModelEvent) => e.name === 'CHECKOUT' && e.step === 'purchase';
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const HOUR = 3_600_000;

/** Sums of ten-thousandths per currency. */
class Amounts {
  readonly by = new Map<string, number>();
  add(currency: string, tenThousandths: number) {
    this.by.set(currency, (this.by.get(currency) ?? 0) + tenThousandths);
  }
  list() {
    return [...this.by.entries()].sort(([a], [b]) => byText(a, b)).map(([currency, v]) => ({ currency, value: v / 10000 }));
  }
}

/** A purchase's total into `amounts`, when it has one. */
const addPurchase = (amounts: Amounts, e: ModelEvent) => {
  if (e.totalCents !== null) amounts.add(e.currency!, e.totalCents * 100);
};

/**
 * `revenue_<CUR>` columns: the account's currency first, then each other currency that
 * any row has, by code; 0 where a row has none.
 */
function flatten(rows: { row: Record<string, unknown>; amounts: Amounts }[], fields: string[], accountCurrency: string) {
  const others = new Set<string>();
  for (const r of rows) for (const c of r.amounts.by.keys()) if (c !== accountCurrency) others.add(c);
  const codes = [accountCurrency, ...[...others].sort(byText)];
  return {
    fields: [...fields, ...codes.map((c) => `revenue_${c}`)],
    data: rows.map(({ row, amounts }) => {
      const out = { ...row };
      for (const c of codes) out[`revenue_${c}`] = (amounts.by.get(c) ?? 0) / 10000;
      return out;
    }),
  };
}

export function expectedTotals(events: ModelEvent[], when: When) {
  const inRange = events.filter((e) => within(e.ts, when));
  const revenue = new Amounts();
  inRange.filter(isPurchase).forEach((e) => addPurchase(revenue, e));
  return {
    visitors: new Set(inRange.map((e) => e.userId)).size,
    sessions: new Set(inRange.map((e) => e.sessionId)).size,
    page_views: inRange.filter((e) => e.name === 'PAGE_VIEW').length,
    orders: inRange.filter(isPurchase).length,
    revenue: revenue.list(),
  };
}

/** "+03:00" for an instant in a zone, through Intl's longOffset. */
function offsetText(ts: number, timeZone: string): string {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(ts).find((p) => p.type === 'timeZoneName')!.value;
  return name === 'GMT' ? '+00:00' : name.slice(3);
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * The time series of local days first…last: by hour when it is one day (from the day's
 * first instant, an hour at a time, labelled with the local time and its offset), else
 * by day; only buckets that have begun by `now`.
 */
export function expectedTimeSeries(events: ModelEvent[], q: { firstDay: string; lastDay: string; timeZone: string; now: number; currency: string }) {
  const when: When = { firstDay: q.firstDay, lastDay: q.lastDay, timeZone: q.timeZone };
  const buckets: { start: number; time: string }[] = [];
  if (q.firstDay === q.lastDay) {
    const end = localDayStart(nextDay(q.firstDay), q.timeZone);
    for (let t = localDayStart(q.firstDay, q.timeZone); t < end && t <= q.now; t += HOUR) {
      const l = local(t, q.timeZone);
      buckets.push({ start: t, time: `${l.date}T${String(l.hour).padStart(2, '0')}:00${offsetText(t, q.timeZone)}` });
    }
  } else {
    for (let d = q.firstDay; d <= q.lastDay; d = nextDay(d)) {
      const start = localDayStart(d, q.timeZone);
      if (start > q.now) break;
      buckets.push({ start, time: d });
    }
  }
  const rows = buckets.map((b, i) => {
    const end = buckets[i + 1]?.start ?? Infinity;
    const inBucket = events.filter((e) => within(e.ts, when) && e.ts >= b.start && e.ts < end);
    const t = expectedTotals(inBucket, when);
    const amounts = new Amounts();
    inBucket.filter(isPurchase).forEach((e) => addPurchase(amounts, e));
    return { row: { time: b.time, visitors: t.visitors, sessions: t.sessions, page_views: t.page_views, orders: t.orders }, amounts };
  });
  return { bucket: q.firstDay === q.lastDay ? 'hour' : 'day', ...flatten(rows, ['time', 'visitors', 'sessions', 'page_views', 'orders'], q.currency) };
}

export function expectedHeatmap(events: ModelEvent[], when: When, timeZone: string) {
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const hours = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`);
  const rows = days.map((weekday) => Object.fromEntries([['weekday', weekday], ...hours.map((h) => [h, 0])]) as Record<string, string | number>);
  for (const e of events) {
    if (e.name !== 'PAGE_VIEW' || !within(e.ts, when)) continue;
    const l = local(e.ts, timeZone);
    (rows[l.weekday - 1]![hours[l.hour]!] as number)++;
  }
  return { fields: ['weekday', ...hours], data: rows };
}

/** The path of a page URL: what follows the scheme's "://" and the host, up to "?" or "#"; "/" when empty. */
export function pathOf(url: string): string {
  let rest = url;
  const sep = url.indexOf('://');
  if (sep > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, sep))) {
    rest = url.slice(sep + 3);
    const cut = rest.search(/[/?#]/);
    rest = cut < 0 ? '' : rest.slice(cut);
  }
  const end = rest.search(/[?#]/);
  return (end < 0 ? rest : rest.slice(0, end)) || '/';
}

export function expectedPages(events: ModelEvent[], when: When, limit: number) {
  const pages = new Map<string | null, { views: number; visitors: Set<string> }>();
  for (const e of events) {
    if (e.name !== 'PAGE_VIEW' || !within(e.ts, when)) continue;
    const key = e.pageUrl === null ? null : pathOf(e.pageUrl);
    const p = pages.get(key) ?? pages.set(key, { views: 0, visitors: new Set() }).get(key)!;
    p.views++;
    p.visitors.add(e.userId);
  }
  const rows = [...pages.entries()].sort(([ka, a], [kb, b]) => b.views - a.views || (ka === null ? 1 : kb === null ? -1 : byText(ka, kb)));
  return {
    fields: ['page', 'page_views', 'visitors'],
    data: rows.slice(0, limit).map(([page, p]) => ({ page: page ?? '(not set)', page_views: p.views, visitors: p.visitors.size })),
  };
}

/** Ten-thousandths of a decimal text or number. */
const tenThousandths = (v: unknown) => Math.round(Number(v) * 10000);

export function expectedProducts(events: ModelEvent[], when: When, limit: number, currency: string) {
  const products = new Map<string, { views: number; adds: number; orders: Set<string>; amounts: Amounts }>();
  const of = (id: string) => products.get(id) ?? products.set(id, { views: 0, adds: 0, orders: new Set(), amounts: new Amounts() }).get(id)!;
  for (const e of events) {
    if (!within(e.ts, when)) continue;
    if (e.name === 'PRODUCT_VIEW' && e.productId !== null) of(e.productId).views++;
    if (e.name === 'BASKET_OPERATIONS' && e.step === 'add' && e.productId !== null) of(e.productId).adds++;
    if (!isPurchase(e)) continue;
    for (const line of e.lines) {
      if (line.productId === undefined || line.productId === null) continue;
      const p = of(String(line.productId));
      p.orders.add(e.eventId);
      if (line.price === undefined || line.price === null) continue;
      const cur = typeof line.currency === 'string' && line.currency.trim() ? line.currency.trim().toUpperCase() : e.currency!;
      p.amounts.add(cur, tenThousandths(line.price) * Number(line.quantity ?? 1));
    }
  }
  const rows = [...products.entries()]
    .sort(([ka, a], [kb, b]) => b.orders.size - a.orders.size || b.adds - a.adds || b.views - a.views || byText(ka, kb))
    .slice(0, limit)
    .map(([product, p]) => ({ row: { product, views: p.views, adds: p.adds, purchases: p.orders.size }, amounts: p.amounts }));
  return flatten(rows, ['product', 'views', 'adds', 'purchases'], currency);
}

/**
 * Sessions with a counted event in the range, by their landing (the first event from 24
 * hours before the range): the stages they reached in the range, and their orders and
 * revenue in it, by (source, medium) and by campaign.
 */
export function expectedAcquisition(events: ModelEvent[], q: { firstDay: string; lastDay: string; timeZone: string; limit: number; currency: string }) {
  const when: When = { firstDay: q.firstDay, lastDay: q.lastDay, timeZone: q.timeZone };
  const from = localDayStart(q.firstDay, q.timeZone) - LOOKBACK_MS;
  const stages = { sessions: 0, product_views: 0, add_to_cart: 0, checkout: 0, purchase: 0 };
  type Group = { key: string | null; medium?: string | null; sessions: number; orders: number; amounts: Amounts };
  const sources = new Map<string, Group>();
  const campaigns = new Map<string, Group>();
  for (const list of bySession(events).values()) {
    const inRange = list.filter((e) => within(e.ts, when));
    if (!inRange.length) continue;
    const landing = earliest(list.filter((e) => e.ts >= from));
    stages.sessions++;
    if (inRange.some((e) => e.name === 'PRODUCT_VIEW')) stages.product_views++;
    if (inRange.some((e) => e.name === 'BASKET_OPERATIONS' && e.step === 'add')) stages.add_to_cart++;
    if (inRange.some((e) => e.name === 'CHECKOUT')) stages.checkout++;
    if (inRange.some(isPurchase)) stages.purchase++;
    const purchases = inRange.filter(isPurchase);
    const [source, medium, campaign] = landing.traffic;
    const groups: [Map<string, Group>, string, Omit<Group, 'sessions' | 'orders' | 'amounts'>][] = [[sources, JSON.stringify([source, medium]), { key: source, medium }]];
    if (campaign !== null) groups.push([campaigns, campaign, { key: campaign }]);
    for (const [map, id, init] of groups) {
      const g = map.get(id) ?? map.set(id, { ...init, sessions: 0, orders: 0, amounts: new Amounts() }).get(id)!;
      g.sessions++;
      g.orders += purchases.length;
      purchases.forEach((e) => addPurchase(g.amounts, e));
    }
  }
  const nullsLast = (a: string | null | undefined, b: string | null | undefined) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : byText(a!, b!));
  const top = (map: Map<string, Group>) =>
    [...map.values()].sort((a, b) => b.sessions - a.sessions || nullsLast(a.key, b.key) || nullsLast(a.medium, b.medium)).slice(0, q.limit);
  return {
    stages: Object.entries(stages).map(([stage, sessions]) => ({ stage, sessions })),
    sources: flatten(
      top(sources).map((g) => ({ row: { source: g.key ?? NONE.source, medium: g.medium ?? NONE.medium, sessions: g.sessions, orders: g.orders }, amounts: g.amounts })),
      ['source', 'medium', 'sessions', 'orders'],
      q.currency,
    ),
    campaigns: flatten(
      top(campaigns).map((g) => ({ row: { campaign: g.key, sessions: g.sessions, orders: g.orders }, amounts: g.amounts })),
      ['campaign', 'sessions', 'orders'],
      q.currency,
    ),
  };
}

export function expectedRealtime(events: ModelEvent[], since: number) {
  const recent = events.filter((e) => e.ts >= since);
  return {
    visitors: new Set(recent.map((e) => e.userId)).size,
    sessions: new Set(recent.map((e) => e.sessionId)).size,
    page_views: recent.filter((e) => e.name === 'PAGE_VIEW').length,
  };
}

export function expectedExcluded(left: LeftOut[], when: When) {
  const inRange = left.filter((l) => within(l.ts, when));
  return {
    test_mode: inRange.filter((l) => l.why === 'test').length,
    bots: inRange.filter((l) => l.why === 'bot').length,
    held: inRange.filter((l) => l.why === 'held').length,
  };
}
