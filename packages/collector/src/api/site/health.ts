import type Router from '@koa/router';
import type { Metrics } from '../../telemetry/metrics.js';
import type { Health } from '../../store/ports.js';

/** `GET /healthz` (the process answers), `GET /readyz` (the store answers), `GET /metrics` (Prometheus). */
export function healthRoutes(router: Router, store: Health, metrics: Metrics) {
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    try {
      await store.ping();
      ctx.body = { status: 'ready', storage: store.kind };
    } catch (e) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', storage: store.kind, message: (e as Error).message };
    }
  });
  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType);
    ctx.body = await metrics.registry.metrics();
  });
}
