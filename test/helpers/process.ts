import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../packages/collector/bin/cartbeacon.js', import.meta.url));

export interface CollectorProcess {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/** Runs `cartbeacon <args>` (the built CLI) with `env` added to a clean environment; `as` runs it as another user (root only). */
export function runCli(args: string[], env: Record<string, string>, as?: { uid: number; gid: number }): CollectorProcess {
  return runNode([CLI, ...args], env, as);
}

/** Runs `node <args>` with `env` added to a clean environment. */
export function runNode(args: string[], env: Record<string, string>, as?: { uid: number; gid: number }): CollectorProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until the process printed its URL ("cartbeacon collector on http://…"); returns it. */
export async function collectorUrl(p: CollectorProcess, timeoutMs = 60_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const m = /cartbeacon collector on (http:\/\/\S+)/.exec(p.stdout());
    if (m) return m[1]!;
    if (p.child.exitCode !== null) throw new Error(`collector exited: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`collector did not start: ${p.stdout()} ${p.stderr()}`);
}

/** Kills (SIGKILL) those of `procs` still running and waits until they are gone. */
export async function killAll(procs: CollectorProcess[]): Promise<void> {
  for (const p of procs.splice(0))
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
}
