#!/usr/bin/env node
// Runs bench/spool/append.ts as plain JavaScript: the spool's and the bench's TypeScript
// are transpiled (TypeScript's transpileModule, no type check) into a temporary copy of
// their folders, and node runs that. Under vite-node the same bench reports about twice
// the CPU per append, spent in its module proxies, not in the spool.
//
// Usage: node bench/spool/run.mjs [seconds per row = 3] [dir for the spools = os.tmpdir()]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'cartbeacon-spool-bench-js-'));
try {
  for (const folder of ['packages/collector/src/spool', 'bench/spool']) {
    for (const name of readdirSync(join(root, folder)).filter((n) => n.endsWith('.ts'))) {
      const source = join(root, folder, name);
      const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        fileName: source,
      });
      const target = join(out, relative(root, source)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  const run = spawnSync(process.execPath, [join(out, 'bench/spool/append.js'), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
