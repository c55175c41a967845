#!/usr/bin/env node
/**
 * `npm start`: the collector on PORT (8080) with its DuckDB store in CARTBEACON_DATA_DIR
 * (./data), the demo account from the data dir, and the demo shop at /shop/ sending
 * its events to it. Prints the account's keys.
 *
 * The same environment and options as `cartbeacon serve` (--port, --host, --data-dir,
 * --config, --storage). `startDemo()` is what the shop's browser test starts.
 */
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import mount from 'koa-mount';
import { ConfigError, describeStart, settingsFromArgs, startServer } from '@cartbeacon/collector';
import { createShop } from './shop/shop.mjs';

/** Where the demo shop is mounted. */
export const SHOP_PATH = '/shop';

/** A port that is free on `host` now, for PORT=0 (any free port). */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The demo account is made once for the port of the first start and kept in the data
 * dir. The shop is served from the collector's own origin, so a later start on another
 * PORT would see its own shop refused (NO_DOMAIN_APIKEY_MATCH): let that origin in too.
 * (Only for the demo account: a configuration file's origins are the operator's.)
 */
function withDemoOrigins(settings) {
  if (!settings.demo) return settings;
  const own = [`http://localhost:${settings.port}`, `http://127.0.0.1:${settings.port}`];
  const accounts = settings.config.accounts.map((a) => ({
    ...a,
    origins: [...a.origins, ...own.filter((o) => !a.origins.includes(o))],
  }));
  return { ...settings, config: { ...settings.config, accounts } };
}

/**
 * Starts the collector with the demo shop mounted at /shop/.
 * @param {object} [options]
 * @param {string[]} [options.args] command-line options, as for `cartbeacon serve`
 * @param {Record<string, string | undefined>} [options.env] the environment (PORT, HOST, CARTBEACON_*)
 * @param {(text: string) => void} [options.print] where the keys go; stdout by default
 * @param {import('@cartbeacon/collector').Logger} [options.logger]
 * @param {boolean} [options.handleSignals] stop on SIGTERM / SIGINT (default true)
 * @returns the running server (url, store, stop()), its settings and the demo account
 */
export async function startDemo({ args = [], env = process.env, print = (text) => process.stdout.write(text + '\n'), ...serverOptions } = {}) {
  let settings = settingsFromArgs(args, env);
  // The shop's origin names the port, so PORT=0 is resolved to a real port before the
  // demo account's origins are made.
  if (settings.port === 0) settings = { ...settings, port: await freePort(settings.host) };
  settings = withDemoOrigins(settings);
  const account = settings.config.accounts[0];
  const demoShop = `${SHOP_PATH}/`;
  const running = await startServer(settings, {
    ...serverOptions,
    demoShop,
    wrap(collector) {
      const root = new Koa();
      // koa-mount runs the collector's middleware inside this app, so its 5xx errors are
      // emitted here: send them to the collector's logger like its own.
      root.on('error', (err, ctx) => collector.logger.error({ err, path: ctx?.path }, 'request failed'));
      root.use(mount(SHOP_PATH, createShop({ apiKey: account.apiKey })));
      root.use(mount(collector));
      return root;
    },
  });
  print(describeStart(settings, running.url, demoShop));
  return { ...running, settings, account };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  startDemo({ args: process.argv.slice(2) }).catch((e) => {
    // As `cartbeacon serve`: a bad configuration or a busy port is one clear line.
    if (e instanceof ConfigError || e?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`cartbeacon: ${e.message}\n`);
    } else if (e?.code === 'EADDRINUSE') {
      process.stderr.write(`cartbeacon: PORT is in use: ${e.message}\n`);
    } else {
      process.stderr.write(`cartbeacon: ${e?.stack ?? e}\n`);
    }
    process.exit(1);
  });
}
