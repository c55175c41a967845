import { UAParser } from 'ua-parser-js';
import { createIsbotFromList, list } from 'isbot';
import { LRUCache } from 'lru-cache';
import { deviceOf } from './device.js';
import type { DeviceHints } from './device.js';

/** What the user agent tells about the visitor's software and device. */
export interface Agent {
  browser: string | null;
  os: string | null;
  osVersion: string | null;
  /** Desktop, Mobile, Tablet or Other. */
  deviceClass: string;
  /** The event API's device: PC, TABLET, MOBILE, ANDROID or IOS. */
  device: string;
  /** On the bot list (isbot, less its patterns that match browsers), or empty: browsers always send an agent. */
  isBot: boolean;
}

export type { DeviceHints };

/**
 * isbot's list less three patterns that match real browsers (issue 13): "discovery"
 * (phones named Discovery), agents of 50 characters or more without a space (some in-app
 * browsers and TV boxes), and "word/1.0;" (TVs' CE-HTML/1.0). Without them isbot still
 * catches every bot of the accuracy fixtures it caught with them (bench/accuracy).
 */
const BROWSER_PATTERNS = new Set(['discovery', '^[^ ]{50,}$', '\\b\\w+/1\\.0;']);
const isBot = createIsbotFromList(list.filter((p) => !BROWSER_PATTERNS.has(p)));

const CLASSES: Record<string, string> = { mobile: 'Mobile', tablet: 'Tablet' };

function parseAgent(ua: string, hints: DeviceHints | undefined): Agent {
  const r = new UAParser(ua).getResult();
  const kind = r.device.type;
  const device = deviceOf(r, hints);
  // ua-parser-js leaves the type empty for desktops; smart TVs, consoles, wearables are
  // "Other". Where the rules found another device than the parser, its class follows.
  const parsed = !kind ? 'Desktop' : (CLASSES[kind] ?? 'Other');
  const deviceClass = parsed === 'Other' && device === 'PC' ? parsed : DEVICE_CLASSES[device]!;
  return {
    browser: r.browser.name ?? null,
    os: r.os.name ?? null,
    osVersion: r.os.version ?? null,
    deviceClass,
    device,
    isBot: !ua || isBot(ua),
  };
}

/** The hints that change a device: whether Chrome asked for a mobile site, a touch screen, an Android platform. */
const hintKey = (h: DeviceHints | undefined) =>
  h ? `${h.mobile === undefined ? '' : +h.mobile}${h.maxTouchPoints! > 1 ? 't' : ''}${h.platform === 'Android' ? 'a' : ''}` : '';

// Parsing costs tens of microseconds; visitors share a few thousand distinct agents. One
// cache per set of hints (a dozen at most), so that the key is the agent string itself.
const caches = new Map<string, LRUCache<string, Agent>>();

/** Parses a user agent, with the browser's device hints where it sent them (cached). */
export function agentOf(ua: string | undefined, hints?: DeviceHints): Agent {
  const agent = (ua ?? '').slice(0, 1024);
  const hk = hintKey(hints);
  let cache = caches.get(hk);
  if (!cache) caches.set(hk, (cache = new LRUCache<string, Agent>({ max: 5000 })));
  let parsed = cache.get(agent);
  if (!parsed) cache.set(agent, (parsed = parseAgent(agent, hints)));
  return parsed;
}

/** The device class that the event API's device field implies. */
export const DEVICE_CLASSES: Record<string, string> = {
  PC: 'Desktop',
  TABLET: 'Tablet',
  MOBILE: 'Mobile',
  ANDROID: 'Mobile',
  IOS: 'Mobile',
};
