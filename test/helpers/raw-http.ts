import { connect } from 'node:net';

/** What came back on a raw connection. */
export interface RawAnswer {
  /** The final status (1xx skipped), or 0 when the connection closed without one. */
  status: number;
  /** The status line and headers of that answer. */
  head: string;
  /** Milliseconds from connecting until the connection closed (or the deadline). */
  ms: number;
  /** True when the deadline came before the server answered and closed. */
  hung: boolean;
}

export interface RawOptions {
  /** Give up (a hang) after this long. @defaultValue 5000 */
  deadlineMs?: number;
  /** End our side once the bytes are written, as a client that gives up on its body. @defaultValue false */
  halfClose?: boolean;
  /** A slow client: `first` bytes at once (@defaultValue 0), then the rest `bytes` at a time every `everyMs`. */
  drip?: { first?: number; bytes: number; everyMs: number };
}

const finalStatus = (text: string): { status: number; head: string } => {
  // Skip interim answers (100 Continue) to the final one.
  for (const m of text.matchAll(/HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n/g)) {
    const status = Number(m[1]);
    if (status >= 200) return { status, head: m[0] };
  }
  return { status: 0, head: '' };
};

/**
 * Sends `request` as it is, byte for byte, on a new connection to 127.0.0.1:`port` and
 * reads until the server closes it (send `Connection: close`) or the deadline.
 */
export function rawRequest(port: number, request: Buffer | string, options: RawOptions = {}): Promise<RawAnswer> {
  const bytes = typeof request === 'string' ? Buffer.from(request, 'latin1') : request;
  const started = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let drip: NodeJS.Timeout | undefined;
    let done = false;
    const socket = connect(port, '127.0.0.1');
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(drip);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ ...finalStatus(text), ms: performance.now() - started, hung });
    };
    timer = setTimeout(() => finish(true), options.deadlineMs ?? 5000);
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', () => finish(false));
    // A reset after the answer (the server closed while we still wrote) is still an answer.
    socket.on('error', () => finish(false));
    socket.on('connect', () => {
      if (!options.drip) {
        socket.write(bytes);
        if (options.halfClose) socket.end();
        return;
      }
      let at = options.drip.first ?? 0;
      if (at) socket.write(bytes.subarray(0, at));
      const step = options.drip.bytes;
      drip = setInterval(() => {
        if (socket.destroyed || at >= bytes.length) return clearInterval(drip);
        socket.write(bytes.subarray(at, (at += step)));
        if (at >= bytes.length && options.halfClose) socket.end();
      }, options.drip.everyMs);
    });
  });
}

/** An HTTP/1.1 request's bytes: `Connection: close` and `Host` unless given, Content-Length of the body unless given. */
export function httpRequest(method: string, target: string, headers: [string, string][] = [], body?: Buffer | string): Buffer {
  const b = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const names = new Set(headers.map(([n]) => n.toLowerCase()));
  const all: [string, string][] = [
    ...(names.has('host') ? [] : [['Host', '127.0.0.1'] as [string, string]]),
    ...(names.has('connection') ? [] : [['Connection', 'close'] as [string, string]]),
    ...headers,
    ...(b && !names.has('content-length') && !names.has('transfer-encoding') ? [['Content-Length', String(b.length)] as [string, string]] : []),
  ];
  const head = `${method} ${target} HTTP/1.1\r\n${all.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), b ?? Buffer.alloc(0)]);
}
