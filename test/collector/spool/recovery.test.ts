import { describe, expect, it } from 'vitest';
import { appendFileSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_START, openSpool } from '../../../packages/collector/src/spool/index.js';
import { readAll, records, spoolFixture } from './helpers.js';

const segments = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.seg')).sort();
const flipByte = (file: string, at: number) => {
  const bytes = readFileSync(file);
  bytes[at] = bytes[at]! ^ 0x40;
  writeFileSync(file, bytes);
};

describe('spool recovery', () => {
  const { dir, open } = spoolFixture();
  /** A closed spool in a new directory with `groups` groups of 2 records of ~400 B. */
  const written = async (groups: number, segmentBytes?: number) => {
    const path = dir();
    const spool = await openSpool({ dir: path, segmentBytes });
    for (let i = 0; i < groups; i++) await spool.append(records(`g${i}`, 2, 400));
    await spool.close();
    return path;
  };

  // An append of records('g…', 2, 400) is one frame of 16 + 2 × (4 + 400) = 824 bytes.
  const FRAME = 824;

  it('cuts a torn last append at open and never returns any of it', async () => {
    const path = await written(3);
    const file = join(path, segments(path)[0]!);
    const size = statSync(file).size;
    truncateSync(file, size - 100);
    const spool = await open({ dir: path });
    expect((await readAll(spool)).texts).toEqual(['g0-0', 'g0-1', 'g1-0', 'g1-1']);
    expect(statSync(file).size).toBe(size - FRAME);
    expect(spool.stats()).toMatchObject({ corruptSegments: 1, corruptBytes: FRAME - 100 });
    // Appends go on after it, and both survive another reopen.
    await spool.append(records('new', 2));
    await spool.close();
    const again = await open({ dir: path });
    expect((await readAll(again)).texts).toEqual(['g0-0', 'g0-1', 'g1-0', 'g1-1', 'new-0', 'new-1']);
  });

  it('cuts a tail torn inside a frame header, and a zero-filled tail', async () => {
    const path = await written(2);
    const file = join(path, segments(path)[0]!);
    truncateSync(file, statSync(file).size - FRAME + 7);
    appendFileSync(file, Buffer.alloc(4096));
    const spool = await open({ dir: path });
    expect((await readAll(spool)).texts).toEqual(['g0-0', 'g0-1']);
  });

  it('cuts the last segment at a frame whose checksum fails, and returns nothing from there on', async () => {
    const path = await written(3);
    const file = join(path, segments(path)[0]!);
    // A byte in a payload of the second append (after the 8-byte magic and the first frame).
    flipByte(file, 8 + FRAME + 100);
    const spool = await open({ dir: path });
    expect((await readAll(spool)).texts).toEqual(['g0-0', 'g0-1']);
    expect(statSync(file).size).toBe(8 + FRAME);
  });

  it('skips the rest of an earlier segment after a corrupt frame and reads on in the next', async () => {
    const path = await written(6, 1024);
    const files = segments(path);
    expect(files).toHaveLength(3);
    // The second frame of the first segment: its length field.
    flipByte(join(path, files[0]!), 8 + FRAME + 1);
    const spool = await open({ dir: path });
    const { texts } = await readAll(spool);
    expect(texts).toEqual(['g0-0', 'g0-1', 'g2-0', 'g2-1', 'g3-0', 'g3-1', 'g4-0', 'g4-1', 'g5-0', 'g5-1']);
    expect(spool.stats().corruptSegments).toBe(1);
    // A checksum failure in the middle segment's first frame: the whole segment is skipped.
    flipByte(join(path, files[1]!), 8 + 16 + 3);
    expect((await readAll(spool)).texts).toEqual(['g0-0', 'g0-1', 'g4-0', 'g4-1', 'g5-0', 'g5-1']);
    expect(spool.stats().corruptSegments).toBe(2);
  });

  it('skips a segment without its magic, and removes a last one that has none', async () => {
    const path = await written(4, 1024);
    const files = segments(path);
    flipByte(join(path, files[0]!), 0);
    writeFileSync(join(path, '0000000000000003.seg'), 'CBSP');
    writeFileSync(join(path, 'notes.txt'), 'not a segment');
    const spool = await open({ dir: path });
    expect(segments(path)).toEqual(files);
    expect((await readAll(spool)).texts).toEqual(['g2-0', 'g2-1', 'g3-0', 'g3-1']);
    await spool.append(records('n', 1));
    expect((await readAll(spool, SPOOL_START)).texts.at(-1)).toBe('n-0');
  });
});
