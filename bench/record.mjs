#!/usr/bin/env node
// Benchmark for rift-record (issue 3), side by side in one run:
//   dd if=/dev/zero of=/dev/null bs=1 count=10000 untraced, under strace -f (as users run it),
//   under `taskset -c 0 strace -f` (pinned), under rift-record (every syscall; with the
//   syscall buffer, the default, and with --no-syscall-buffer), and under rift-record -e with
//   one rare syscall (seccomp prefilter); then the load of the speed goal (5,000 rounds of
//   200 us of CPU work and a cheap syscall) the same ways; then peak RSS of rift-record while
//   recording 100k and 1M syscalls.
//   Then, for programs whose calls mostly do not go through libc's exported wrappers (find, tar,
//   a python3 tree walk, node, an sh loop, sort, git status), the share of each recording's
//   calls made in process ("buffered": true), and full recording against native for find, tar
//   and a 2,000,000-byte dd.
// Usage: node bench/record.mjs [runs=7] [--share-only]
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RECORD = join(ROOT, 'node_modules', '.bin', 'rift-record');
const runs = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 7);
const shareOnly = process.argv.includes('--share-only');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  return ms;
}

/** The command untraced, under strace (as users run it, and pinned), and under rift-record. */
function underEachTool(cmd, rift = 'rift-record') {
  return {
    untraced: [cmd[0], cmd.slice(1)],
    'strace -f': ['strace', ['-f', '-o', '/dev/null', ...cmd]],
    'strace -f (taskset -c 0)': ['taskset', ['-c', '0', 'strace', '-f', '-o', '/dev/null', ...cmd]],
    [rift]: [RECORD, ['-o', '/dev/null', '--', ...cmd]],
    'rift-record --no-syscall-buffer': [RECORD, ['-o', '/dev/null', '--no-syscall-buffer', '--', ...cmd]],
  };
}

// ---- in-process share -----------------------------------------------------------------------
// Each program recorded once (default options) to a file; its syscall events counted, those
// recorded in process ("buffered": true) apart. Time reads the vDSO answered are not syscalls.
const work0 = mkdtempSync(join(tmpdir(), 'rift-bench-'));
const repo = join(work0, 'repo');
spawnSync('git', ['init', '-q', repo]);
for (let i = 0; i < 50; i++) writeFileSync(join(repo, `f${i}.txt`), `file ${i}\n`);
spawnSync('git', ['-C', repo, 'add', '.']);
spawnSync('git', ['-C', repo, '-c', 'user.name=r', '-c', 'user.email=r@x', 'commit', '-q', '-m', 'one']);
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const SHARE_PROGRAMS = {
  'find /usr/lib -name zz': ['find', '/usr/lib', '-name', 'zz'],
  'tar cf /dev/null /usr/include': ['tar', 'cf', '/dev/null', '/usr/include'],
  'python3 tree walk + stat': [PYTHON, '-c', "import os\nn=0\nfor d, _, fs in os.walk('/usr/lib/python3'):\n  for f in fs: n += os.lstat(os.path.join(d, f)).st_size\nprint(n)"],
  'node reading a file 2,000 times': ['node', '-e', "const fs=require('fs'); let n=0; for (let i=0;i<2000;i++) n+=fs.readFileSync('/etc/services').length; console.log(n)"],
  'sh -c: cat eight times': ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do cat /etc/hostname; done'],
  'sort /etc/services': ['sort', '/etc/services'],
  'git status': ['git', '-C', repo, 'status', '--porcelain'],
};

/** Calls of a default recording of `cmd`, in all and made in process, and the calls stopping most. */
function inProcessShare(cmd, env = process.env) {
  const file = join(work0, 'share.ndjson');
  const r = spawnSync(RECORD, ['-o', file, '--', ...cmd], { stdio: ['ignore', 'ignore', 'ignore'], env });
  if (r.status !== 0) throw new Error(`rift-record ${cmd.join(' ')} exited ${r.status}`);
  let all = 0, inProcess = 0;
  const stopping = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"type":"syscall"')) continue;
    const e = JSON.parse(line);
    if (e.vdso) continue;
    all++;
    if (e.buffered) inProcess++;
    else stopping.set(e.name, (stopping.get(e.name) ?? 0) + 1);
  }
  rmSync(file, { force: true });
  const top = [...stopping].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([n, c]) => `${n} ${c}`).join(', ');
  return { all, inProcess, top };
}

console.log('# in-process share: calls of a default rift-record recording made inside the program (target >= 90%);');
console.log('# "no early hook": the same with RIFT_SB_NO_EARLY=1 (each new image\'s loader stops until the library is loaded)');
const noEarly = { ...process.env, RIFT_SB_NO_EARLY: '1' };
for (const [name, cmd] of Object.entries(SHARE_PROGRAMS)) {
  const before = inProcessShare(cmd, noEarly);
  const s = inProcessShare(cmd);
  console.log(`${name.padEnd(36)} ${String(s.inProcess).padStart(7)} of ${String(s.all).padStart(7)}  ${((100 * s.inProcess) / s.all).toFixed(1).padStart(5)}%` +
    `  (no early hook ${((100 * before.inProcess) / before.all).toFixed(1).padStart(5)}%)   still stopping: ${s.top}`);
}

// ---- full recording against native ---------------------------------------------------------
const NATIVE_PROGRAMS = {
  'find /usr/lib -name zz': SHARE_PROGRAMS['find /usr/lib -name zz'],
  'tar cf /dev/null /usr/include': SHARE_PROGRAMS['tar cf /dev/null /usr/include'],
  'dd bs=1 count=2000000': ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=2000000'],
};
const nativeRuns = Math.max(3, Math.ceil(runs / 2));
console.log('');
console.log(`# full recording (default options) against native, median of ${nativeRuns}, interleaved (target <= 3x)`);
// tar's run (it does not read what it archives to /dev/null) is shorter than rift-record's own
// start and end: "tracing" takes that fixed cost, rift-record -- /bin/true in the same rounds, out
// of the recorded time, as the guide asks (start-up is timed apart, by bench/startup.mjs)
const fixed = [];
for (const [name, cmd] of Object.entries(NATIVE_PROGRAMS)) {
  const native = [], recorded = [];
  time(cmd[0], cmd.slice(1));  // the page cache warm for both
  for (let i = 0; i < nativeRuns; i++) {
    native.push(time(cmd[0], cmd.slice(1)));
    recorded.push(time(RECORD, ['-o', '/dev/null', '--', ...cmd]));
    fixed.push(time(RECORD, ['-o', '/dev/null', '--', '/bin/true']));
  }
  const n = median(native), r = median(recorded), f = median(fixed);
  console.log(`${name.padEnd(36)} native ${n.toFixed(1).padStart(8)} ms  recorded ${r.toFixed(1).padStart(8)} ms  ${(r / n).toFixed(2)}x   tracing alone ${((r - f) / n).toFixed(2)}x`);
}
console.log(`(rift-record -o /dev/null -- /bin/true, the fixed cost taken out for "tracing alone": ${median(fixed).toFixed(1)} ms)`);
rmSync(work0, { recursive: true, force: true });
if (shareOnly) process.exit(0);
console.log('');

const dd = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=10000'];
const variants = {
  ...underEachTool(dd, 'rift-record (all syscalls)'),
  'rift-record -e chdir (prefilter)': [RECORD, ['-o', '/dev/null', '-e', 'chdir', '--', ...dd]],
};
// node's own start-up is part of rift-record's time: measure it to show it separately
const nodeStart = ['node', ['-e', '0']];

console.log(`# rift-record benchmark: ${dd.join(' ')} (~20,000 syscalls), median of ${runs} runs, interleaved`);
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
samples['node -e 0 (start-up only)'] = [];
for (let i = 0; i < runs; i++) {
  for (const [name, [cmd, args]] of Object.entries(variants)) samples[name].push(time(cmd, args));
  samples['node -e 0 (start-up only)'].push(time(...nodeStart));
}
const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
for (const [k, v] of Object.entries(med)) console.log(`${k.padEnd(36)} ${v.toFixed(1).padStart(8)} ms`);
const rift = med['rift-record (all syscalls)'];
const filt = med['rift-record -e chdir (prefilter)'];
console.log('');
console.log(`full recording / strace -f            ${(rift / med['strace -f']).toFixed(2)}x   (target <= 0.25x)`);
console.log(`  without node start-up                ${((rift - med['node -e 0 (start-up only)']) / med['strace -f']).toFixed(2)}x`);
console.log(`  ptrace only (--no-syscall-buffer)    ${(med['rift-record --no-syscall-buffer'] / med['strace -f']).toFixed(2)}x`);
console.log(`full recording / pinned strace -f     ${(rift / med['strace -f (taskset -c 0)']).toFixed(2)}x   (target <= 1.0x)`);
console.log(`filtered recording / untraced         ${(filt / med.untraced).toFixed(2)}x   (target <= 1.2x; includes node start-up)`);
const startup = med['node -e 0 (start-up only)'];
console.log(`filtered minus node start-up / untraced ${((filt - startup) / med.untraced).toFixed(2)}x`);

// The speed goal: a program making about 5,000 cheap syscalls a second, 200 us of CPU work
// between them, recorded in full with under 10% added time.
mkdirSync(join(ROOT, 'test', '.build'), { recursive: true });
const work = join(ROOT, 'test', '.build', 'bench_work');
if (!existsSync(work) || statSync(work).mtimeMs < statSync(join(ROOT, 'test/fixtures/bench_work.c')).mtimeMs)
  execFileSync('gcc', ['-O1', '-o', work, join(ROOT, 'test/fixtures/bench_work.c')]);
const spins = median([1, 2, 3].map(() => Number(execFileSync(work, ['calibrate'], { encoding: 'utf8' }))));
// The program times its own rounds (no start-up or ending of a tracer in it): the time a tool
// adds while the program runs.
const secsFile = join(ROOT, 'test', '.build', `bench_work.${process.pid}.txt`);
const load = [work, '5000', String(spins), secsFile];
const loads = underEachTool(load);
const loadRuns = Math.max(3, Math.ceil(runs / 2));
const loadSamples = Object.fromEntries(Object.keys(loads).map((k) => [k, []]));
for (let i = 0; i < loadRuns; i++)
  for (const [name, [cmd, args]] of Object.entries(loads)) {
    time(cmd, args);
    loadSamples[name].push(Number(readFileSync(secsFile, 'utf8')) * 1000);
  }
rmSync(secsFile, { force: true });
const loadMed = Object.fromEntries(Object.entries(loadSamples).map(([k, v]) => [k, median(v)]));
console.log('');
console.log(`# the speed goal: 5,000 rounds of ~200 us of work (${spins} spins) and a getppid(), as the program times them, median of ${loadRuns}`);
for (const [k, v] of Object.entries(loadMed))
  console.log(`${k.padEnd(36)} ${v.toFixed(1).padStart(8)} ms${k === 'untraced' ? '' : `  added ${((v / loadMed.untraced - 1) * 100).toFixed(1)}%`}`);
console.log('(target: recorded in full with under 10% added time)');

// Peak RSS of the recorder, for two trace lengths: flat means it does not grow with the trace.
const many = join(ROOT, 'test', '.build', 'record_many');
if (!existsSync(many) || statSync(many).mtimeMs < statSync(join(ROOT, 'test/fixtures/record_many.c')).mtimeMs)
  execFileSync('gcc', ['-O1', '-o', many, join(ROOT, 'test/fixtures/record_many.c')]);
console.log('');
for (const n of [100000, 1000000]) {
  const probe = `import('@rift/record').then(async ({ record }) => {
    const t0 = Date.now();
    const r = await record({ command: ['${many}', '${n}'], output: '/dev/null' });
    console.log(JSON.stringify({ events: r.events, ms: Date.now() - t0, maxRssKiB: process.resourceUsage().maxRSS }));
  })`;
  const out = execFileSync('node', ['--input-type=module', '-e', probe], { cwd: join(ROOT, 'packages', 'rift-record'), encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1));
  console.log(`record ${String(n).padStart(7)} syscalls: ${r.events} events in ${r.ms} ms, peak RSS ${(r.maxRssKiB / 1024).toFixed(1)} MiB (target < 100 MiB, flat)`);
}
