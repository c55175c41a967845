import { gzipSync } from 'node:zlib';
import typescript from '@rollup/plugin-typescript';
import terser from '@rollup/plugin-terser';
import { nodeResolve } from '@rollup/plugin-node-resolve';

/** The contract: the script-tag build stays at or under 4 KB gzipped. */
const BUDGET = 4096;

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

export default [
  // ESM for bundlers: dependencies stay external.
  {
    input: `${dir}/src/index.ts`,
    external: ['idb-keyval'],
    output: { file: `${dir}/dist/index.mjs`, format: 'es', sourcemap: true },
    plugins: [ts()],
  },
  // The script-tag build: everything inlined, minified, with a source map.
  {
    input: `${dir}/src/snippet.ts`,
    output: { file: `${dir}/dist/cartbeacon.js`, format: 'iife', sourcemap: true },
    plugins: [nodeResolve(), ts(), terser(terserOptions), sizeBudget(BUDGET)],
  },
];
