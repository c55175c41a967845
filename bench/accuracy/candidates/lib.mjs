// Imports a candidate library from the working directory's node_modules (a scratch folder
// where it is installed), so the project itself never depends on the candidates.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const req = createRequire(process.cwd() + '/');
export const lib = async (name) => import(pathToFileURL(req.resolve(name)).href);
/** A data file inside an installed package, past its exports map: `file('pkg', 'lib/x.json')`. */
export const file = (name, path) => JSON.parse(readFileSync(join(process.cwd(), 'node_modules', name, path), 'utf8'));
