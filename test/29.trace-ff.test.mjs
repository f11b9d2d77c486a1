// rift-trace -ff -o PREFIX (a file per thread, as strace -ff -o), the (INJECTED) and (DELAYED)
// marks of fault injection (against strace's), -e inject= passed to the recorder, and repeated
// options (-e, -S) in rift-trace and rift-filter.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, fixture, record, run, tmp } from './helpers.mjs';
import { calls, normalise } from './20.trace-helpers.mjs';

/** The files PREFIX.* in dir, by tid: { tid: text }. */
function perThread(dir, prefix) {
  const out = new Map();
  for (const f of readdirSync(dir)) {
    const m = new RegExp(`^${prefix}\\.(\\d+)$`).exec(f);
    if (m) out.set(Number(m[1]), readFileSync(join(dir, f), 'utf8'));
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

/** A file's lines from its first write on (after the dynamic loader), normalised. */
function fromWrite(text) {
  const lines = calls(text).map((c) => normalise(c.text));
  const i = lines.findIndex((l) => l.startsWith('write('));
  return lines.slice(Math.max(0, i));
}

t.test('-ff -o PREFIX: a file per thread as strace -ff -o writes them', async (t) => {
  const bin = fixture('trace_live_ff', ['-pthread']);
  const dir = tmp();
  spawnSync('strace', ['-ff', '-o', join(dir, 's'), '--', bin], { encoding: 'utf8' });
  const r = spawnSync(BIN('rift-trace'), ['-ff', '-o', join(dir, 'r'), '--', bin], { encoding: 'utf8' });
  t.equal(r.status, 0, 'exit status is the command\'s');
  t.equal(r.stderr, '', 'nothing on stderr');
  const s = perThread(dir, 's');
  const rf = perThread(dir, 'r');
  t.equal(rf.size, 3, 'three files: the process, its child, its thread');
  t.equal(rf.size, s.size, 'as many files as strace writes');
  // each file by what it holds (tids need not grow in order of creation: pids wrap around)
  const which = (files) => ['"main', '"child', '"thread'].map((w) => [...files.values()].find((x) => x.includes(`write(1, ${w}\\n`)) ?? '');
  const [main, child, thread] = which(rf);
  const [smain, schild, sthread] = which(s);
  for (const [tid, text] of rf) {
    t.notMatch(text, /^(\[pid|\d+ )/m, `${tid}: no pid prefix`);
    t.notMatch(text, /unfinished|resumed/, `${tid}: no call split by another thread's`);
  }
  t.match(main, /^execve\(/, 'the first file starts with the execve');
  t.match(main, /write\(1, "main\\n", 5\) += 5\n/, 'the main thread\'s write in its file');
  t.match(main, /\+\+\+ exited with 0 \+\+\+\n$/, 'and its exit');
  t.match(child, /write\(1, "child\\n", 6\) += 6\nexit_group\(3\) += \?\n\+\+\+ exited with 3 \+\+\+\n$/, 'the child: its write and its exit, only');
  t.match(thread, /write\(1, "thread\\n", 7\) += 7\n/, 'the thread\'s write in its own file');
  t.notMatch(main, /"child|"thread/, 'not in the main file');
  // the same calls as strace's files, from the first write on
  t.same(fromWrite(child), fromWrite(schild), 'child: the same lines as strace\'s');
  t.same(fromWrite(thread), fromWrite(sthread), 'thread: the same lines as strace\'s');
  t.same(fromWrite(main), fromWrite(smain), 'main: the same lines as strace\'s from its first write');

  // from a recording, on the main thread and on threads: the same files
  const rec = record([bin], ['--no-syscall-buffer']);
  t.equal(rec.status, 0);
  const a = tmp(), b = tmp();
  t.equal(run('rift-trace', ['-ff', '-o', join(a, 'x'), rec.file]).status, 0);
  t.equal(run('rift-trace', ['-ff', '-o', join(b, 'x'), '--threads', '2', rec.file]).status, 0);
  const fa = perThread(a, 'x'), fb = perThread(b, 'x');
  t.equal(fa.size, 3, 'a file per thread from the recording');
  t.same([...fb], [...fa], 'the same files on worker threads');
  t.same([...fa.values()].map(fromWrite), [main, child, thread].map(fromWrite), 'the same lines as when tracing the command');

  // -ff without -o is -f (as strace's); -ff with -c is refused (as strace does)
  const noFile = run('rift-trace', ['-ff', rec.file]);
  t.equal(noFile.status, 0);
  t.match(noFile.stdout, /\[pid +\d+\] write\(1, "thread\\n"/, '-ff without -o: one text with pid prefixes');
  const withC = run('rift-trace', ['-ff', '-c', '-o', join(a, 'y'), rec.file]);
  t.equal(withC.status, 2, '-ff -o with -c: a usage error');
  t.match(withC.stderr, /mutually exclusive/);
});

const INJECT = ['-e', 'inject=getpid:retval=42', '-e', 'inject=openat:error=ENOENT:when=4', '-e', 'inject=getppid:delay_exit=1000'];
const SHOW = ['-e', 'trace=getpid,openat,getppid'];
/** the fixture's own calls (the loader's openats come first), -T's times and pids blanked */
const own = (text) => {
  const lines = text.split('\n').filter((l) => /^(getpid|getppid|openat\(AT_FDCWD, "\/etc\/hostname")/.test(l));
  return lines.map((l) => l.replace(/<\d+\.\d+>/, '<T>').replace(/^getppid\(\) += \d+/, 'getppid() = PPID').replace(/ {2,}=/, ' ='));
};

t.test('(INJECTED) and (DELAYED) as strace prints them; -e inject= goes to the recorder', async (t) => {
  const bin = fixture('trace_live_inject');
  const s = spawnSync('strace', [...SHOW, ...INJECT, '-T', '--', bin], { encoding: 'utf8' });
  const r = spawnSync(BIN('rift-trace'), [...SHOW, ...INJECT, '-T', '--', bin], { encoding: 'utf8' });
  t.equal(r.status, 0, 'rift-trace takes -e inject= with a command');
  const want = own(s.stderr);
  t.equal(want.length, 4, 'strace: getpid, two opens, getppid');
  t.same(own(r.stderr), want, 'the same lines as strace\'s');
  t.same(want, [
    'getpid() = 42 (INJECTED) <T>',
    'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3 <T>',
    'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = -1 ENOENT (No such file or directory) (INJECTED) <T>',
    'getppid() = PPID (DELAYED) <T>',
  ], 'what strace prints');

  // the loader opens two files first: the 4th openat is the program's second
  // a recording read back: the same marks, on the main thread and on threads
  const rec = record([bin], INJECT);
  t.equal(rec.status, 0);
  const one = run('rift-trace', [...SHOW, '-T', rec.file]);
  const many = run('rift-trace', [...SHOW, '-T', '--threads', '2', rec.file]);
  t.same(own(one.stdout), want, 'from a recording');
  t.same(own(many.stdout), want, 'from a recording, on threads');
  // an uninjected run has no marks
  const plain = run('rift-trace', [...SHOW, '--', bin]);
  t.notMatch(plain.stderr, /INJECTED|DELAYED/, 'no marks without injection');

  // fault= too; inject= with a file to read is refused, a bad rule is a usage error
  const fault = run('rift-trace', ['-e', 'trace=getpid', '-e', 'fault=getpid:error=EPERM', '--', bin]);
  t.match(fault.stderr, /^getpid\(\) += -1 EPERM \(Operation not permitted\) \(INJECTED\)$/m, 'fault=');
  const onFile = run('rift-trace', ['-e', 'inject=getpid:retval=1', rec.file]);
  t.equal(onFile.status, 2);
  t.match(onFile.stderr, /^rift-trace: -e inject=: fault injection needs a command/);
  const bad = run('rift-trace', ['-e', 'inject=getpid:bogus=1', '--', bin]);
  t.equal(bad.status, 2, 'a bad rule: exit 2');
  t.match(bad.stderr, /^rift-trace: .*inject/);
  t.notMatch(bad.stderr, /internal error/);
});

t.test('repeated -e accumulate; -S takes the last', async (t) => {
  const rec = record(['/bin/cat', '/etc/hostname'], ['--no-syscall-buffer'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.equal(rec.status, 0);
  const names = (text) => [...new Set(text.split('\n').filter(Boolean).map((l) => /^(\w+)\(/.exec(l)?.[1] ?? l.slice(0, 3)))].sort();

  const r = run('rift-trace', ['-e', 'trace=openat', '-e', 'read', '-e', 'close,newfstatat', rec.file]);
  t.equal(r.status, 0, 'rift-trace -e twice: no crash');
  t.equal(r.stderr, '');
  t.same(names(r.stdout), ['+++', 'close', 'newfstatat', 'openat', 'read'], 'the union of every -e');

  const f = run('rift-filter', ['-e', 'trace=openat', '-e', 'read', rec.file]);
  t.equal(f.status, 0, 'rift-filter -e twice: no crash');
  const kept = f.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.type === 'syscall');
  t.same([...new Set(kept.map((e) => e.name))].sort(), ['openat', 'read'], 'rift-filter: the union');

  // -S calls then -S name: by name (mmap is called more often than close)
  const sorted = (args) => run('rift-trace', ['-c', '-e', 'close,mmap', ...args, rec.file]).stdout.split('\n').filter((l) => /\d\s+(close|mmap)$/.test(l)).map((l) => l.split(/\s+/).pop());
  t.same(sorted(['-S', 'calls']), ['mmap', 'close'], '-S calls');
  t.same(sorted(['-S', 'calls', '-S', 'name']), ['close', 'mmap'], '-S calls -S name: by name');
});
