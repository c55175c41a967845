import type { StateEntry } from '../event.js';
import type { LoadResult } from '../ports.js';
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
 * - A held row released by a later page view of its visitor gets a `released` mark.
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

interface Found {
  /** Every copy's seq, by id (claims and rows). */
  copies: Map<string, Set<bigint>>;
  /** The seqs of rows stored. */
  rows: Set<bigint>;
  /** Held rows of the batch's page viewers, not yet released: [key of account and user, ts, seq]. */
  held: { visitor: string; ts: number; seq: bigint }[];
}

/** Reads the claims and rows of the batch's ids, and the held rows of its page viewers. */
async function find(db: Db, lines: ParsedLine[], viewers: [string, string][]): Promise<Found> {
  const ids = lines.map((p) => [p.facts.accountId, p.facts.eventId]);
  const times = [...new Set(lines.map((p) => `${p.facts.accountId}\u0000${p.facts.ts}`))].map((k) => {
    const [a, t] = k.split('\u0000');
    return [a!, Number(t)];
  });
  const accounts = [...new Set(lines.map((p) => p.facts.accountId))];
  type Copy = { account_id: string; event_id: string; seq: string };
  const [claims, rows, held] = await Promise.all([
    db.query<Copy>(`SELECT account_id, event_id, seq FROM ${db.table('recent_ids')} WHERE (account_id, event_id) IN ${inList(ids)}`),
    db.query<Copy>(
      `SELECT account_id, event_id, seq FROM ${db.table('event_rows')}
       WHERE (account_id, ts_ms) IN ${inList(times)} AND event_id IN ${inList(lines.map((p) => p.facts.eventId))}`,
    ),
    viewers.length
      ? db.query<{ account_id: string; user_id: string; ts_ms: string; seq: string }>(
          `SELECT DISTINCT account_id, user_id, ts_ms, seq FROM ${db.table('held_rows')}
           WHERE (account_id, user_id) IN ${inList(viewers)}
             AND seq ${db.global}NOT IN (SELECT seq FROM ${db.table('event_marks')} WHERE kind = 'released' AND account_id IN ${inList(accounts)})`,
        )
      : [],
  ]);
  const copies = new Map<string, Set<bigint>>();
  for (const c of [...claims, ...rows]) {
    const k = idKey(c.account_id, c.event_id);
    (copies.get(k) ?? copies.set(k, new Set()).get(k)!).add(BigInt(c.seq));
  }
  return {
    copies,
    rows: new Set(rows.map((r) => BigInt(r.seq))),
    held: held.map((h) => ({ visitor: idKey(h.account_id, h.user_id), ts: Number(h.ts_ms), seq: BigInt(h.seq) })),
  };
}

const markLine = (accountId: string, seq: bigint, kind: 'repeat' | 'released', at: number) =>
  `{"account_id":${JSON.stringify(accountId)},"seq":${seq},"kind":"${kind}","at":${at}}`;

/**
 * Loads a batch: its rows less the repeats, the marks, the held rows and their releases,
 * the vendor state, then the spool position. Safe to try again after a failure at any
 * point, with `counter` as it was before (the same lines get the same seqs).
 */
export async function loadBatch(
  db: Db,
  counter: SeqCounter,
  batch: { lines: string; state: StateEntry[]; position?: string },
  collectorId: string,
): Promise<LoadResult> {
  const result: LoadResult = { stored: 0, duplicates: 0, byChannel: {}, repeats: [] };
  const lines = batch.lines ? batch.lines.split('\n').map(parseLine) : [];
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

  // 2. Every copy known, and the held rows that this batch's page views may release.
  const viewing = new Map<string, [string, string]>();
  for (const p of news) if (p.facts.name === 'PAGE_VIEW' && !p.facts.held) viewing.set(idKey(p.facts.accountId, p.facts.userId), [p.facts.accountId, p.facts.userId]);
  const found = news.length ? await find(db, news, [...viewing.values()]) : { copies: new Map(), rows: new Set<bigint>(), held: [] };

  // 3. Which lines count, and which stored rows stop counting.
  const rows: string[] = [];
  const marks: string[] = [];
  const stored = new Set<number>();
  for (const i of candidates) {
    const f = lines[i]!.facts;
    const copies = found.copies.get(idKey(f.accountId, f.eventId)) ?? new Set([seqs[i]!]);
    const winner = minOf(copies);
    if (winner === seqs[i]) {
      stored.add(i);
      if (!found.rows.has(seqs[i]!)) rows.push(rowLine(lines[i]!, seqs[i]!));
      for (const s of copies) if (s !== winner) marks.push(markLine(f.accountId, s, 'repeat', now));
    } else if (found.rows.has(seqs[i]!)) marks.push(markLine(f.accountId, seqs[i]!, 'repeat', now));
  }

  // 4. Held rows: this batch's, and those its page views release (a held row earlier than
  // a page view of the same visitor stored now, in this batch or before).
  const held = [...stored].filter((i) => lines[i]!.facts.held);
  const heldLines = held.map((i) => {
    const f = lines[i]!.facts;
    return `{"account_id":${JSON.stringify(f.accountId)},"user_id":${JSON.stringify(f.userId)},"ts_ms":${f.ts},"seq":${seqs[i]}}`;
  });
  const lastView = new Map<string, number>();
  for (const i of stored) {
    const f = lines[i]!.facts;
    if (f.name === 'PAGE_VIEW' && !f.held) {
      const k = idKey(f.accountId, f.userId);
      lastView.set(k, Math.max(lastView.get(k) ?? -Infinity, f.ts));
    }
  }
  const heldNow = [
    ...found.held,
    ...held.map((i) => ({ visitor: idKey(lines[i]!.facts.accountId, lines[i]!.facts.userId), ts: lines[i]!.facts.ts, seq: seqs[i]! })),
  ];
  for (const h of heldNow)
    if (h.ts < (lastView.get(h.visitor) ?? -Infinity)) marks.push(markLine(h.visitor.split('\u0000')[0]!, h.seq, 'released', now));

  // 5. Everything but the position, at once; then the position.
  const state = stateLines(batch.state, () => counter.next(Date.now()));
  await Promise.all([
    db.insert(db.table('event_rows'), rows),
    db.insert(db.table('event_marks'), marks),
    db.insert(db.table('held_rows'), heldLines),
    db.insert(db.table('vendor_states'), state),
  ]);
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
