// The project's own classifiers, as the accuracy bench calls them.
// CARTBEACON_DIST points at another build of the collector (e.g. a worktree of an older
// commit); by default the one in this tree (npm run build:collector first).
// Prices come from the tracker's source, compiled here with the project's TypeScript.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const dist = process.env.CARTBEACON_DIST
  ? pathToFileURL(process.env.CARTBEACON_DIST.replace(/\/?$/, '/'))
  : new URL('../../../packages/collector/dist/', import.meta.url);
const src = process.env.CARTBEACON_TRACKER_SRC
  ? pathToFileURL(process.env.CARTBEACON_TRACKER_SRC.replace(/\/?$/, '/'))
  : new URL('../../../packages/tracker/src/', import.meta.url);

const { classifyTraffic } = await import(new URL('pipeline/sources.js', dist).href);
const { agentOf } = await import(new URL('pipeline/agent.js', dist).href);
const util = ts.transpileModule(readFileSync(new URL('auto/util.ts', src), 'utf8'), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
const { num } = await import('data:text/javascript,' + encodeURIComponent(util));

export const name = 'cartbeacon (' + decodeURIComponent(dist.pathname) + ')';
export const traffic = (page, referrer) => classifyTraffic(page, referrer);
// The hints are what the tracker sends beside the agent (the event API's `hints`).
export const device = (ua, hints) => agentOf(ua, hints).device;
export const isBot = (ua) => agentOf(ua).isBot;
export const price = (value) => num(value);
