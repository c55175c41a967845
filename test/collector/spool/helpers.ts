import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { SPOOL_START, comparePositions, nodeSpoolFs, openSpool } from '../../../packages/collector/src/spool/index.js';
import type { Spool, SpoolFs, SpoolOptions, SpoolPosition } from '../../../packages/collector/src/spool/index.js';

/** A fresh directory under os.tmpdir(), removed by `remove()`. */
export function tempDir(prefix = 'cartbeacon-spool-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const record = (text: string) => Buffer.from(text);

/** `n` records "<tag>-0" … padded to about `bytes` each. */
export const records = (tag: string, n: number, bytes = 0) =>
  Array.from({ length: n }, (_, i) => record(`${tag}-${i}`.padEnd(bytes, '.')));

/** Everything readable from `from` on, as text (padding dropped), and the position after it. */
export async function readAll(spool: Spool, from: SpoolPosition = SPOOL_START, maxRecords = 1000) {
  const texts: string[] = [];
  let pos = from;
  for (;;) {
    const batch = await spool.read(pos, { maxRecords });
    texts.push(...batch.records.map((r) => r.toString().replace(/\.+$/, '')));
    if (!batch.records.length && comparePositions(batch.next, pos) === 0) return { texts, next: pos };
    pos = batch.next;
  }
}

/**
 * The real filesystem with counted syncs and a switch that makes writes, syncs and file
 * creation fail with `failWith` (e.g. EIO), as a broken disk would.
 */
export function faultyFs() {
  const control = {
    syncs: 0,
    dirSyncs: 0,
    failWith: undefined as string | undefined,
    failOn: 'write' as 'write' | 'sync',
    /** While set, each datasync waits for it. */
    gate: undefined as Promise<void> | undefined,
  };
  const fail = (what: 'write' | 'sync') => {
    if (control.failWith && control.failOn === what) {
      throw Object.assign(new Error(`${control.failWith}: injected`), { code: control.failWith });
    }
  };
  const fs: SpoolFs = {
    ...nodeSpoolFs,
    async open(path, flags) {
      const file = await nodeSpoolFs.open(path, flags);
      return {
        write: async (b, o, l, p) => (fail('write'), file.write(b, o, l, p)),
        read: (b, o, l, p) => file.read(b, o, l, p),
        async datasync() {
          control.syncs++;
          await control.gate;
          fail('sync');
          return file.datasync();
        },
        truncate: (l) => file.truncate(l),
        stat: () => file.stat(),
        close: () => file.close(),
      };
    },
    async syncDir(dir) {
      control.dirSyncs++;
      return nodeSpoolFs.syncDir(dir);
    },
  };
  return { fs, control };
}

/**
 * Per-test temp directories and open spools, removed and closed after each test (call it
 * inside a describe).
 */
export function spoolFixture() {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });
  const dir = () => {
    const d = tempDir();
    cleanup.push(() => d.remove());
    return d.path;
  };
  const open = async (options: SpoolOptions) => {
    const spool = await openSpool(options);
    cleanup.push(() => spool.close());
    return spool;
  };
  return { cleanup, dir, open };
}
