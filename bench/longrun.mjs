#!/usr/bin/env node
// Tracing on long workloads (issue 15), where Node's start-up is under 5% of the run, side by
// side in one run, interleaved, median of N:
//   full recording:     dd if=/dev/zero of=/dev/null bs=1 count=2000000   (4M calls)
//                       untraced, rift-record, rift-record --no-syscall-buffer, strace -f pinned
//   filtered recording: the same with count=10000000 (20M calls), -e openat
//                       untraced, under an allow-all seccomp filter alone, rift-record -e openat,
//                       strace -f --seccomp-bpf -e trace=openat
// Usage: node bench/longrun.mjs [runs=3] [scale=1]   (scale divides the counts, for a quick look)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, time } from './timing.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RECORD = join(ROOT, 'node_modules', '.bin', 'rift-record');
const runs = Number(process.argv[2] ?? 3);
const scale = Number(process.argv[3] ?? 1);

function bench(title, variants, base) {
  console.log(`# ${title}: median of ${runs} runs, interleaved`);
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, [cmd, args]] of Object.entries(variants)) samples[name].push(time(cmd, args));
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  for (const [k, v] of Object.entries(med)) console.log(`${k.padEnd(44)} ${(v / 1000).toFixed(2).padStart(7)} s  ${(v / med[base]).toFixed(2)}x ${base}`);
  console.log('');
  return med;
}

const dd = (count) => ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', `count=${Math.round(count / scale)}`];
const full = dd(2_000_000);
bench(`full recording, ${full.join(' ')}`, {
  untraced: [full[0], full.slice(1)],
  'rift-record': [RECORD, ['-o', '/dev/null', '--', ...full]],
  'rift-record --no-syscall-buffer': [RECORD, ['-o', '/dev/null', '--no-syscall-buffer', '--', ...full]],
  'taskset -c 0 strace -f': ['taskset', ['-c', '0', 'strace', '-f', '-o', '/dev/null', ...full]],
}, 'untraced');

// The floor under any tracer that filters with seccomp: the same program under a one-instruction
// filter that allows everything, and no tracer (test/fixtures/seccomp_allow.c). Measured here it
// costs dd about 1.24x by itself: the kernel's seccomp entry path, on each of 20M calls.
const allowAll = join(ROOT, 'test', '.build', 'seccomp_allow');
const allowSrc = join(ROOT, 'test', 'fixtures', 'seccomp_allow.c');
mkdirSync(dirname(allowAll), { recursive: true });
if (!existsSync(allowAll) || statSync(allowAll).mtimeMs < statSync(allowSrc).mtimeMs) execFileSync('gcc', ['-O2', '-o', allowAll, allowSrc]);
const many = dd(10_000_000);
const med = bench(`filtered recording (openat), ${many.join(' ')}`, {
  untraced: [many[0], many.slice(1)],
  'seccomp filter allowing all, no tracer': [allowAll, many],
  'rift-record -e openat': [RECORD, ['-o', '/dev/null', '-e', 'openat', '--', ...many]],
  'strace -f --seccomp-bpf -e trace=openat': ['strace', ['-f', '--seccomp-bpf', '-e', 'trace=openat', '-o', '/dev/null', ...many]],
}, 'untraced');
console.log(`rift-record -e openat / the allow-all filter alone: ${(med['rift-record -e openat'] / med['seccomp filter allowing all, no tracer']).toFixed(2)}x`);
console.log(`rift-record -e openat / strace --seccomp-bpf: ${(med['rift-record -e openat'] / med['strace -f --seccomp-bpf -e trace=openat']).toFixed(2)}x (target <= 1.0x; untraced target <= 1.1x)`);
