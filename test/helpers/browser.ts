import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's chromium (scripts/ensure-chromium.mjs installs it); override with CARTBEACON_CHROMIUM. */
export const CHROMIUM = process.env.CARTBEACON_CHROMIUM || '/usr/bin/chromium';

/**
 * Launches headless chromium with the flags this machine needs: no sandbox (root), no
 * GPU, and no background networking (the network is closed; chromium would otherwise
 * keep failing to reach Google's hosts). `args` adds flags (e.g. --host-resolver-rules).
 */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  });
}
