#!/usr/bin/env node
// Issue 15 (start-up): each bin in one file, made from the packages' dist/ after `tsc -b` (the
// root `build` and `prepare` scripts run this, so `npm install` makes them). In
// packages/<pkg>/dist/bundle/:
//   <bin>.cjs     the bin's dist/ module and all it imports, CommonJS: Node reads, resolves and
//                 links one file instead of twenty to fifty, and (the bin being CommonJS too,
//                 bin/package.json) never starts its ES module loader, some 5 ms of the 30 of
//                 `node -e 0`
//   <bin>.cjs.v8  V8's code cache of it, made after running the bin on a small job, so that it
//                 holds the functions a start runs: Node 20 has no compile cache of its own
//                 (module.enableCompileCache and NODE_COMPILE_CACHE are Node 22.1's)
//   <bin>.json    size and mtime of those, of load.cjs, of each file of rift's the bundle was
//                 made from and of the package.json of each registry package in it
//   load.cjs      a copy of scripts/bundle-load.cjs, which the bin calls: it runs the bundle
//                 while <bin>.json holds, else the bin imports dist/ as before (after a plain
//                 `tsc -b` of changed sources, say), so a bundle never runs stale code.
//
// What the bundle does not hold:
//   - the native addon (build/Release/rift_core.node) and the preload library
//     (rift_syscallbuf.so): @rift/core-native finds them relative to its own import.meta.url.
//     In every bundled file `import.meta.url` becomes the URL of the file it came from (relative
//     to the bundle's), so those paths resolve as they do unbundled. The same keeps rift-trace's
//     thread pool (parallel.js: new URL('./region-worker.js', import.meta.url)) starting its
//     workers from dist/region-worker.js, unbundled (the pool only starts for inputs of 8 MiB or
//     more, where a thread's start-up is small beside the work).
//   - yargs, which @rift/cli imports only to print help or an error: left to a dynamic import()
//     at run time, by a path relative to the bundle to the copy @rift/cli resolves (the root
//     node_modules/yargs is another major version, lerna's).
// A bin that cannot be bundled keeps running dist/: a warning, not a failed build.
// Usage: node scripts/bundle.mjs
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const LOADER = join(ROOT, 'scripts', 'bundle-load.cjs');
const { wrap } = createRequire(import.meta.url)(LOADER);

/** Each bin: its package and the module its bin runs unbundled (packages/<pkg>/bin/<bin>.js). */
const BINS = [
  { name: 'rift-record', pkg: 'rift-record', entry: 'dist/cli.js' },
  { name: 'rift-trace', pkg: 'rift-trace', entry: 'dist/cli-trace.js' },
  { name: 'rift-filter', pkg: 'rift-trace', entry: 'dist/cli-filter.js' },
  { name: 'rift-replay', pkg: 'rift-replay', entry: 'dist/cli.js' },
  { name: 'rift-diff', pkg: 'rift-diff', entry: 'dist/cli.js' },
];

/** The bundle's own URL, and its import(), set by its first lines (the banner). */
const BUNDLE_URL = '__riftBundleUrl';
const IMPORT = '__riftImport';
const BANNER = (name) => [
  '"use strict";',  // as the ES modules it is made from were
  `// ${name}: made by scripts/bundle.mjs from the files listed in ${name}.json; do not edit.`,
  `const ${BUNDLE_URL} = require("node:url").pathToFileURL(__filename).href;`,
  // load.cjs compiles the bundle with vm.Script, whose own import() needs an experimental
  // option (and a warning): the loader's import() stands in for it
  `const ${IMPORT} = module.riftImport ?? ((specifier) => import(specifier));`,
].join('\n');

/** Packages imported with import() only when needed: left out of the bundle, imported at run time. */
const LAZY = ['yargs'];  // @rift/cli: help, version and error messages

/** A path as an import specifier relative to `fromDir`. */
function rel(fromDir, to) {
  const r = relative(fromDir, to).split(sep).join('/');
  return r.startsWith('.') ? r : `./${r}`;
}

function plugin(outDir) {
  return {
    name: 'rift-paths',
    setup(b) {
      b.onLoad({ filter: /\.m?js$/ }, async (args) => {
        let text = readFileSync(args.path, 'utf8');
        let changed = false;
        // import.meta.url: the URL of the file it is in, as unbundled
        if (text.includes('import.meta')) {
          const url = `new URL(${JSON.stringify(rel(outDir, args.path))}, ${BUNDLE_URL}).href`;
          text = text.replaceAll('import.meta.url', url);
          if (text.includes('import.meta')) throw new Error(`${args.path}: import.meta other than import.meta.url`);
          changed = true;
        }
        // import('yargs'): the bundle's import() of the copy this file finds, by its path
        for (const spec of LAZY) {
          const re = new RegExp(`\\bimport\\(\\s*(['"])${spec}\\1\\s*\\)`, 'g');
          if (!re.test(text)) continue;
          const r = await b.resolve(spec, { kind: 'dynamic-import', resolveDir: dirname(args.path) });
          if (r.errors.length) return { errors: r.errors };
          text = text.replace(re, `${IMPORT}(${JSON.stringify(rel(outDir, r.path))})`);
          changed = true;
        }
        return changed ? { contents: text, loader: 'js', resolveDir: dirname(args.path) } : undefined;
      });
    },
  };
}

const bundleDir = (pkg) => join(ROOT, 'packages', pkg, 'dist', 'bundle');
// no manifests while the bundles are made (the bins run dist/ meanwhile); then the loader
for (const { name, pkg } of BINS) rmSync(join(bundleDir(pkg), `${name}.json`), { force: true });
for (const pkg of new Set(BINS.map((b) => b.pkg))) {
  mkdirSync(bundleDir(pkg), { recursive: true });
  copyFileSync(LOADER, join(bundleDir(pkg), 'load.cjs'));
}
/** Bundles one bin, then its code cache, then its NAME.json. */
async function bundle({ name, pkg, entry }) {
  const outDir = bundleDir(pkg);
  const outfile = join(outDir, `${name}.cjs`);
  const r = await build({
    entryPoints: [join(ROOT, 'packages', pkg, entry)],
    absWorkingDir: ROOT,
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',  // its errors are thrown, and reported below
    plugins: [plugin(outDir)],
    banner: { js: BANNER(name) },
  });
  for (const w of r.warnings) console.warn(`${name}: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}`);
  const code = readFileSync(outfile, 'utf8');
  const imports = code.split('\n').slice(BANNER(name).split('\n').length).filter((l) => /(?<![\w$.])import\s*\(/.test(l));
  if (imports.length) throw new Error(`import() the loader cannot run (a package to add to LAZY?):\n${imports.join('\n')}`);
  // V8's code cache of the bundle as load.cjs compiles it, then (warm()) as a small job leaves it
  const script = new vm.Script(wrap(code), { filename: outfile });
  writeFileSync(`${outfile}.v8`, script.createCachedData());
  warm(name, outDir);
  const inputs = Object.keys(r.metafile.inputs).map((p) => join(ROOT, p));
  // what load.cjs checks: rift's own files one by one; of a package from the registry (chalk,
  // diff, yargs-parser), its package.json, which an install of another version rewrites (a
  // stat costs some 30 us in a starting Node: 28 of rift-diff's 51 inputs are diff's and chalk's)
  const checked = new Set(inputs.map((f) => {
    const m = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f);
    return m ? join(m[1], 'package.json') : f;
  }));
  const files = [outfile, `${outfile}.v8`, join(outDir, 'load.cjs'), ...checked].map((f) => {
    const s = statSync(f);
    return [rel(outDir, f), s.size, s.mtimeMs];
  });
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify({ files }) + '\n');
  console.log(`${relative(ROOT, outfile)}: ${inputs.length} files, ${(statSync(outfile).size / 1024).toFixed(0)} KiB`);
}

// The code cache again, made by running the bin on a small job (load.cjs's warm()): the cache
// then holds the functions a start runs, compiled (rift-record -o /dev/null -- /bin/true: about
// 3 ms less, of some 40). A job that fails (no ptrace here, say) keeps the cache made above.
const sample = mkdtempSync(join(tmpdir(), 'rift-bundle-'));
const t1 = join(sample, 't1.ndjson');
const SAMPLE_JOBS = {
  'rift-record': ['-o', t1, '--', '/bin/true'],
  'rift-trace': [t1],
  'rift-filter': ['-e', 'execve', t1],
  'rift-replay': [t1, '--', '/bin/true'],
  'rift-diff': [t1, t1],
};
function warm(name, outDir) {
  const job = `require(${JSON.stringify(join(outDir, 'load.cjs'))}).warm(${JSON.stringify(name)}, ${JSON.stringify(SAMPLE_JOBS[name])})`;
  spawnSync(process.execPath, ['-e', job], { stdio: 'ignore', cwd: sample, timeout: 30000 });
}

// A bin that cannot be bundled runs from dist/ as before, slower to start: said here, and by
// bench/startup.mjs, but not a failed build (`npm install` runs this)
let failed = 0;
for (const bin of BINS) {
  try {
    await bundle(bin);
  } catch (e) {
    failed++;
    const errors = e.errors?.map((x) => `${x.text}${x.location ? ` (${x.location.file}:${x.location.line})` : ''}`);
    console.warn(`scripts/bundle.mjs: ${bin.name} not bundled (its bin runs dist/): ${errors?.join('; ') ?? e.message}`);
  }
}
rmSync(sample, { recursive: true, force: true });
if (failed) console.warn(`scripts/bundle.mjs: ${failed} of ${BINS.length} bins not bundled`);
