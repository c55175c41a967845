import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { decodeRecords } from './decode.js';
import { READY } from './decoder.js';
import type { DecodeRequest, DecodeReply } from './decoder.js';

/**
 * The loader's decoding thread: enriches and encodes the spooled batches off the event
 * loop that answers requests. On Linux it lowers its own priority, so that while the
 * machine is saturated, answering requests comes before loading what is already safe in
 * the spool (the spool holds the difference; the loader catches up when load eases).
 */
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (tid > 0) setPriority(tid, 10);
} catch {
  // Not Linux, or not allowed: the thread keeps the process's priority.
}

parentPort!.on('message', ({ id, buffer, ends }: DecodeRequest) => {
  const bytes = new Uint8Array(buffer);
  const records: Uint8Array[] = [];
  let start = 0;
  for (const end of ends) {
    records.push(bytes.subarray(start, end));
    start = end;
  }
  let reply: DecodeReply;
  try {
    reply = { id, ...decodeRecords(records) };
  } catch (e) {
    reply = { id, error: (e as Error).message };
  }
  // The lines go over without a copy: the main thread never holds them as strings.
  parentPort!.postMessage(reply, 'lines' in reply ? [reply.lines.buffer as ArrayBuffer, reply.keys.buffer as ArrayBuffer] : []);
});
parentPort!.postMessage({ id: READY, lines: new Uint8Array(), keys: new Uint8Array(), state: [], leftOut: [], failed: [] } satisfies DecodeReply);
