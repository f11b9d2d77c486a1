// rift-trace's text on real programs against strace's, and the options strace users know.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, fixture, record, run, tmp } from './helpers.mjs';
import { calls, pick, straceText, riftTraceRun } from './20.trace-helpers.mjs';

// Python's allocator maps a new arena (an anonymous mmap) when its pools run out, and in some
// runs that happens a few calls earlier or later (not seen to depend on the tracer). Anonymous
// mappings and unmappings are compared as a multiset; every other call in order.
const ANON = /^(mmap\(NULL, \d+, [A-Z_|]+, [A-Z_|]*MAP_ANONYMOUS|munmap\()/;
const split = (lines) => ({ ordered: lines.filter((l) => !ANON.test(l)), anonymous: lines.filter((l) => ANON.test(l)).sort() });

// What both tracers see the same way in these programs (the dynamic loader, files, memory).
const NAMES = ['openat', 'read', 'write', 'close', 'newfstatat', 'fstat', 'mmap', 'mprotect', 'munmap', 'access', 'pread64',
  'arch_prctl', 'set_robust_list', 'rseq', 'prlimit64', 'statfs', 'getdents64', 'lseek', 'fcntl', 'dup2', 'pipe2',
  'rt_sigaction', 'rt_sigprocmask', 'getrandom', 'brk', 'statx', 'getcwd', 'getpid', 'getuid', 'geteuid', 'uname', 'futex'];

for (const [label, cmd] of [
  // absolute paths: rift-record passes the resolved path as argv[0], strace the name given
  ['ls -la', ['/usr/bin/ls', '-la', '/etc/hosts', '/nonexistent', '.']],
  ['sh -c with a pipe and a redirect', ['/bin/sh', '-c', 'echo hi > out.txt; cat out.txt | wc -c; exit 3']],
  ['python3', ['/usr/bin/python3', '-S', '-c', 'import os; os.stat("/etc/passwd"); open("/etc/hostname").read()']],
]) {
  t.test(`${label}: same decoded calls as strace`, async (t) => {
    const dir = tmp();
    writeFileSync(join(dir, 'out.txt'), '');
    const s = pick(straceText(cmd, { cwd: dir }), NAMES);
    const rr = riftTraceRun(cmd, { cwd: dir });
    const r = pick(rr.text, NAMES);
    t.ok(s.length > 20, `${s.length} lines compared`);
    t.same(split(r), split(s));
    t.equal(rr.status, spawnSync(cmd[0], cmd.slice(1), { cwd: dir }).status, 'exit status is the command\'s');
  });
}

t.test('threads: pid prefixes, unfinished/resumed pairs, signal and exit lines', async (t) => {
  const bin = fixture('trace_threads', ['-pthread']);
  const r = spawnSync(BIN('rift-trace'), ['--', bin], { encoding: 'utf8' });
  t.equal(r.status, 7);
  const text = r.stderr;
  t.match(text, /^\[pid +\d+\] read\(3,  <unfinished \.\.\.>$/m, 'a blocked read is cut');
  t.match(text, /^\[pid +\d+\] <\.\.\. read resumed>"a", 1\) += 1$/m, 'and resumed with its data');
  // kill(getpid()) is process-directed: a thread still alive may take it, with its pid prefix
  t.match(text, /^(\[pid +\d+\] )?--- SIGUSR1 \{si_signo=SIGUSR1, si_code=SI_USER, si_pid=\d+, si_uid=0\} ---$/m);
  t.match(text, /^\+\+\+ exited with 7 \+\+\+$/m);
  // every unfinished call of a thread is resumed by that thread, in order
  const open = new Map();
  for (const line of text.split('\n')) {
    const m = /^\[pid +(\d+)\] (?:(\w+)\(.*<unfinished \.\.\.>|<\.\.\. (\w+) resumed>)/.exec(line);
    if (!m) continue;
    if (m[2]) {
      t.notOk(open.has(m[1]), `tid ${m[1]} had one call open at a time`);
      open.set(m[1], m[2]);
    } else {
      t.equal(open.get(m[1]), m[3], `tid ${m[1]} resumed ${m[3]}`);
      open.delete(m[1]);
    }
  }
  t.equal(open.size, 0, 'nothing left unfinished');
  // the same calls, joined, as strace shows them
  const joined = calls(text).map((c) => c.text);
  t.equal(joined.filter((l) => /^read\([35], "[ab]", 1\) = 1$/.test(l)).length, 2, 'joined reads');
});

t.test('-T, -t, -tt, -ttt, -r, -s, -y, -e on a recorded stream', async (t) => {
  const dir = tmp();
  const rec = record(['/bin/sh', '-c', 'cat /etc/passwd > /dev/null'], [], { cwd: dir });
  t.equal(rec.status, 0);
  const trace = (...a) => run('rift-trace', [...a, rec.file]);
  const T = trace('-T').stdout;
  t.match(T, /^close\(\d+\) += 0 <\d+\.\d{6}>$/m, '-T');
  t.match(trace('-t').stdout, /^\d\d:\d\d:\d\d execve\(/m, '-t');
  t.match(trace('-tt').stdout, /^\d\d:\d\d:\d\d\.\d{6} execve\(/m, '-tt');
  const ttt = trace('-ttt').stdout;
  t.match(ttt, /^\d{10}\.\d{6} execve\(/m, '-ttt');
  const first = Number(/^(\d+\.\d+)/.exec(ttt)[1]);
  t.ok(Math.abs(first - Date.parse(rec.events[0].start) / 1000) < 60, '-ttt counts from the header start');
  t.match(trace('-r').stdout, /^ {5}0\.000000 execve\(/m, '-r starts at 0');
  t.match(trace('-s', '4').stdout, /\] read\(3, "root"\.\.\., \d+\) += \d+$/m, '-s 4 cuts buffers');
  const y = trace('-y', '-e', 'read,close,openat').stdout;
  t.match(y, /\] openat\(AT_FDCWD<[^>]+>, "\/etc\/passwd", O_RDONLY\) = 3<\/etc\/passwd>$/m, '-y on the returned fd');
  // the directory AT_FDCWD stands for: the recording's (the header's cwd), as strace -y prints it
  t.equal(/\] openat\(AT_FDCWD<([^>]+)>, "\/etc\/passwd"/.exec(y)?.[1], dir, '-y names the working directory');
  t.match(y, /\] read\(3<\/etc\/passwd>, "root/m, '-y on arguments');
  t.notMatch(y, /(^|\] )(mmap|newfstatat)\(/m, '-e selects');
  t.match(trace('-e', 'reed').stderr, /^rift-trace: unknown syscall 'reed' \(did you mean 'read'\?\)$/m);
});

t.test('stdin, colour, NO_COLOR and FORCE_COLOR', async (t) => {
  const rec = record(['cat', '/nonexistent']);
  const input = readFileSync(rec.file);
  const plain = spawnSync(BIN('rift-trace'), ['-'], { input, encoding: 'utf8' });
  t.equal(plain.status, 0);
  t.notMatch(plain.stdout, /\u001b\[/, 'no colour into a pipe');
  t.match(plain.stdout, /^openat\(AT_FDCWD, "\/nonexistent", O_RDONLY\) = -1 ENOENT \(No such file or directory\)$/m);
  const forced = spawnSync(BIN('rift-trace'), ['-'], { input, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' } });
  t.match(forced.stdout, /\u001b\[31m-1 ENOENT \(No such file or directory\)\u001b\[39m/, 'errors in red');
  t.match(forced.stdout, /\u001b\[32m"\/nonexistent"\u001b\[39m/, 'strings in green');
  t.match(forced.stdout, /\u001b\[1mopenat\u001b\[22m\(/, 'names in bold');
  const no = spawnSync(BIN('rift-trace'), ['-'], { input, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '1' } });
  t.notMatch(no.stdout, /\u001b\[/, 'NO_COLOR wins');
  t.equal(no.stdout, plain.stdout);
});

t.test('a closed pipe downstream ends quietly', async (t) => {
  const rec = record(['ls', '-R', '/usr/lib/python3']);
  const r = spawnSync('sh', ['-c', `"${BIN('rift-trace')}" "${rec.file}" | head -1; echo "rc=\${PIPESTATUS:-$?}"`], { encoding: 'utf8' });
  t.equal(r.stderr, '');
  t.match(r.stdout, /^execve\(/);
});
