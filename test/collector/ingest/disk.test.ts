import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ACCOUNT, startCollector, tempDir } from '../../helpers/collector.js';

/** A 512 KiB tmpfs at `dir`, or false where this machine does not let us mount one. */
function smallDisk(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

describe('a spool disk that is full', () => {
  const d = tempDir();
  const disk = join(d.path, 'disk');
  const mounted = smallDisk(disk);
  cleanups.push(() => {
    if (mounted) execFileSync('umount', [disk]);
    d.remove();
  });

  it.skipIf(!mounted)('answers 503 with Retry-After and nothing acknowledged that is not synced, then recovers on its own', async () => {
    const c = await startCollector({}, join(d.path, 'data'), { dir: join(disk, 'spool'), loadIntervalMs: 50 });
    cleanups.push(() => c.close());
    const batch = (n = 5) => Array.from({ length: n }, () => ({ name: 'PAGE_VIEW', category: 'Home Page', userId: 'v', sessionId: 's', eventId: randomUUID(), timestamp: Date.now() }));
    const ok = batch();
    expect((await c.send(ok)).status).toBe(200);

    // Something else fills the disk.
    const filler = join(disk, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC: the disk is full now, which is the point
    }
    // More than the page the first record left room in: a write that needs the full disk.
    const refused = batch(60);
    const res = await c.send(refused);
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).message).toMatch(/cannot write to its disk/);
    expect((await fetch(`${c.url}/readyz`)).status).toBe(503);

    rmSync(filler);
    await vi.waitFor(async () => expect((await c.send(batch())).status).toBe(200), { timeout: 5000, interval: 200 });
    expect((await fetch(`${c.url}/readyz`)).status).toBe(200);
    await c.ingest!.drain();
    const stored = new Set((await c.store.events(ACCOUNT.id)).map((e) => e.eventId));
    expect(ok.every((e) => stored.has(e.eventId))).toBe(true);
    expect(refused.some((e) => stored.has(e.eventId))).toBe(false);
  });
});
