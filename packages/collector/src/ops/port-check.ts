import { createServer } from 'node:net';
import { CommandError } from './command-error.js';

/** The line for a port another process listens on. */
export const portInUse = (host: string, port: number) =>
  new CommandError(`port ${port} on ${host} is in use by another process: stop it, or choose another port (--port or PORT)`);

/** A listen error as one line that says what to change, or the error itself. */
export function listenProblem(e: unknown, host: string, port: number): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return portInUse(host, port);
  if (code === 'EACCES') return new CommandError(`port ${port} needs privileges this user does not have: choose one above 1023 (--port or PORT) and put a proxy on 443 in front (docs/deployment.md)`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CommandError(`HOST "${host}" is not an address of this machine (--host or HOST)`);
  return e;
}

/**
 * Fails with a CommandError if `port` cannot be listened on at `host` now; checked before a
 * start does any work (opening the store, a demo account, the demo's build). Port 0 (any
 * free port) always can.
 */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e) => reject(listenProblem(e, host, port)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}
