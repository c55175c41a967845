import type { FunnelQuery, FunnelRow } from '../../store/queries.js';
import { NO_VALUE } from './funnel-params.js';
import type { FunnelParams } from './funnel-params.js';

/** The store's funnel query for an account and the funnel's parameters. */
export const funnelQuery = (accountId: string, p: FunnelParams): FunnelQuery => ({
  accountId,
  start: p.start,
  end: p.end,
  groupBy: p.groupBy,
  skip: p.skip,
  limit: p.limit,
  ...(p.country ? { country: p.country } : {}),
});

/**
 * The funnel report's rows as the endpoint answers them (the funnel report's shape): the group
 * under the report type's name, then the counts. `GET /api/funnel` and the dashboard's
 * funnel both answer these, so that they are equal.
 */
export const funnelData = (p: FunnelParams, rows: FunnelRow[]) =>
  rows.map((r) => ({
    [p.reportType]: r.key ?? NO_VALUE[p.groupBy],
    clicks: r.clicks,
    conversions: r.conversions,
    microconversions: r.microconversions,
    'add-to-cart': r.addToCart,
    checkout: r.checkout,
  }));
