#!/usr/bin/env node
// Benchmark for rift-replay (issue 5), in one run:
//   1. record against replay of the same syscall-heavy workload (dd bs=1: ~20,000 read/write
//      calls; read injected, write run for real), interleaved, median of N runs. Two
//      recordings: the default one (the syscall buffer records read and write inside the
//      program, no stop) and one with --no-syscall-buffer (a ptrace stop per call, as replay
//      makes: the like-for-like ratio);
//   2. the floor the interception API sets: the same workload under an empty onEntry handler
//      (one JS round trip per call, nothing matched or injected);
//   3. peak RSS of rift-replay replaying traces of ~100k and ~1M events (flat = streamed);
//   4. record against replay of a threaded program (4 threads, ~20,000 read/write calls in
//      all, interleaved as the scheduler ran them: replay has them take turns as recorded).
// Usage: node bench/replay.mjs [runs=5] [bigCount=500000]  (bigCount 0: no RSS rows)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RECORD = join(ROOT, 'node_modules', '.bin', 'rift-record');
const REPLAY = join(ROOT, 'node_modules', '.bin', 'rift-replay');
const runs = Number(process.argv[2] ?? 5);
const bigCount = Number(process.argv[3] ?? 500000);
const dir = mkdtempSync(join(tmpdir(), 'rift-bench-replay-'));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs cmd under /usr/bin/time; returns wall ms and peak RSS (KiB) of cmd (max over its process tree's largest). */
function timed(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const rss = Number(r.stderr.trim().split('\n').at(-1));
  return { ms, rss };
}

// status=none: dd's closing statistics print a rate from the (vDSO, so live) clock
const dd = (count) => ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${count}`, 'status=none'];
const small = join(dir, 'small.ndjson');
const floorScript = `import { Trace } from ${JSON.stringify(join(ROOT, 'packages/rift-core-native/dist/index.js'))};
const t = Trace.launch({ command: ${JSON.stringify(dd(10000))}, stdio: [0, 1, 2], intercept: { syscalls: [0, 1], onEntry: () => undefined } });
for await (const b of t) {}
await t.done;`;

console.log(`# rift-replay benchmark: ${dd(10000).join(' ')} (~20,000 syscalls), median of ${runs} runs, interleaved`);
const samples = { record: [], ptrace: [], replay: [], floor: [] };
for (let i = 0; i < runs; i++) {
  samples.ptrace.push(timed(RECORD, ['--no-syscall-buffer', '-o', small, '--', ...dd(10000)]).ms);
  samples.record.push(timed(RECORD, ['-o', small, '--', ...dd(10000)]).ms);
  samples.replay.push(timed(REPLAY, [small, '--', ...dd(10000)]).ms);
  samples.floor.push(timed(process.execPath, ['--input-type=module', '-e', floorScript]).ms);
}
const rec = median(samples.record);
const ptr = median(samples.ptrace);
const rep = median(samples.replay);
const floor = median(samples.floor);
console.log(`rift-record (all syscalls)              ${rec.toFixed(0).padStart(7)} ms`);
console.log(`rift-record --no-syscall-buffer         ${ptr.toFixed(0).padStart(7)} ms`);
console.log(`rift-replay                             ${rep.toFixed(0).padStart(7)} ms`);
console.log(`empty interception handler (API floor)  ${floor.toFixed(0).padStart(7)} ms`);
console.log('');
console.log(`replay / record --no-syscall-buffer      ${(rep / ptr).toFixed(2)}x   (target <= 1.2x: a stop per call each)`);
console.log(`replay / record (syscall buffer)         ${(rep / rec).toFixed(2)}x   (replay has no in-process path)`);
console.log(`API floor / record --no-syscall-buffer   ${(floor / ptr).toFixed(2)}x   (what any JS handler costs)`);
console.log(`replay / API floor                       ${(rep / floor).toFixed(2)}x   (rift-replay's own share)`);

// A threaded program: four threads, each reading /dev/zero and writing /dev/null a byte at a
// time. Replay makes each thread wait at its call until the recorded order comes to it.
const threadsSrc = join(dir, 'threads.c');
const threadsBin = join(dir, 'threads');
writeFileSync(threadsSrc, `#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
static int in, out;
static void* work(void* a) {
  char c;
  for (int i = 0; i < 2500; i++)
    if (read(in, &c, 1) != 1 || write(out, &c, 1) != 1) return a;
  return 0;
}
int main(void) {
  in = open("/dev/zero", O_RDONLY);
  out = open("/dev/null", O_WRONLY);
  pthread_t t[4];
  for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, work, 0);
  for (int i = 0; i < 4; i++) pthread_join(t[i], 0);
  return 0;
}
`);
execFileSync('gcc', ['-O1', '-pthread', '-o', threadsBin, threadsSrc]);
const threaded = join(dir, 'threads.ndjson');
const tsamples = { record: [], ptrace: [], replay: [] };
for (let i = 0; i < runs; i++) {
  tsamples.ptrace.push(timed(RECORD, ['--no-syscall-buffer', '-o', threaded, '--', threadsBin]).ms);
  tsamples.record.push(timed(RECORD, ['-o', threaded, '--', threadsBin]).ms);
  tsamples.replay.push(timed(REPLAY, [threaded, '--', threadsBin]).ms);
}
const trec = median(tsamples.record);
const trep = median(tsamples.replay);
const tptr = median(tsamples.ptrace);
console.log('');
console.log(`# a threaded program: 4 threads x 5,000 read/write calls, median of ${runs} runs, interleaved`);
console.log(`rift-record                             ${trec.toFixed(0).padStart(7)} ms`);
console.log(`rift-record --no-syscall-buffer         ${tptr.toFixed(0).padStart(7)} ms`);
console.log(`rift-replay (threads take turns)        ${trep.toFixed(0).padStart(7)} ms`);
console.log(`replay / record --no-syscall-buffer     ${(trep / tptr).toFixed(2)}x   (no target: each hand-over between threads is a question to JS and a wake)`);
console.log(`replay / record (syscall buffer)        ${(trep / trec).toFixed(2)}x`);

// Peak RSS while replaying: two trace lengths, flat means streamed
console.log('');
for (const count of bigCount ? [bigCount / 10, bigCount] : []) {
  const file = join(dir, `big-${count}.ndjson`);
  timed(RECORD, ['-o', file, '--', ...dd(count)]);
  const lines = spawnSync('wc', ['-l', file], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  const size = statSync(file).size;
  const r = timed(REPLAY, [file, '--', ...dd(count)]);
  console.log(`replaying ${lines.padStart(8)} events (${(size / 2 ** 20).toFixed(0)} MiB trace): peak RSS ${(r.rss / 1024).toFixed(1)} MiB, ${(r.ms / 1000).toFixed(1)} s   (target < 100 MiB)`);
  rmSync(file);
}
rmSync(dir, { recursive: true, force: true });
