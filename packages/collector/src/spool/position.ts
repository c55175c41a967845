/**
 * A place in the spool: the segment and the byte offset in it of the next record to read.
 * Positions only grow; `{ segment: 0, offset: 0 }` is before everything. The loader
 * commits the position after the rows it loaded in the same store transaction as those
 * rows, and reads on from it after a restart.
 */
export interface SpoolPosition {
  readonly segment: number;
  readonly offset: number;
}

export const SPOOL_START: SpoolPosition = Object.freeze({ segment: 0, offset: 0 });

/** Negative, zero or positive as `a` is before, at or after `b`. */
export const comparePositions = (a: SpoolPosition, b: SpoolPosition) => a.segment - b.segment || a.offset - b.offset;

/** `"<segment>:<offset>"`, for a store that keeps the position in one text column. */
export const formatPosition = (p: SpoolPosition) => `${p.segment}:${p.offset}`;

/** The inverse of formatPosition; throws a RangeError for anything else. */
export function parsePosition(text: string): SpoolPosition {
  const m = /^(\d{1,15}):(\d{1,15})$/.exec(text);
  if (!m) throw new RangeError(`not a spool position: ${JSON.stringify(text)}`);
  return { segment: Number(m[1]), offset: Number(m[2]) };
}
