import { IDS } from './ids';
import type { guard } from './log';

/**
 * Follows the page's lifecycle: `leave` when it is hidden or goes away (pagehide may follow
 * a hide: `leave` must not send twice), `online` when the network is back, and `refused`
 * when another tab refuses consent (its localStorage copy of the choice says so), so that
 * the refusal holds here at once. Never throws into the page.
 */
export function watchPage(safe: ReturnType<typeof guard>, leave: () => void, online: () => void, refused: () => void): void {
  const left = safe(leave);
  addEventListener('online', online);
  addEventListener('pagehide', left);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'hidden' && left());
  addEventListener(
    'storage',
    safe((e: StorageEvent) => e.key == IDS && JSON.parse(e.newValue!)[2] === false && refused()),
  );
}
