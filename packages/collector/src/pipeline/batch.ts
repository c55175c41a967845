import type { EventError } from '@cartbeacon/schema';
import type { RequestContext } from './enrich.js';
import { checkEvent } from './validate.js';

/**
 * An event API request as it is acknowledged: its body as received, what the collector
 * knew of the request, and which events were refused. Checking is all a request pays
 * for; enrichment waits for the loader (`rowsOfBatch`, rows.ts), off the request path, so the
 * body is spooled as it came and never serialised again.
 */
export interface EventBatch {
  context: RequestContext;
  /** The request body as received: a JSON array of events, UTF-8. */
  body: Uint8Array;
  /** The indexes of the refused events, in order. */
  refused: number[];
}

/**
 * Checks each event of an event API body on its own: one bad event is refused with its
 * code and never costs the good events beside it.
 */
export function checkBatch(events: readonly unknown[]): EventError[] {
  const errors: EventError[] = [];
  for (let index = 0; index < events.length; index++) {
    const raw = events[index];
    const checked = checkEvent(raw);
    if (checked.ok) continue;
    const eventId = (raw as { eventId?: unknown } | null)?.eventId;
    errors.push({
      index,
      ...(typeof eventId === 'string' ? { eventId } : {}),
      statusCode: checked.code,
      message: checked.message,
    });
  }
  return errors;
}
