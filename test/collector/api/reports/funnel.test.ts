import { afterAll } from 'vitest';
import { sharedReportFixtures } from './fixture.js';
import { funnelTests } from './funnel.cases.js';

// The ClickHouse stores run the same tests in clickhouse.test.ts.
const fixtures = sharedReportFixtures(['duckdb']);
afterAll(() => fixtures.close(), 120_000);

funnelTests('DuckDB', () => fixtures.get('duckdb'));
