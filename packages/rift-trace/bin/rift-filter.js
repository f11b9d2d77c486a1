#!/usr/bin/env node
// rift-filter: argument parsing only; the work is in src/filter.ts.
import { main } from "../dist/cli-filter.js";
main(process.argv.slice(2));
