import { Worker } from 'node:worker_threads';
import { decodeRecords } from './decode.js';
import type { DecodedRecords } from './decode.js';

export type { DecodedRecords } from './decode.js';

/** Decodes the records of a load: in the loader's own thread, or here for small setups and tests. */
export interface RecordDecoder {
  /** Resolves once it can decode (a thread has loaded its modules). */
  ready(): Promise<void>;
  decode(records: readonly Uint8Array[]): Promise<DecodedRecords>;
  close(): Promise<void>;
}

/** @internal The worker's protocol: the records packed into one transferred buffer. */
export interface DecodeRequest {
  id: number;
  buffer: ArrayBuffer;
  /** Each record's end offset in `buffer`. */
  ends: number[];
}
/** @internal */
export type DecodeReply = { id: number } & (DecodedRecords | { error: string });
/** @internal What the worker posts once its modules are loaded. */
export const READY = -1;

/** Decodes on the calling thread. */
export const inlineDecoder = (): RecordDecoder => ({
  ready: async () => {},
  decode: async (records) => decodeRecords(records),
  close: async () => {},
});

/**
 * Decodes on a worker thread of its own (decode-worker.ts), started at once (its modules
 * load while the collector starts) and again after a crash; the records are copied once
 * into a buffer that is transferred.
 */
export function workerDecoder(): RecordDecoder {
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve(d: DecodedRecords): void; reject(e: Error): void }>();
  const failAll = (e: Error) => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
    worker = undefined;
  };
  let started!: Promise<void>;
  const start = () => {
    const w = new Worker(new URL('./decode-worker.js', import.meta.url));
    w.unref();
    started = new Promise<void>((resolve, reject) => {
      w.once('message', (m: DecodeReply) => (m.id === READY ? resolve() : undefined));
      w.once('error', reject);
    });
    started.catch(() => {});
    w.on('message', (reply: DecodeReply) => {
      if (reply.id === READY) return;
      const p = pending.get(reply.id);
      pending.delete(reply.id);
      if ('error' in reply) p?.reject(new Error(`decoding spool records failed: ${reply.error}`));
      else p?.resolve(reply);
    });
    w.on('error', (e) => failAll(e));
    w.on('exit', (code) => worker === w && failAll(new Error(`the decoding thread exited (code ${code})`)));
    return w;
  };
  worker = start();
  return {
    ready: () => started,
    decode(records) {
      const w = (worker ??= start());
      let size = 0;
      for (const r of records) size += r.byteLength;
      const buffer = new ArrayBuffer(size);
      const bytes = new Uint8Array(buffer);
      const ends: number[] = [];
      let at = 0;
      for (const r of records) {
        bytes.set(r, at);
        ends.push((at += r.byteLength));
      }
      const id = nextId++;
      return new Promise<DecodedRecords>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, buffer, ends } satisfies DecodeRequest, [buffer]);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      failAll(new Error('the decoder is closed'));
      await w?.terminate();
    },
  };
}
