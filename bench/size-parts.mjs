// Per-part gzip cost of auto-capture: builds cartbeacon.js and cartbeacon-auto.js in memory
// (same plugins and terser options as rollup.config.mjs) with parts stubbed out.
import { rollup } from 'rollup';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import ts from 'typescript';
// Stubs are given as TypeScript or JavaScript; the typescript plugin compiles files from disk, so stubs go in as JavaScript.
const js = (code) => ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } }).outputText;
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';
const dir = process.cwd() + '/packages/tracker';
const src = (f) => `${dir}/src/${f}`;
const terserOptions = { ecma: 2020, module: false, compress: { passes: 3, unsafe_arrows: true, pure_getters: true }, mangle: { properties: { regex: /^_/ } }, format: { comments: false } };
async function size(input, stubs = {}, format = 'iife') {
  const map = new Map(Object.entries(stubs).map(([k, v]) => [src(k), js(v)]));
  const b = await rollup({ input: src(input), plugins: [{ name: 'stub', load: (id) => map.get(id) }, nodeResolve(), typescript({ tsconfig: `${dir}/tsconfig.json`, declaration: false, sourceMap: false, noEmitOnError: false, noUnusedLocals: false }), terser({ ...terserOptions, module: format === 'es' })], onwarn() {} });
  const { output } = await b.generate({ format });
  return gzipSync(output[0].code, { level: 9 }).length;
}
const snippet = readFileSync(src('snippet.ts'), 'utf8');
// cartbeacon.js with auto-capture bundled in, instead of imported from the collector.
const allIn = snippet
  .replace("import type { AutoOptions } from './auto/index';", "import type { AutoOptions } from './auto/index';\nimport { autoCapture } from './auto/index';")
  .replace(/let loaded: unknown;[\s\S]*?import\(endpoint \+ 'cartbeacon-auto\.js'\)\.then\([^;]*;/, 'autoCapture(tracker, auto);');
if (allIn === snippet) throw new Error('all-in rewrite failed');
const STUBS = {
  'structured data (JSON-LD, microdata, Open Graph)': { 'auto/schema.ts': 'export const structured = () => [[], ""];' },
  'product mapper (shared by all sources)': { 'auto/product.ts': 'export const product = (p) => p; export const line = (p) => p;' },
  'GA4 dataLayer': { 'auto/datalayer.ts': 'export const GA4 = {}; export const eventName = () => ""; export const fromDataLayer = () => () => {};' },
  'data-cartbeacon markup': { 'auto/markup.ts': 'export const data = () => ({}); export const kind = () => ""; export const fromMarkup = () => () => {};' },
  'page category inference + search query': { 'auto/category.ts': 'export const category = () => "Page"; export const query = () => "";' },
};
const rows = [];
const main = await size('snippet.ts');
rows.push(['cartbeacon.js as built (tracker + chunk loaders + own-call log)', main]);
const all = await size('snippet.ts', { 'snippet.ts': allIn });
rows.push(['cartbeacon.js with auto-capture bundled in (all-in)', all]);
for (const [name, stubs] of Object.entries(STUBS)) rows.push([`  all-in without: ${name}`, await size('snippet.ts', { 'snippet.ts': allIn, ...stubs })]);
rows.push(['  all-in without auto-capture (autoCapture stubbed)', await size('snippet.ts', { 'snippet.ts': allIn, 'auto/index.ts': 'export const autoCapture = () => {};' })]);
const chunk = await size('auto-chunk.ts', {}, 'es');
rows.push(['cartbeacon-auto.js (ES module)', chunk]);
for (const [name, stubs] of Object.entries(STUBS)) rows.push([`  without: ${name}`, await size('auto-chunk.ts', stubs, 'es')]);
rows.push(['cartbeacon-vitals.js (ES module, web-vitals 6 inside)', await size('vitals-chunk.ts', {}, 'es')]);
for (const [n, v] of rows) console.log(`${String(v).padStart(5)}  ${n}`);
