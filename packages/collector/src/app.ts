import Koa from 'koa';
import Router from '@koa/router';
import { indexAccounts } from './accounts.js';
import type { ConfigFile } from './config.js';
import { validateConfig } from './config.js';
import { createLogger } from './logger.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import type { Metrics } from './metrics.js';
import { healthRoutes } from './routes/health.js';
import { homeRoutes } from './routes/home.js';
import { ingestRoutes } from './routes/ingest.js';
import { davinciRoutes } from './routes/davinci.js';
import { keyRoutes } from './routes/key.js';
import { reportRoutes } from './routes/reports.js';
import { trackerRoutes } from './routes/tracker.js';
import { yespoRoutes } from './routes/yespo.js';
import { keyedLock } from './vendors/keyed-lock.js';
import type { Store } from './store/types.js';

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
