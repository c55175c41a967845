import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, EVENT_NAMES, eventSchema } from '@cartbeacon/schema';

const ROOT = join(import.meta.dirname, '../..');
/** The README and the docs, where the event API's table may live. */
const docs = () =>
  [join(ROOT, 'README.md'), ...(existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).map((f) => join(ROOT, 'docs', f)) : [])]
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');

/** The rows of the table headed `| name | required fields |`: name → the fields it names, with their listed values. */
function eventTable(text: string): Map<string, string> {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => /^\|\s*name\s*\|\s*required fields\s*\|$/.test(l.trim()));
  expect(at, 'the event table is in the docs').toBeGreaterThan(-1);
  const rows = new Map<string, string>();
  for (const line of lines.slice(at + 2)) {
    if (!line.startsWith('|')) break;
    const [name, fields] = line.split('|').slice(1, 3).map((c) => c.trim());
    rows.set(name!.replace(/`/g, ''), fields!);
  }
  return rows;
}

describe("the docs' event table", () => {
  const table = eventTable(docs());

  it('lists exactly the event names the schema accepts', () => {
    expect([...table.keys()].sort()).toEqual([...EVENT_NAMES].sort());
  });

  it.each(EVENT_NAMES)('%s: the required fields and their values as the schema has them', (name) => {
    const schema = eventSchema(name);
    // A field, and in parentheses after it the values it takes: `step` (`add`, `remove`).
    const listed = [...table.get(name)!.matchAll(/`(\w+)`(?:\s*\(([^)]*)\))?/g)].map(([, field, values]) => ({
      field: field!,
      values: values?.match(/`[^`]+`/g)?.map((v) => v.slice(1, -1)),
    }));
    const required = (schema.required ?? []).filter((f) => f !== 'userId' && f !== 'sessionId');
    expect(listed.map((l) => l.field).sort()).toEqual([...required].sort());
    for (const { field, values } of listed) {
      if (values) expect(values, `${name}.${field}`).toEqual((schema.properties[field] as { enum?: string[] }).enum);
    }
  });

  it("lists the event API's error codes, and no other", () => {
    const text = docs();
    const at = text.indexOf('when nothing\n  could be stored:');
    expect(at).toBeGreaterThan(-1);
    const codes = [...text.slice(at, text.indexOf('\n-', at)).matchAll(/`([A-Z_]+)`/g)].map((m) => m[1]);
    expect(codes.sort()).toEqual([...ERROR_CODES].sort());
  });
});
