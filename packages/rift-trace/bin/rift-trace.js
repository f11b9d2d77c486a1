#!/usr/bin/env node
// rift-trace: argument parsing only; the work is in src/.
import { main } from "../dist/cli-trace.js";
main(process.argv.slice(2));
