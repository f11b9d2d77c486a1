// Every option of every bin means something when given twice (list options add up, others
// take the last value), and bad values are usage errors: one line, exit 2, never an internal
// error or a stack trace, also when stderr is a closed pipe.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, record, run, tmp, parse, syscalls } from './helpers.mjs';

const dir = tmp();
const rec = record(['cat', '/etc/hostname']).file;
const rec2 = record(['cat', '/etc/hostname']).file;

/** Each bin, its SPEC, and arguments that make a complete run once its options are added. */
const BINS = [
  { bin: 'rift-record', spec: 'rift-record/dist/cli.js', tail: ['--', 'true'] },
  { bin: 'rift-trace', spec: 'rift-trace/dist/cli-trace.js', tail: [rec] },
  { bin: 'rift-filter', spec: 'rift-trace/dist/cli-filter.js', tail: [rec] },
  { bin: 'rift-replay', spec: 'rift-replay/dist/cli.js', tail: [rec, '--', 'cat', '/etc/hostname'] },
  { bin: 'rift-diff', spec: 'rift-diff/dist/cli.js', tail: [rec, rec2] },
];

/** Two values for an option, by bin and key where a generic one would not do. */
function values(bin, key, o, i) {
  const own = {
    'rift-record': { o: [join(dir, `r${i}a`), join(dir, `r${i}b`)], e: ['openat', 'read'], 'tracee-stdout': [join(dir, `s${i}a`), join(dir, `s${i}b`)], p: null, cpu: ['none', 'auto'] },
    'rift-trace': { o: [join(dir, `t${i}a`), join(dir, `t${i}b`)], e: ['trace=openat', 'read'], p: null, S: ['calls', 'name'], threads: ['0', '1'], json: null },
    'rift-filter': { o: [join(dir, `f${i}a`), join(dir, `f${i}b`)], e: ['openat', 'read'], 'min-dur': ['1ms', '2ms'], pid: ['1', '2'], tid: ['1', '2'], threads: ['0', '1'] },
    'rift-replay': { o: [join(dir, `p${i}a`), join(dir, `p${i}b`)], inject: ['getrandom', 'uname'], passthru: ['close', 'fstat'], 'on-desync': ['warn', 'stop'], 'max-lookahead': ['100000', '200000'] },
    'rift-diff': { e: ['openat', 'read'], ignore: ['fd', 'ts'], compare: ['addr', 'fd'], color: ['never', 'auto'], U: ['2', '5'], window: ['100', '200'] },
  }[bin];
  if (key in own) return own[key];
  if (o.choices) return [String(o.choices[0]), String(o.choices[o.choices.length - 1])];
  if (o.type === 'boolean' || o.type === 'count') return [];
  if (o.type === 'number') return ['1', '2'];
  return ['x', 'y'];
}

/** Runs a bin with stdin closed; resolves { status, stderr }. */
function runBin(bin, args, { closedStderr = false } = {}) {
  return new Promise((resolve) => {
    const c = spawn(BIN(bin), args, { stdio: ['ignore', 'pipe', closedStderr ? 'ignore' : 'pipe'] });
    let stderr = '';
    c.stdout.resume();
    c.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), 60000);
    c.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

t.test('each option given twice: no internal error, no stack trace', async (t) => {
  let i = 0;
  for (const { bin, spec, tail } of BINS) {
    const { SPEC } = await import(join(ROOT, 'packages', spec));
    const jobs = [];
    for (const [key, o] of Object.entries(SPEC.options)) {
      const vs = values(bin, key, o, i++);
      if (vs === null) continue;  // options that cannot run on their own here (attach, --json without -c)
      const flag = key.length === 1 ? `-${key}` : `--${key}`;
      const args = vs.length ? [flag, vs[0], flag, vs[1]] : [flag, flag];
      jobs.push(runBin(bin, [...args, ...tail]).then((r) => ({ args, r })));
    }
    for (const { args, r } of await Promise.all(jobs)) {
      const what = `${bin} ${args.join(' ')}`;
      t.notMatch(r.stderr, /internal error/, `${what}: no internal error`);
      t.notMatch(r.stderr, /\n\s+at .*:\d+/, `${what}: no stack trace`);
      if (r.status === 2) t.ok(r.stderr.split('\n').filter(Boolean).length <= 2, `${what}: a usage error is a line (and a hint)`, { stderr: r.stderr });
      t.not(r.status, bin === 'rift-diff' ? 2 : 1, `${what}: not an internal error's exit`, { stderr: r.stderr });
    }
  }
});

t.test('repeated options: lists add up, scalars take the last value', async (t) => {
  // rift-record -e a -e b: both recorded (the sets add up), trace= accepted
  const r = record(['cat', '/etc/hostname'], ['-e', 'trace=openat', '-e', 'read']);
  t.equal(r.status, 0);
  const names = new Set(syscalls(r.events).map((e) => e.name));
  t.same([...names].sort(), ['openat', 'read'], 'openat and read, nothing else');
  // -s 10 -s 20: the last
  const s = record(['cat', '/etc/hostname'], ['-s', '300', '-s', '20', '--no-data']);
  t.equal(s.events[0].options.stringSize, 20, 'header says -s 20');
  // -o a -o b: the last, and a is not created
  const a = join(dir, 'oa');
  const b = join(dir, 'ob');
  const o = run('rift-record', ['-o', a, '-o', b, '--', 'true']);
  t.equal(o.status, 0);
  t.ok(parse(readFileSync(b, 'utf8')).length > 2, 'events in the last -o');
  t.throws(() => readFileSync(a), 'the first -o is not created');
  // rift-trace -S calls -S name: sorted by name
  const c = run('rift-trace', ['-c', '-S', 'calls', '-S', 'name', rec]);
  const rows = c.stdout.split('\n').filter((l) => /^\s*[\d.]+\s+[\d.]+\s+\d+\s+\d+/.test(l)).map((l) => l.trim().split(/\s+/).pop()).filter((n) => n !== 'total');
  t.ok(rows.length > 3, 'a summary table');
  t.same(rows, [...rows].sort(), 'rows sorted by name');
});

t.test('usage errors: one line, exit 2, also with stderr closed', async (t) => {
  const cases = [
    ['rift-record', ['-o', '/nonexistent/dir/x', '--', 'true'], /\/nonexistent\/dir\/x: No such file or directory/],
    ['rift-record', ['--tracee-stdout', '/nonexistent/x', '-o', join(dir, 'u1'), '--', 'true'], /\/nonexistent\/x: No such file or directory/],
    ['rift-record', ['-p', 'abc'], /-p: expected a number, got 'abc'/],
    ['rift-record', ['-s', 'abc', '--', 'true'], /-s: expected a number, got 'abc'/],
    ['rift-record', ['--cpu', '4096', '-o', join(dir, 'u2'), '--', 'true'], /cpu 4096: not a CPU/],
    ['rift-trace', ['-o', '/nonexistent/dir/x', rec], /\/nonexistent\/dir\/x: No such file or directory/],
    ['rift-trace', ['-s', 'abc', rec], /-s: expected a number, got 'abc'/],
    ['rift-filter', ['--pid', 'abc', rec], /--pid: expected a number, got 'abc'/],
    ['rift-replay', ['-o', '/nonexistent/dir/x', rec, '--', 'cat', '/etc/hostname'], /\/nonexistent\/dir\/x: No such file or directory/],
    ['rift-diff', ['-U', 'abc', rec, rec2], /-U: expected a number, got 'abc'/],
  ];
  for (const [bin, args, msg] of cases) {
    const r = await runBin(bin, args);
    t.equal(r.status, 2, `${bin} ${args.join(' ')}: exit 2`, { stderr: r.stderr });
    t.match(r.stderr, msg, `${bin} ${args.join(' ')}: says what is wrong`);
    t.notMatch(r.stderr, /internal error|\n\s+at /, 'no internal error, no stack trace');
    const closed = await runBin(bin, args, { closedStderr: true });
    t.equal(closed.status, 2, `${bin} ${args.join(' ')}: exit 2 with stderr closed`);
  }
});

t.test('a command that cannot be run is reported as a shell reports it', async (t) => {
  const script = join(dir, 'script');
  writeFileSync(script, 'echo hi\n', { mode: 0o755 });  // executable, no shebang
  const r = record([script]);
  t.equal(r.status, 126, 'exit 126, as sh');
  t.equal(r.stderr, `rift-record: ${script}: Exec format error\n`);
  const calls = syscalls(r.events);
  t.same(calls.map((e) => e.name), ['execve'], 'the failed execve and no call of rift\'s own');
  t.equal(calls[0].errno, 'ENOEXEC');
  t.ok(r.events.some((e) => e.type === 'exit' && e.code === 126), 'the exit is recorded');
  const missing = record([join(dir, 'nope')]);
  t.equal(missing.status, 127, 'not found: 127');
  t.match(missing.stderr, /nope: No such file or directory/);
  const bare = record(['rift-no-such-command']);
  t.equal(bare.status, 127);
  t.match(bare.stderr, /rift-no-such-command: command not found/);
  const denied = record([dir]);
  t.equal(denied.status, 126, 'a directory: 126');
});
