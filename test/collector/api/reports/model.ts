/**
 * The independent calculation: what the reports must answer for generated traffic,
 * worked out in plain TypeScript from the deliveries as sent — which events the
 * collector keeps (first version of an id; held events released by a later page view),
 * which count (no test mode, no bots, nothing still held), and the report definitions of
 * the README applied to them. It shares no code with the collector.
 */
import type { Delivery, GenEvent, Traffic } from './generate-traffic.js';

export interface ModelEvent {
  eventId: string;
  /** Store order: the first stored of two events of the same time is the earlier. */
  seq: number;
  name: string;
  step: string | null;
  type: string | null;
  ts: number;
  userId: string;
  sessionId: string;
  category: string | null;
  productId: string | null;
  pageUrl: string | null;
  traffic: Traffic;
  device: string;
  country: string | null;
  /** Upper case; the account's when the event has none. */
  currency: string | null;
  /** CHECKOUT total in cents. */
  totalCents: number | null;
  /** A CHECKOUT's productList as sent. */
  lines: { productId: unknown; price?: unknown; currency?: unknown; quantity?: unknown }[];
}

/** A stored event that no report counts, and why. */
export interface LeftOut {
  ts: number;
  why: 'test' | 'bot' | 'held';
}

export interface ModelStats {
  sent: number;
  stored: number;
  counted: number;
  repeats: number;
  releasedHeld: number;
  stillHeld: number;
  test: number;
  bot: number;
  /** Resends with altered content: ignored (a repeat) or, wrongly, stored first. */
  alteredIgnored: number;
  alteredStored: number;
}

const toModel = (e: GenEvent, seq: number, accountCurrency: string): ModelEvent => {
  const b = e.body as Record<string, unknown>;
  const str = (v: unknown) => (v === undefined || v === null || v === '' ? null : String(v));
  const withCurrency = ['PRODUCT_VIEW', 'BASKET_OPERATIONS', 'CHECKOUT'].includes(b.name as string);
  return {
    eventId: b.eventId as string,
    seq,
    name: b.name as string,
    step: str(b.step),
    type: b.name === 'CUSTOM_EVENT' ? str(b.type) : null,
    ts: b.timestamp as number,
    userId: b.userId as string,
    sessionId: b.sessionId as string,
    category: str(b.category),
    productId: str(b.productId),
    pageUrl: str(b.pageUrl),
    traffic: e.traffic,
    device: b.device as string,
    country: e.country,
    currency: str(b.currency)?.toUpperCase() ?? (withCurrency ? accountCurrency : null),
    totalCents: b.totalPrice === undefined ? null : Math.round(Number(b.totalPrice) * 100),
    lines: b.name === 'CHECKOUT' && Array.isArray(b.productList) ? (b.productList as ModelEvent['lines']) : [],
  };
};

/** Replays the deliveries in order, as the collector stores them; returns the counted events. */
export function countedEvents(deliveries: Delivery[], accountCurrency: string): { events: ModelEvent[]; stats: ModelStats; left: LeftOut[] } {
  const stored = new Map<string, { e: GenEvent; held: boolean; wasHeld: boolean }>();
  const stats: ModelStats = { sent: 0, stored: 0, counted: 0, repeats: 0, releasedHeld: 0, stillHeld: 0, test: 0, bot: 0, alteredIgnored: 0, alteredStored: 0 };
  for (const d of deliveries) {
    // Users with held events before this request (the collector's release check).
    const heldUsers = new Set([...stored.values()].filter((s) => s.held).map((s) => s.e.body.userId));
    for (const e of d.events) {
      stats.sent++;
      if (stored.has(e.body.eventId)) {
        stats.repeats++;
        if (e.altered) stats.alteredIgnored++;
        continue;
      }
      if (e.altered) stats.alteredStored++;
      const held = e.body.nextPage === true;
      stored.set(e.body.eventId, { e, held, wasHeld: held });
    }
    const pageViews = d.events.filter((e) => e.body.name === 'PAGE_VIEW' && e.body.nextPage !== true);
    if (!pageViews.some((e) => heldUsers.has(e.body.userId))) continue;
    const latest = new Map<string, number>();
    for (const e of pageViews) latest.set(e.body.userId, Math.max(latest.get(e.body.userId) ?? -Infinity, e.body.timestamp));
    for (const s of stored.values()) if (s.held && s.e.body.timestamp < (latest.get(s.e.body.userId) ?? -Infinity)) s.held = false;
  }
  const events: ModelEvent[] = [];
  const left: LeftOut[] = [];
  let seq = 0;
  for (const s of stored.values()) {
    seq++;
    stats.stored++;
    if (s.e.session.test) stats.test++;
    else if (s.e.session.bot) stats.bot++;
    if (s.wasHeld) s.held ? stats.stillHeld++ : stats.releasedHeld++;
    const why = s.e.session.test ? 'test' : s.e.session.bot ? 'bot' : s.held ? 'held' : undefined;
    if (why) left.push({ ts: s.e.body.timestamp, why });
    else events.push(toModel(s.e, seq, accountCurrency));
  }
  stats.counted = events.length;
  return { events, stats, left };
}

/** A condition as the README defines it, read independently of the collector's SQL. */
export type Condition = Partial<Record<'name' | 'step' | 'type' | 'category' | 'productId' | 'source' | 'medium' | 'campaign' | 'device' | 'country', string | string[]>> & {
  pageUrlContains?: string;
};

export function matches(e: ModelEvent, c: Condition | undefined): boolean {
  if (!c) return true;
  const values: Record<string, string | null> = {
    name: e.name,
    step: e.step,
    type: e.type,
    category: e.category,
    productId: e.productId,
    source: e.traffic[0],
    medium: e.traffic[1],
    campaign: e.traffic[2],
    device: e.device,
    country: e.country,
  };
  for (const [k, v] of Object.entries(c)) {
    if (k === 'pageUrlContains') {
      if (!e.pageUrl?.includes(v as string)) return false;
      continue;
    }
    const list = Array.isArray(v) ? v : [v];
    if (values[k] === null || !list.includes(values[k]!)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- local calendar

const partsFormat = new Map<string, Intl.DateTimeFormat>();
/** Local date (YYYY-MM-DD), hour and ISO weekday of an instant, through Intl. */
export function local(ts: number, timeZone: string): { date: string; hour: number; weekday: number } {
  let f = partsFormat.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' });
    partsFormat.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(ts).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, hour: Number(p.hour), weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday!) + 1 };
}

/** An event time filter: an instant interval, or local calendar days (inclusive, YYYY-MM-DD). */
export type When = { start: number; end: number } | { firstDay: string; lastDay: string; timeZone: string };

/** The first instant of a local calendar day, found by bisection over instants with Intl. */
export function localDayStart(date: string, timeZone: string): number {
  let lo = Date.parse(`${date}T00:00:00Z`) - 18 * 3_600_000;
  let hi = lo + 36 * 3_600_000;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (local(mid, timeZone).date >= date) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The first instant of a time filter. */
export const startOf = (w: When) => ('start' in w ? w.start : localDayStart(w.firstDay, w.timeZone));

export const within = (ts: number, w: When) => {
  if ('start' in w) return ts >= w.start && ts < w.end;
  const d = local(ts, w.timeZone).date;
  return d >= w.firstDay && d <= w.lastDay;
};

// ---------------------------------------------------------------- funnel

export type Group = 'source' | 'medium' | 'campaign' | 'country' | 'device';

export interface FunnelExpectation {
  when: When;
  group: Group;
  country?: string;
  skip?: number;
  limit?: number;
  /** The response's key, e.g. "Source". */
  label: string;
}

const groupValue = (e: ModelEvent, g: Group): string | null =>
  g === 'source' ? e.traffic[0] : g === 'medium' ? e.traffic[1] : g === 'campaign' ? e.traffic[2] : g === 'country' ? e.country : e.device;

export const NONE: Record<Group, string> = { source: '(not set)', medium: '(none)', campaign: '(not set)', country: '(not set)', device: '(not set)' };

export const bySession = (events: ModelEvent[]) => {
  const m = new Map<string, ModelEvent[]>();
  for (const e of events) (m.get(e.sessionId) ?? m.set(e.sessionId, []).get(e.sessionId)!).push(e);
  return m;
};

/** The landing: the first event by time, and of events of the same time the first stored. */
export const earliest = (list: ModelEvent[]) => list.reduce((a, b) => (b.ts < a.ts || (b.ts === a.ts && b.seq < a.seq) ? b : a));

/** How far before the range a session's landing is looked for (README: sessions last at most 24 h). */
export const LOOKBACK_MS = 24 * 3_600_000;

/**
 * The funnel rows: sessions with an event in the range, grouped by their landing event
 * (the first event from 24 hours before the range on).
 */
export function expectedFunnel(events: ModelEvent[], q: FunnelExpectation): Record<string, string | number>[] {
  const groups = new Map<string | null, { clicks: number; micro: number; cart: number; checkout: number; conv: number }>();
  const from = startOf(q.when) - LOOKBACK_MS;
  for (const list of bySession(events).values()) {
    const inRange = list.filter((e) => within(e.ts, q.when));
    if (!inRange.length) continue;
    const landing = earliest(list.filter((e) => e.ts >= from));
    if (q.country && landing.country !== q.country) continue;
    const key = groupValue(landing, q.group);
    const g = groups.get(key) ?? groups.set(key, { clicks: 0, micro: 0, cart: 0, checkout: 0, conv: 0 }).get(key)!;
    g.clicks++;
    if (inRange.some((e) => e.name === 'PRODUCT_VIEW')) g.micro++;
    if (inRange.some((e) => e.name === 'BASKET_OPERATIONS' && e.step === 'add')) g.cart++;
    if (inRange.some((e) => e.name === 'CHECKOUT')) g.checkout++;
    if (inRange.some((e) => e.name === 'CHECKOUT' && e.step === 'purchase')) g.conv++;
  }
  const rows = [...groups.entries()].sort(([ka, a], [kb, b]) => {
    if (a.clicks !== b.clicks) return b.clicks - a.clicks;
    if (ka === kb) return 0;
    if (ka === null) return 1;
    if (kb === null) return -1;
    return ka < kb ? -1 : 1;
  });
  const skip = q.skip ?? 0;
  return rows.slice(skip, skip + (q.limit ?? 100)).map(([key, g]) => ({
    [q.label]: key ?? NONE[q.group],
    clicks: g.clicks,
    conversions: g.conv,
    microconversions: g.micro,
    'add-to-cart': g.cart,
    checkout: g.checkout,
  }));
}

// ---------------------------------------------------------------- sidedata

export interface PageNavigationExpectation {
  when: When;
  timeZone: string;
  entry?: Condition;
  days: boolean;
}

export function expectedPageNavigation(events: ModelEvent[], q: PageNavigationExpectation) {
  const inInterval = events.filter((e) => within(e.ts, q.when));
  const entering = inInterval.filter((e) => matches(e, q.entry));
  const entered = new Map<string, number>();
  for (const e of entering) entered.set(e.sessionId, Math.min(entered.get(e.sessionId) ?? Infinity, e.ts));
  const views = inInterval.filter((e) => e.name === 'PAGE_VIEW' && entered.has(e.sessionId) && e.ts >= entered.get(e.sessionId)!);
  const hours = Array.from({ length: 24 }, (_, h) => [0, h]);
  const days = Array.from({ length: 7 }, (_, d) => [0, d + 1]);
  for (const e of views) {
    const l = local(e.ts, q.timeZone);
    hours[l.hour]![0]!++;
    days[l.weekday - 1]![0]!++;
  }
  return {
    timeframe_stat: { ...(q.days ? { day_in_week: days } : {}), hour_in_day: hours },
    unique_visitors_count: new Set(entering.map((e) => e.userId)).size,
    unique_sessions_count: new Set(entering.map((e) => e.sessionId)).size,
  };
}

export interface GoalSpec {
  uid: string;
  name: string;
  when: Condition;
}

export interface InteractionExpectation {
  when: When;
  entry: Condition;
  goals: GoalSpec[];
  /** The account's goals, then the built-in purchase goal. */
  outerGoals: GoalSpec[];
}

export function expectedInteraction(events: ModelEvent[], q: InteractionExpectation) {
  const inInterval = events.filter((e) => within(e.ts, q.when));
  const entering = inInterval.filter((e) => matches(e, q.entry));
  const runStart = new Map<string, number>();
  const visitorStart = new Map<string, number>();
  for (const e of entering) {
    runStart.set(e.sessionId, Math.min(runStart.get(e.sessionId) ?? Infinity, e.ts));
    visitorStart.set(e.userId, Math.min(visitorStart.get(e.userId) ?? Infinity, e.ts));
  }
  const inRun = inInterval.filter((e) => runStart.has(e.sessionId) && e.ts >= runStart.get(e.sessionId)!);
  const afterVisitorStart = inInterval.filter((e) => visitorStart.has(e.userId) && e.ts >= visitorStart.get(e.userId)!);
  const cents = new Map<string, number>();
  for (const e of afterVisitorStart) {
    if (e.totalCents === null) continue;
    const purchase = e.name === 'CHECKOUT' && e.step === 'purchase';
    const takenBack = e.name === 'CUSTOM_EVENT' && (e.type === 'refund' || e.type === 'cancelation');
    if (purchase || takenBack) cents.set(e.currency!, (cents.get(e.currency!) ?? 0) + (purchase ? e.totalCents : -Math.abs(e.totalCents)));
  }
  return {
    unique_visitors_count: visitorStart.size,
    started_workflows_count: runStart.size,
    sum_of_visitor_purchases: [...cents.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, c]) => ({ value: c / 100, currency })),
    triggered_goals: q.goals.map((g) => ({
      uid: g.uid,
      name: g.name,
      metrics: new Set(inRun.filter((e) => matches(e, g.when)).map((e) => e.sessionId)).size,
    })),
    affected_goals: q.outerGoals.map((g) => ({
      uid: g.uid,
      metrics: new Set(afterVisitorStart.filter((e) => matches(e, g.when)).map((e) => e.userId)).size,
      name: g.name,
    })),
  };
}
