import { UAParser } from 'ua-parser-js';
import { isbot } from 'isbot';
import { LRUCache } from 'lru-cache';

/** What the user agent tells about the visitor's software and device. */
export interface Agent {
  browser: string | null;
  os: string | null;
  osVersion: string | null;
  /** Desktop, Mobile, Tablet or Other. */
  deviceClass: string;
  /** The event API's device: PC, TABLET, MOBILE, ANDROID or IOS. */
  device: string;
  /** On the bot list (isbot), or empty: browsers always send an agent. */
  isBot: boolean;
}

const CLASSES: Record<string, string> = { mobile: 'Mobile', tablet: 'Tablet' };

function parseAgent(ua: string): Agent {
  const r = new UAParser(ua).getResult();
  const kind = r.device.type;
  // ua-parser-js leaves the type empty for desktops; smart TVs, consoles, wearables are "Other".
  const deviceClass = !kind ? 'Desktop' : (CLASSES[kind] ?? 'Other');
  const os = r.os.name ?? null;
  const device =
    deviceClass === 'Tablet'
      ? 'TABLET'
      : deviceClass === 'Mobile'
        ? os === 'iOS'
          ? 'IOS'
          : os === 'Android'
            ? 'ANDROID'
            : 'MOBILE'
        : 'PC';
  return {
    browser: r.browser.name ?? null,
    os,
    osVersion: r.os.version ?? null,
    deviceClass,
    device,
    isBot: !ua || isbot(ua),
  };
}

// Parsing costs tens of microseconds; visitors share a few thousand distinct agents.
const cache = new LRUCache<string, Agent>({ max: 5000 });

/** Parses a user agent (cached). */
export function agentOf(ua: string | undefined): Agent {
  const key = (ua ?? '').slice(0, 1024);
  let agent = cache.get(key);
  if (!agent) cache.set(key, (agent = parseAgent(key)));
  return agent;
}

/** The device class that the event API's device field implies. */
export const DEVICE_CLASSES: Record<string, string> = {
  PC: 'Desktop',
  TABLET: 'Tablet',
  MOBILE: 'Mobile',
  ANDROID: 'Mobile',
  IOS: 'Mobile',
};
