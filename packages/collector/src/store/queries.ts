/**
 * What the report endpoints ask a store, and what it answers. Every count is made by the
 * store (in SQL for DuckDB); routes only shape the answers.
 *
 * Counted events: events that are not test-mode (`testMode`), not from bots, and not
 * held (a server-side nextPage event counts once the visitor's next page view released
 * it). Repeated event ids are stored once, so they count once.
 */

import type { EventCondition, Goal } from '../config/workflows.js';

export type { EventCondition, Goal };

/** A workflow condition's fields that compare a column for equality, and their columns (every store's). */
export const CONDITION_FIELDS = {
  name: 'name',
  step: 'step',
  type: 'type',
  category: 'category',
  productId: 'product_id',
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  device: 'device',
  country: 'country',
} as const satisfies Record<Exclude<keyof EventCondition, 'pageUrlContains'>, string>;

/**
 * How far before a funnel's range a session's landing event is looked for: the longest a
 * session lasts (the tracker starts a new one after 24 hours, or 30 minutes idle). A
 * server-side session id kept longer is attributed by its first event from then on.
 */
export const SESSION_LOOKBACK_MS = 24 * 3_600_000;

/** What a funnel groups sessions by: a property of the session's landing (first) event. */
export type FunnelGroup = 'source' | 'medium' | 'campaign' | 'country' | 'device';

export interface FunnelQuery {
  accountId: string;
  /** Milliseconds since the epoch; the range is [start, end). */
  start: number;
  end: number;
  groupBy: FunnelGroup;
  /** Only sessions whose landing event has this ISO 3166-1 alpha-2 country (upper case). */
  country?: string;
  skip: number;
  limit: number;
}

/**
 * One group of a funnel: sessions with a counted event in the range, by their landing
 * event (their first counted event, from SESSION_LOOKBACK_MS before the range on).
 */
export interface FunnelRow {
  /** The landing event's value; null when it has none (e.g. no medium). */
  key: string | null;
  /** Sessions. */
  clicks: number;
  /** Sessions with a PRODUCT_VIEW in the range. */
  microconversions: number;
  /** Sessions with a BASKET_OPERATIONS add in the range. */
  addToCart: number;
  /** Sessions with any CHECKOUT event in the range. */
  checkout: number;
  /** Sessions with a CHECKOUT purchase in the range. */
  conversions: number;
}

export interface PageNavigationQuery {
  accountId: string;
  /** Milliseconds since the epoch; the interval is [start, end). */
  start: number;
  end: number;
  /** IANA time zone of the hour and weekday statistics. */
  timeZone: string;
  /**
   * Sessions enter the workflow at their first matching event in the interval and count
   * from there; without it every session is in from its first event (all traffic).
   */
  entry?: EventCondition;
  /** Whether to count page views per weekday too. */
  days: boolean;
}

export interface PageNavigationStats {
  /** [page views, hour] for hours 0–23, in order. */
  hourInDay: [number, number][];
  /** [page views, ISO weekday] for days 1 (Monday) – 7, in order; when asked for. */
  dayInWeek?: [number, number][];
  /** Distinct visitor (user) ids of the entering events. */
  uniqueVisitors: number;
  /** Distinct session ids of the entering events. */
  uniqueSessions: number;
}

export interface InteractionQuery {
  accountId: string;
  start: number;
  end: number;
  /** A run of the workflow starts at a session's first matching event in the interval. */
  entry: EventCondition;
  /** The workflow's goals: counted per run, reached in the same session from its start. */
  goals: Goal[];
  /** The account's goals: counted per visitor, reached from the visitor's first run on. */
  outerGoals: Goal[];
  /** The currency of purchases that carry none. */
  currency: string;
}

export interface InteractionStats {
  uniqueVisitors: number;
  /** Runs: sessions with an entering event in the interval. */
  startedWorkflows: number;
  /** Per goal of the query, in order: runs that reached it. */
  goals: number[];
  /** Per outer goal of the query, in order: visitors who reached it. */
  outerGoals: number[];
  /** CHECKOUT purchase totals of the visitors from their first run on, by currency. */
  purchases: { currency: string; value: number }[];
}

// ---------------------------------------------------------------- the dashboard's panels

/**
 * An amount per currency: purchases in their own currency (the account's when they carry
 * none), summed exactly by the store.
 */
export interface Money {
  /** ISO 4217, upper case. */
  currency: string;
  value: number;
}

/** The counted events of one account in [start, end). */
export interface RangeQuery {
  accountId: string;
  /** Milliseconds since the epoch; the range is [start, end). */
  start: number;
  end: number;
  /** The currency of purchases that carry none (the account's). */
  currency: string;
}

/**
 * The headline figures of a range, over counted events: distinct visitor (user) ids,
 * distinct session ids, PAGE_VIEW events, CHECKOUT purchase events (orders), and the
 * purchases' totalPrice summed per currency (revenue; refunds are not taken off).
 */
export interface Totals {
  visitors: number;
  sessions: number;
  pageViews: number;
  orders: number;
  /** Sorted by currency; none when there was no purchase with a total. */
  revenue: Money[];
}

export interface TimeSeriesQuery extends RangeQuery {
  /** IANA time zone whose hours or days are the buckets. */
  timeZone: string;
  bucket: 'hour' | 'day';
}

/** Totals of one bucket: a local hour (a repeated hour of a clock change is two) or a local day. */
export interface TimeSeriesPoint extends Totals {
  /** The bucket's first instant (ms since the epoch): its local hour's or day's start. */
  start: number;
}

export interface HeatmapQuery {
  accountId: string;
  start: number;
  end: number;
  /** IANA time zone of the weekdays and hours. */
  timeZone: string;
}

/** Page views of one local weekday and hour (cells without any are left out). */
export interface HeatmapCell {
  /** ISO weekday: Monday 1 … Sunday 7. */
  weekday: number;
  /** 0–23. */
  hour: number;
  pageViews: number;
}

export interface TopQuery extends RangeQuery {
  /** How many rows at most. */
  limit: number;
}

/**
 * Page views per page: the page URL's path (the text after the host up to `?` or `#`, `/`
 * when empty; not decoded), and the distinct visitors who viewed it. Most viewed first,
 * then by path.
 */
export interface PageRow {
  /** null for page views without a URL. */
  page: string | null;
  pageViews: number;
  visitors: number;
}

/**
 * Per product id: PRODUCT_VIEW events, BASKET_OPERATIONS add events, CHECKOUT purchase
 * events whose productList holds it (purchases), and price × quantity (1 when not given)
 * of those lines per currency (the line's, else its purchase's). Most purchased first,
 * then most added, most viewed, then by id. Lines come from the event API's productList;
 * orders that come without one (the vendor-compatible APIs') count in the totals only.
 */
export interface ProductRow {
  product: string;
  views: number;
  adds: number;
  purchases: number;
  revenue: Money[];
}

/**
 * The funnel's stages over every session of the range (as the funnel counts them: sessions
 * with a counted event in the range, steps reached in it).
 */
export interface FunnelStages {
  sessions: number;
  productViews: number;
  addToCart: number;
  checkout: number;
  purchases: number;
}

/** Sessions of a landing (source, medium) or campaign, their orders and revenue in the range. */
export interface LandingRow {
  /** The landing event's source, medium or campaign (null: none). */
  key: string | null;
  /** With `sources`: the landing's medium (null: none). */
  medium?: string | null;
  sessions: number;
  orders: number;
  revenue: Money[];
}

/**
 * Sessions by their landing event, as the funnel finds it (the first counted event from
 * SESSION_LOOKBACK_MS before the range): the stages over all, and the top sources
 * (source and medium) and campaigns (sessions with one), most sessions first, then by key.
 */
export interface Acquisition {
  stages: FunnelStages;
  sources: LandingRow[];
  campaigns: LandingRow[];
}

/** Counted events since an instant. */
export interface RealtimeQuery {
  accountId: string;
  /** Milliseconds since the epoch. */
  since: number;
}

export interface Realtime {
  visitors: number;
  sessions: number;
  pageViews: number;
}

/**
 * Events of the range that the reports leave out: test-mode events; bots' (not test-mode);
 * held events (neither, a nextPage event whose next page view has not come yet).
 */
export interface ExcludedCounts {
  testMode: number;
  bots: number;
  held: number;
}
