// rift-record --deterministic: each source of nondeterminism it covers, on real programs, and
// the acceptance check: two runs of bash print the same thing.
import t from 'tap';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { record, run, fixture, syscalls, tmp, ROOT, PYTHON } from './helpers.mjs';

const probe = fixture('intercept_probe');
// stdin /dev/null: bash reads ~/.bashrc when its stdin is a socket (it takes that for sshd),
// and node's pipes are sockets; a .bashrc that runs programs (pyenv's) makes runs differ
const NO_STDIN = { stdio: ['ignore', 'pipe', 'pipe'] };
const det = (cmd, extra = []) => record(cmd, ['--deterministic', ...extra], NO_STDIN);

t.test("bash -c 'echo $RANDOM; date; mktemp -u': two runs print the same", async (t) => {
  const cmd = ['bash', '-c', 'echo $RANDOM; date; mktemp -u'];
  // bash stats its cwd ($PWD) and mktemp stats $TMPDIR, whose size and link count the sandbox
  // leaves real: a private directory for both, or other tests creating directories in /tmp or
  // the checkout between the two runs make the recordings differ
  const dir = tmp();
  const env = { ...process.env, TMPDIR: dir, PWD: dir };
  const a = record(cmd, ['--deterministic'], { env, cwd: dir, ...NO_STDIN });
  const b = record(cmd, ['--deterministic'], { env, cwd: dir, ...NO_STDIN });
  t.equal(a.status, 0);
  t.equal(b.status, 0);
  t.equal(a.stdout, b.stdout, 'same output');
  const [rnd, date, tmpName] = a.stdout.trim().split('\n');
  t.match(rnd, /^\d+$/);
  t.equal(date, 'Sat Jan  1 00:00:00 UTC 2000', 'the fixed epoch');
  t.equal(tmpName.slice(0, tmpName.lastIndexOf('/')), env.TMPDIR);
  t.match(tmpName, /\/tmp\.\w{10}$/);
  // and without the sandbox, two runs differ (mktemp's 10 random characters alone)
  const c = record(cmd, [], { env, cwd: dir, ...NO_STDIN });
  const d = record(cmd, [], { env, cwd: dir, ...NO_STDIN });
  t.not(c.stdout, d.stdout, 'plain runs differ');
  t.equal(syscalls(a.events, 'clock_gettime').length > 0, true, 'date made a real clock_gettime (vDSO hidden)');
  t.ok(syscalls(a.events, 'clock_gettime').every((e) => e.injected && e.skipped), 'answered by the sandbox');
  t.same(a.events[0].options.deterministic, { seed: 0 });
  t.equal(a.events[0].start, '2000-01-01T00:00:00.000Z', 'fixed header start (implies --fixed-ts)');

  const diff = join(ROOT, 'node_modules', '.bin', 'rift-diff');
  if (!existsSync(diff)) {
    t.skip('rift-diff is not built in this checkout');
    return;
  }
  const r = run('rift-diff', [a.file, b.file]);
  // Two known differences the sandbox does not take out yet: bash stats /tmp itself, whose link
  // count changes whenever a test running alongside makes a directory there (link counts stay
  // real), and the point where SIGCHLD reaches bash depends on scheduling (signal delivery is
  // not yet made deterministic: on a loaded machine a child's bash blocks and unblocks signals
  // a different number of times). Everything else must agree.
  if (r.status === 1 && /newfstatat\(AT_FDCWD, "\/tmp"|rt_sigprocmask|rt_sigreturn|wait4/.test(r.stdout)) {
    const rest = run('rift-diff', ['-e', '!newfstatat,!rt_sigprocmask,!rt_sigreturn,!wait4', a.file, b.file]);
    t.equal(rest.status, 0, `apart from the stat of the shared /tmp and SIGCHLD's timing, rift-diff exits 0: ${rest.stdout.slice(0, 300)}`);
  } else t.equal(r.status, 0, `rift-diff of the two recordings exits 0: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
});

t.test('clocks: fixed epoch, fixed step per call, monotonic too', async (t) => {
  const r = det([probe, 'time', 'time']);
  t.equal(r.status, 0);
  t.equal(
    r.stdout,
    'time 946684800.000000000 1000.001000000 946684800.002000 946684800\n' +
      'time 946684800.004000000 1000.005000000 946684800.006000 946684800\n',
  );
  const r2 = det([probe, 'time'], ['--seed', '9']);
  t.equal(r2.stdout.split('\n')[0], r.stdout.split('\n')[0], 'the clock does not depend on the seed');
});

t.test('getrandom: seeded, same seed same bytes, other seed other bytes', async (t) => {
  const a = det([probe, 'random', 'random']);
  const b = det([probe, 'random', 'random']);
  const c = det([probe, 'random', 'random'], ['--seed', '42']);
  t.equal(a.stdout, b.stdout);
  t.not(a.stdout, c.stdout);
  const [x, y] = a.stdout.trim().split('\n');
  t.match(x, /^random 8 [0-9a-f]{16}$/);
  t.not(x, y, 'a stream, not one repeated value');
  const ev = syscalls(a.events, 'getrandom').at(-1);
  t.equal(ev.ret, 8);
  t.ok(ev.injected && ev.skipped);
});

t.test('process and user ids are fixed', async (t) => {
  const r = det([probe, 'getpid', 'getppid', 'gettid', 'ids']);
  t.equal(r.stdout, 'getpid 1000\ngetppid 999\ngettid 1000\nids 1000 1000 1000 1000 1000 1000 1000\n');
  // a child gets the next id; its parent is the first
  const sh = det(['sh', '-c', `${probe} getpid getppid`]);
  t.equal(sh.stdout, 'getpid 1001\ngetppid 1000\n');
});

t.test("virtual pids: bash -c 'echo $$; sleep 0 & echo $!; wait' prints the same twice", async (t) => {
  const cmd = ['bash', '-c', 'echo $$; sleep 0 & echo $!; wait; echo waited $?'];
  const a = det(cmd);
  const b = det(cmd);
  t.equal(a.status, 0, a.stderr);
  t.equal(a.stdout, b.stdout, 'the same output');
  const [self, child, waited] = a.stdout.trim().split('\n');
  t.equal(self, '1000');
  t.ok(Number(child) > 1000 && Number(child) < 1100, `the child's pid is virtual: ${child}`);
  t.equal(waited, 'waited 0');
  // the real ones are in the stream's pid fields, never in what the program was told
  const realChild = a.events.find((e) => e.type === 'spawn')?.child ?? a.events.filter((e) => e.type === 'syscall' && e.name === 'clone')[0]?.ret;
  const forks = a.events.filter((e) => e.type === 'syscall' && /^(clone|clone3|fork|vfork|wait4)$/.test(e.name) && e.ret > 0);
  t.ok(forks.length >= 2, 'fork and wait4 recorded');
  t.ok(forks.every((e) => e.ret >= 1000 && e.ret < 1100), `fork and wait4 returned virtual pids: ${forks.map((e) => e.ret)}`);
  t.ok(realChild === undefined || realChild !== Number(child), 'not the real one');
});

t.test('fork, waitpid, kill, process groups, times, rusage, clock resolution, CPUs, /dev/urandom', async (t) => {
  const py = [
    'import os, resource, time',
    'c = os.fork()',
    'if c == 0: os._exit(7)',
    'p, st = os.waitpid(c, 0)',
    'print("child", c, p, os.WEXITSTATUS(st))',
    'c2 = os.fork()',
    'if c2 == 0: time.sleep(5); os._exit(0)',
    'os.kill(c2, 9)',
    'print("killed", os.waitid(os.P_PID, c2, os.WEXITED).si_pid == c2)',
    'print("groups", os.getpgid(0) == os.getpgrp(), os.getsid(os.getpid()) == os.getsid(0))',
    't = os.times(); print("times", t.user, t.system, t.children_user, t.elapsed)',
    'print("rusage", resource.getrusage(resource.RUSAGE_SELF)[:3])',
    'print("res", time.clock_getres(time.CLOCK_MONOTONIC), time.clock_getres(6))',
    'print("cpus", os.cpu_count(), sorted(os.sched_getaffinity(0)))',
    'f = open("/dev/urandom", "rb"); print("urandom", f.read(16).hex()); f.close()',
  ].join('\n');
  const a = det([PYTHON, '-c', py]);
  const b = det([PYTHON, '-c', py]);
  const c = det([PYTHON, '-c', py], ['--seed', '7']);
  t.equal(a.status, 0, a.stderr);
  t.equal(a.stdout, b.stdout, 'two runs print the same');
  const lines = Object.fromEntries(a.stdout.trim().split('\n').map((l) => [l.split(' ')[0], l.slice(l.indexOf(' ') + 1)]));
  t.match(lines.child, /^(10\d\d) \1 7$/, 'fork and waitpid agree on a virtual pid');
  t.equal(lines.killed, 'True', 'kill and waitid take and give virtual pids');
  t.equal(lines.groups, 'True True');
  t.match(lines.times, /^0\.0 0\.0 0\.0 10\d\d\.\d+$/, 'no CPU time, 1000 s since boot');
  t.equal(lines.rusage, '(0.0, 0.0, 0)');
  t.equal(lines.res, '1e-09 0.004');
  t.equal(lines.cpus, '4 [0, 1, 2, 3]');
  t.match(lines.urandom, /^[0-9a-f]{32}$/);
  t.not(c.stdout.match(/urandom (\w+)/)[1], lines.urandom, 'another seed, other bytes from /dev/urandom');
  t.equal(det(['nproc']).stdout, '4\n', 'nproc says 4, whatever the machine has');
});

t.test('/proc/self/stat and status, /proc/PID of a child: the virtual ids', async (t) => {
  const py = join(ROOT, 'test', 'fixtures', 'sandbox_proc.py');
  const a = det([PYTHON, py]);
  t.equal(a.status, 0, a.stderr);
  t.equal(
    a.stdout,
    "stat 1000 999 ['0', '0', '0', '0'] 0 True True\nstatus 1000 999 1000 0\nchild stat True True\ntask 1000\n",
    'ids consistent with getpid and getppid, CPU and start times zero, no tracer',
  );
  t.equal(det([PYTHON, py]).stdout, a.stdout, 'the same twice');
});

t.test('threads contending for a mutex (futex), then fork, vfork and clone: the same twice', async (t) => {
  const bin = fixture('sandbox_threads', ['-pthread']);
  const a = det([bin]);
  const b = det([bin]);
  t.equal(a.status, 0, a.stderr);
  t.equal(a.stdout, 'counter 80000\npid 1000 ppid 999 time 1000.000000000\nfork 1005 1005 5, vfork 1006 1006 6, clone 1007 1007 7\n', 'threads 1001-1004, children 1005-1007');
  t.equal(b.stdout, a.stdout, 'the same twice');
  t.ok(syscalls(a.events, 'futex').length > 0, 'the threads waited on each other (futex)');
  // how often the threads met at the lock is the scheduler's: futex calls apart, the same calls
  const r = run('rift-diff', ['-e', '!futex', a.file, b.file]);
  t.equal(r.status, 0, `rift-diff -e '!futex' exits 0: ${r.stdout.slice(0, 300)}`);
});

t.test('a sqlite3 file database: the same twice, rift-diff exits 0', async (t) => {
  const dir = tmp();
  const sql = "create table t(x); insert into t values(1),(2); select sum(x), datetime('now'), random() from t;";
  const runs = [];
  for (let i = 0; i < 2; i++) {
    // the same directory (its name is in the calls), the database made anew
    rmSync(join(dir, 'db.sqlite'), { force: true });
    runs.push(record(['sqlite3', 'db.sqlite', sql], ['--deterministic'], { cwd: dir, env: { ...process.env, PWD: dir }, ...NO_STDIN }));
  }
  const [a, b] = runs;
  t.equal(a.status, 0, a.stderr);
  t.equal(a.stdout, b.stdout, 'the same output');
  t.match(a.stdout, /^3\|2000-01-01 00:00:00\|-?\d+\n$/, 'the fixed clock; random() from the seeded generator');
  for (const name of ['lseek', 'unlink', 'pwrite64', 'fdatasync', 'getcwd']) t.ok(syscalls(a.events, name).length > 0, `${name} made`);
  // sqlite3 lstats each directory of the database's path, /tmp among them, whose link count
  // (real in the sandbox) changes whenever anything makes a directory there: the stats are
  // compared by path, the rest whole
  const stats = (e) => syscalls(e.events, 'newfstatat').map((c) => c.mem?.find((m) => m.arg === 1)?.data);
  t.same(stats(a), stats(b), 'the same stats');
  const r = run('rift-diff', ['-e', '!newfstatat', a.file, b.file]);
  t.equal(r.status, 0, `rift-diff exits 0: ${r.stdout.slice(0, 1500)}`);
});

t.test('rdtsc and rdtscp: a 1 GHz counter on the virtual clock, 1 µs more at each read, CPU 0', async (t) => {
  const bin = fixture('sandbox_tsc');
  const a = det([bin]);
  t.equal(a.status, 0, a.stderr);
  t.equal(det([bin]).stdout, a.stdout, 'the same twice');
  const [tsc, tscp, aux] = a.stdout.trim().split(' ').map(Number);
  t.ok(tsc >= 1000e9 && tsc < 1001e9, `from 1000 s: ${tsc}`);
  t.equal(tscp - tsc, 1000, '1 µs between two reads');
  t.equal(aux, 0);
  t.ok(a.events.some((e) => e.type === 'rdtsc'), 'in the stream');
});

t.test('uname and sysinfo are fixed', async (t) => {
  const r = det([probe, 'uname', 'sysinfo']);
  t.equal(r.stdout, 'uname Linux rift 6.1.0-rift x86_64\nsysinfo 1000 4294967296 1\n');
  const u = det(['uname', '-a']);
  t.equal(u.stdout, 'Linux rift 6.1.0-rift #1 SMP PREEMPT_DYNAMIC rift x86_64 GNU/Linux\n');
});

t.test('stat and statx timestamps are zeroed, the rest is real', async (t) => {
  const d = tmp();
  const r = det([probe, `stat:${d}`, 'stat:/nonexistent']);
  const [ok, missing] = r.stdout.trim().split('\n');
  t.match(ok, /^stat 0 0 0 0 0 0 0 size=\d+$/);
  t.match(missing, /^stat -1 /, 'a failing stat is left alone');
  const plain = record([probe, `stat:${d}`]);
  t.notMatch(plain.stdout, /^stat 0 0 0 0 /, 'without the sandbox the times are real');
  t.ok(syscalls(r.events, 'statx').find((e) => e.ret === 0)?.injected, 'changed calls are marked');
});

t.test('ASLR and the vDSO are off: the address layout repeats', async (t) => {
  const a = det(['cat', '/proc/self/maps']);
  const b = det(['cat', '/proc/self/maps']);
  t.equal(a.stdout, b.stdout);
  // the vDSO is still mapped, but libc was not told where: clock_gettime is a syscall
  t.match(a.stdout, /\[vdso\]/);
});

t.test('--no-vdso alone: real clock values, but real syscalls', async (t) => {
  const r = record(['date', '+%Y'], ['--no-vdso']);
  t.equal(r.status, 0);
  t.not(r.stdout, '2000\n');
  t.ok(syscalls(r.events, 'clock_gettime').length >= 1, 'clock_gettime seen');
  t.notOk(syscalls(r.events, 'clock_gettime')[0].injected);
  const plain = record(['date', '+%Y']);
  t.equal(syscalls(plain.events, 'clock_gettime').length, 0, 'with the vDSO, date makes no clock_gettime syscall');
});

t.test('a plain deterministic run without a stream (-o /dev/null)', async (t) => {
  const a = run('rift-record', ['--deterministic', '-o', '/dev/null', '--', 'bash', '-c', 'echo $RANDOM $SRANDOM; date +%s']);
  const b = run('rift-record', ['--deterministic', '-o', '/dev/null', '--', 'bash', '-c', 'echo $RANDOM $SRANDOM; date +%s']);
  t.equal(a.status, 0);
  t.equal(a.stdout, b.stdout);
  t.match(a.stdout, /^\d+ \d+\n946684800\n$/);
});

t.test('--deterministic with -p is a usage error', async (t) => {
  const r = run('rift-record', ['--deterministic', '-p', String(process.pid)]);
  t.equal(r.status, 2);
  t.match(r.stderr, /--deterministic needs a launched command/);
});
