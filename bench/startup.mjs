#!/usr/bin/env node
// Start-up of each bin (issue 15), side by side with `node -e 0`: each bin on a tiny input, as
// dist/ runs it file by file (what the bins did before the bundles: "dist/") and as the bin runs
// it now (node_modules/.bin: its bundle while that is fresh, "bin"), both started as a user starts
// them (#!/usr/bin/env node). Runs are interleaved, all variants one after another in each
// round; the median and the minimum of each are shown with their ratios to `node -e 0`'s
// (target: rift-record -o /dev/null -- /bin/true at most 1.3x).
// NODE_EXTRA_CA_CERTS is left out of the commands' environment: where it is set (as on these
// VMs) Node 20 reads and parses that many certificates at every start, some 50 ms more for each
// command, `node -e 0` too, which would hide rift's own time. --keep-env keeps it.
// Usage: node bench/startup.mjs [runs=20] [--keep-env]
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const keepEnv = process.argv.includes('--keep-env');
const runs = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 20);
const env = { ...process.env };
if (!keepEnv) delete env.NODE_EXTRA_CA_CERTS;
const tmp = mkdtempSync(join(tmpdir(), 'rift-startup-'));

// name, package, the module the bin imports from dist/
const TOOLS = {
  'rift-record': ['rift-record', 'dist/cli.js'],
  'rift-trace': ['rift-trace', 'dist/cli-trace.js'],
  'rift-filter': ['rift-trace', 'dist/cli-filter.js'],
  'rift-diff': ['rift-diff', 'dist/cli.js'],
  'rift-replay': ['rift-replay', 'dist/cli.js'],
};

/** The bin as it was before the bundles: its dist/ module, imported file by file. */
function unbundled(tool) {
  const [pkg, entry] = TOOLS[tool];
  const file = join(tmp, `${tool}.mjs`);
  const url = pathToFileURL(join(ROOT, 'packages', pkg, entry)).href;
  writeFileSync(file, `#!/usr/bin/env node\nimport { main } from ${JSON.stringify(url)};\nmain(process.argv.slice(2));\n`, { mode: 0o755 });
  return file;
}

/** Whether the bin runs its bundle (the files it was made from are unchanged), as its loader says. */
function bundleFresh(tool) {
  const loader = join(ROOT, 'packages', TOOLS[tool][0], 'dist', 'bundle', 'load.cjs');
  return existsSync(loader) && createRequire(import.meta.url)(loader).fresh(tool);
}

const t1 = join(tmp, 't1.ndjson'), t2 = join(tmp, 't2.ndjson');
execFileSync(join(BIN, 'rift-record'), ['-o', t1, '--', '/bin/true']);
execFileSync(join(BIN, 'rift-record'), ['-o', t2, '--', '/bin/true']);

const ARGS = {
  'rift-record': ['-o', '/dev/null', '--', '/bin/true'],
  'rift-trace': [t1],
  'rift-filter': ['-e', 'execve', t1],
  'rift-diff': [t1, t2],
  'rift-replay': [t1, '--', '/bin/true'],
};
const rows = [['node -e 0', ['node', ['-e', '0']], undefined]];
for (const [tool, args] of Object.entries(ARGS)) {
  const shown = `${tool} ${args.map((a) => a.replace(tmp + '/', '')).join(' ')}`.replaceAll('.ndjson', '');
  rows.push([shown, [join(BIN, tool), args], [unbundled(tool), args]]);
}

function time([cmd, args]) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'], env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const now = rows.map(() => []), before = rows.map(() => []);
for (let i = 0; i < runs + 1; i++) {
  rows.forEach(([, cmd, old], k) => {
    // the first round warms the page cache and is not counted
    const a = time(cmd);
    const b = old ? time(old) : undefined;
    if (i === 0) return;
    now[k].push(a);
    if (b !== undefined) before[k].push(b);
  });
}
rmSync(tmp, { recursive: true, force: true });

// medians, and minimums (the runs least disturbed by whatever else the machine is doing)
const base = median(now[0]), baseMin = Math.min(...now[0]);
const cell = (xs) => {
  if (!xs.length) return ''.padStart(31);
  const med = median(xs), min = Math.min(...xs);
  return `${med.toFixed(1).padStart(6)} ms ${(med / base).toFixed(2)}x  min ${min.toFixed(1).padStart(5)} ${(min / baseMin).toFixed(2)}x`;
};
const caNote = process.env.NODE_EXTRA_CA_CERTS ? (keepEnv ? ', with NODE_EXTRA_CA_CERTS' : ', without NODE_EXTRA_CA_CERTS') : '';
console.log(`# start-up, ${runs} interleaved runs: median and min, each with its ratio to node -e 0's (${process.version}${caNote})`);
console.log(`${'command'.padEnd(36)}  ${'dist/ file by file (before)'.padEnd(31)}  bin (now)`);
rows.forEach(([name], k) => {
  const tool = name.split(' ')[0];
  const stale = k && !bundleFresh(tool) ? '  (bundle stale or missing: ran dist/)' : '';
  console.log(`${name.padEnd(36)}  ${cell(before[k])}  ${cell(now[k])}${stale}`);
});
console.log('(target: rift-record -o /dev/null -- /bin/true at most 1.3x of node -e 0)');
