import type { Store } from '../../ports.js';
import type { Db } from '../db.js';
import { funnel } from './funnel.js';
import { interaction } from './interaction.js';
import { pageNavigation } from './page-navigation.js';

export type ReportMethods = Pick<Store, 'funnel' | 'pageNavigation' | 'interaction'>;

/**
 * The report queries over ClickHouse, one file each: a query is a function of the Db and
 * the port's query object, its SQL made from `countedRows` (counted.ts: which rows
 * count), `conditionSql` and the literals of sql.ts. A new report query is a new file
 * here and one line below.
 */
export function createClickHouseReports(db: Db): ReportMethods {
  return {
    funnel: (query) => funnel(db, query),
    pageNavigation: (query) => pageNavigation(db, query),
    interaction: (query) => interaction(db, query),
  };
}
