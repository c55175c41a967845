import type { StateReader } from '../../store/ports.js';
import type { IngestDeps } from '../ingest-context.js';
import type { KeyedLock } from './keyed-lock.js';

/** What the vendor-compatible routes are given besides what every ingest API is. */
export interface VendorDeps extends IngestDeps {
  /** The state they keep (carts, sessions, Da Vinci's registrations). */
  state: StateReader;
  /** Serialises the work on one cart or one visitor's session. */
  lock: KeyedLock;
}

/** The refusal label of a vendor API: YESPO_400, DAVINCI_401, … */
export const vendorLabel = (channel: string) => (err: { status: number }) => `${channel.toUpperCase()}_${err.status}`;
