import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, startCollector } from '../../../helpers/collector.js';
import type { TestCollector } from '../../../helpers/collector.js';
import type { AccountConfig } from '@cartbeacon/collector';
import { davinci } from './helpers.js';

const WORKFLOW = '7e1d0c55-0000-4000-8000-0000000000aa';
const usd = (amount: number) => ({ subtotal: { amount, currency: 'USD' } });

/**
 * Da Vinci completions are purchases; its cancelations and refunds take their value back
 * out of the visitors' purchase sums of the sidedata report.
 */
describe('Da Vinci orders in the sidedata report', () => {
  let c: TestCollector;
  beforeAll(async () => {
    const account: AccountConfig = {
      ...ACCOUNT,
      workflows: [{ id: WORKFLOW, name: 'Everyone', type: 'interaction', entry: { name: 'PAGE_VIEW' }, goals: [] }],
    } as AccountConfig;
    c = await startCollector({ accounts: [account] });
    const visit = (b: string) => ({ browser_id: b, session_id: `${b}-s` });
    const sent = [
      await davinci(c, '/v1/websites/page_views', { page_view: { ...visit('b1'), url: 'https://shop.test/' } }),
      await davinci(c, '/v1/orders/completions', { completion: { ...visit('b1'), order: usd(12_345) } }),
      await davinci(c, '/v1/orders/refunds', { refund: { ...visit('b1'), order: usd(2_000) } }),
      await davinci(c, '/v1/websites/page_views', { page_view: { ...visit('b2'), url: 'https://shop.test/' } }),
      await davinci(c, '/v1/orders/completions', { completion: { ...visit('b2'), order: usd(5_000) } }),
      await davinci(c, '/v1/orders/cancelations', { cancelation: { ...visit('b2'), order: usd(5_000) } }),
      await davinci(c, '/v1/websites/page_views', { page_view: { ...visit('b3'), url: 'https://shop.test/' } }),
      await davinci(c, '/v1/orders/completions', { completion: { ...visit('b3'), order: { subtotal: { amount: 700, currency: 'EUR' } } } }),
    ];
    expect(sent.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201, 201, 201]);
  });
  afterAll(() => c.close());

  it('sums purchases less refunds and cancelations, per currency', async () => {
    const interval = { start: new Date(Date.now() - 3600e3).toISOString(), end: new Date(Date.now() + 3600e3).toISOString() };
    const res = await fetch(`${c.url}/api/reporting/workflow/v1/orgs/${ACCOUNT.id}/workflows/${WORKFLOW}/sidedata/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ACCOUNT.reportToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ interval }),
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    // USD: 123.45 − 20.00 + 50.00 − 50.00; EUR: 7.00.
    expect(body.sum_of_visitor_purchases).toEqual([
      { value: 7, currency: 'EUR' },
      { value: 103.45, currency: 'USD' },
    ]);
    expect(body.unique_visitors_count).toBe(3);
    // Three visitors purchased; a later refund does not undo that they did.
    expect(body.affected_goals.at(-1)).toMatchObject({ name: 'System: Visitor purchased', metrics: 3 });
  });
});
