import { pino } from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout. `LOG_LEVEL` sets the level (info by default). */
export function createLogger(level = process.env.LOG_LEVEL || 'info'): Logger {
  return pino({ name: 'cartbeacon', level });
}
