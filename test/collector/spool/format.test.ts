import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { bodyBytes, decodeFrames, encodeGroup, groupBytes } from '../../../packages/collector/src/spool/format.js';

const appends = [[Buffer.from('one'), Buffer.from('two')], [Buffer.from('three')]];
const encoded = () => {
  const bodies = appends.map(bodyBytes);
  return encodeGroup(Buffer.alloc(groupBytes(bodies, false)), appends, bodies, 1234.5, false);
};

describe('spool frames', () => {
  it('decode to the records encoded, with the append time', () => {
    const d = decodeFrames(encoded(), 100);
    expect(d.records.map(String)).toEqual(['one', 'two', 'three']);
    expect(d).toMatchObject({ firstTime: 1234.5, stop: 'end', next: 100 + encoded().length });
  });

  it('stop at whole frames once enough records are out', () => {
    const d = decodeFrames(encoded(), 0, 1);
    expect(d.records.map(String)).toEqual(['one', 'two']);
    expect(d.next).toBe(16 + bodyBytes(appends[0]!));
  });

  it('say partial for a cut frame, with the length it wants', () => {
    const buf = encoded();
    const d = decodeFrames(buf.subarray(0, 20), 0);
    expect(d).toMatchObject({ records: [], stop: 'partial', wanted: 16 + bodyBytes(appends[0]!), next: 0 });
  });

  it('refuse a frame whose records overrun its body even when its checksum matches', () => {
    const buf = encoded();
    buf.writeUInt32LE(99, 16 + 4 + 3); // the second record's length, inside the first frame
    const end = 16 + bodyBytes(appends[0]!);
    buf.writeUInt32LE(crc32(buf.subarray(8, end)), 4);
    const d = decodeFrames(buf, 0);
    expect(d).toMatchObject({ records: [], stop: 'corrupt', next: 0 });
  });

  it('refuse a flipped bit anywhere in a frame', () => {
    const clean = encoded();
    for (let at = 0; at < clean.length; at++) {
      const buf = Buffer.from(clean);
      buf[at] = buf[at]! ^ 1;
      const d = decodeFrames(buf, 0);
      // Nothing from the damaged frame comes out (whichever field took the hit).
      const first = 16 + bodyBytes(appends[0]!);
      if (at < first) expect(d.records).toEqual([]);
      else expect(d.records.map(String)).toEqual(['one', 'two']);
      expect(d.stop).not.toBe('end');
    }
  });
});
