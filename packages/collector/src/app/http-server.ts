import { createServer } from 'node:http';
import type { RequestListener, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { DEFAULT_SERVER_LIMITS } from '../http/server-limits.js';
import type { ServerLimits } from '../http/server-limits.js';
import type { Metrics } from '../telemetry/metrics.js';

/** A connection with no traffic either way for this long is closed (a client that stopped reading its answer). */
const IDLE_SOCKET_MS = 120_000;

/** The answers the server writes itself, as Node's own defaults are (they close the connection). */
const answer = (status: string) => `HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`;

/** Why Node gave up on a client, as /metrics counts it. */
function reasonOf(err: NodeJS.ErrnoException, socket: Duplex): string {
  if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'timeout';
  if (err.code === 'HPE_HEADER_OVERFLOW') return 'headers_too_large';
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) return 'reset';
  return 'bad_request';
}

/**
 * A node:http server for `listener` with the limits set on purpose (docs/operations.md):
 * headers within `headersTimeoutMs`, a whole request within `requestTimeoutMs` (408, and
 * checked every second rather than Node's 30 s, so that the bounds hold), idle kept-alive
 * connections closed after `keepAliveTimeoutMs`, at most `maxConnections` open. A CONNECT
 * gets 400 (Node would close it without a word). What the server refuses or cuts off
 * itself is counted in `cartbeacon_http_refused_total`.
 */
export function createHttpServer(listener: RequestListener, metrics: Metrics, limits: Readonly<ServerLimits> = DEFAULT_SERVER_LIMITS): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for requests over their time: a bound is only as good as this.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    listener,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.timeout = Math.max(IDLE_SOCKET_MS, limits.requestTimeoutMs);

  server.on('connection', (socket) => {
    metrics.openConnections.inc();
    socket.once('close', () => metrics.openConnections.dec());
  });
  server.on('drop', () => metrics.httpRefused.inc({ reason: 'connection_cap' }));
  // A proxy's method: this is no proxy.
  server.on('connect', (_req, socket: Duplex) => {
    metrics.httpRefused.inc({ reason: 'connect' });
    socket.on('error', () => {});
    socket.end(answer('400 Bad Request'));
  });
  // As Node's own handling (a 400, 408 or 431, then close), counted.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const reason = reasonOf(err, socket);
    metrics.httpRefused.inc({ reason });
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (reason !== 'reset' && socket.writable && !inFlight?.headersSent)
      socket.write(answer(reason === 'timeout' ? '408 Request Timeout' : reason === 'headers_too_large' ? '431 Request Header Fields Too Large' : '400 Bad Request'));
    socket.destroy();
  });
  return server;
}
