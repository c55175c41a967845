import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';

/** The contract: the script-tag build stays at or under 4 KB gzipped. */
const BUDGET = 4096;
/**
 * The chunks that cartbeacon.js imports from the collector are apart from that budget
 * (BENCHMARKS.md); these keep them honest. web-vitals 6 alone is 3.3 KB gzipped.
 */
const CHUNK_BUDGETS = { auto: 3072, vitals: 3584 };

const dir = 'packages/tracker';
const ts = () => typescript({ tsconfig: `${dir}/tsconfig.json`, declaration: false, sourceMap: true });

/** Fails the build when the gzipped bundle is over budget (like snowplow's bundlemon). */
function sizeBudget(limit) {
  return {
    name: 'size-budget',
    generateBundle(_options, bundle) {
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        const size = gzipSync(file.code, { level: 9 }).length;
        if (size > limit) this.error(`${file.fileName} is ${size} bytes gzipped, over the ${limit} byte budget`);
        this.warn?.call(this, `${file.fileName}: ${size} bytes gzipped (budget ${limit})`);
      }
    },
  };
}

const terserOptions = {
  ecma: 2020,
  module: false,
  compress: { passes: 3, unsafe_arrows: true, pure_getters: true },
  // Properties that are not public API start with "_" so that they can be mangled.
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
};

const tracker = [
  // ESM for bundlers: dependencies stay external.
  {
    input: `${dir}/src/index.ts`,
    external: ['idb-keyval', 'web-vitals'],
    output: { file: `${dir}/dist/index.mjs`, format: 'es', sourcemap: true },
    plugins: [ts()],
  },
  // The script-tag build: everything inlined, minified, with a source map.
  {
    input: `${dir}/src/snippet.ts`,
    output: { file: `${dir}/dist/cartbeacon.js`, format: 'iife', sourcemap: true },
    plugins: [nodeResolve(), ts(), terser(terserOptions), sizeBudget(BUDGET)],
  },
  // ES modules that cartbeacon.js imports from the collector: auto-capture as it starts,
  // web-vitals once the page has loaded.
  ...Object.entries(CHUNK_BUDGETS).map(([name, budget]) => ({
    input: `${dir}/src/${name}-chunk.ts`,
    output: { file: `${dir}/dist/cartbeacon-${name}.js`, format: 'es', sourcemap: true },
    plugins: [nodeResolve(), ts(), terser({ ...terserOptions, module: true }), sizeBudget(budget)],
  })),
];

/** The contract: the dashboard page's own script and styles together ≤ 60 KB gzipped. */
const DASHBOARD_BUDGET = 60 * 1024;
const dashboardDir = 'packages/dashboard';

/**
 * Emits the dashboard's stylesheet beside its script (the page links both: no inline
 * styles, for a strict Content-Security-Policy) and fails the build when the two
 * together are over budget.
 */
function dashboardAssets() {
  return {
    name: 'dashboard-assets',
    buildStart() {
      this.addWatchFile(`${dashboardDir}/src/dashboard.css`);
      this.addWatchFile(`${dashboardDir}/src/icon.svg`);
    },
    generateBundle(_options, bundle) {
      const css = readFileSync(`${dashboardDir}/src/dashboard.css`, 'utf8');
      this.emitFile({ type: 'asset', fileName: 'dashboard.css', source: css });
      this.emitFile({ type: 'asset', fileName: 'dashboard-icon.svg', source: readFileSync(`${dashboardDir}/src/icon.svg`) });
      const js = Object.values(bundle).filter((f) => f.type === 'chunk').map((f) => f.code).join('\n');
      const size = gzipSync(js, { level: 9 }).length + gzipSync(css, { level: 9 }).length;
      if (size > DASHBOARD_BUDGET) this.error(`dashboard.js + dashboard.css are ${size} bytes gzipped, over the ${DASHBOARD_BUDGET} byte budget`);
      this.warn(`dashboard.js + dashboard.css: ${size} bytes gzipped (budget ${DASHBOARD_BUDGET})`);
    },
  };
}

const dashboard = [
  // The page's script, as a classic deferred script: everything inlined, minified, with a source map.
  {
    input: `${dashboardDir}/src/main.ts`,
    output: { file: `${dashboardDir}/dist/dashboard.js`, format: 'iife', sourcemap: true },
    plugins: [
      nodeResolve(),
      typescript({ tsconfig: `${dashboardDir}/tsconfig.json`, sourceMap: true }),
      terser({ ...terserOptions, mangle: true, compress: { passes: 2 } }),
      dashboardAssets(),
    ],
  },
];

/** `rollup -c --environment ONLY:tracker` (or dashboard) builds one package; plain `rollup -c` both. */
export default process.env.ONLY === 'tracker' ? tracker : process.env.ONLY === 'dashboard' ? dashboard : [...tracker, ...dashboard];
