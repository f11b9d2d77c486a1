#!/usr/bin/env node
// rift-record: argument parsing only; the work is record() in src/index.ts.
// It runs dist/bundle/rift-record.cjs, the same program in one file (made by scripts/bundle.mjs
// at build time), while that is fresh: Node starts it faster than dist/cli.js and the
// files it imports. This bin and the bundle are CommonJS (bin/package.json): Node then does not
// start its ES module loader (some 5 ms).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const loader = join(__dirname, '..', 'dist', 'bundle', 'load.cjs');
const bundled = existsSync(loader) ? require(loader).load('rift-record') : undefined;
if (bundled) bundled.main(process.argv.slice(2));
else import('../dist/cli.js').then(({ main }) => main(process.argv.slice(2)));
