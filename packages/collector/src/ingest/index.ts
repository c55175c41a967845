export type { Ingest, IngestStatus } from './ingest.js';
export { directIngest } from './direct.js';
export { openSpooledIngest } from './spooled.js';
export type { SpooledIngestOptions } from './spooled.js';
