import { FRAME_HEADER_BYTES, MAX_FRAME_BYTES, bodyBytes, encodeGroup, groupBytes } from './format.js';
import type { SpoolRecord } from './format.js';
import type { SpoolFile } from './fs.js';
import { SpoolError } from './errors.js';
import { segmentPath, unloadedBytes } from './state.js';
import type { Segment, SpoolState } from './state.js';

export interface WriterOptions {
  maxBytes: number;
  segmentBytes: number;
  maxGroupBytes: number;
  unwritableBackoffMs: number;
  /** Called after each synced group, before its appends resolve. */
  onSynced(time: number): void;
}

interface Waiter {
  records: readonly SpoolRecord[];
  /** Of its frame's body. */
  body: number;
  /** On disk: header and body. */
  bytes: number;
  resolve(): void;
  reject(e: unknown): void;
}

/** The segment appends go to; `segment` is in the table once its first group is synced. */
interface Active {
  number: number;
  file: SpoolFile;
  end: number;
  segment?: Segment;
}

/**
 * `idle`: nothing queued; `scheduled`: a flush starts on the next turn of the event loop,
 * so that the appends of this turn share it; `flushing`: a group is being written and
 * synced, and appends arriving meanwhile queue for the next group.
 */
type WriterPhase = 'idle' | 'scheduled' | 'flushing';

/**
 * Group commit onto segment files: each group (one frame per append) is encoded into one
 * buffer, written with one write at the segment's end and made durable with one
 * fdatasync (plus a directory fsync for a segment's first group), and only then do its
 * appends resolve.
 */
export class SegmentWriter {
  private phase: WriterPhase = 'idle';
  private queue: Waiter[] = [];
  private queuedBytes = 0;
  private active: Active | undefined;
  private unwritableUntil = 0;
  private closed = false;
  private rollRequested = false;
  private flushed: Promise<void> = Promise.resolve();
  /**
   * Each group is encoded into this one buffer (groups are written one at a time), so
   * that a busy spool does not leave a trail of group-sized buffers for the GC.
   */
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly state: SpoolState,
    private readonly options: WriterOptions,
    /** The number the next new segment takes. */
    private nextNumber: number,
  ) {}

  append(records: readonly SpoolRecord[]): Promise<void> {
    const { counters } = this.state;
    if (this.closed) return Promise.reject(new SpoolError('SPOOL_CLOSED', 0));
    if (records.length === 0) return Promise.resolve();
    const body = bodyBytes(records);
    if (body > MAX_FRAME_BYTES) {
      return Promise.reject(new RangeError(`one spool append holds at most ${MAX_FRAME_BYTES} bytes, not ${body}`));
    }
    const bytes = FRAME_HEADER_BYTES + body;
    const wait = this.unwritableUntil - Date.now();
    if (wait > 0) {
      counters.unwritable++;
      return Promise.reject(new SpoolError('SPOOL_UNWRITABLE', Math.ceil(wait / 1000)));
    }
    if (unloadedBytes(this.state) + this.queuedBytes + bytes > this.options.maxBytes) {
      counters.full++;
      return Promise.reject(new SpoolError('SPOOL_FULL'));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ records, body, bytes, resolve, reject });
      this.queuedBytes += bytes;
      if (this.phase === 'idle') {
        this.phase = 'scheduled';
        this.flushed = new Promise<void>((r) => setImmediate(r)).then(() => this.flush());
      }
    });
  }

  /** Starts a new segment with the next group (a reader found the current one damaged). */
  roll(): void {
    this.rollRequested = true;
  }

  /** Waits for what is queued, then closes the segment; later appends reject with SPOOL_CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flushed;
    await this.seal();
  }

  private async flush(): Promise<void> {
    this.phase = 'flushing';
    while (this.queue.length) {
      // Whole appends only, up to maxGroupBytes (a large one goes alone).
      let n = 0;
      let bytes = 0;
      while (n < this.queue.length && (n === 0 || bytes + this.queue[n]!.bytes <= this.options.maxGroupBytes)) {
        bytes += this.queue[n++]!.bytes;
      }
      const group = this.queue.splice(0, n);
      try {
        await this.writeGroup(group);
        this.state.counters.appends += group.length;
        for (const w of group) w.resolve();
      } catch (e) {
        const error = new SpoolError('SPOOL_UNWRITABLE', Math.ceil(this.options.unwritableBackoffMs / 1000) || 1, { cause: e });
        this.unwritableUntil = Date.now() + this.options.unwritableBackoffMs;
        // What queued meanwhile would only meet the same disk: refuse it now too.
        const refused = group.concat(this.queue.splice(0));
        this.state.counters.unwritable += refused.length;
        for (const w of refused) w.reject(error);
        bytes = refused.reduce((sum, w) => sum + w.bytes, 0);
      }
      this.queuedBytes -= bytes;
    }
    this.phase = 'idle';
  }

  private async writeGroup(group: readonly Waiter[]): Promise<void> {
    const { state } = this;
    const time = Date.now();
    if (this.rollRequested) {
      this.rollRequested = false;
      await this.seal();
    }
    const active = this.active ?? (await this.openSegment());
    const bodies = group.map((w) => w.body);
    const size = groupBytes(bodies, active.end === 0);
    // A group over maxGroupBytes (one huge append) gets a buffer of its own, not kept.
    if (this.scratch.length < size && size <= this.options.maxGroupBytes) {
      this.scratch = Buffer.allocUnsafe(Math.min(this.options.maxGroupBytes, Math.max(size, 2 * this.scratch.length)));
    }
    const buf = encodeGroup(
      this.scratch.length >= size ? this.scratch.subarray(0, size) : Buffer.allocUnsafe(size),
      group.map((w) => w.records),
      bodies,
      time,
      active.end === 0,
    );
    try {
      for (let done = 0; done < buf.length; ) {
        const { bytesWritten } = await active.file.write(buf, done, buf.length - done, active.end + done);
        if (bytesWritten <= 0) throw new Error('the spool segment took no bytes');
        done += bytesWritten;
      }
      await active.file.datasync();
      // A new file's name must be durable too before anything in it is acknowledged.
      if (active.end === 0) await state.fs.syncDir(state.dir);
    } catch (e) {
      await this.abandon(active);
      throw e;
    }
    active.end += buf.length;
    state.bytes += buf.length;
    state.counters.syncs++;
    for (const w of group) state.counters.records += w.records.length;
    if (active.segment) active.segment.end = active.end;
    else {
      active.segment = { number: active.number, path: segmentPath(state.dir, active.number), end: active.end, sealed: false };
      state.segments.push(active.segment);
    }
    this.options.onSynced(time);
    if (active.end >= this.options.segmentBytes) await this.seal();
  }

  private async openSegment(): Promise<Active> {
    // A file of that name can be left by a failed attempt whose unlink failed too.
    for (let attempt = 0; ; attempt++) {
      try {
        const file = await this.state.fs.open(segmentPath(this.state.dir, this.nextNumber), 'wx');
        this.active = { number: this.nextNumber, file, end: 0 };
        return this.active;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 3) throw e;
        this.nextNumber++;
      }
    }
  }

  /**
   * After a failed write or sync the segment's tail is unknown (a failed fdatasync may
   * have dropped the pages it could not write), so nothing more is appended to it: it is
   * cut back to its last synced byte and sealed there, and the next group starts a new
   * segment. A segment with nothing synced is removed and its number used again.
   */
  private async abandon(active: Active): Promise<void> {
    this.active = undefined;
    const path = segmentPath(this.state.dir, active.number);
    if (active.end === 0) {
      await active.file.close().catch(() => {});
      await this.state.fs.unlink(path).catch(() => {});
      return;
    }
    // Readers stop at `end` whether or not the cut works.
    await active.file.truncate(active.end).catch(() => {});
    await active.file.close().catch(() => {});
    active.segment!.sealed = true;
    this.nextNumber = active.number + 1;
  }

  private async seal(): Promise<void> {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    if (active.segment) active.segment.sealed = true;
    this.nextNumber = active.number + 1;
    await active.file.close().catch(() => {});
  }
}
