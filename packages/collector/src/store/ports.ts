import type { StateEntry, StoredEvent } from './event.js';
import type {
  Acquisition,
  ExcludedCounts,
  FunnelQuery,
  HeatmapCell,
  HeatmapQuery,
  PageRow,
  ProductRow,
  RangeQuery,
  Realtime,
  RealtimeQuery,
  TimeSeriesPoint,
  TimeSeriesQuery,
  TopQuery,
  Totals,
  FunnelRow,
  InteractionQuery,
  InteractionStats,
  PageNavigationQuery,
  PageNavigationStats,
} from './queries.js';

export type { StateEntry, StoredEvent } from './event.js';

/**
 * The store's ports: narrow interfaces that a backend implements one by one and that the
 * routes see one by one (after snowplow's event_store: one small async interface per job).
 * DuckDB implements them all; so will ClickHouse.
 */

/** What `insert` writes besides the events. */
export interface InsertOptions {
  /** Vendor state committed with the events: both are stored, or neither. */
  state?: StateEntry[];
}

/** What `insert` reports. */
export interface InsertResult {
  /**
   * Events written now; the others were repeats of stored event ids. Behind a spool,
   * repeats are known only once loaded: there it counts every event acknowledged.
   */
  inserted: number;
  /** The indexes, among the events given, of the repeats, where the store knows them then (not behind a spool). */
  repeats?: number[];
}

/** The event log: where every API's events (and the vendor state that goes with them) are written. */
export interface EventWriter {
  /**
   * Stores events durably, with the state that goes with them, in one commit; an event id
   * already stored for the account is skipped. Resolves only once both are durable.
   */
  insert(events: StoredEvent[], options?: InsertOptions): Promise<InsertResult>;
}

/** A batch of the spool for a bulk load. */
export interface LoadBatch {
  /** The rows as JSON lines (store/event-json.ts eventLine), newline-separated, UTF-8; empty for none. */
  lines: Uint8Array;
  /**
   * Each row's key line (store/event-json.ts keyLine: number, account, event id, times,
   * channel, visitor, whether it releases held events), in the same order, UTF-8: what a
   * store needs to find repeats and releases without reading the wide rows twice.
   */
  keys: Uint8Array;
  /** Vendor state committed with them, in order (the last entry for a key wins). */
  state: StateEntry[];
  /** The spool position after the batch, committed in the same transaction. */
  position?: string;
}

/** What a load stored. */
export interface LoadResult {
  /** New events; the others repeated stored ids (or an earlier row of the batch). */
  stored: number;
  duplicates: number;
  byChannel: Record<string, { stored: number; duplicates: number }>;
  /** The indexes, among the batch's lines, of the repeats. */
  repeats: number[];
}

/** The bulk path: the loader moves the spool into the store through it, exactly once. */
export interface EventLoader {
  /** Stores a batch, its state and its position in one commit; repeats of stored event ids are skipped. */
  load(batch: LoadBatch): Promise<LoadResult>;
  /** The position the last load committed, or undefined before the first. */
  loadedPosition(): Promise<string | undefined>;
}

/** The vendor APIs' state (a Yespo cart, a visitor's session, a Da Vinci browser), as `insert` stored it. */
export interface StateReader {
  /** The JSON value stored for (account, kind, key), or undefined. */
  getState(accountId: string, kind: string, key: string): Promise<string | undefined>;
}

/** The account's stored events, oldest first (for export, tests and debugging). */
export interface EventReader {
  events(accountId: string, options?: { limit?: number }): Promise<StoredEvent[]>;
}

/** The report queries: every count is made by the store. */
export interface ReportQueries {
  /** Funnel counts per landing source, medium, … */
  funnel(query: FunnelQuery): Promise<FunnelRow[]>;
  /** A page-navigation workflow's hour / weekday page views and unique visitors. */
  pageNavigation(query: PageNavigationQuery): Promise<PageNavigationStats>;
  /** An interaction workflow's runs, goals and purchases. */
  interaction(query: InteractionQuery): Promise<InteractionStats>;
}

/**
 * The dashboard's panels: every figure counted by the store over counted events, as the
 * funnel counts them (store/queries.ts defines each).
 */
export interface DashboardQueries {
  /** Visitors, sessions, page views, orders and revenue of a range. */
  totals(query: RangeQuery): Promise<Totals>;
  /** The same per local hour or day; buckets without a counted event are left out. */
  timeSeries(query: TimeSeriesQuery): Promise<TimeSeriesPoint[]>;
  /** Page views per local weekday and hour. */
  heatmap(query: HeatmapQuery): Promise<HeatmapCell[]>;
  topPages(query: TopQuery): Promise<PageRow[]>;
  topProducts(query: TopQuery): Promise<ProductRow[]>;
  /** Sessions by landing: the funnel's stages, top sources and campaigns. */
  acquisition(query: TopQuery): Promise<Acquisition>;
  /** Visitors, sessions and page views since an instant. */
  realtime(query: RealtimeQuery): Promise<Realtime>;
  /** What the reports left out of the range: test mode, bots, held events. */
  excluded(query: RangeQuery): Promise<ExcludedCounts>;
}

/** Whether the store answers (`/readyz`). */
export interface Health {
  readonly kind: string;
  /** Resolves when the store answers queries. */
  ping(): Promise<void>;
}

/** A whole store: every port, and its lifecycle. */
export interface Store extends EventWriter, EventLoader, StateReader, EventReader, ReportQueries, DashboardQueries, Health {
  /** Finishes pending writes and closes. */
  close(): Promise<void>;
}
