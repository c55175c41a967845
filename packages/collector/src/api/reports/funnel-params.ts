import type { FunnelGroup } from '../../store/queries.js';
import { countryCode } from '../../pipeline/country.js';
import { parseDateRange, rangeInstants } from './date-range.js';
import { invalidParameter, missingParameter } from './refusals.js';

/** The funnel's report types: the response's key for the group, and what it groups by. */
export const REPORT_TYPES: Record<string, FunnelGroup> = {
  Source: 'source',
  Medium: 'medium',
  Campaign: 'campaign',
  Country: 'country',
  Device: 'device',
};

/** What a group without a value is called (a Direct visit has no medium, most no campaign). */
export const NO_VALUE: Record<FunnelGroup, string> = {
  source: '(not set)',
  medium: '(none)',
  campaign: '(not set)',
  country: '(not set)',
  device: '(not set)',
};

/** The most rows one request may ask for, and the default. */
export const MAX_LIMIT = 100;

export interface FunnelParams {
  /** The report type as the response names it, e.g. "Source". */
  reportType: string;
  groupBy: FunnelGroup;
  /** [start, end) in ms since the epoch. */
  start: number;
  end: number;
  skip: number;
  limit: number;
  /** Upper case, when given. */
  country?: string;
}

const wholeNumber = (name: string, raw: string, min: number, max: number) => {
  const n = /^\s*\d{1,10}\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw invalidParameter(`${name} must be a whole number from ${min} to ${max}; got "${raw.slice(0, 40)}"`);
  return n;
};

/**
 * Reads the funnel's parameters other than account_id (`get` returns a query parameter
 * or undefined). An empty value is a missing one. Throws a 400 (refusals.ts) naming the
 * parameter at fault.
 */
export function parseFunnelParams(get: (name: string) => string | undefined, timeZone: string, now: number): FunnelParams {
  const need = (name: string) => {
    const v = get(name);
    if (v === undefined || v.trim() === '') throw missingParameter(name);
    return v;
  };
  const type = need('report_type').trim();
  const reportType = Object.keys(REPORT_TYPES).find((k) => k.toLowerCase() === type.toLowerCase());
  if (!reportType)
    throw invalidParameter(`report_type must be one of ${Object.keys(REPORT_TYPES).join(', ')}; got "${type.slice(0, 40)}"`);
  const range = parseDateRange(need('date_range'), timeZone, now);
  const optional = (name: string) => {
    const v = get(name);
    return v === undefined || v.trim() === '' ? undefined : v;
  };
  const skipRaw = optional('skip');
  const limitRaw = optional('limit');
  const countryRaw = optional('country');
  const country = countryRaw === undefined ? undefined : countryCode(countryRaw);
  if (country === null)
    throw invalidParameter(`country must be an ISO 3166-1 alpha-2 code such as "es"; got "${countryRaw!.slice(0, 40)}"`);
  return {
    reportType,
    groupBy: REPORT_TYPES[reportType]!,
    ...rangeInstants(range, timeZone),
    skip: skipRaw === undefined ? 0 : wholeNumber('skip', skipRaw, 0, 1_000_000_000),
    limit: limitRaw === undefined ? MAX_LIMIT : wholeNumber('limit', limitRaw, 1, MAX_LIMIT),
    ...(country ? { country } : {}),
  };
}
