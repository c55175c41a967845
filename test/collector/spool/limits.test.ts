import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPOOL_START, SpoolError } from '../../../packages/collector/src/spool/index.js';
import type { Spool } from '../../../packages/collector/src/spool/index.js';
import { faultyFs, readAll, records, tempDir, spoolFixture } from './helpers.js';

const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof SpoolError ? e.code : String(e)),
  );

/** Appends records of `size` one by one until one is refused (or `max` went in); returns those acknowledged and the refusal. */
async function fill(spool: Spool, tag: string, size: number, max = 10_000) {
  const acked: string[] = [];
  for (let i = 0; i < max; i++) {
    try {
      await spool.append(records(`${tag}${i}`, 1, size));
      acked.push(`${tag}${i}-0`);
    } catch (e) {
      return { acked, error: e as SpoolError };
    }
  }
  return { acked, error: undefined };
}

describe('spool limits and disk errors', () => {
  const { cleanup, dir, open } = spoolFixture();

  it('refuses appends past maxBytes with SPOOL_FULL, and takes them again once released', async () => {
    const spool = await open({ dir: dir(), maxBytes: 10_000, segmentBytes: 4096 });
    const { acked, error } = await fill(spool, 'a', 1000);
    expect(error?.code).toBe('SPOOL_FULL');
    expect(error?.retryAfterSeconds).toBeGreaterThan(0);
    expect(spool.stats().unloadedBytes).toBeLessThanOrEqual(10_000);
    expect(spool.stats().full).toBe(1);
    // The refusal is immediate and leaves nothing behind.
    expect(await code(spool.append(records('x', 1, 1000)))).toBe('SPOOL_FULL');
    const { texts, next } = await readAll(spool);
    expect(texts).toEqual(acked);
    await spool.release(next);
    expect(spool.stats().unloadedBytes).toBe(0);
    expect(await code(spool.append(records('b', 1, 1000)))).toBe('ok');
    expect((await readAll(spool, next)).texts).toEqual(['b-0']);
  });

  it('answers SPOOL_UNWRITABLE when a sync fails, keeps nothing of that group, and writes again after the backoff', async () => {
    const path = dir();
    const { fs, control } = faultyFs();
    const spool = await open({ dir: path, fs, unwritableBackoffMs: 200 });
    await spool.append(records('good', 3));
    control.failOn = 'sync';
    control.failWith = 'EIO';
    const failed = await Promise.all([spool.append(records('lost', 3)), spool.append(records('lost2', 1))].map(code));
    expect(failed).toEqual(['SPOOL_UNWRITABLE', 'SPOOL_UNWRITABLE']);
    control.failWith = undefined;
    // During the backoff the refusal comes at once, without touching the disk.
    const syncs = control.syncs;
    const early = spool.append(records('early', 1)).catch((e: SpoolError) => e);
    expect(await early).toMatchObject({ code: 'SPOOL_UNWRITABLE' });
    expect(control.syncs).toBe(syncs);
    await new Promise((r) => setTimeout(r, 250));
    await spool.append(records('later', 2));
    const expected = ['good-0', 'good-1', 'good-2', 'later-0', 'later-1'];
    expect((await readAll(spool)).texts).toEqual(expected);
    await spool.close();
    expect((await readAll(await open({ dir: path }))).texts).toEqual(expected);
  });

  it('answers SPOOL_UNWRITABLE when writes fail, also for a new segment, and recovers', async () => {
    const path = dir();
    const { fs, control } = faultyFs();
    const spool = await open({ dir: path, fs, unwritableBackoffMs: 0, segmentBytes: 512 });
    await spool.append(records('good', 1, 600));
    control.failWith = 'EROFS';
    expect(await code(spool.append(records('lost', 1)))).toBe('SPOOL_UNWRITABLE');
    expect(await code(spool.append(records('lost', 1)))).toBe('SPOOL_UNWRITABLE');
    control.failWith = undefined;
    await spool.append(records('later', 1));
    expect((await readAll(spool)).texts).toEqual(['good-0', 'later-0']);
    expect(spool.stats().unwritable).toBe(2);
  });

  // A real full disk: a tiny tmpfs (tests run as root, where a read-only mode bit would not stop writes).
  const mountable = (() => {
    const probe = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', probe.path], { stdio: 'ignore' });
      execFileSync('umount', [probe.path], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    } finally {
      probe.remove();
    }
  })();

  it.skipIf(!mountable)('answers SPOOL_UNWRITABLE on a full disk, acknowledges only what is synced, and recovers when space returns', async () => {
    const mnt = dir();
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    cleanup.push(() => execFileSync('umount', [mnt]));
    const path = join(mnt, 'spool');
    mkdirSync(path);
    // Leave about 60 KiB free.
    writeFileSync(join(mnt, 'ballast'), Buffer.alloc(196 * 1024));
    const spool = await open({ dir: path, unwritableBackoffMs: 0, segmentBytes: 16 * 1024 });
    const first = await fill(spool, 'a', 3000);
    expect(first.error?.code).toBe('SPOOL_UNWRITABLE');
    expect((first.error?.cause as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(first.acked.length).toBeGreaterThan(5);
    expect(await code(spool.append(records('again', 1, 3000)))).toBe('SPOOL_UNWRITABLE');
    expect((await readAll(spool)).texts).toEqual(first.acked);
    rmSync(join(mnt, 'ballast'));
    const second = await fill(spool, 'b', 3000, 20);
    expect(second).toMatchObject({ error: undefined });
    expect(second.acked).toHaveLength(20);
    await spool.close();
    const again = await open({ dir: path });
    expect((await readAll(again, SPOOL_START)).texts).toEqual([...first.acked, ...second.acked]);
  });
});
