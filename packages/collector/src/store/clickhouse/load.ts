import type { LoadBatch, LoadResult } from '../ports.js';
import type { Db } from './db.js';
import { parseLine, rowLine } from './rows.js';
import type { ParsedLine } from './rows.js';
import type { SeqCounter } from './seq.js';
import { inList, quote } from './sql.js';
import { stateLines } from './state.js';

/**
 * A load without transactions: several collectors may load the same event id at once,
 * and a collector may die half-way through a load and try it again, yet every event id
 * counts once. How:
 *
 * - Each line gets a seq (seq.ts): unique, ordered by receipt, the same on every try.
 * - Each new id is first claimed in recent_ids, then the claims and the rows of the
 *   id at the line's own time are read back. Of all the copies known, the one with the
 *   smallest seq counts (the first received). A line whose copy counts is stored unless
 *   its row is there already (an earlier try of this load); the others are repeats.
 * - A row that stopped counting (stored by a collector that had not yet seen an earlier
 *   copy, or by an earlier try) gets a `repeat` mark, which the reports and the `events`
 *   view skip. Of two collectors loading the same id at once, the one that reads last
 *   sees both claims, so the mark is always written.
 * - A held row is released (a `released` mark) by a page view of its visitor that happened
 *   later and was received with it or after it, whichever of the two is loaded first: each
 *   load looks for the other side once its own rows are in, so of two collectors loading
 *   them at once, the one that reads last sees both.
 * - The spool position goes last: until it is written, the load is tried again.
 */

const DAY_MS = 86_400_000;
/** A repeat with another time is found while its first copy's claim is kept (a week, as on DuckDB). */
export const RECEIVED_REPEAT_WINDOW_MS = 7 * DAY_MS;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const idKey = (accountId: string, eventId: string) => `${accountId}\u0000${eventId}`;
const minOf = (seqs: Iterable<bigint>) => {
  let m: bigint | undefined;
  for (const s of seqs) if (m === undefined || s < m) m = s;
  return m!;
};

/** An id's copies: each one's seq and the time it carries. */
type Copies = Map<bigint, number>;

interface Found {
  /** Every copy, by id (claims and rows). */
  copies: Map<string, Copies>;
  /** The seqs of rows stored. */
  rows: Set<bigint>;
}

/** Reads the claims of the batch's ids, and their rows at the lines' own times. */
async function find(db: Db, lines: ParsedLine[]): Promise<Found> {
  const ids = lines.map((p) => [p.facts.accountId, p.facts.eventId]);
  const times = [...new Set(lines.map((p) => `${p.facts.accountId}\u0000${p.facts.ts}`))].map((k) => {
    const [a, t] = k.split('\u0000');
    return [a!, Number(t)];
  });
  type Copy = { account_id: string; event_id: string; seq: string; ts_ms: string };
  const [claims, rows] = await Promise.all([
    db.query<Copy>(`SELECT account_id, event_id, seq, ts_ms FROM ${db.table('recent_ids')} WHERE (account_id, event_id) IN ${inList(ids)}`),
    db.query<Copy>(
      `SELECT account_id, event_id, seq, ts_ms FROM ${db.table('event_rows')}
       WHERE (account_id, ts_ms) IN ${inList(times)} AND event_id IN ${inList(lines.map((p) => p.facts.eventId))}`,
    ),
  ]);
  const copies = new Map<string, Copies>();
  for (const c of [...claims, ...rows]) {
    const k = idKey(c.account_id, c.event_id);
    (copies.get(k) ?? copies.set(k, new Map()).get(k)!).set(BigInt(c.seq), Number(c.ts_ms));
  }
  return { copies, rows: new Set(rows.map((r) => BigInt(r.seq))) };
}

/**
 * Waits for every insert, and fails with the first failure: a load is tried again only
 * once none of its inserts is still on its way, or the next try could miss a row that
 * lands after it looked.
 */
async function all(inserts: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(inserts)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** A page view or a held row, for releases: its visitor, when it happened and when it was received. */
interface Moment {
  accountId: string;
  userId: string;
  ts: number;
  receivedAt: number;
}
interface Held extends Moment {
  seq: bigint;
}

/** Whether `view` releases `held`: the same visitor, later, received with it or after. */
const releases = (view: Moment, held: Moment) => view.ts > held.ts && view.receivedAt >= held.receivedAt;

/**
 * The held rows released now: those of this batch's page viewers (this batch's held rows
 * among them) that one of its page views releases, and this batch's held rows that a
 * stored page view releases. Run once the batch's rows are in.
 */
async function released(db: Db, views: Moment[], held: Held[]): Promise<Held[]> {
  const visitors = (list: Moment[]) => inList([...new Map(list.map((m) => [idKey(m.accountId, m.userId), [m.accountId, m.userId]])).values()]);
  const accounts = inList([...new Set(views.map((v) => v.accountId))]);
  const [heldOfViewers, viewsOfHeld] = await Promise.all([
    views.length
      ? db.query<{ account_id: string; user_id: string; ts_ms: string; received_at_ms: string; seq: string }>(
          `SELECT DISTINCT account_id, user_id, ts_ms, received_at_ms, seq FROM ${db.table('held_rows')}
           WHERE (account_id, user_id) IN ${visitors(views)}
             AND seq ${db.global}NOT IN (SELECT seq FROM ${db.table('event_marks')} WHERE kind = 'released' AND account_id IN ${accounts})`,
        )
      : [],
    held.length
      ? db.query<{ account_id: string; user_id: string; ts_ms: string; received_at_ms: string }>(
          `SELECT account_id, user_id, ts_ms, received_at_ms FROM ${db.table('event_rows')}
           WHERE (account_id, user_id) IN ${visitors(held)} AND name = 'PAGE_VIEW' AND held = 0
             AND ts_ms > ${Math.min(...held.map((h) => h.ts))} AND ts >= toDateTime(${Math.floor(Math.min(...held.map((h) => h.ts)) / 1000)})`,
        )
      : [],
  ]);
  const moment = (r: { account_id: string; user_id: string; ts_ms: string; received_at_ms: string }): Moment => ({
    accountId: r.account_id,
    userId: r.user_id,
    ts: Number(r.ts_ms),
    receivedAt: Number(r.received_at_ms),
  });
  const byVisitor = (list: Moment[]) => {
    const m = new Map<string, Moment[]>();
    for (const x of list) (m.get(idKey(x.accountId, x.userId)) ?? m.set(idKey(x.accountId, x.userId), []).get(idKey(x.accountId, x.userId))!).push(x);
    return m;
  };
  const out = new Map<bigint, Held>();
  const batchViews = byVisitor(views);
  for (const r of heldOfViewers) {
    const h = { ...moment(r), seq: BigInt(r.seq) };
    if (batchViews.get(idKey(h.accountId, h.userId))?.some((v) => releases(v, h))) out.set(h.seq, h);
  }
  const storedViews = byVisitor(viewsOfHeld.map(moment));
  for (const h of held) if (storedViews.get(idKey(h.accountId, h.userId))?.some((v) => releases(v, h))) out.set(h.seq, h);
  return [...out.values()];
}

/** A mark of the row `seq` (whose time is `ts`, so that reports read only the marks of their range). */
const markLine = (accountId: string, seq: bigint, ts: number, kind: 'repeat' | 'released', at: number) =>
  `{"account_id":${JSON.stringify(accountId)},"seq":${seq},"ts_ms":${ts},"kind":"${kind}","at":${at}}`;

const utf8 = new TextDecoder();

/**
 * The batch's lines read. They are decoded once: unlike DuckDB, which reads the spool's
 * bytes as they are, ClickHouse 18.16 cannot take them as its rows (a Decimal only as a
 * bare number, no DateTime64, `data` a string, each row's seq), so each row's line is
 * made anew from the fields before `data` (rows.ts); `data` is copied as text.
 */
const parsedLines = (batch: LoadBatch) => (batch.lines.length ? utf8.decode(batch.lines).split('\n').map(parseLine) : []);

/**
 * Loads a batch: its rows less the repeats, the marks, the held rows and their releases,
 * the vendor state, then the spool position. Safe to try again after a failure at any
 * point, with `counter` as it was before (the same lines get the same seqs).
 */
export async function loadBatch(db: Db, counter: SeqCounter, batch: LoadBatch, collectorId: string): Promise<LoadResult> {
  const result: LoadResult = { stored: 0, duplicates: 0, byChannel: {}, repeats: [] };
  const lines = parsedLines(batch);
  const seqs = lines.map((p) => counter.next(p.facts.receivedAt));
  const now = Math.floor(Date.now() / 1000);

  // The first line of each id in the batch; the others are repeats.
  const first = new Map<string, number>();
  lines.forEach((p, i) => first.has(idKey(p.facts.accountId, p.facts.eventId)) || first.set(idKey(p.facts.accountId, p.facts.eventId), i));
  const candidates = [...first.values()];
  const news = candidates.map((i) => lines[i]!);

  // 1. The claims, before any row: a row is never stored without a claim that others see.
  await db.insert(
    db.table('recent_ids'),
    candidates.map((i) => {
      const f = lines[i]!.facts;
      return `{"account_id":${JSON.stringify(f.accountId)},"event_id":${JSON.stringify(f.eventId)},"ts_ms":${f.ts},"seq":${seqs[i]},"day":"${day(f.receivedAt)}"}`;
    }),
  );

  // 2. Every copy known.
  const found = news.length ? await find(db, news) : { copies: new Map<string, Copies>(), rows: new Set<bigint>() };

  // 3. Which lines count, and which stored rows stop counting.
  const rows: string[] = [];
  const marks: string[] = [];
  const stored = new Set<number>();
  for (const i of candidates) {
    const f = lines[i]!.facts;
    const copies: Copies = found.copies.get(idKey(f.accountId, f.eventId)) ?? new Map([[seqs[i]!, f.ts]]);
    const winner = minOf(copies.keys());
    if (winner === seqs[i]) {
      stored.add(i);
      if (!found.rows.has(seqs[i]!)) rows.push(rowLine(lines[i]!, seqs[i]!));
      for (const [s, ts] of copies) if (s !== winner) marks.push(markLine(f.accountId, s, ts, 'repeat', now));
    } else if (found.rows.has(seqs[i]!)) marks.push(markLine(f.accountId, seqs[i]!, f.ts, 'repeat', now));
  }

  // 4. The rows, their marks, the held ones apart, the vendor state.
  const held: Held[] = [];
  const views: Moment[] = [];
  for (const i of stored) {
    const f = lines[i]!.facts;
    if (f.held) held.push({ accountId: f.accountId, userId: f.userId, ts: f.ts, receivedAt: f.receivedAt, seq: seqs[i]! });
    else if (f.name === 'PAGE_VIEW') views.push(f);
  }
  const state = stateLines(batch.state, () => counter.next(Date.now()));
  await all([
    db.insert(db.table('event_rows'), rows),
    db.insert(db.table('event_marks'), marks),
    db.insert(
      db.table('held_rows'),
      held.map((h) => `{"account_id":${JSON.stringify(h.accountId)},"user_id":${JSON.stringify(h.userId)},"ts_ms":${h.ts},"received_at_ms":${h.receivedAt},"seq":${h.seq}}`),
    ),
    db.insert(db.table('vendor_states'), state),
  ]);

  // 5. Releases, once the rows are in; then the position.
  if (views.length || held.length)
    await db.insert(
      db.table('event_marks'),
      (await released(db, views, held)).map((h) => markLine(h.accountId, h.seq, h.ts, 'released', now)),
    );
  if (batch.position !== undefined)
    await db.insert(db.table('collector_positions'), [
      `{"collector_id":${JSON.stringify(collectorId)},"position":${JSON.stringify(batch.position)},"next_seq":${counter.mark},"at":${now}}`,
    ]);

  lines.forEach((p, i) => {
    const ch = (result.byChannel[p.facts.channel] ??= { stored: 0, duplicates: 0 });
    if (stored.has(i)) {
      ch.stored++;
      result.stored++;
    } else {
      ch.duplicates++;
      result.duplicates++;
      result.repeats.push(i);
    }
  });
  return result;
}

/** The recent_ids days past the repeat window, to drop. */
export async function expiredDays(db: Db, now: number): Promise<string[]> {
  const rows = await db.query<{ day: string }>(
    `SELECT DISTINCT day FROM ${db.table('recent_ids')} WHERE day < toDate(${quote(day(now - RECEIVED_REPEAT_WINDOW_MS - DAY_MS))})`,
  );
  return rows.map((r) => r.day);
}
