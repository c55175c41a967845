import { it } from 'vitest';
import { reportFixtures } from './collector/api/reports/fixture.js';
it('closes', async () => {
  let t = performance.now();
  const f = await reportFixtures();
  console.log('made in', Math.round(performance.now() - t));
  t = performance.now();
  await f.close().catch((e) => console.log('close error', e.message));
  console.log('all closed in', Math.round(performance.now() - t));
}, 900_000);
