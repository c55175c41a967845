#!/usr/bin/env node
/**
 * `npm start`: checks that the demo's port is free, builds, then runs the collector with
 * the demo shop (examples/start.mjs) with the same options. The port is checked first so
 * that a busy one costs no build; the collector checks it again (and the rest) at its start.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { DEMO_HOST, DEMO_PORT } from '../examples/demo-defaults.mjs';

const args = process.argv.slice(2);
const { values } = parseArgs({ args, options: { port: { type: 'string' }, host: { type: 'string' } }, strict: false, allowPositionals: true });
const port = Number(values.port ?? (process.env.PORT || DEMO_PORT));
const host = values.host ?? (process.env.HOST || DEMO_HOST);

/** Whether `port` can be listened on at `host` (a bad value is left to the collector's own check). */
function free() {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return Promise.resolve(true);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (e) => resolve(e.code !== 'EADDRINUSE'));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

if (!(await free())) {
  process.stderr.write(`cartbeacon: port ${port} on ${host} is in use by another process: stop it, or choose another port (PORT=… npm start, or npm start -- --port …)\n`);
  process.exit(1);
}
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const build = spawnSync(npm, ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const { main } = await import('../examples/start.mjs');
await main(args);
