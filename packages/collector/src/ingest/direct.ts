import { rowsOfBatch } from '../pipeline/rows.js';
import type { Store } from '../store/ports.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Ingest } from './ingest.js';
import { leftOutReason } from './record.js';

/**
 * How long a failed write keeps /readyz at 503 without a success since: long enough for a
 * load balancer to see it, short enough that one which then sends nothing lets it try again.
 */
const FAILURE_HOLDS_MS = 5000;

/** Writes that go straight to the store, each answered once the store has committed it. */
export function directIngest(store: Store, metrics: Metrics): Ingest {
  let failure: { message: string; at: number } | undefined;
  const writer: Ingest['writer'] = {
    async insert(events, options) {
      let result;
      try {
        result = await store.insert(events, options);
      } catch (e) {
        failure = { message: `the store cannot commit: ${(e as Error)?.message ?? e}`, at: Date.now() };
        metrics.loadFailures.inc();
        throw e;
      }
      failure = undefined;
      // What reports will leave out of what was stored.
      const repeats = new Set(result.repeats);
      events.forEach((e, i) => {
        const reason = repeats.has(i) ? undefined : leftOutReason(e);
        if (reason) metrics.eventsLeftOut.inc({ reason, channel: e.channel });
      });
      // One request's events come by one API.
      const channel = events[0]?.channel;
      if (channel) {
        metrics.eventsStored.inc({ channel }, result.inserted);
        metrics.eventsDuplicate.inc({ channel }, events.length - result.inserted);
      }
      return result;
    },
  };
  return {
    writer,
    batches: {
      async writeBatch(batch) {
        await writer.insert(rowsOfBatch(batch));
      },
    },
    state: store,
    status: () => ({
      current: true,
      ...(failure && Date.now() - failure.at < FAILURE_HOLDS_MS ? { failing: failure.message } : {}),
      unloadedBytes: 0,
      spoolBytes: 0,
      spoolSegments: 0,
      lagSeconds: 0,
      appendsPerSync: 0,
    }),
    drain: async () => {},
    close: async () => {},
  };
}
