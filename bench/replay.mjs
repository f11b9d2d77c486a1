#!/usr/bin/env node
// Benchmark for rift-replay (issue 5), in one run:
//   1. record against replay of the same syscall-heavy workload (dd bs=1: ~20,000 read/write
//      calls; read injected, write run for real), interleaved, median of N runs;
//   2. the floor the interception API sets: the same workload under an empty onEntry handler
//      (one JS round trip per call, nothing matched or injected);
//   3. peak RSS of rift-replay replaying traces of ~100k and ~1M events (flat = streamed).
// Usage: node bench/replay.mjs [runs=5] [bigCount=500000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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
const samples = { record: [], replay: [], floor: [] };
for (let i = 0; i < runs; i++) {
  samples.record.push(timed(RECORD, ['-o', small, '--', ...dd(10000)]).ms);
  samples.replay.push(timed(REPLAY, [small, '--', ...dd(10000)]).ms);
  samples.floor.push(timed(process.execPath, ['--input-type=module', '-e', floorScript]).ms);
}
const rec = median(samples.record);
const rep = median(samples.replay);
const floor = median(samples.floor);
console.log(`rift-record (all syscalls)              ${rec.toFixed(0).padStart(7)} ms`);
console.log(`rift-replay                             ${rep.toFixed(0).padStart(7)} ms`);
console.log(`empty interception handler (API floor)  ${floor.toFixed(0).padStart(7)} ms`);
console.log('');
console.log(`replay / record                          ${(rep / rec).toFixed(2)}x   (target <= 1.2x)`);
console.log(`API floor / record                       ${(floor / rec).toFixed(2)}x   (what any JS handler costs)`);
console.log(`replay / API floor                       ${(rep / floor).toFixed(2)}x   (rift-replay's own share)`);

// Peak RSS while replaying: two trace lengths, flat means streamed
console.log('');
for (const count of [bigCount / 10, bigCount]) {
  const file = join(dir, `big-${count}.ndjson`);
  timed(RECORD, ['-o', file, '--', ...dd(count)]);
  const lines = spawnSync('wc', ['-l', file], { encoding: 'utf8' }).stdout.trim().split(' ')[0];
  const size = statSync(file).size;
  const r = timed(REPLAY, [file, '--', ...dd(count)]);
  console.log(`replaying ${lines.padStart(8)} events (${(size / 2 ** 20).toFixed(0)} MiB trace): peak RSS ${(r.rss / 1024).toFixed(1)} MiB, ${(r.ms / 1000).toFixed(1)} s   (target < 100 MiB)`);
  rmSync(file);
}
rmSync(dir, { recursive: true, force: true });
