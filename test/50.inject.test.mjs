// rift-record -e inject=...: strace's fault injection, on real programs. The probe fixture
// prints the errno each operation got, so the program itself says what it saw.
import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { record, fixture, syscalls, tmp, mem } from './helpers.mjs';

const probe = fixture('intercept_probe');

function lines(r) {
  return r.stdout.split('\n').filter((l) => /^(open|write|getpid|getppid|sigusr1) /.test(l));
}

t.test('error=ENOENT:when=3: only the third open fails, and the program sees ENOENT', async (t) => {
  const d = tmp();
  const f = join(d, 'f');
  writeFileSync(f, 'x');
  // the dynamic loader opens ld.so.cache and libc first: count them via the stream
  const r = record([probe, `open:${f}`, `open:${f}`, `open:${f}`, `open:${f}`], ['-e', 'inject=openat:error=ENOENT:when=5']);
  t.equal(r.status, 0);
  t.same(lines(r), ['open 3 OK', 'open 3 OK', 'open -1 ENOENT', 'open 3 OK']);
  const opens = syscalls(r.events, 'openat');
  t.equal(opens.length, 6);
  const hit = opens[4];
  t.equal(mem(hit, 1), f);
  t.equal(hit.errno, 'ENOENT');
  t.equal(hit.ret, -2);
  t.equal(hit.injected, true, 'marked injected');
  t.equal(hit.skipped, true, 'marked skipped: the kernel did not run it');
  t.equal(opens.filter((e) => e.injected).length, 1, 'the others are untouched');
  t.equal(r.events[0].options.inject[0], 'inject=openat:error=ENOENT:when=5', 'the header keeps the rules');
});

t.test('when=first..last+step picks calls 2, 4, 6 of a syscall', async (t) => {
  const d = tmp();
  const f = join(d, 'f');
  writeFileSync(f, 'x');
  const ops = Array.from({ length: 6 }, () => `open:${f}`);
  // openat counts include the loader's 2: calls 4, 6, 8 are the probe's 2nd, 4th, 6th
  const r = record([probe, ...ops], ['-e', 'inject=openat:error=EACCES:when=4..8+2']);
  t.same(lines(r), ['open 3 OK', 'open -1 EACCES', 'open 3 OK', 'open -1 EACCES', 'open 3 OK', 'open -1 EACCES']);
  t.same(syscalls(r.events, 'openat').map((e) => e.injected === true), [false, false, false, true, false, true, false, true]);
});

t.test('cat against ENOENT: cat reports the file missing and exits 1', async (t) => {
  const d = tmp();
  const f = join(d, 'present.txt');
  writeFileSync(f, 'here\n');
  const r = record(['cat', f], ['-e', 'inject=openat:error=ENOENT:when=3+', '--tracee-stdout', join(d, 'out')]);
  t.equal(r.status, 1, "cat's own exit status");
  t.match(r.stderr, `cat: ${f}: No such file or directory`);
  t.equal(readFileSync(join(d, 'out'), 'utf8'), '', 'nothing was read');
  const ev = syscalls(r.events, 'openat').find((e) => mem(e, 1) === f);
  t.equal(ev.errno, 'ENOENT');
  t.ok(ev.injected && ev.skipped);
});

t.test('ENOSPC on write: the program sees it, the file stays empty', async (t) => {
  const d = tmp();
  const out = join(d, 'w');
  const r = record([probe, `write:${out}`], ['-e', 'inject=write:error=ENOSPC:when=1']);
  t.equal(r.status, 0);
  t.same(lines(r), ['write -1 ENOSPC'], 'the first write is the data write; the report is the second');
  t.equal(readFileSync(out, 'utf8'), '', 'the kernel never wrote');
  const w = syscalls(r.events, 'write')[0];
  t.equal(w.errno, 'ENOSPC');
  t.ok(w.injected && w.skipped);

  // dd: its data write fails, dd says so (with the second write) and exits 1
  const src = join(d, 'src');
  writeFileSync(src, 'payload\n');
  const r2 = record(['dd', `if=${src}`, `of=${join(d, 'dst')}`, 'status=none'], ['-e', 'inject=write:error=ENOSPC:when=1']);
  t.equal(r2.status, 1);
  t.match(r2.stderr, /dd: error writing .*dst': No space left on device/);
  t.equal(readFileSync(join(d, 'dst'), 'utf8'), '');
});

t.test('retval=: the call is skipped and returns the value', async (t) => {
  const r = record([probe, 'getpid'], ['-e', 'inject=getpid:retval=4242']);
  t.match(r.stdout, /^getpid 4242$/m);
  const ev = syscalls(r.events, 'getpid')[0];
  t.equal(ev.ret, 4242);
  t.ok(ev.injected && ev.skipped);
});

t.test('signal=: the call runs and the signal arrives after it', async (t) => {
  const r = record([probe, 'sigusr1'], ['-e', 'inject=getppid:signal=SIGUSR1']);
  t.match(r.stdout, /^sigusr1 1$/m, 'the handler ran once');
  const ev = syscalls(r.events, 'getppid')[0];
  t.ok(ev.ret > 0, 'the real getppid result');
  t.equal(ev.injected, true);
  t.notOk(ev.skipped);
  const sig = r.events.find((e) => e.type === 'signal' && e.sig === 'SIGUSR1');
  t.ok(sig && sig.seq > ev.seq, 'SIGUSR1 delivered after the call');
});

t.test('delay_enter / delay_exit hold the call (a lower bound, not a timing race)', async (t) => {
  const r = record([probe, 'getpid'], ['-e', 'inject=getpid:delay_exit=60ms']);
  t.equal(r.status, 0);
  // the thread is held after the call: the next event starts at least 60 ms after its end
  const ev = syscalls(r.events, 'getpid')[0];
  const next = r.events.find((e) => e.seq === ev.seq + 1);
  const gap = next.ts - (ev.ts + ev.dur);
  t.ok(gap >= 60e6, `gap ${gap} >= 60 ms`);
  t.equal(ev.injected, true);
  const r2 = record([probe, 'getpid'], ['-e', 'inject=getpid:delay_enter=50000']);
  t.match(r2.stdout, /^getpid \d+$/m, 'the call still ran');
  const ev2 = syscalls(r2.events, 'getpid')[0];
  t.equal(ev2.injected, true);
  t.ok(ev2.dur >= 50e6, `held at entry: dur ${ev2.dur} >= 50 ms`);
});

t.test('several rules at once, with the -e filter alongside', async (t) => {
  const d = tmp();
  const f = join(d, 'f');
  writeFileSync(f, 'x');
  const r = record([probe, 'getpid', `open:${f}`, 'sigusr1'], [
    '-e', 'openat,getpid',
    '-e', 'inject=getpid:retval=7',
    '-e', 'inject=openat:error=EPERM:when=3',
    '-e', 'inject=getppid:signal=USR1',
  ]);
  t.same(lines(r), ['getpid 7', 'open -1 EPERM', 'sigusr1 1']);
  t.equal(syscalls(r.events, 'getpid')[0].ret, 7);
  t.equal(syscalls(r.events, 'openat')[2].errno, 'EPERM');
  t.equal(syscalls(r.events, 'write').length, 0, 'the prefilter still keeps write out');
});

t.test('bad inject specs are usage errors (exit 2) that name the problem', async (t) => {
  for (const [spec, msg] of [
    ['inject=openat:error=ENOTANERRNO', /unknown errno 'ENOTANERRNO'/],
    ['inject=opnat:error=ENOENT', /unknown syscall 'opnat' \(did you mean 'openat'\?\)/],
    ['inject=openat:when=0', /when/],
    ['inject=openat', /at least one of/],
    ['inject=openat:error=ENOENT:retval=1', /cannot be combined/],
    ['inject=openat:signal=SIGNOPE', /unknown signal/],
    ['inject=openat:poke_enter=@arg1=00', /unsupported option 'poke_enter'/],
  ]) {
    const r = record(['true'], ['-e', spec]);
    t.equal(r.status, 2, spec);
    t.match(r.stderr, msg, spec);
  }
});
