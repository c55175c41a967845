import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The collector's folders are its layers, and imports point down only: the app's wiring →
 * one folder per API → the ingest path (spool and loader, which enriches what it loads) →
 * the event pipeline → the store
 * and the spool → http, config and telemetry at the bottom. An API's folder uses the shared api/ files and api/vendor/, never
 * another API's folder.
 */
const SRC = resolve(import.meta.dirname, '../../packages/collector/src');
const LEVEL: Record<string, number> = { app: 6, api: 5, ingest: 4, pipeline: 3, store: 2, spool: 2, http: 1, config: 1, telemetry: 1 };

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

/** [top folder, API folder or ''] of a source file; ['', ''] for the package root (index.ts). */
const place = (file: string) => {
  const parts = relative(SRC, file).split('/');
  return parts.length === 1 ? ['', ''] : [parts[0]!, parts[0] === 'api' && parts.length > 2 ? parts[1]! : ''];
};

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts')));

describe("the collector's layers", () => {
  const all = files(SRC);

  it('has every source file in a layer folder, except the entry', () => {
    const loose = all.filter((f) => place(f)[0] !== '' && !(place(f)[0]! in LEVEL));
    expect(loose.map((f) => relative(SRC, f))).toEqual([]);
    expect(all.filter((f) => place(f)[0] === '').map((f) => relative(SRC, f))).toEqual(['index.ts']);
  });

  it('imports only downwards, and no API folder imports another', () => {
    const wrong: string[] = [];
    for (const file of all) {
      const [top, api] = place(file);
      if (!top) continue;
      for (const target of imports(file)) {
        const [ttop, tapi] = place(target);
        const ok =
          ttop === top
            ? top !== 'api' || tapi === '' || tapi === api || tapi === 'vendor'
            : LEVEL[ttop!]! < LEVEL[top]! || (LEVEL[top] === 1 && LEVEL[ttop!] === 1 && !(top === 'http'));
        if (!ok) wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
