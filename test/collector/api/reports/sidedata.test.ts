import { afterAll } from 'vitest';
import { sharedReportFixtures } from './fixture.js';
import { sidedataTests } from './sidedata.cases.js';

// The ClickHouse stores run the same tests in clickhouse.test.ts.
const fixtures = sharedReportFixtures(['duckdb']);
afterAll(() => fixtures.close(), 120_000);

sidedataTests('DuckDB', () => fixtures.get('duckdb'));
