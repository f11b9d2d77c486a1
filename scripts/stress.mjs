#!/usr/bin/env node
// npm run stress: the race-prone tests, run again and again (not part of `npm test`).
//
//   RIFT_STRESS_N=100 npm run stress [-- FILTER...]
//
// Runs each test file below N times in a row (RIFT_STRESS_N, default 100), one run at a time,
// each file as its own `node FILE` (the TAP it prints is kept only for failures). A failing run is
// reported at once with its run number and the first failing assertions; the end prints one line
// per file, "FILE: K of N runs failed (runs 3, 17)", and the exit status is 1 when any run failed.
// FILTER words keep the files whose name contains one of them (`npm run stress -- replay`).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What each file races: the reason it is here. */
const RACES = {
  'test/13.record-attach.test.mjs': 'attach and detach while the tracee runs',
  'test/19.record-nothing-lost.test.mjs': 'the syscall buffer under forks that start threads, exits, signals, exec',
  'test/19.record-clone-race.test.mjs': "new threads that exit at once, and their creator's clone3 captures",
  'test/17.record-syscallbuf.test.mjs': 'the syscall buffer: threads, forks, a hostile program',
  'test/28.trace-threads.test.mjs': 'threads whose calls interleave, counts that must be exact',
  'test/42.replay-threads.test.mjs': 'replay of threads',
  'test/48.replay-threads-order.test.mjs': 'replay following the recorded order across threads',
  'test/48.replay-signals.test.mjs': 'signals delivered at their recorded point',
  'test/48.replay-programs.test.mjs': 'node and make replayed: thread pools, child processes, layouts ASLR changes',
  'test/48.replay-scorecard.test.mjs': "issue 18's everyday programs replayed three times each, python3's threads among them",
  'test/48.replay-heap.test.mjs': 'heaps placed where recorded, whatever ASLR chose',
  'test/47.replay-interrupt.test.mjs': 'replay of pipelines and busy loops, interrupted or not',
  'test/51.deterministic.test.mjs': 'the deterministic sandbox: forks, waits, virtual pids',
  'test/53.sandbox-net.test.mjs': 'the virtual network: a server and its client in two processes',
  'test/60.cli-signals.test.mjs': 'signals to rift-record, rift-trace, rift-replay (in a PID namespace)',
};

const n = Number(process.env.RIFT_STRESS_N ?? 100);
if (!Number.isInteger(n) || n < 1) {
  process.stderr.write(`stress: RIFT_STRESS_N must be a whole number above 0, not ${JSON.stringify(process.env.RIFT_STRESS_N)}\n`);
  process.exit(2);
}
const filters = process.argv.slice(2);
const files = Object.keys(RACES).filter((f) => !filters.length || filters.some((w) => f.includes(w)));
if (!files.length) {
  process.stderr.write(`stress: no test file matches ${filters.join(' ')}\n`);
  process.exit(2);
}

/** One run of a test file: its exit status and output. */
function runOnce(file) {
  return new Promise((resolve) => {
    // (TAP_TIMEOUT: the per-file timeout package.json gives the runner, which `node FILE` does not read)
    const env = { ...process.env, TAP_TIMEOUT: process.env.TAP_TIMEOUT ?? '180' };
    const child = spawn(process.execPath, [join(ROOT, file)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code, signal) => resolve({ ok: code === 0, code, signal, out }));
  });
}

/** The first failing assertions of a TAP text, each with the start of its diagnostics. */
function failures(tap) {
  const lines = tap.split('\n');
  const out = [];
  for (let i = 0; i < lines.length && out.length < 40; i++) {
    if (!/^\s*not ok /.test(lines[i])) continue;
    out.push(lines[i]);
    const indent = lines[i].search(/\S/);
    // its YAML block: the lines indented deeper, up to the block's end ("...")
    for (let j = i + 1, k = 0; j < lines.length && k < 15 && lines[j].search(/\S/) > indent && !/^\s*\.\.\.$/.test(lines[j]); j++, k++) out.push(lines[j]);
  }
  return out.length ? out.join('\n') : lines.slice(-10).join('\n');
}

const failed = new Map(files.map((f) => [f, []]));
const started = Date.now();
for (const file of files) {
  process.stdout.write(`${file} (${RACES[file]}): ${n} runs\n`);
  for (let run = 1; run <= n; run++) {
    const r = await runOnce(file);
    if (!r.ok) {
      failed.get(file).push(run);
      process.stdout.write(`  run ${run} of ${file} failed (${r.signal ?? `exit ${r.code}`}):\n${failures(r.out).replace(/^/gm, '    ')}\n`);
    }
  }
}
process.stdout.write(`\n${n} runs of each file, ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
for (const [file, runs] of failed) {
  process.stdout.write(`${file}: ${runs.length} of ${n} runs failed${runs.length ? ` (runs ${runs.join(', ')})` : ''}\n`);
}
process.exit([...failed.values()].some((r) => r.length) ? 1 : 0);
