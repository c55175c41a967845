import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_START, formatPosition, openSpool, parsePosition } from '../../../packages/collector/src/spool/index.js';
import type { Spool } from '../../../packages/collector/src/spool/index.js';
import { faultyFs, readAll, record, records, spoolFixture } from './helpers.js';

describe('spool append and read', () => {
  const { dir, open } = spoolFixture();

  it('reads back what was appended, in order, before and after a reopen', async () => {
    const path = dir();
    const spool = await open({ dir: path });
    await spool.append(records('a', 10, 400));
    await Promise.all([spool.append(records('b', 3)), spool.append(records('c', 2))]);
    const expected = [...records('a', 10), ...records('b', 3), ...records('c', 2)].map(String);
    expect((await readAll(spool)).texts).toEqual(expected);
    await spool.close();
    const again = await open({ dir: path });
    expect((await readAll(again)).texts).toEqual(expected);
    // Bytes are kept as given, not as text.
    const binary = Uint8Array.from([0, 255, 10, 13, 0]);
    await again.append([binary]);
    const { records: last } = await again.read((await readAll(again, SPOOL_START)).next);
    expect(last).toEqual([]);
    const all = await again.read(SPOOL_START, { maxRecords: 100 });
    expect(Uint8Array.from(all.records.at(-1)!)).toEqual(binary);
  });

  it('writes the appends of one turn with one sync, and those that come during a sync with the next', async () => {
    const { fs, control } = faultyFs();
    const spool = await open({ dir: dir(), fs });
    await Promise.all(Array.from({ length: 64 }, (_, i) => spool.append(records(`t${i}`, 10))));
    expect(control.syncs).toBe(1);
    expect(spool.stats()).toMatchObject({ appends: 64, records: 640, syncs: 1 });

    let open_ = () => {};
    control.gate = new Promise<void>((r) => (open_ = r));
    let firstDone = false;
    const first = spool.append([record('first')]).then(() => (firstDone = true));
    while (control.syncs < 2) await new Promise((r) => setImmediate(r));
    // The first group's sync is under way: these queue, and nothing resolves before its sync.
    let laterDone = 0;
    const later = Array.from({ length: 50 }, (_, i) => spool.append([record(`later-${i}`)]).then(() => laterDone++));
    await new Promise((r) => setTimeout(r, 30));
    expect([firstDone, laterDone]).toEqual([false, 0]);
    control.gate = undefined;
    open_();
    await Promise.all([first, ...later]);
    expect(control.syncs).toBe(3);
    expect((await readAll(spool)).texts.slice(-51)).toEqual(['first', ...Array.from({ length: 50 }, (_, i) => `later-${i}`)]);
  });

  it('continues in a new segment after a reopen without close, and never hands out a position twice', async () => {
    const path = dir();
    const crashed = await openSpool({ dir: path });
    await crashed.append(records('before', 5));
    const { next } = await readAll(crashed);
    // No close(): as after a crash, the segment is left as it was.
    const spool = await open({ dir: path });
    await spool.append(records('after', 5));
    expect((await readAll(spool)).texts).toEqual([...records('before', 5), ...records('after', 5)].map(String));
    expect((await readAll(spool, next)).texts).toEqual(records('after', 5).map(String));
    expect(readdirSync(path).sort()).toEqual(['0000000000000001.seg', '0000000000000002.seg']);
  });

  it('deletes on release only the segments wholly before the position', async () => {
    const path = dir();
    const spool = await open({ dir: path, segmentBytes: 2048 });
    for (let i = 0; i < 20; i++) await spool.append(records(`g${i}`, 2, 400));
    const files = readdirSync(path).sort();
    expect(files.length).toBeGreaterThan(5);
    // Stop inside the third segment (three appends a segment, one append a read).
    let pos = SPOOL_START;
    for (let i = 0; i < 7; i++) pos = (await spool.read(pos, { maxRecords: 1 })).next;
    expect(pos.segment).toBe(3);
    const before = spool.stats();
    await spool.release(pos);
    expect(readdirSync(path).sort()).toEqual(files.slice(2));
    expect(existsSync(join(path, files[2]!))).toBe(true);
    const after = spool.stats();
    expect(after.segments).toBe(before.segments - 2);
    expect(after.bytes).toBeLessThan(before.bytes);
    expect(after.unloadedBytes).toBeLessThan(before.unloadedBytes);
    const rest = (await readAll(spool, pos)).texts;
    expect(rest).toHaveLength(40 - 14);
    expect(rest[0]).toBe('g7-0');
    // A release of an earlier position changes nothing.
    await spool.release(SPOOL_START);
    expect(spool.stats().unloadedBytes).toBe(after.unloadedBytes);
  });

  it('deletes at open what the store committed, and numbers new segments after it', async () => {
    const path = dir();
    const first = await openSpool({ dir: path, segmentBytes: 1024 });
    for (let i = 0; i < 6; i++) await first.append(records(`g${i}`, 2, 400));
    // Whole appends: three of them.
    const { next } = await first.read(SPOOL_START, { maxRecords: 5 });
    await first.close();
    const spool = await open({ dir: path, committed: next });
    expect(readdirSync(path).every((f) => Number.parseInt(f, 10) >= next.segment)).toBe(true);
    expect((await readAll(spool, next)).texts).toEqual(['g3-0', 'g3-1', 'g4-0', 'g4-1', 'g5-0', 'g5-1']);
    // A spool whose directory was emptied still never reuses a committed segment number.
    const empty = await open({ dir: dir(), committed: { segment: 41, offset: 9000 } });
    await empty.append([record('x')]);
    expect((await readAll(empty, { segment: 41, offset: 9000 })).texts).toEqual(['x']);
  });

  it('tells how much is unloaded and since when', async () => {
    const spool: Spool = await open({ dir: dir() });
    expect(spool.stats()).toMatchObject({ unloadedBytes: 0, oldestUnloadedAt: null, segments: 0 });
    const t0 = Date.now();
    await spool.append(records('a', 10, 400));
    await new Promise((r) => setTimeout(r, 20));
    await spool.append(records('b', 10, 400));
    const s = spool.stats();
    expect(s.unloadedBytes).toBe(s.bytes);
    expect(s.oldestUnloadedAt).toBeGreaterThanOrEqual(t0);
    const { next } = await spool.read(SPOOL_START, { maxRecords: 10 });
    await spool.release(next);
    expect(spool.stats().oldestUnloadedAt).toBeGreaterThan(s.oldestUnloadedAt!);
    await spool.release((await readAll(spool, next)).next);
    expect(spool.stats()).toMatchObject({ unloadedBytes: 0, oldestUnloadedAt: null });
  });

  it('writes positions as text and back', () => {
    expect(formatPosition({ segment: 12, offset: 345 })).toBe('12:345');
    expect(parsePosition('12:345')).toEqual({ segment: 12, offset: 345 });
    expect(() => parsePosition('12:-1')).toThrow(RangeError);
  });

  it('keeps empty records, takes an empty append as done and refuses one over 16 MiB', async () => {
    const spool = await open({ dir: dir() });
    await spool.append([]);
    expect(spool.stats().syncs).toBe(0);
    await spool.append([new Uint8Array(0), record('x'), new Uint8Array(0)]);
    expect((await readAll(spool)).texts).toEqual(['', 'x', '']);
    await expect(spool.append([new Uint8Array(16 * 1024 * 1024)])).rejects.toThrow(RangeError);
  });

  it('keeps the records of one append together in a batch', async () => {
    const spool = await open({ dir: dir() });
    await Promise.all([spool.append(records('a', 3)), spool.append(records('b', 3))]);
    const batch = await spool.read(SPOOL_START, { maxRecords: 2 });
    expect(batch.records.map(String)).toEqual(['a-0', 'a-1', 'a-2']);
    expect((await spool.read(batch.next, { maxRecords: 2 })).records.map(String)).toEqual(['b-0', 'b-1', 'b-2']);
  });
});
