import type { Store } from '../../../ports.js';
import type { Db } from '../../db.js';
import { acquisition } from './acquisition.js';
import { topPages, topProducts } from './pages.js';
import { excluded, heatmap, realtime, timeSeries, totals } from './totals.js';

export type DashboardMethods = Pick<Store, 'totals' | 'timeSeries' | 'heatmap' | 'topPages' | 'topProducts' | 'acquisition' | 'realtime' | 'excluded'>;

/**
 * The dashboard's panels over ClickHouse, counted as DuckDB counts them
 * (store/duckdb/dashboard.ts) from the same counted rows as every report (counted.ts), in
 * SQL that ClickHouse 18.16 and current releases both run: no CTE or window function, so
 * a panel that DuckDB answers in one statement is two here at most, and its few rows
 * (landings, buckets) are put together in JS.
 */
export function createClickHouseDashboard(db: Db): DashboardMethods {
  return {
    totals: (q) => totals(db, q),
    timeSeries: (q) => timeSeries(db, q),
    heatmap: (q) => heatmap(db, q),
    topPages: (q) => topPages(db, q),
    topProducts: (q) => topProducts(db, q),
    acquisition: (q) => acquisition(db, q),
    realtime: (q) => realtime(db, q),
    excluded: (q) => excluded(db, q),
  };
}
