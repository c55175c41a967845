import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSpool } from '../../../packages/collector/src/spool/index.js';
import { readAll, tempDir } from './helpers.js';

const VITE_NODE = fileURLToPath(new URL('../../../node_modules/vite-node/vite-node.mjs', import.meta.url));
const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));

describe('a spool whose process is killed while appending', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  it('gives back, after a reopen, each record whose append had resolved exactly once', async () => {
    const dir = tempDir();
    cleanup.push(() => dir.remove());
    let firstRound: string[] = [];
    for (let round = 0; round < 2; round++) {
      const child = spawn(process.execPath, [VITE_NODE, CHILD, dir.path, `r${round}`], { stdio: ['ignore', 'pipe', 'inherit'] });
      cleanup.push(() => child.kill('SIGKILL'));
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise((r) => child.on('exit', r));
      // Kill it mid-stream, some way past the first segment rotation.
      const deadline = Date.now() + 15_000;
      while ((out.match(/^ack /gm)?.length ?? 0) < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      child.kill('SIGKILL');
      await exited;
      const acked = [...out.matchAll(/^ack (\S+)\n/gm)].map((m) => m[1]!);
      expect(acked.length).toBeGreaterThanOrEqual(400);

      const spool = await openSpool({ dir: dir.path });
      const { texts } = await readAll(spool, undefined, 5000);
      await spool.close();
      const counts = new Map<string, number>();
      for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
      // Nothing twice, nothing garbled, and every acknowledged record there.
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      expect(texts.every((t) => /^r\dw\d+-\d+-\d$/.test(t))).toBe(true);
      const missing = acked.flatMap((tag) => Array.from({ length: 10 }, (_, j) => `${tag}-${j}`)).filter((t) => !counts.has(t));
      expect(missing).toEqual([]);
      // A group is all there or not at all.
      const groups = new Map<string, number>();
      for (const t of texts) groups.set(t.replace(/-\d$/, ''), (groups.get(t.replace(/-\d$/, '')) ?? 0) + 1);
      expect([...groups.values()].every((n) => n === 10)).toBe(true);
      // The first round's records are all still there after the second.
      if (round === 0) firstRound = texts;
      else expect(texts.slice(0, firstRound.length)).toEqual(firstRound);
    }
  });
});
