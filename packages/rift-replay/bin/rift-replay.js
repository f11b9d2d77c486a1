#!/usr/bin/env node
// rift-replay: argument parsing only; the work is replay() in src/index.ts.
import { main } from '../dist/cli.js';
main(process.argv.slice(2));
