// The syscall buffer (lib/syscallbuf.ts, src/syscallbuf.c): calls recorded inside the program
// must be the very events the ptrace engine records for them, from every kind of thread and
// process, and the program must not notice the library.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fixture, record, syscalls, tmp, mem } from './helpers.mjs';

const prog = fixture('syscallbuf_prog', ['-lpthread', '-Wno-stringop-overread']);
const dir = tmp();
const known = join(dir, 'known.txt');
writeFileSync(known, 'known bytes\n');
const big = join(dir, 'big.bin');
const bigBytes = randomBytes(1 << 20);
writeFileSync(big, bigBytes);

const big64 = (v) => BigInt(v ?? 0);
// results that differ from run to run (addresses, ids) or with scheduling (futex)
const VOLATILE = new Set(['mmap', 'brk', 'set_tid_address', 'getpid', 'gettid', 'getppid', 'clone', 'clone3', 'vfork', 'fork', 'wait4', 'rt_sigreturn', 'prlimit64']);
// futex: with scheduling. The loader's anonymous maps: loading one more library (the buffer's)
// takes room in the loader's own heap, so its later maps come in other sizes and numbers.
// munmap: a thread's new malloc arena is mapped at twice its size and trimmed to an aligned
// block by zero, one or two munmaps, by where ASLR put it (as rift-replay's FREE list says).
const RACY = new Set(['futex', 'munmap']);
const anonymousMap = (e) => e.name === 'mmap' && (big64(e.args[3]) & 0x20n) !== 0n;

/**
 * The loader's calls that load the library (they are in a recording with the buffer, as rr's
 * are): the open of its path, the reads, stats and maps of that descriptor and its close, and
 * the mprotects inside what was mapped from it.
 */
function libraryLoad(events) {
  const out = new Set();
  const open = new Map();
  const mapped = [];
  for (const e of syscalls(events)) {
    const fd = open.get(e.tid);
    if (e.name === 'openat' && /rift_syscallbuf\.so$/.test(mem(e, 1) ?? '') && e.ret >= 0) open.set(e.tid, e.ret);
    else if (fd === undefined || big64(e.args[e.name === 'mmap' ? 4 : 0]) !== big64(fd)) {
      // a protection, or a fixed map (its .bss), inside the library's range
      const inside = mapped.some(([lo, hi]) => big64(e.args[0]) >= lo && big64(e.args[0]) < hi);
      if (!inside || !(e.name === 'mprotect' || (e.name === 'mmap' && (Number(e.args[3]) & 0x10)))) continue;
    } else if (e.name === 'close') open.delete(e.tid);
    else if (e.name === 'mmap') mapped.push([big64(e.ret), big64(e.ret) + big64(e.args[1])]);
    out.add(e);
  }
  return out;
}

/**
 * Per-thread sequences of name=result plus captured bytes, sorted (tids differ between runs). A
 * tid the kernel hands out again (a busy machine wraps pid_max, 32768 here) starts a new
 * sequence at its spawn event, so two processes are never taken for one.
 */
function sequences(events) {
  const m = new Map();
  const load = libraryLoad(events);
  const lives = new Map();  // tid -> how many threads had it so far
  for (const e of events) {
    if (e.type === 'spawn') lives.set(e.child, (lives.get(e.child) ?? 0) + 1);
    if (e.type !== 'syscall' || e.vdso || load.has(e) || anonymousMap(e)) continue;
    if (RACY.has(e.name)) continue;
    const key = `${e.tid}#${lives.get(e.tid) ?? 0}`;
    if (!m.has(key)) m.set(key, []);
    const ret = e.errno ?? (VOLATILE.has(e.name) ? 'X' : e.ret);
    const bytes = ['read', 'write', 'openat'].includes(e.name) ? (e.mem ?? []).map((c) => c.fault ?? `${c.len}:${c.data}`).join('|') : '';
    m.get(key).push(`${e.name}=${ret}${bytes ? ` ${bytes}` : ''}`);
  }
  return [...m.values()].map((s) => s.join('\n')).sort();
}

const buffered = record([prog, known, big]);
const ptraced = record([prog, known, big], ['--no-syscall-buffer']);

t.test('the fixture runs the same under both engines', async (t) => {
  t.equal(buffered.status, 0, buffered.stderr);
  t.equal(ptraced.status, 0, ptraced.stderr);
  t.match(buffered.stderr, /LD_PRELOAD=\(unset\)/, "the program does not see the library's variables");
  t.equal(buffered.events[0].options.syscallBuffer, true, 'the header says the buffer was used');
  t.notOk(ptraced.events[0].options.syscallBuffer, 'and not with --no-syscall-buffer');
  t.notOk(syscalls(ptraced.events).some((e) => e.buffered), 'no buffered event with --no-syscall-buffer');
});

t.test('buffered calls come from every thread and process', async (t) => {
  const b = syscalls(buffered.events).filter((e) => e.buffered);
  const names = new Set(b.map((e) => e.name));
  for (const n of ['read', 'write', 'openat', 'close', 'getppid']) t.ok(names.has(n), `${n} recorded in process`);
  const threads = new Set(buffered.events.filter((e) => e.type === 'spawn' && e.kind === 'thread').map((e) => e.child));
  t.equal(threads.size, 3, 'three threads');
  for (const tid of threads) t.equal(b.filter((e) => e.tid === tid && e.name === 'write').length, 50, `thread ${tid}: its 50 writes, buffered`);
  const forked = buffered.events.find((e) => e.type === 'spawn' && e.kind === 'fork');
  t.ok(forked, 'a fork');
  t.equal(b.filter((e) => e.pid === forked.child && e.name === 'getppid').length, 20, "the forked child's calls, under its own pid");
  const spawned = buffered.events.find((e) => e.type === 'spawn' && e.kind === 'vfork');
  t.ok(spawned, 'a vfork (posix_spawn)');
  const shell = b.filter((e) => e.pid === spawned.child);
  t.ok(shell.length > 0, 'the spawned shell loaded the library again after its execve');
  t.ok(shell.every((e) => e.tid === spawned.child), "the vfork child's calls carry its tid, not its parent's");
});

t.test('the same events as the ptrace engine, captured bytes included', async (t) => {
  const a = sequences(buffered.events);
  const b = sequences(ptraced.events);
  t.equal(a.length, b.length, 'same number of threads');
  for (let i = 0; i < Math.max(a.length, b.length); i++) t.equal(a[i], b[i], `thread ${i}`);
  const envs = (events) => syscalls(events, 'execve').map((e) => e.mem?.find((c) => c.arg === 2)?.len);
  t.same(envs(buffered.events), envs(ptraced.events), "every execve's environment has the same number of variables");
});

t.test('a read bigger than the buffer is whole; a refused pointer is a fault', async (t) => {
  const read = syscalls(buffered.events, 'read').find((e) => e.ret === 1 << 20);
  t.ok(read?.buffered, 'the 1 MiB read, recorded in process');
  const c = read.mem.find((m) => m.at === 'exit');
  t.equal(c.len, 1 << 20);
  t.ok(Buffer.from(c.data, c.enc === 'base64' ? 'base64' : 'utf8').equals(bigBytes), 'every byte exact');
  const bad = syscalls(buffered.events, 'write').find((e) => e.errno === 'EFAULT');
  t.ok(bad?.buffered, 'the write of a bad pointer, recorded in process');
  t.equal(bad.mem[0].fault, 'EFAULT', 'its buffer recorded as a fault');
  const unread = syscalls(buffered.events, 'write').find((e) => e.ret === 8 && e.args[1] === 16);
  t.ok(unread?.buffered, 'a write of a bad pointer to /dev/null succeeds, recorded in process');
  t.equal(unread.mem[0].fault, 'EFAULT', 'its buffer a fault too: the library did not read it as if the kernel had');
  const guard = syscalls(buffered.events, 'mprotect').find((e) => e.args[2] === 0);
  t.ok(guard?.buffered, 'the program makes a page of its image unreadable');
  const [hidden, next] = ['0', String(4096)].map((d) => syscalls(buffered.events, 'write').find((e) => e.args[1] === guard.args[0] + Number(d)));
  t.equal(hidden?.mem[0].fault, 'EFAULT', 'a write from it to /dev/null succeeds, its buffer a fault');
  t.equal(next?.mem[0].data, '\0'.repeat(8), 'the page after it is still read');
  const open = syscalls(buffered.events, 'openat').find((e) => mem(e, 1) === known);
  t.equal(open.args[0], 4294967196, 'AT_FDCWD as glibc passes it (int -100, upper half zero)');
  t.ok(open.buffered);
});

t.test('the library is loaded by each image, and nothing of it shows', async (t) => {
  t.same(libraryLoad(buffered.events).size, 0, "the loader's calls for the library are left out");
  t.notOk(buffered.events.some((e) => e.rift), 'nothing marked rift');
  // --rift-calls shows them, marked, and only them
  const shown = record([prog, known, big], ['--rift-calls']);
  t.equal(shown.events[0].options.riftCalls, true, 'the header says so');
  const load = [...libraryLoad(shown.events)];
  const opens = load.filter((e) => e.name === 'openat');
  t.equal(opens.length, 2, 'opened by the loader of the program and of the spawned shell');
  t.ok(load.some((e) => e.name === 'mmap') && load.some((e) => e.name === 'close'), 'mapped and closed');
  t.ok(load.every((e) => e.rift), 'each marked rift: true');
  t.same(shown.events.filter((e) => e.rift).map((e) => e.seq), load.map((e) => e.seq), 'and nothing else is');
  t.same(libraryLoad(ptraced.events).size, 0, 'not loaded with --no-syscall-buffer');
  t.notOk(syscalls(buffered.events).some((e) => e.nr === 0x7269), 'the magic syscall is never recorded');
  t.notOk(syscalls(buffered.events).some((e) => e.name === 'mmap' && big64(e.args[0]) === 0x52490000n), 'nor the gadget pages');
});

t.test('-e read: only reads, buffered or not', async (t) => {
  const r = record([prog, known, big], ['-e', 'read']);
  t.equal(r.status, 0);
  const names = new Set(syscalls(r.events).map((e) => e.name));
  t.same([...names], ['read'], 'nothing but read');
  t.ok(syscalls(r.events).some((e) => e.buffered), 'some recorded in process');
  const r2 = record(['true'], ['-e', 'execve']);
  t.notOk(r2.events[0].options.syscallBuffer, 'nothing for the buffer to record: not loaded');
});

t.test('signals in the middle of records: every call once, none taken half-written', async (t) => {
  // a timer's SIGALRM lands anywhere, in the middle of a record too (a stop there drains the
  // buffer), and its handler appends a record of its own on top of the one it interrupted
  const sig = fixture('syscallbuf_signals');
  for (let run = 0; run < 2; run++) {
    const r = record([sig, '20000']);
    t.equal(r.status, 0);
    const [, main, handler] = /main=(\d+) handler=(\d+)/.exec(r.stderr).map(Number);
    const writes = syscalls(r.events, 'write').filter((e) => e.args[0] === 3);
    t.equal(writes.filter((e) => mem(e, 1) === 'm').length, main, `run ${run}: the main loop's ${main} writes`);
    t.equal(writes.filter((e) => mem(e, 1) === 'h').length, handler, `run ${run}: the handler's ${handler}`);
    t.ok(writes.every((e) => e.buffered), 'all recorded in process');
    t.same(r.events.filter((e) => e.type === 'warning'), [], 'no warning');
  }
});

t.test('a program that sandboxes itself: the library steps aside, nothing is lost', async (t) => {
  // its seccomp filter kills the process for process_vm_readv and for the buffer's magic
  // syscall number: after it, only the program's own calls may be made
  const r = record([fixture('syscallbuf_sandbox', ['-lpthread']), 'echo from the shell >&2; exit 7']);
  t.equal(r.status, 7, 'not killed by its own filter, nor the shell it execs');
  t.match(r.stderr, /from the shell/);
  t.equal(syscalls(r.events, 'getppid').filter((e) => e.buffered).length, 5, 'the calls before the filter, buffered');
  const writes = syscalls(r.events, 'write').filter((e) => e.args[0] === 2);
  t.equal(writes.length, 20, 'the 20 writes after it, from the main thread and a new thread');
  t.notOk(writes.some((e) => e.buffered), 'all recorded the ptrace way');
});

t.test('a program that does not play by the rules: its buffer is hostile input', async (t) => {
  const hostile = fixture('syscallbuf_hostile');
  const after = (r) => syscalls(r.events, 'openat').filter((e) => /\/rift-hostile\/after-/.test(mem(e, 1) ?? '')).length;
  // a call the buffer does not handle, made from the library's untraced page, stops as any other
  const g = record([hostile, 'gadget']);
  t.equal(g.status, 0);
  t.equal(syscalls(g.events, 'getpgid').length, 1, 'getpgid made from the gadget page is recorded');
  t.equal(after(g), 10);
  for (const mode of ['records', 'header', 'garbage']) {
    for (let run = 0; run < 3; run++) {
      const r = record([hostile, mode]);
      t.equal(r.status, 0, `${mode}: the program runs to its end (no crash, no hang)`);
      t.match(r.stdout, /damaged/, `${mode}: it found its buffer and damaged it`);
      const warnings = r.events.filter((e) => e.type === 'warning');
      t.equal(warnings.length, 1, `${mode}: one warning`);
      t.match(warnings[0]?.message, /syscall buffer: .* recorded the ptrace way from now on/);
      t.equal(after(r), 10, `${mode}: every call after the damage is recorded`);
      t.ok(r.events.at(-1).type === 'end', 'the stream ends as usual');
    }
  }
});

/**
 * objdump's disassembly of an image: instruction starts (address -> length), the syscall
 * instructions, and every direct jump's and call's target.
 */
function disassembly(path) {
  const text = spawnSync('objdump', ['-d', path], { encoding: 'utf8', maxBuffer: 1 << 30 }).stdout;
  const starts = new Map();
  const syscallAt = new Set();
  const targets = new Set();
  let last;
  for (const line of text.split('\n')) {
    const m = /^\s+([0-9a-f]+):\t([0-9a-f ]+?)\s*(?:\t(\S+)\s*(.*))?$/.exec(line);
    if (!m) continue;
    const at = parseInt(m[1], 16);
    const n = m[2].trim().split(/\s+/).length;
    if (m[3] === undefined) {
      if (last !== undefined) starts.set(last, starts.get(last) + n);  // a long instruction's second line
      continue;
    }
    starts.set(at, n);
    last = at;
    if (m[3] === 'syscall') syscallAt.add(at);
    const target = /^([0-9a-f]+) </.exec(m[4] ?? '');
    if (target && (m[3].startsWith('j') || m[3].startsWith('call'))) targets.add(parseInt(target[1], 16));
  }
  return { starts, syscallAt, targets };
}

t.test("libc's own syscall instructions: patched where the shape is known, nowhere else", async (t) => {
  const patched = fixture('syscallbuf_patched');
  const sites = (r) => r.stdout.split('\n').filter(Boolean).map((l) => {
    const [path, lo, hi] = l.split(' ');
    return { path, lo: parseInt(lo, 16), hi: parseInt(hi, 16) };
  });
  const r = record([patched]);
  t.equal(r.status, 0, r.stderr);
  const all = sites(r);
  const libc = all.filter((s) => /libc\.so\.6$/.test(s.path));
  t.ok(libc.length >= 100, `libc: ${libc.length} sites patched`);
  const images = new Map();
  const bad = [];
  for (const s of all) {
    if (!images.has(s.path)) images.set(s.path, disassembly(s.path));
    const d = images.get(s.path);
    // the run of changed bytes starts an instruction; the instructions it covers hold exactly
    // one syscall; no jump or call of the image lands inside them (it would land in the middle
    // of the patch's jump)
    if (!d.starts.has(s.lo)) {
      bad.push({ ...s, why: 'not at an instruction' });
      continue;
    }
    let end = s.lo;
    let syscalls = 0;
    while (end < s.hi) {
      if (d.syscallAt.has(end)) syscalls++;
      end += d.starts.get(end);
    }
    if (syscalls !== 1) bad.push({ ...s, why: `${syscalls} syscall instructions` });
    for (let a = s.lo + 1; a < end; a++) if (d.targets.has(a)) bad.push({ ...s, why: `a branch target at ${a.toString(16)}` });
  }
  t.same(bad, [], 'every patched site is one syscall instruction and whole instructions around it');
  const plain = record([patched], ['--no-syscall-buffer']);
  t.same(sites(plain), [], 'nothing patched with --no-syscall-buffer');
  const off = record([patched], [], { env: { ...process.env, RIFT_SB_NO_PATCH: '1' } });
  t.same(sites(off), [], 'nor with RIFT_SB_NO_PATCH=1');
  const reads = sites(record([patched], ['-e', 'read']));
  t.ok(reads.length > 0 && reads.length < 20, `-e read: only the sites of read and those whose number is known at run time (${reads.length})`);
});

t.test("libc's own calls and raw syscall()s: recorded in process from every flow", async (t) => {
  const prog = fixture('syscallbuf_internal', ['-pthread']);
  const tree = join(dir, 'tree');
  mkdirSync(tree, { recursive: true });
  for (const f of ['a', 'b', 'c']) writeFileSync(join(tree, f), f);
  const r = record([prog, tree, known]);
  const p = record([prog, tree, known], ['--no-syscall-buffer']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, p.stdout, 'the program prints the same under both engines');
  t.match(r.stdout, /handler: 5 entries, 2 lines, \d+/, 'and did everything from its signal handler');
  const spawns = r.events.filter((e) => e.type === 'spawn');
  const flows = {
    'main and its handler': syscalls(r.events)[0].tid,
    thread: spawns.find((e) => e.kind === 'thread')?.child,
    'fork child': spawns.find((e) => e.kind === 'fork')?.child,
    'vfork child': spawns.find((e) => e.kind === 'vfork')?.child,
  };
  for (const [flow, tid] of Object.entries(flows)) {
    const calls = syscalls(r.events).filter((e) => e.tid === tid);
    const count = (name, buffered) => calls.filter((e) => e.name === name && !!e.buffered === buffered).length;
    const raw = flow === 'vfork child';
    const main = flow === 'main and its handler' ? 2 : 1;
    // readdir: getdents64 twice (entries, then the end), raw: once; stdio: fcntl once
    t.equal(count('getdents64', true), raw ? 1 : 3 * main, `${flow}: getdents64 in process`);
    t.equal(count('getdents64', false), 0, `${flow}: none stopped`);
    t.equal(count('statx', true), main, `${flow}: statx through syscall() in process`);
    t.equal(count('getcwd', true), main, `${flow}: getcwd through syscall() in process`);
    t.equal(count('getpgid', false), main, `${flow}: getpgid, which the buffer does not record, through syscall(): a stop`);
    if (!raw) t.equal(count('fcntl', true), main, `${flow}: stdio's fcntl in process`);
    const o = (b) => calls.filter((e) => e.name === 'openat' && [tree, known].includes(mem(e, 1)) && !!e.buffered === b).length;
    t.same([o(true), o(false)], [(raw ? 1 : 3) * main, 0], `${flow}: every open of the program's in process`);
  }
  const names = (events) => syscalls(events).filter((e) => ['getdents64', 'statx', 'getcwd', 'getpgid', 'fcntl'].includes(e.name)).map((e) => `${e.name}=${e.errno ?? (e.name === 'getpgid' ? 'X' : e.ret)}`).sort();
  t.same(names(r.events), names(p.events), 'the same calls and results as the ptrace engine records');
});

/**
 * Each new image's loader phase: its calls from its exec up to the unmapping of
 * /etc/ld.so.cache, the last thing the loader does before libc's and the library's start-up
 * code runs. One list per exec.
 */
function loaderPhases(events) {
  const phases = [];
  const open = new Map();  // tid -> its phase while the loader runs
  for (const e of events) {
    if (e.type === 'exec') {
      const p = { tid: e.tid, calls: [] };
      phases.push(p);
      open.set(e.tid, p);
      continue;
    }
    if (e.type !== 'syscall' || e.vdso || !open.has(e.tid)) continue;
    const p = open.get(e.tid);
    p.calls.push(e);
    if (e.name === 'openat' && mem(e, 1) === '/etc/ld.so.cache') p.cacheFd = e.ret;
    if (e.name === 'mmap' && p.cacheAt === undefined && p.cacheFd !== undefined && big64(e.args[4]) === big64(p.cacheFd)) p.cacheAt = e.ret;
    if (e.name === 'munmap' && p.cacheAt !== undefined && big64(e.args[0]) === big64(p.cacheAt)) open.delete(e.tid);
  }
  return phases;
}

t.test("each new image's loader: its calls recorded in process from the first (the early hook)", async (t) => {
  const loop = ['sh', '-c', `for i in 1 2 3 4; do cat ${known}; done`];
  const early = record(loop);
  const late = record(loop, [], { env: { ...process.env, RIFT_SB_NO_EARLY: '1' } });
  const ptrace = record(loop, ['--no-syscall-buffer']);
  for (const r of [early, late, ptrace]) {
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, 'known bytes\n'.repeat(4), 'the loop ran');
    t.same(r.events.filter((e) => e.type === 'warning'), [], 'no warning');
  }
  t.same(sequences(early.events), sequences(ptrace.events), 'per thread the same calls, results and bytes as the ptrace engine');
  t.same(sequences(late.events), sequences(ptrace.events), 'and without the early hook (RIFT_SB_NO_EARLY=1)');
  const phases = loaderPhases(early.events);
  t.equal(phases.length, 5, 'five images: sh and four cats');
  for (const [i, p] of phases.entries()) {
    // execve stops (it must); libc's start-up (prlimit64) runs before the library patched libc
    const loaders = p.calls.filter((e) => !['execve', 'prlimit64'].includes(e.name));
    const stopped = loaders.filter((e) => !e.buffered).map((e) => e.name);
    t.ok(loaders.length >= 15, `image ${i}: ${loaders.length} calls of its loader`);
    t.same(stopped, [], `image ${i}: every one recorded in process (openat, read, mmap, mprotect, arch_prctl, rseq...)`);
    t.same([...new Set(loaders.map((e) => e.tid))], [p.tid], `image ${i}: all under the tid of the thread that exec'd`);
  }
  for (const [i, p] of loaderPhases(late.events).entries())
    t.same(p.calls.filter((e) => e.buffered).map((e) => e.name), [], `image ${i} without the early hook: the loader's calls all stop`);
  const share = (r) => syscalls(r.events).filter((e) => e.buffered).length / syscalls(r.events).length;
  t.ok(share(early) > share(late) + 0.1, `in process: ${(100 * share(early)).toFixed(1)}% of the calls, ${(100 * share(late)).toFixed(1)}% without the hook`);
  t.notOk(syscalls(early.events).some((e) => e.name === 'mmap' && big64(e.args[0]) === 0x52490000n), 'the injected mapping is not in the stream');
  t.same(libraryLoad(early.events).size, 0, "nor the loader's calls for the library, recorded in process now");
});

t.test('no early hook where no loader runs before the program: a static program, the loader run as the program', async (t) => {
  const stat = fixture('early_static', ['-static']);
  const s = record([stat, known]);
  const sp = record([stat, known], ['--no-syscall-buffer']);
  t.equal(s.status, 0, s.stderr);
  t.equal(s.stdout, 'known bytes\npid 1\n');
  t.same(syscalls(s.events).filter((e) => e.buffered).map((e) => e.name), [], 'static: nothing recorded in process (no library)');
  t.same(s.events.filter((e) => e.type === 'warning'), [], 'no warning');
  t.same(sequences(s.events), sequences(sp.events), 'the same calls as the ptrace engine');
  t.notOk(syscalls(s.events).some((e) => big64(e.args[0]) === 0x52490000n), 'nothing mapped at the gadget pages');
  // ld.so as the command: no interpreter (AT_BASE 0), so no hook; the loader still loads the
  // library for the program it runs, and the program's calls after it are in process
  const ldso = ['/lib64/ld-linux-x86-64.so.2', '/bin/cat', known];
  const l = record(ldso);
  const lp = record(ldso, ['--no-syscall-buffer']);
  t.equal(l.status, 0, l.stderr);
  t.equal(l.stdout, 'known bytes\n');
  const [phase] = loaderPhases(l.events);
  t.same(phase.calls.filter((e) => e.buffered).map((e) => e.name), [], "the loader's calls stop, as before the early hook");
  t.ok(syscalls(l.events, 'read').some((e) => e.buffered && mem(e, 1, 'exit') === 'known bytes\n'), "cat's read of the file in process");
  t.same(sequences(l.events), sequences(lp.events), 'the same calls as the ptrace engine');
});

// A setuid program under the syscall buffer runs without its privileges: the seccomp filter
// needs no_new_privs, which the kernel keeps across the execve, so the loader is not in secure
// mode (AT_SECURE 0) and honours LD_PRELOAD. (The early hook looks at AT_SECURE all the same:
// the loader ignores LD_PRELOAD there.) --no-syscall-buffer, which installs no filter, runs it
// with them: the loader's secure-mode checks (fcntl of descriptors 0-2) show in its stream.
t.test('a setuid program: no privileges under the filter, so the library and the early hook load', async (t) => {
  if (process.getuid() !== 0) return t.skip('needs root to chown a copy of cat');
  const d = tmp();
  const suid = join(d, 'suidcat');
  spawnSync('cp', ['/bin/cat', suid]);
  spawnSync('chown', ['nobody', suid]);
  spawnSync('chmod', ['4755', suid]);
  const r = record([suid, '/etc/hostname']);
  const late = record([suid, '/etc/hostname'], [], { env: { ...process.env, RIFT_SB_NO_EARLY: '1' } });
  const p = record([suid, '/etc/hostname'], ['--no-syscall-buffer']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, p.stdout, 'the same output under both engines');
  const [phase] = loaderPhases(r.events);
  t.same(phase.calls.filter((e) => !e.buffered && !['execve', 'prlimit64'].includes(e.name)).map((e) => e.name), [], "its loader's calls in process");
  t.same(sequences(r.events), sequences(late.events), 'the same calls as without the early hook');
  const [privileged] = loaderPhases(p.events);
  t.ok(privileged.calls.some((e) => e.name === 'fcntl'), 'with its privileges (no filter), the loader runs in secure mode');
});

t.test("dlopen after start-up, from a thread and from main: through the loader's patched sites, each call under its own thread", async (t) => {
  const prog = fixture('early_dlopen', ['-pthread', '-ldl']);
  const r = record([prog]);
  const p = record([prog], ['--no-syscall-buffer']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'libm libresolv\n');
  const thread = r.events.find((e) => e.type === 'spawn' && e.kind === 'thread')?.child;
  const main = syscalls(r.events)[0].tid;
  for (const [who, tid, lib] of [['thread', thread, 'libm.so.6'], ['main', main, 'libresolv.so.2']]) {
    const open = syscalls(r.events, 'openat').find((e) => (mem(e, 1) ?? '').endsWith(`/${lib}`));
    t.ok(open?.buffered, `${who}: the loader's open of ${lib} in process`);
    t.equal(open?.tid, tid, `${who}: under its own tid`);
    const fd = open?.ret;
    const onIt = syscalls(r.events).filter((e) => e.seq > open.seq && e.tid === tid && ['read', 'pread64', 'newfstatat', 'mmap', 'close'].includes(e.name) && big64(e.args[e.name === 'mmap' ? 4 : 0]) === big64(fd));
    t.ok(onIt.length >= 4 && onIt.every((e) => e.buffered), `${who}: its reads, stat, maps and close in process (${onIt.length})`);
  }
  t.same(sequences(r.events), sequences(p.events), 'the same calls as the ptrace engine, per thread');
});

t.test("an environment passed on stale (read from /proc/self/environ): the early hook's mark is that image's only", async (t) => {
  // the mark carries a token of its image (AT_RANDOM's bytes): the library of an image that
  // was not given the hook's mapping must not adopt one (it crashed on the missing page)
  const stale = fixture('early_stale');
  for (const args of [[], ['-s']]) {
    const r = record([stale, ...args, '/bin/cat', known]);
    t.equal(r.status, 0, `${args.join(' ') || 'traced as usual'}: the exec'd cat runs`, { stderr: r.stderr });
    t.equal(r.stdout, 'known bytes\n');
    t.notOk(r.events.some((e) => e.type === 'signal' && e.sig === 'SIGSEGV'), 'no SIGSEGV');
  }
});

t.test("-e openat: the early hook injected at the loader's first traced call, which then runs through its stub", async (t) => {
  // the image's first stop is its loader's openat of /etc/ld.so.cache, not brk
  const loop = ['sh', '-c', `for i in 1 2 3; do cat ${known}; done`];
  const r = record(loop, ['-e', 'openat']);
  const p = record(loop, ['-e', 'openat', '--no-syscall-buffer']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'known bytes\n'.repeat(3));
  const paths = (x) => syscalls(x.events).map((e) => `${e.name} ${mem(e, 1)} ${e.errno ?? (e.ret >= 0 ? 'fd' : e.ret)}`);
  t.same(paths(r), paths(p), 'the same opens, in the same order, as the ptrace engine');
  const cache = syscalls(r.events, 'openat').filter((e) => mem(e, 1) === '/etc/ld.so.cache');
  t.equal(cache.length, 4, "each image's loader opens the cache");
  t.ok(cache.every((e) => e.buffered), 'each in process: the stopped call ran again through its patched site');
  t.notOk(syscalls(r.events).some((e) => e.name !== 'openat'), 'nothing but openat (the injected mmap is not in the stream)');
});
