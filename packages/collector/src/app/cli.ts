import { parseArgs } from 'node:util';
import { ConfigError, loadSettings } from '../config/config.js';
import type { Env, Settings } from '../config/config.js';
import { startServer } from './server.js';
import type { RunningServer, ServerOptions } from './server.js';

const USAGE = `Usage: cartbeacon serve [options]

Starts the collector. Options override the environment:
  --port <n>        PORT (8080)
  --host <addr>     HOST (0.0.0.0)
  --data-dir <dir>  CARTBEACON_DATA_DIR (./data)
  --config <file>   CARTBEACON_CONFIG (without one, a demo account is made in the data dir)
  --storage <kind>  CARTBEACON_STORAGE (duckdb)
  --memory-limit <size>  CARTBEACON_MEMORY_LIMIT (DuckDB's own: 80 % of RAM)
  --spool-max <size>     CARTBEACON_SPOOL_MAX (1GB): past this much not yet loaded, ingest answers 503
Timeouts, the connection cap and the ingest rate limits are CARTBEACON_* variables:
see docs/operations.md.
`;

/** Settings from the environment with command-line options on top. */
export function settingsFromArgs(args: string[], env: Env = process.env as Env): Readonly<Settings> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      config: { type: 'string' },
      storage: { type: 'string' },
      'memory-limit': { type: 'string' },
      'spool-max': { type: 'string' },
    },
    allowPositionals: false,
  });
  return loadSettings({
    ...env,
    ...(values.port !== undefined && { PORT: values.port }),
    ...(values.host !== undefined && { HOST: values.host }),
    ...(values['data-dir'] !== undefined && { CARTBEACON_DATA_DIR: values['data-dir'] }),
    ...(values.config !== undefined && { CARTBEACON_CONFIG: values.config }),
    ...(values.storage !== undefined && { CARTBEACON_STORAGE: values.storage }),
    ...(values['memory-limit'] !== undefined && { CARTBEACON_MEMORY_LIMIT: values['memory-limit'] }),
    ...(values['spool-max'] !== undefined && { CARTBEACON_SPOOL_MAX: values['spool-max'] }),
  });
}

/** Prints the demo account's keys so that a new user can paste the snippet and query reports. */
export function describeStart(settings: Readonly<Settings>, url: string, demoShop?: string): string {
  const lines = [`cartbeacon collector on ${url} (${settings.storage}, data in ${settings.dataDir})`];
  if (demoShop) lines.push(`demo shop: ${url}${demoShop}`);
  lines.push(`dashboard: ${url}/dashboard (sign in with an account's reportToken${settings.demo ? ', the demo account\'s is below' : ''})`);
  for (const a of settings.config.accounts) {
    lines.push(`account "${a.name}" id=${a.id}`);
    lines.push(`  apiKey (public, data-key)  ${a.apiKey}`);
    if (settings.demo) lines.push(`  reportToken (secret)       ${a.reportToken}`);
    lines.push(`  snippet: <script async src="${url}/cartbeacon.js" data-key="${a.apiKey}"></script>`);
  }
  if (settings.demo) lines.push(`(demo configuration kept in ${settings.configSource}; set CARTBEACON_CONFIG to use your own)`);
  return lines.join('\n');
}

/**
 * Runs `cartbeacon <command>`; returns the exit code for commands that end. A bad
 * configuration ends the start with one line naming the key at fault.
 */
export async function main(argv: string[], options: ServerOptions = {}): Promise<RunningServer | number> {
  const [command, ...rest] = argv;
  if (command !== 'serve') {
    process.stderr.write(USAGE);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  try {
    const settings = settingsFromArgs(rest);
    const running = await startServer(settings, options);
    process.stdout.write(describeStart(settings, running.url, options.demoShop) + '\n');
    return running;
  } catch (e) {
    if (e instanceof ConfigError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`cartbeacon: ${(e as Error).message}\n`);
      return 1;
    }
    if ((e as { code?: string }).code === 'EADDRINUSE') {
      process.stderr.write(`cartbeacon: PORT is in use: ${(e as Error).message}\n`);
      return 1;
    }
    throw e;
  }
}
