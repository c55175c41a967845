import type { EventBatch } from '../pipeline/batch.js';
import type { EventWriter, StateReader } from '../store/ports.js';

/** How far the ingest path is: what /readyz and /metrics show. */
export interface IngestStatus {
  /** What the spool held at start is loaded: reports are current (within the load interval). */
  current: boolean;
  /** Why it cannot take or load events now (the spool's disk, the store), or undefined. */
  failing?: string;
  /** Bytes in the spool not yet loaded; 0 without a spool. */
  unloadedBytes: number;
  /** Bytes of the spool's files. */
  spoolBytes: number;
  spoolSegments: number;
  /** How long the oldest unloaded event has waited (s); 0 when all is loaded. */
  lagSeconds: number;
  /** Requests that shared one fdatasync, on average since start (group commit at work); 0 without a spool. */
  appendsPerSync: number;
}

/**
 * The ingest path behind the routes: where an API writes its events and reads its state.
 * With a spool (the server's), a write is acknowledged once it is synced to the spool and
 * a loader moves it into the store; without one (an embedded app, tests), it goes to the
 * store directly.
 */
/** Where the event API writes its requests: checked, not yet enriched (pipeline/batch.ts). */
export interface BatchWriter {
  /** Resolves once the batch is durable; its accepted events are stored once loaded. */
  writeBatch(batch: EventBatch): Promise<void>;
}

export interface Ingest {
  /** Rows enriched on their request, with the vendor state that goes with them (the vendor APIs). */
  writer: EventWriter;
  /** The event API's requests. */
  batches: BatchWriter;
  /** The state as written: what the spool holds but the store has not loaded yet, else the store's. */
  state: StateReader;
  status(): IngestStatus;
  /** Resolves once everything acknowledged so far is in the store. */
  drain(): Promise<void>;
  /** Loads what is acknowledged and stops; later writes are refused. */
  close(): Promise<void>;
}
