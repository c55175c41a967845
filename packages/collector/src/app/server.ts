import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';
import { createApp } from './app.js';
import type { CollectorApp } from './app.js';
import type { Settings } from '../config/config.js';
import { createLogger } from '../telemetry/logger.js';
import type { Logger } from '../telemetry/logger.js';
import { openStore } from './open-store.js';
import { join } from 'node:path';
import { openSpooledIngest } from '../ingest/spooled.js';
import type { Ingest } from '../ingest/ingest.js';
import { createMetrics } from '../telemetry/metrics.js';
import { loadSessionSecret } from '../config/session-secret.js';
import type { Store } from '../store/ports.js';
import { createHttpServer } from './http-server.js';

export interface ServerOptions {
  logger?: Logger;
  /** Wraps the collector app, e.g. to mount it beside other routes (the demo shop does). */
  wrap?: (app: CollectorApp) => Koa;
  /** Where the demo shop is mounted, for the start page. */
  demoShop?: string;
  /** Stop on SIGTERM and SIGINT. @defaultValue true */
  handleSignals?: boolean;
  /** How long a stop waits for requests under way before cutting them. @defaultValue 10000 */
  drainMs?: number;
}

export interface RunningServer {
  server: Server;
  app: CollectorApp;
  store: Store;
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stops taking requests, lets those under way finish, loads the spool and closes the store. */
  stop(): Promise<void>;
}

/**
 * Opens the store, creates the app and listens on the settings' host and port, with the
 * settings' timeouts, connection cap and rate limits (docs/operations.md).
 */
export async function startServer(settings: Readonly<Settings>, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  const store = await openStore(settings);
  const metrics = createMetrics();
  let ingest: Ingest;
  try {
    ingest = await openSpooledIngest({ store, dir: join(settings.dataDir, 'spool'), metrics, logger, maxBytes: settings.spoolMaxBytes });
  } catch (e) {
    await store.close();
    throw e;
  }
  let app: CollectorApp;
  let root: Koa;
  try {
    const sessionSecret = loadSessionSecret(settings.dataDir);
    app = createApp({
      config: settings.config,
      store,
      ingest,
      metrics,
      logger,
      demoShop: options.demoShop,
      sessionSecret,
      rateLimits: settings.rateLimits,
      clientIpHeader: settings.clientIpHeader,
    });
    root = options.wrap ? options.wrap(app) : app;
  } catch (e) {
    await ingest.close();
    await store.close();
    throw e;
  }
  const server = createHttpServer(root.callback(), metrics, settings.server);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => resolve());
    });
  } catch (e) {
    await ingest.close();
    await store.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host === '0.0.0.0' || settings.host === '::' ? 'localhost' : settings.host}:${port}`;
  logger.info({ url, storage: store.kind, dataDir: settings.dataDir, config: settings.configSource }, 'cartbeacon collector listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      logger.info('stopping: draining requests');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), options.drainMs ?? 10_000);
      await closed;
      clearTimeout(timer);
      // What the spool holds is loaded before the store closes.
      try {
        await ingest.close();
      } finally {
        await store.close();
      }
      logger.info('stopped');
    })());

  if (options.handleSignals !== false) {
    const onSignal = (signal: string) => {
      logger.info({ signal }, 'signal received');
      stop().then(
        () => process.exit(0),
        (e) => {
          logger.error({ err: e }, 'stopping failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { server, app, store, url, stop };
}
