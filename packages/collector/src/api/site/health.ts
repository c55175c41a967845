import type Router from '@koa/router';
import type { IngestStatus } from '../../ingest/ingest.js';
import type { Health } from '../../store/ports.js';
import type { Metrics } from '../../telemetry/metrics.js';

/**
 * `GET /healthz` (the process answers), `GET /readyz` (ready for traffic: the store
 * answers, events can be spooled and loaded, and what the spool held at start is loaded,
 * so reports are current), `GET /metrics` (Prometheus).
 */
export function healthRoutes(router: Router, store: Health, ingest: () => IngestStatus, metrics: Metrics) {
  router.get('/healthz', (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    const status = ingest();
    const spool = { unloadedBytes: status.unloadedBytes, lagSeconds: Math.round(status.lagSeconds * 1000) / 1000 };
    try {
      await store.ping();
    } catch (e) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', storage: store.kind, message: (e as Error).message, ...spool };
      return;
    }
    if (status.failing) {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', storage: store.kind, message: status.failing, ...spool };
    } else if (!status.current) {
      ctx.status = 503;
      ctx.body = { status: 'loading', storage: store.kind, message: 'loading what the spool held at start; reports are not current yet', ...spool };
    } else ctx.body = { status: 'ready', storage: store.kind, ...spool };
  });
  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType);
    ctx.body = await metrics.registry.metrics();
  });
}
