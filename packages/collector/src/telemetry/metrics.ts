import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The collector's Prometheus metrics, in a registry of its own (one per app). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cartbeacon_' });
  const labels = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    eventsReceived: labels('cartbeacon_events_received_total', 'Events received, by API', ['channel']),
    eventsStored: labels('cartbeacon_events_stored_total', 'Events stored (new event ids), by API', ['channel']),
    eventsDuplicate: labels('cartbeacon_events_duplicate_total', 'Events whose id was already stored', ['channel']),
    eventsRefused: labels('cartbeacon_events_refused_total', 'Events or requests refused, by error code', ['code']),
    trackerDropped: new Counter({
      name: 'cartbeacon_tracker_dropped_events_total',
      help: 'Events that trackers dropped from a full queue, as they reported',
      registers: [registry],
    }),
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
