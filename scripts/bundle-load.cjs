'use strict';
// dist/bundle/load.cjs of each package with bins, copied there by scripts/bundle.mjs (this is
// its source): runs a bin's bundle, dist/bundle/NAME.cjs, if it is fresh. The bin calls it.
//
// Fresh: the bundle, its V8 code cache, this file, every file of rift's the bundle was made from
// and the package.json of each package from the registry it holds have the size and mtime that
// NAME.json gives them (written last by scripts/bundle.mjs). After a plain `tsc -b` of changed
// sources that no longer holds, and the bin imports dist/ instead.
//
// The bundle is compiled with the code cache that scripts/bundle.mjs made of it (NAME.cjs.v8):
// V8 then does not parse the whole file again at each start (Node 20 has no compile cache of
// its own: module.enableCompileCache and NODE_COMPILE_CACHE came in Node 22.1). A cache this
// Node or V8 rejects (another version, other V8 flags) costs nothing but the parse it would
// have saved.
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const vm = require('node:vm');

/** The function a CommonJS module's code becomes (as Node's own loader wraps it). */
function wrap(source) {
  return `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
}

/** Whether every file NAME.json lists ([path relative to here, size, mtime in ms]) is as listed. */
function fresh(name) {
  let made;
  try {
    made = JSON.parse(readFileSync(join(__dirname, `${name}.json`), 'utf8'));
  } catch {
    return false;
  }
  for (const [file, size, mtimeMs] of made.files) {
    let s;
    try {
      s = statSync(join(__dirname, file));
    } catch {
      return false;
    }
    if (s.size !== size || s.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

/** NAME's exports (its main), or undefined when its bundle is missing or stale. */
function load(name) {
  if (!fresh(name)) return undefined;
  return run(name).exports;
}

/** Compiles and runs NAME's bundle (with its code cache if there is one): its module and script. */
function run(name) {
  const filename = join(__dirname, `${name}.cjs`);
  let cachedData;
  try {
    cachedData = readFileSync(`${filename}.v8`);
  } catch {}
  const script = new vm.Script(wrap(readFileSync(filename, 'utf8')), { filename, cachedData });
  // the bundle's import() (of yargs, for help and errors): this file's, beside the bundle
  const module = { exports: {}, riftImport: (specifier) => import(specifier) };
  const req = require('node:module').createRequire(filename);
  script.runInThisContext().call(module.exports, module.exports, req, module, filename, __dirname);
  return { exports: module.exports, script };
}

/**
 * scripts/bundle.mjs at build time: runs NAME's main on ARGS (a small job like a user's), and
 * when the process exits writes the code cache of the bundle as it then is: with the functions
 * that job compiled, which a cache made before running holds none of (V8 compiles a function
 * when it first runs). A start then compiles almost nothing.
 */
function warm(name, args) {
  const { exports, script } = run(name);
  process.on('exit', () => {
    require('node:fs').writeFileSync(join(__dirname, `${name}.cjs.v8`), script.createCachedData());
  });
  exports.main(args);
}

module.exports = { load, fresh, wrap, warm };
