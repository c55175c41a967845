import { randomUUID } from 'node:crypto';
import type { StoredEvent } from '../store/ports.js';
import { agentOf, DEVICE_CLASSES } from './agent.js';
import type { DeviceHints } from './agent.js';
import { classifyTraffic } from './sources.js';
import { storedAmount } from './money.js';
import { amountOfParams, flagValue, timestampValue } from './values.js';

/** What the collector knows about the request an event came in. */
export interface RequestContext {
  accountId: string;
  /** The account's currency, for amounts sent without one. */
  currency: string;
  /** Milliseconds since the epoch. */
  receivedAt: number;
  /** The request's User-Agent header. */
  userAgent: string | undefined;
  /** True when a browser sent the request (it has an Origin header). */
  fromBrowser: boolean;
  /** From the trusted proxy header, already checked; null when unknown. */
  country: string | null;
  /** Which API the event came by. */
  channel: string;
}

/** Events dated further ahead than this are clamped to the receive time. */
export const MAX_FUTURE_MS = 10 * 60e3;

const str = (v: unknown): string | null => (v === undefined || v === null || v === '' ? null : String(v));

/**
 * A decimal string for an amount, so that it is stored exactly ("349.99", not
 * 349.98999…), rounded to the store's 4 decimals (money.ts).
 */
export const decimal = (v: unknown): string | null => {
  const text = typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(10)) : typeof v === 'string' && v.trim() ? v.trim() : null;
  return text === null ? null : storedAmount(text);
};

const withCurrency = new Set(['PRODUCT_VIEW', 'BASKET_OPERATIONS', 'CHECKOUT']);

/**
 * The canonical row for a checked event of the event API: ids, times, the event's own fields,
 * and what the collector adds (traffic source, user agent details, bot flag, country).
 * The raw IP is not among them. `data` keeps the event as received (a vendor API gives
 * its own request).
 */
export function enrich(e: Record<string, unknown>, ctx: RequestContext, data = JSON.stringify(e)): StoredEvent {
  const name = e.name as string;
  const given = e.timestamp === undefined ? ctx.receivedAt : timestampValue(e.timestamp);
  const ts = given > ctx.receivedAt + MAX_FUTURE_MS ? ctx.receivedAt : given;
  const pageUrl = str(e.pageUrl);
  const referrer = str(e.referrer);
  const traffic = classifyTraffic(pageUrl, referrer);
  // The event's userAgent is the visitor's (a backend forwards its visitors' agents);
  // else the request's. A backend's own HTTP client is not a visitor, so only a
  // visitor's agent can make the event a bot's.
  const visitorAgent = str(e.userAgent) ?? (ctx.fromBrowser ? (ctx.userAgent ?? '') : undefined);
  const agent = agentOf(visitorAgent ?? ctx.userAgent, e.hints as DeviceHints | undefined);
  const device = str(e.device)?.toUpperCase();
  const category = Array.isArray(e.category) ? e.category.join(' > ') : str(e.category);
  const price = decimal(e.price);
  // A custom event's amount, currency and order may come in its params (the tracker sends
  // a refund so), when it has no totalPrice of its own and they are of the right types.
  const p: Record<string, unknown> = (name === 'CUSTOM_EVENT' && e.totalPrice === undefined && amountOfParams(e.params)) || {};
  const totalPrice = decimal(e.totalPrice ?? p.totalPrice);
  return {
    accountId: ctx.accountId,
    eventId: str(e.eventId) ?? randomUUID(),
    name,
    step: str(e.step),
    type: name === 'CUSTOM_EVENT' ? str(e.type) : null,
    ts,
    receivedAt: ctx.receivedAt,
    userId: String(e.userId),
    sessionId: String(e.sessionId),
    pageUrl,
    referrer,
    category,
    subCategory: str(e.subCategory),
    productId: str(e.productId),
    price,
    currency: str(e.currency ?? p.currency)?.toUpperCase() ?? (withCurrency.has(name) ? ctx.currency : null),
    quantity: name === 'BASKET_OPERATIONS' ? Number(e.quantity ?? 1) : null,
    totalPrice,
    orderNo: str(e.orderNo ?? p.orderNo),
    source: traffic.source,
    medium: traffic.medium,
    campaign: traffic.campaign,
    device: device && DEVICE_CLASSES[device] ? device : agent.device,
    browser: str(e.browser) ?? agent.browser,
    os: str(e.os) ?? agent.os,
    osVersion: str(e.osversion) ?? agent.osVersion,
    deviceClass: device && DEVICE_CLASSES[device] ? DEVICE_CLASSES[device]! : agent.deviceClass,
    isBot: visitorAgent !== undefined && (!visitorAgent || agent.isBot),
    country: ctx.country,
    lang: str(e.lang),
    testMode: flagValue(e.testMode),
    held: flagValue(e.nextPage),
    channel: ctx.channel,
    data,
  };
}
