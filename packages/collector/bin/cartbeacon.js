#!/usr/bin/env node
import { main } from '../dist/index.js';

const result = await main(process.argv.slice(2));
if (typeof result === 'number') process.exitCode = result;
