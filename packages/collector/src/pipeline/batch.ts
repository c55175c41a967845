import type { EventError } from '@cartbeacon/schema';
import type { StoredEvent } from '../store/ports.js';
import { enrich } from './enrich.js';
import type { RequestContext } from './enrich.js';
import { checkEvent } from './validate.js';

/** A request's events split into the rows to store and the events refused. */
export interface Prepared {
  rows: StoredEvent[];
  errors: EventError[];
}

/**
 * Checks and enriches each event of an event API body on its own: one bad event is
 * refused with its code and never costs the good events beside it.
 */
export function prepareBatch(events: unknown[], ctx: RequestContext): Prepared {
  const rows: StoredEvent[] = [];
  const errors: EventError[] = [];
  events.forEach((raw, index) => {
    const checked = checkEvent(raw);
    if (checked.ok) rows.push(enrich(checked.event, ctx));
    else {
      const eventId = (raw as { eventId?: unknown } | null)?.eventId;
      errors.push({
        index,
        ...(typeof eventId === 'string' ? { eventId } : {}),
        statusCode: checked.code,
        message: checked.message,
      });
    }
  });
  return { rows, errors };
}
