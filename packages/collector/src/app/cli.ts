import { parseArgs } from 'node:util';
import { ConfigError, loadSettings } from '../config/config.js';
import type { Env, Settings } from '../config/config.js';
import { resolve } from 'node:path';
import { parseEnv } from '../config/env.js';
import { CommandError } from '../ops/command-error.js';
import { askCollector } from '../ops/control.js';
import type { BackupManifest } from '../ops/backup.js';
import { startServer } from './server.js';
import type { RunningServer, ServerOptions } from './server.js';
import { startChecked } from './start.js';

const USAGE = `Usage: cartbeacon serve [options]
       cartbeacon backup <new directory> [--data-dir <dir>]

serve: starts the collector. Options override the environment:
  --port <n>        PORT (8080)
  --host <addr>     HOST (0.0.0.0: every interface)
  --data-dir <dir>  CARTBEACON_DATA_DIR (./data)
  --config <file>   CARTBEACON_CONFIG (without one, a demo account is made in the data dir)
  --storage <kind>  CARTBEACON_STORAGE (duckdb)
  --memory-limit <size>  CARTBEACON_MEMORY_LIMIT (DuckDB's own: 80 % of RAM)
  --spool-max <size>     CARTBEACON_SPOOL_MAX (1GB): past this much not yet loaded, ingest answers 503
Timeouts, the connection cap and the ingest rate limits are CARTBEACON_* variables:
see docs/operations.md. Deployment (systemd, Docker, TLS): docs/deployment.md.

backup: asks the collector running on the data dir for a consistent copy of it (the
database, the configuration, the dashboard's session key) in a new directory, which is
itself a data dir to restore (docs/operations.md, "Backups and restore").
`;

/** The environment with command-line options on top (an option wins over its variable). */
export function envFromArgs(args: string[], env: Env = process.env as Env): Env {
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
  return {
    ...env,
    ...(values.port !== undefined && { PORT: values.port }),
    ...(values.host !== undefined && { HOST: values.host }),
    ...(values['data-dir'] !== undefined && { CARTBEACON_DATA_DIR: values['data-dir'] }),
    ...(values.config !== undefined && { CARTBEACON_CONFIG: values.config }),
    ...(values.storage !== undefined && { CARTBEACON_STORAGE: values.storage }),
    ...(values['memory-limit'] !== undefined && { CARTBEACON_MEMORY_LIMIT: values['memory-limit'] }),
    ...(values['spool-max'] !== undefined && { CARTBEACON_SPOOL_MAX: values['spool-max'] }),
  };
}

/** Settings from the environment with command-line options on top. */
export function settingsFromArgs(args: string[], env: Env = process.env as Env): Readonly<Settings> {
  return loadSettings(envFromArgs(args, env));
}

/** `cartbeacon backup <dir> [--data-dir <dir>]`: the running collector writes the copy. */
async function backup(args: string[], env: Env): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new CommandError('backup needs one argument: the new directory to write the copy to');
  const dataDir = resolve(values['data-dir'] ?? parseEnv(env).CARTBEACON_DATA_DIR);
  const target = resolve(positionals[0]!);
  const manifest = (await askCollector(dataDir, { command: 'backup', target })) as BackupManifest;
  process.stdout.write(`backup of ${dataDir} in ${target}: ${manifest.files.join(', ')}\n`);
  return 0;
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
  const env = process.env as Env;
  if (command !== 'serve' && command !== 'backup') {
    process.stderr.write(USAGE);
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
  try {
    if (command === 'backup') return await backup(rest, env);
    return await startChecked(envFromArgs(rest, env), async (settings) => {
      const running = await startServer(settings, options);
      process.stdout.write(describeStart(settings, running.url, options.demoShop) + '\n');
      return running;
    });
  } catch (e) {
    const line = oneLine(e);
    if (line === undefined) throw e;
    process.stderr.write(`cartbeacon: ${line}\n`);
    return 1;
  }
}

/** The one line a start's or a command's failure is told in, or undefined for a bug (its stack is printed). */
export function oneLine(e: unknown): string | undefined {
  const code = (e as { code?: string })?.code;
  if (e instanceof ConfigError || e instanceof CommandError || code?.startsWith('ERR_PARSE_ARGS_')) return (e as Error).message;
  return undefined;
}
