import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './db.js';
import { MAX_COLLECTORS } from './seq.js';
import { quote } from './sql.js';

/** Who a collector is in a ClickHouse database: its spool's position is kept under `id`; `number` is in every seq it makes. */
export interface CollectorIdentity {
  id: string;
  number: number;
}

interface IdentityFile {
  id: string;
  /** The number held in each database (`url database`). */
  numbers: Record<string, number>;
}

const FILE = 'clickhouse-collector.json';

function readFile(dataDir: string): IdentityFile | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as IdentityFile;
  } catch {
    return undefined;
  }
}

function writeFile(dataDir: string, file: IdentityFile) {
  mkdirSync(dataDir, { recursive: true });
  const tmp = join(dataDir, `${FILE}.tmp`);
  writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n');
  renameSync(tmp, join(dataDir, FILE));
}

/**
 * The collector's identity, kept in its data dir beside its spool: an id made once, and a
 * number taken in the `collectors` table. A number is taken by inserting a claim and
 * reading the claims of that number back: it is ours only if ours is the only one. Of two
 * collectors claiming the same number at once, the one that reads last sees both, so two
 * never keep the same number; one that sees another's claim tries another number.
 */
export async function collectorIdentity(db: Db, dataDir: string, where: string): Promise<CollectorIdentity> {
  const file = readFile(dataDir) ?? { id: randomUUID(), numbers: {} };
  if (!file.numbers) file.numbers = {};
  // The id goes to disk before any claim is made with it.
  writeFile(dataDir, file);
  const table = db.table('collectors');
  const claims = async (filter = '') =>
    (await db.query<{ number: number; collector_id: string }>(`SELECT number, collector_id FROM ${table}${filter}`)).map((r) => ({
      number: Number(r.number),
      id: r.collector_id,
    }));

  const kept = file.numbers[where];
  if (kept !== undefined && (await claims(` WHERE number = ${kept}`)).some((c) => c.id === file.id)) return { id: file.id, number: kept };

  for (let attempt = 0; attempt < 50; attempt++) {
    const taken = new Set((await claims()).map((c) => c.number));
    if (taken.size >= MAX_COLLECTORS) throw new Error(`all ${MAX_COLLECTORS} collector numbers of ${db.database} are taken`);
    let n = randomInt(MAX_COLLECTORS);
    while (taken.has(n)) n = (n + 1) % MAX_COLLECTORS;
    await db.insert(table, [JSON.stringify({ number: n, collector_id: file.id, at: Math.floor(Date.now() / 1000) })]);
    if ((await claims(` WHERE number = ${n}`)).every((c) => c.id === file.id)) {
      file.numbers[where] = n;
      writeFile(dataDir, file);
      return { id: file.id, number: n };
    }
  }
  throw new Error(`could not take a collector number in ${db.database} (${quote(where)}): too many collectors starting at once`);
}
