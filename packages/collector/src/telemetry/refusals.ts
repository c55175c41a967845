import type { Logger } from 'pino';

/** One refused ingest request (or the refused events of a request that was partly taken). */
export interface Refusal {
  /** The refusal's error code (NO_DOMAIN_APIKEY_MATCH, NO_USERID, UNAUTHENTICATED, …). */
  code: string;
  /** The account whose API key the request carried; undefined when the key is missing or unknown. */
  accountId?: string | undefined;
  /** The request's Origin header ('' or undefined for a backend). */
  origin?: string | undefined;
  /** The collector's answer: what was wrong and what to change. */
  message: string;
  /** How many events were refused, when the body was read. */
  events?: number;
}

/** The refusals of one account, code and origin over the window. */
export interface RefusalCount {
  code: string;
  accountId?: string;
  origin: string;
  /** Requests refused (or partly refused). */
  requests: number;
  /** Events refused, where the body was read; 0 when it was refused before. */
  events: number;
  /** The last one's time, ms since the epoch. */
  lastAt: number;
  /** The last one's message. */
  message: string;
}

/**
 * The collector's memory of refused ingest requests, so that the person who can fix them
 * hears of it: each is logged at `warn` (at most one line per account, code and origin a
 * minute, with the number left out since, and at most a few lines a minute in all), and
 * counted per minute for the last hour, for the start page and the dashboard.
 */
export interface RefusalLog {
  record(refusal: Refusal): void;
  /**
   * The last hour's refusals, most first: of one account, or with `null` those tied to no
   * account, or without a filter all of them.
   */
  recent(accountId?: string | null): RefusalCount[];
}

export interface RefusalLogOptions {
  logger: Logger;
  /** @defaultValue Date.now */
  now?: () => number;
  /** How far back the counts go. @defaultValue one hour */
  windowMs?: number;
  /**
   * The most account/code/origin keys kept; the least recently refused one makes room for
   * a new one, so that made-up keys or origins cannot fill the memory. @defaultValue 500
   */
  maxKeys?: number;
  /** One log line per key per this long. @defaultValue one minute */
  logIntervalMs?: number;
  /** The most log lines per `logIntervalMs` in all, whatever the keys. @defaultValue 20 */
  maxLinesPerInterval?: number;
}

const MINUTE = 60_000;
/** The longest message kept and logged: an origin or a field name in it comes from the request. */
const MAX_TEXT = 300;

interface Entry {
  code: string;
  accountId: string | undefined;
  origin: string;
  message: string;
  lastAt: number;
  /** Minute numbers, oldest first, with the requests and events refused in each. */
  minutes: number[];
  requests: number[];
  events: number[];
  lastLoggedAt: number;
  /** Refusals since the last line that no line named. */
  suppressed: number;
}

/** A refusal log (see RefusalLog). */
export function createRefusalLog(options: RefusalLogOptions): RefusalLog {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const windowMs = options.windowMs ?? 60 * MINUTE;
  const maxKeys = options.maxKeys ?? 500;
  const logInterval = options.logIntervalMs ?? MINUTE;
  const maxLines = options.maxLinesPerInterval ?? 20;
  // Insertion order is recency order: a refused key is moved to the end, the first is the stalest.
  const entries = new Map<string, Entry>();
  let lineWindow = 0;
  let lines = 0;

  const prune = (e: Entry, t: number) => {
    const oldest = Math.floor((t - windowMs) / MINUTE);
    let drop = 0;
    while (drop < e.minutes.length && e.minutes[drop]! <= oldest) drop++;
    if (drop) {
      e.minutes.splice(0, drop);
      e.requests.splice(0, drop);
      e.events.splice(0, drop);
    }
  };

  const log = (e: Entry, t: number) => {
    if (t - e.lastLoggedAt < logInterval) return false;
    if (t - lineWindow >= logInterval) {
      lineWindow = t;
      lines = 0;
    }
    if (lines >= maxLines) return false;
    lines++;
    logger.warn(
      { code: e.code, account: e.accountId ?? null, origin: e.origin || null, ...(e.suppressed ? { suppressed: e.suppressed } : {}) },
      `ingest request refused: ${e.message}`,
    );
    e.lastLoggedAt = t;
    e.suppressed = 0;
    return true;
  };

  return {
    record(r) {
      const t = now();
      const origin = (r.origin ?? '').slice(0, 200);
      const key = `${r.accountId ?? ''}\u0000${r.code}\u0000${origin}`;
      let e = entries.get(key);
      if (e) entries.delete(key);
      else {
        if (entries.size >= maxKeys) entries.delete(entries.keys().next().value!);
        e = { code: r.code, accountId: r.accountId, origin, message: '', lastAt: 0, minutes: [], requests: [], events: [], lastLoggedAt: -Infinity, suppressed: 0 };
      }
      entries.set(key, e);
      e.message = r.message.slice(0, MAX_TEXT);
      e.lastAt = t;
      const minute = Math.floor(t / MINUTE);
      if (e.minutes.at(-1) !== minute) {
        e.minutes.push(minute);
        e.requests.push(0);
        e.events.push(0);
        prune(e, t);
      }
      const last = e.minutes.length - 1;
      e.requests[last]! += 1;
      e.events[last]! += r.events ?? 0;
      if (!log(e, t)) e.suppressed++;
    },

    recent(accountId) {
      const t = now();
      const out: RefusalCount[] = [];
      for (const [key, e] of entries) {
        prune(e, t);
        if (!e.minutes.length) {
          entries.delete(key);
          continue;
        }
        if (accountId !== undefined && (e.accountId ?? null) !== accountId) continue;
        const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
        out.push({
          code: e.code,
          ...(e.accountId !== undefined ? { accountId: e.accountId } : {}),
          origin: e.origin,
          requests: sum(e.requests),
          events: sum(e.events),
          lastAt: e.lastAt,
          message: e.message,
        });
      }
      return out.sort((a, b) => b.requests - a.requests || b.lastAt - a.lastAt);
    },
  };
}
