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
