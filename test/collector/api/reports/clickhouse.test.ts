import { afterAll } from 'vitest';
import { STORE_KINDS, STORE_LABEL } from '../../../helpers/stores.js';
import { sharedReportFixtures } from './fixture.js';
import { dashboardTests } from './dashboard.cases.js';
import { funnelTests } from './funnel.cases.js';
import { sidedataTests } from './sidedata.cases.js';

/**
 * The report tests on ClickHouse: Debian's 18.16 server and a current release in-process
 * (chdb), fed the same traffic at once through the spool, as `cartbeacon serve` runs it;
 * the numbers must be those of the independent calculation, as on DuckDB.
 */
const KINDS = STORE_KINDS.filter((k) => k !== 'duckdb');
const fixtures = sharedReportFixtures(KINDS);
afterAll(() => fixtures.close(), 120_000);

for (const kind of KINDS) {
  funnelTests(STORE_LABEL[kind], () => fixtures.get(kind));
  sidedataTests(STORE_LABEL[kind], () => fixtures.get(kind));
  dashboardTests(STORE_LABEL[kind], () => fixtures.get(kind));
}
