#!/usr/bin/env node
/**
 * cartbeacon inside an existing Koa app: the collector is mounted at /collect with
 * koa-mount, beside the app's own routes. The shop then serves the tracker and takes its
 * events on its own origin (first party), with no second server to run.
 *
 *   PORT=3000 node examples/koa-embed/app.mjs
 *
 * Environment: PORT (3000), HOST, CARTBEACON_DATA_DIR (./data-koa-embed: its own, not
 * `npm start`'s ./data), CARTBEACON_CONFIG (without one, a demo account for
 * http://localhost:PORT is made in the data dir), LOG_LEVEL. Prints the account's keys:
 * the apiKey for the snippet, and the demo account's report token for the dashboard and reports.
 */
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import Router from '@koa/router';
import mount from 'koa-mount';
import { ConfigError, createApp, createDuckDBStore, createLogger, describeStart, loadSettings } from '@cartbeacon/collector';

/** Where the collector is mounted. */
export const PREFIX = '/collect';

/** The data dir without CARTBEACON_DATA_DIR: its own, beside (not inside) `npm start`'s ./data. */
export const DATA_DIR = './data-koa-embed';

const PRODUCTS = [
  { id: 'espresso-blend', title: 'Harbour Espresso Blend, 250 g', price: 12.9 },
  { id: 'pour-over-kettle', title: 'Gooseneck Pour-over Kettle, 0.9 l', price: 39 },
];

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The app: its own routes (a page, a small JSON API) and the collector at `prefix`.
 * @param {object} options
 * @param {import('@cartbeacon/collector').ConfigFile} options.config the collector's accounts
 * @param {string} options.dataDir where the DuckDB file goes
 * @param {string} [options.prefix] where the collector is mounted (default /collect)
 * @param {import('@cartbeacon/collector').Logger} [options.logger]
 * @returns the Koa app, the collector's store, and close() that closes the store
 */
export async function createShopApp({ config, dataDir, prefix = PREFIX, logger = createLogger() }) {
  const store = await createDuckDBStore({ dataDir });
  const collector = createApp({ config, store, logger });
  const apiKey = config.accounts[0].apiKey;

  const app = new Koa();
  // koa-mount runs the collector's middleware inside this app, so its 5xx errors are
  // emitted here: log them like the app's own.
  app.on('error', (err, ctx) => logger.error({ err, path: ctx?.path }, 'request failed'));

  const router = new Router();
  router.get('/', (ctx) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A Koa shop</title>
<script>(window.cartbeacon = window.cartbeacon || []).push(['page', { category: 'Home Page' }]);</script>
<script async src="${prefix}/cartbeacon.js" data-key="${escape(apiKey)}"></script>
</head><body>
<h1>A Koa shop with cartbeacon at ${escape(prefix)}</h1>
<ul>${PRODUCTS.map((p) => `<li>${escape(p.title)}: €${p.price.toFixed(2)}</li>`).join('')}</ul>
</body></html>`;
  });
  router.get('/api/products', (ctx) => {
    ctx.body = PRODUCTS;
  });

  app.use(mount(prefix, collector));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return { app, store, close: () => store.close() };
}

async function main() {
  const env = { ...process.env, PORT: process.env.PORT ?? '3000', CARTBEACON_DATA_DIR: process.env.CARTBEACON_DATA_DIR || DATA_DIR };
  // The collector's own settings reader: the config file, or a demo account in the data dir.
  const settings = loadSettings(env);
  const logger = createLogger();
  const { app, close } = await createShopApp({ config: settings.config, dataDir: settings.dataDir, logger });
  const server = app.listen(settings.port, settings.host);
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const url = `http://localhost:${server.address().port}`;
  // One write, so that a reader sees it whole: where it runs, then as `npm start` prints
  // them the collector's address, the dashboard's and the keys.
  process.stdout.write(`koa shop on ${url}, cartbeacon at ${url}${PREFIX}/\n${describeStart(settings, `${url}${PREFIX}`)}\n`);

  const stop = () => {
    server.close(() => close().then(() => process.exit(0), () => process.exit(1)));
    server.closeIdleConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e) => {
    process.stderr.write(`koa-embed: ${e instanceof ConfigError ? e.message : (e?.stack ?? e)}\n`);
    process.exit(1);
  });
}
