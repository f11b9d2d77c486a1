#!/usr/bin/env node
// rift-diff: argument parsing only; the work is diffFiles() in src/index.ts.
import { main } from '../dist/cli.js';
main(process.argv.slice(2));
