// Loads the accuracy fixtures (test/fixtures/accuracy/*.jsonl): one case a line.
import { readFileSync } from 'node:fs';

const dir = new URL('../../test/fixtures/accuracy/', import.meta.url);

/** The cases of one fixture file, e.g. load('referrers'). */
export const load = (name) =>
  readFileSync(new URL(`${name}.jsonl`, dir), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
