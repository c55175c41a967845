#!/usr/bin/env node
/**
 * `npm start` (after scripts/start.mjs checked the port and built): the collector on PORT
 * (8080) of HOST (127.0.0.1 for the demo) with its DuckDB store in CARTBEACON_DATA_DIR
 * (./data), the demo account from the data dir, and the demo shop at /shop/ sending its
 * events to it. Prints the account's keys.
 *
 * The same environment and options as `cartbeacon serve` (--port, --host, --data-dir,
 * --config, --storage), and the same checks: a failed start says what to change in one
 * line and leaves no data dir it made behind. `startDemo()` is what the shop's browser test starts.
 */
import { createServer } from 'node:net';
import { pathToFileURL } from 'node:url';
import Koa from 'koa';
import mount from 'koa-mount';
import { describeStart, envFromArgs, oneLine, startChecked, startServer } from '@cartbeacon/collector';
import { DEMO_HOST } from './demo-defaults.mjs';
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
export function startDemo({ args = [], env = process.env, print = (text) => process.stdout.write(text + '\n'), ...serverOptions } = {}) {
  const demoEnv = envFromArgs(args, env);
  if (!demoEnv.HOST) demoEnv.HOST = DEMO_HOST;
  return startChecked(demoEnv, (settings) => startWithShop(settings, print, serverOptions));
}

/** The collector with the shop mounted, on settings that passed the start's checks. */
async function startWithShop(settings, print, serverOptions) {
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

/** Runs the demo with these command-line options; a failed start is one line and exit code 1. */
export function main(args) {
  return startDemo({ args }).catch((e) => {
    // As `cartbeacon serve`: a bad configuration, a busy port or data dir is one clear line.
    process.stderr.write(`cartbeacon: ${oneLine(e) ?? e?.stack ?? e}\n`);
    process.exit(1);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
