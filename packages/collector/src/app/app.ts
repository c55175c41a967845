import { IncomingMessage, METHODS, ServerResponse } from 'node:http';
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
import { eventApiFastPath } from '../api/events/fast-path.js';
import { davinciRoutes } from '../api/davinci/route.js';
import { keyRoutes } from '../api/events/key.js';
import { reportRoutes } from '../api/reports/route.js';
import { dashboardRoutes } from '../api/reports/dashboard/routes.js';
import { trackerRoutes } from '../api/site/tracker.js';
import { yespoRoutes } from '../api/yespo/route.js';
import { keyedLock } from '../api/vendor/keyed-lock.js';
import { errorHandler } from './error-handler.js';
import { originFormOnly } from '../http/request-target.js';
import { createRateLimiter, DEFAULT_RATE_LIMITS } from '../http/rate-limit.js';
import type { RateLimiter, RateLimits } from '../http/rate-limit.js';
import { ingestRateLimit } from '../api/ingest-limit.js';
import type { Store } from '../store/ports.js';
import { directIngest } from '../ingest/direct.js';
import type { Ingest } from '../ingest/ingest.js';

export interface AppOptions {
  /** The accounts and settings (the configuration file's content); checked again here. */
  config: ConfigFile;
  /** Where events go; the app does not close it (its creator does). */
  store: Store;
  /**
   * The ingest path in front of the store (a server's spool: ingest/spooled.ts); the app
   * does not close it. @defaultValue writes straight to the store
   */
  ingest?: Ingest;
  /** The metrics registry, when the ingest path was opened with it. @defaultValue a new one */
  metrics?: Metrics;
  /** @defaultValue a pino logger at LOG_LEVEL (info) */
  logger?: Logger;
  /** The built tracker's directory. @defaultValue the @cartbeacon/tracker package's dist */
  trackerDir?: string;
  /** Where the demo shop is mounted, for a link on the start page. */
  demoShop?: string;
  /** The ingest rate limits; false turns them off. @defaultValue DEFAULT_RATE_LIMITS (http/rate-limit.ts) */
  rateLimits?: RateLimits | false;
  /**
   * A header set by a trusted proxy in front that carries the client's address, for the
   * per-client rate limit. @defaultValue none: the connection's peer is the client
   */
  clientIpHeader?: string;
  /**
   * Signs the dashboard's session cookies, with each account's report token; keep it
   * across restarts (`startServer` keeps one in the data dir). @defaultValue none: the
   * report tokens alone
   */
  sessionSecret?: string | Buffer;
  /** The built dashboard front-end's directory. @defaultValue the @cartbeacon/dashboard package's dist */
  dashboardDir?: string;
}

export interface CollectorApp extends Koa {
  readonly metrics: Metrics;
  readonly logger: Logger;
  /**
   * The ingest rate limiter the routes use (undefined when turned off), so that another
   * HTTP layer in front of the app counts against the same buckets.
   */
  readonly rateLimiter?: RateLimiter;
}

/**
 * The collector as a Koa app. It does not listen: serve `app.callback()` (tests do),
 * mount it into an existing Koa app with koa-mount, or use `startServer`.
 */
export function createApp(options: AppOptions): CollectorApp {
  const config = validateConfig(options.config, 'config');
  const logger = options.logger ?? createLogger();
  const metrics = options.metrics ?? createMetrics();
  const accounts = indexAccounts(config.accounts);
  const app = new Koa({ proxy: false }) as CollectorApp;
  Object.assign(app, { metrics, logger });

  // Metrics first, so that they see the status the error handler answers with.
  app.use(async (ctx, next) => {
    const end = metrics.requestDuration.startTimer();
    try {
      await next();
    } finally {
      end({ route: (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched', status: String(ctx.status) });
    }
  });
  app.use(errorHandler);
  app.on('error', (err, ctx) => logger.error({ err, method: ctx?.method, path: ctx?.path, status: ctx?.status }, 'request failed'));
  app.use(originFormOnly);

  // Every method Node's parser takes is known to the router, so that a path answers the
  // ones it does not take with 405 and Allow, never 501.
  const router = new Router({ methods: METHODS });
  homeRoutes(router, { demoShop: options.demoShop });
  const { store } = options;
  const path = options.ingest ?? directIngest(store, metrics);
  metrics.observeIngest(() => path.status());
  healthRoutes(router, store, () => path.status(), metrics);
  // Every ingest API writes through the same port; the routes never know what is behind it.
  const limits = options.rateLimits === false ? undefined : createRateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS);
  Object.assign(app, { rateLimiter: limits });
  const limit = ingestRateLimit(limits, { accounts, metrics, clientIpHeader: options.clientIpHeader?.toLowerCase() });
  const ingest = { accounts, writer: path.writer, batches: path.batches, metrics, countryHeader: config.countryHeader?.toLowerCase(), limit };
  ingestRoutes(router, ingest);
  keyRoutes(router);
  // Drop-in ingest for the Yespo-compatible and Da Vinci Signal-compatible APIs.
  const vendor = { ...ingest, state: path.state, lock: keyedLock() };
  yespoRoutes(router, vendor);
  davinciRoutes(router, vendor);
  // The funnel and workflow sidedata reports, and the dashboard that shows them.
  reportRoutes(router, { accounts, reports: store });
  dashboardRoutes(router, {
    accounts,
    reports: store,
    ...(options.sessionSecret !== undefined ? { sessionSecret: options.sessionSecret } : {}),
    ...(options.dashboardDir !== undefined ? { assetsDir: options.dashboardDir } : {}),
  });
  trackerRoutes(router, options.trackerDir);
  app.use(router.routes());
  app.use(router.allowedMethods());

  // Served on its own (not mounted), the event API's POSTs skip Koa (api/events/fast-path.ts).
  const fast = eventApiFastPath(ingest, (err) => logger.error({ err, path: '/add/events/v1.json' }, 'request failed'));
  const koaCallback = app.callback.bind(app);
  app.callback = () => {
    const koa = koaCallback();
    // http2 requests (never sent by startServer) go to Koa.
    return (req, res) => (req instanceof IncomingMessage && res instanceof ServerResponse && fast(req, res) ? Promise.resolve() : koa(req, res));
  };
  return app;
}
