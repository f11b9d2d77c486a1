#!/usr/bin/env node
// rift-record: argument parsing only; the work is record() in src/index.ts.
import { main } from '../dist/cli.js';
main(process.argv.slice(2));
