import Koa from 'koa';
import Router from '@koa/router';
import { indexAccounts } from '../config/accounts.js';
import type { ConfigFile } from '../config/config.js';
import { validateConfig } from '../config/config.js';
import { createLogger } from '../telemetry/logger.js';
import type { Logger } from '../telemetry/logger.js';
import { createMetrics } from '../telemetry/metrics.js';
import type { Metrics } from '../telemetry/metrics.js';
import { healthRoutes } from '../api/site/health.js';
import { homeRoutes } from '../api/site/home.js';
import { ingestRoutes } from '../api/events/route.js';
import { davinciRoutes } from '../api/davinci/route.js';
import { keyRoutes } from '../api/events/key.js';
import { reportRoutes } from '../api/reports/route.js';
import { trackerRoutes } from '../api/site/tracker.js';
import { yespoRoutes } from '../api/yespo/route.js';
import { keyedLock } from '../api/vendor/keyed-lock.js';
import type { Store } from '../store/ports.js';

export interface AppOptions {
  /** The accounts and settings (the configuration file's content); checked again here. */
  config: ConfigFile;
  /** Where events go; the app does not close it (its creator does). */
  store: Store;
  /** @defaultValue a pino logger at LOG_LEVEL (info) */
  logger?: Logger;
  /** The built tracker's directory. @defaultValue the @cartbeacon/tracker package's dist */
  trackerDir?: string;
  /** Where the demo shop is mounted, for a link on the start page. */
  demoShop?: string;
}

export interface CollectorApp extends Koa {
  readonly metrics: Metrics;
  readonly logger: Logger;
}

/**
 * The collector as a Koa app. It does not listen: serve `app.callback()` (tests do),
 * mount it into an existing Koa app with koa-mount, or use `startServer`.
 */
export function createApp(options: AppOptions): CollectorApp {
  const config = validateConfig(options.config, 'config');
  const logger = options.logger ?? createLogger();
  const metrics = createMetrics();
  const accounts = indexAccounts(config.accounts);
  const app = new Koa({ proxy: false }) as CollectorApp;
  Object.assign(app, { metrics, logger });

  // One error handler, first: a client gets a JSON answer; a 5xx is logged.
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (e) {
      const err = e as { status?: number; expose?: boolean; message?: string };
      ctx.status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
      ctx.body = { status: 'error', message: err.expose ? err.message : 'Internal Server Error' };
      if (ctx.status >= 500) ctx.app.emit('error', e, ctx);
    }
  });
  app.on('error', (err, ctx) => logger.error({ err, path: ctx?.path }, 'request failed'));

  app.use(async (ctx, next) => {
    const end = metrics.requestDuration.startTimer();
    try {
      await next();
    } finally {
      end({ route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched', status: String(ctx.status) });
    }
  });

  const router = new Router();
  homeRoutes(router, { demoShop: options.demoShop });
  healthRoutes(router, options.store, metrics);
  ingestRoutes(router, {
    accounts,
    store: options.store,
    metrics,
    logger,
    countryHeader: config.countryHeader?.toLowerCase(),
  });
  // Drop-in ingest for the Yespo and Da Vinci APIs (seeds 002 and 003).
  const vendorDeps = { accounts, store: options.store, metrics, logger, countryHeader: config.countryHeader?.toLowerCase(), lock: keyedLock() };
  yespoRoutes(router, vendorDeps);
  davinciRoutes(router, vendorDeps);
  keyRoutes(router);
  // The funnel (seed 004) and workflow sidedata (seed 000) reports.
  reportRoutes(router, { accounts, store: options.store, logger });
  trackerRoutes(router, options.trackerDir);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
