// Run by crash.test.ts through vite-node: appends from 16 concurrent writers to the spool
// in argv[2], tagging records with argv[3], and prints "ack <tag>" for each append once it resolved, until it is killed.
import { openSpool } from '../../../packages/collector/src/spool/index.js';

const spool = await openSpool({ dir: process.argv[2]!, segmentBytes: 64 * 1024 });
process.stdout.write('ready\n');
await Promise.all(
  Array.from({ length: 16 }, async (_, w) => {
    for (let i = 0; ; i++) {
      const tag = `${process.argv[3]}w${w}-${i}`;
      await spool.append(Array.from({ length: 10 }, (_, j) => Buffer.from(`${tag}-${j}`.padEnd(400, '.'))));
      process.stdout.write(`ack ${tag}\n`);
    }
  }),
);
