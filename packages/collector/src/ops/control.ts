import { chmodSync, unlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { join } from 'node:path';
import type { Logger } from '../telemetry/logger.js';
import { CommandError } from './command-error.js';

/**
 * The running collector's control socket in its data dir: a Unix socket only the data
 * dir's owner may open (mode 0600), so that `cartbeacon backup` needs no token and no port,
 * and nothing of it is reachable over the network. One JSON request a connection, one
 * JSON answer.
 */
export const CONTROL_SOCKET = 'control.sock';

/** Linux's limit on a socket's path (sun_path, 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

export interface ControlRequest {
  command: 'backup';
  /** An absolute directory, new or empty. */
  target: string;
}
export type ControlAnswer = { ok: true; result: unknown } | { ok: false; error: string };
export type ControlHandler = (request: ControlRequest) => Promise<unknown>;

export interface ControlServer {
  close(): Promise<void>;
}

/** Reads one line of JSON from `socket`. */
function readLine(socket: Socket): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\n');
      if (end >= 0) {
        try {
          resolve(JSON.parse(text.slice(0, end)));
        } catch (e) {
          reject(e);
        }
      } else if (text.length > 64 * 1024) reject(new Error('request too long'));
    });
    socket.once('error', reject);
    socket.once('end', () => reject(new Error('closed before a whole request')));
  });
}

/**
 * Listens on `<dataDir>/control.sock` (the data dir is locked by this process, so a socket
 * file there is a past one's). Undefined where the path is too long for a socket or the
 * file system has none: the collector runs, `cartbeacon backup` cannot reach it (logged).
 */
export async function listenControl(dataDir: string, handle: ControlHandler, logger: Logger): Promise<ControlServer | undefined> {
  const path = join(dataDir, CONTROL_SOCKET);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    logger.warn({ path }, 'the data dir path is too long for the control socket: cartbeacon backup cannot reach this collector');
    return undefined;
  }
  try {
    unlinkSync(path);
  } catch {
    // None left behind.
  }
  const server: Server = createServer((socket) => {
    socket.on('error', () => {});
    readLine(socket)
      .then((request) => handle(request as ControlRequest))
      .then(
        (result): ControlAnswer => ({ ok: true, result }),
        (e): ControlAnswer => ({ ok: false, error: (e as Error).message }),
      )
      .then((answer) => socket.end(JSON.stringify(answer) + '\n'));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => resolve());
    });
    chmodSync(path, 0o600);
  } catch (e) {
    // A file system without sockets (some network and VM shares): the collector serves on.
    server.close();
    logger.warn({ path, err: e }, 'no control socket in the data dir: cartbeacon backup cannot reach this collector');
    return undefined;
  }
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

/** Sends `request` to the collector running on `dataDir` and returns its result; a CommandError if none runs there. */
export function askCollector(dataDir: string, request: ControlRequest): Promise<unknown> {
  const path = join(dataDir, CONTROL_SOCKET);
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    socket.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT' || e.code === 'ECONNREFUSED'
          ? new CommandError(`no collector is running on ${dataDir} (no ${path}): stopped, the data dir itself is a consistent copy (docs/operations.md)`)
          : e.code === 'EACCES'
            ? new CommandError(`cannot open ${path} (EACCES): run cartbeacon backup as the collector's user`)
            : new CommandError(`cannot reach the collector through ${path} (${e.code ?? e.message})`),
      ),
    );
    socket.once('connect', () => {
      socket.write(JSON.stringify(request) + '\n');
      readLine(socket)
        .then(
          (answer) => {
            const a = answer as ControlAnswer;
            if (a.ok) resolve(a.result);
            else reject(new CommandError(a.error));
          },
          // The collector stopped (or broke off) before it answered.
          () => reject(new CommandError(`the collector on ${dataDir} stopped before it answered: see its log, then try again`)),
        )
        .finally(() => socket.destroy());
    });
  });
}
