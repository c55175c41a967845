import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the ingest path reports of itself (ingest/ingest.ts IngestStatus). */
export interface IngestGauges {
  unloadedBytes: number;
  spoolBytes: number;
  spoolSegments: number;
  lagSeconds: number;
  appendsPerSync: number;
  failing?: string;
}

/** The collector's Prometheus metrics, in a registry of its own (one per app). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cartbeacon_' });
  let ingest: () => IngestGauges | undefined = () => undefined;
  const gauge = (name: string, help: string, read: (s: IngestGauges) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const s = ingest();
        if (s) this.set(read(s));
      },
    });
  gauge('cartbeacon_spool_unloaded_bytes', 'Bytes in the spool not yet loaded into the store', (s) => s.unloadedBytes);
  gauge('cartbeacon_spool_bytes', "Bytes of the spool's files", (s) => s.spoolBytes);
  gauge('cartbeacon_spool_segments', "The spool's segment files", (s) => s.spoolSegments);
  gauge('cartbeacon_load_lag_seconds', 'How long the oldest event not yet loaded into the store has waited', (s) => s.lagSeconds);
  gauge('cartbeacon_spool_appends_per_sync', 'Requests that shared one fdatasync of the spool, on average since start', (s) => s.appendsPerSync);
  gauge('cartbeacon_ingest_failing', '1 while events cannot be spooled or loaded (see /readyz), else 0', (s) => (s.failing ? 1 : 0));
  const labels = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    eventsReceived: labels('cartbeacon_events_received_total', 'Events received, by API', ['channel']),
    eventsStored: labels('cartbeacon_events_stored_total', 'Events stored (new event ids), by API', ['channel']),
    eventsDuplicate: labels('cartbeacon_events_duplicate_total', 'Events whose id was already stored', ['channel']),
    eventsRefused: labels('cartbeacon_events_refused_total', 'Events or requests refused, by error code', ['code']),
    eventsLeftOut: labels(
      'cartbeacon_events_left_out_total',
      'Events stored that reports leave out, by reason (test_mode, else bot) and API',
      ['reason', 'channel'],
    ),
    trackerDropped: new Counter({
      name: 'cartbeacon_tracker_dropped_events_total',
      help: 'Events that trackers dropped from a full queue, as they reported',
      registers: [registry],
    }),
    loadFailures: new Counter({
      name: 'cartbeacon_load_failures_total',
      help: 'Commits into the store that failed: loads of the spool (tried again), or writes straight to the store',
      registers: [registry],
    }),
    spoolUndecodable: new Counter({
      name: 'cartbeacon_spool_undecodable_records_total',
      help: 'Spool records the loader could not decode and skipped (a bug; each is logged)',
      registers: [registry],
    }),
    spoolRefused: labels('cartbeacon_spool_refused_total', 'Writes the spool refused, by code (SPOOL_FULL, SPOOL_UNWRITABLE, SPOOL_CLOSED)', ['code']),
    rateLimited: labels('cartbeacon_rate_limited_total', 'Ingest requests refused with 429, by the limit they hit (client, key)', ['scope']),
    /** Requests answered or connections closed by the HTTP server itself, before the app sees them. */
    httpRefused: labels(
      'cartbeacon_http_refused_total',
      'Requests the HTTP server answered itself or connections it closed, by reason (timeout, bad_request, headers_too_large, connect, connection_cap, reset)',
      ['reason'],
    ),
    openConnections: new Gauge({ name: 'cartbeacon_http_open_connections', help: 'Open client connections', registers: [registry] }),
    /** Where the ingest gauges read from (set once the ingest path is open). */
    observeIngest(read: () => IngestGauges) {
      ingest = read;
    },
    requestDuration: new Histogram({
      name: 'cartbeacon_http_request_duration_seconds',
      help: 'HTTP request duration, by route and status',
      labelNames: ['route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
