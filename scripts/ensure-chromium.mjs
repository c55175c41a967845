#!/usr/bin/env node
// Browser tests drive Debian's chromium through playwright-core (`npx playwright install`
// cannot download browsers here). Installs it with apt when it is missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.CARTBEACON_CHROMIUM || '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);
if (process.platform !== 'linux' || !existsSync('/usr/bin/apt-get')) {
  console.error(`ensure-chromium: ${CHROMIUM} is missing; install Chromium and set CARTBEACON_CHROMIUM to its path`);
  process.exit(1);
}
const sudo = process.getuid?.() === 0 ? '' : 'sudo ';
console.log('ensure-chromium: installing Debian chromium with apt-get');
execSync(`${sudo}apt-get update -qq`, { stdio: 'inherit' });
execSync(`${sudo}env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium`, { stdio: 'inherit' });
if (!existsSync(CHROMIUM)) {
  console.error(`ensure-chromium: apt-get finished but ${CHROMIUM} is still missing`);
  process.exit(1);
}
