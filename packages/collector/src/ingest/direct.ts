import { rowsOfBatch } from '../pipeline/rows.js';
import type { Store } from '../store/ports.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Ingest } from './ingest.js';
import { leftOutReason } from './record.js';

/** Writes that go straight to the store, each answered once the store has committed it. */
export function directIngest(store: Store, metrics: Metrics): Ingest {
  const writer: Ingest['writer'] = {
    async insert(events, options) {
      const result = await store.insert(events, options);
      // What reports will leave out (repeats among them too: the store does not say which).
      for (const e of events) {
        const reason = leftOutReason(e);
        if (reason) metrics.eventsLeftOut.inc({ reason, channel: e.channel });
      }
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
    status: () => ({ current: true, unloadedBytes: 0, spoolBytes: 0, spoolSegments: 0, lagSeconds: 0, appendsPerSync: 0 }),
    drain: async () => {},
    close: async () => {},
  };
}
