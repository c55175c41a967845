import type { StoredEvent } from '../store/ports.js';
import type { EventBatch } from './batch.js';
import { enrich } from './enrich.js';

/** The rows of a batch's accepted events, in order: each checked event enriched. */
export function rowsOfBatch(batch: EventBatch): StoredEvent[] {
  const { body } = batch;
  const events = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as Record<string, unknown>[];
  const rows: StoredEvent[] = [];
  let next = 0;
  for (let index = 0; index < events.length; index++) {
    if (batch.refused[next] === index) {
      next++;
      continue;
    }
    rows.push(enrich(events[index]!, batch.context));
  }
  return rows;
}
