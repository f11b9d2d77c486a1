// rift-diff on real recordings of real programs: equal runs compare equal despite their noise,
// a changed argument or environment is found, and where.
import t from 'tap';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffFiles } from '@rift/diff';
import { signatureOf, parseArgSpec } from '@rift/events';
import { fixture, record, run, tmp, syscalls, mem } from './helpers.mjs';

const prog = fixture('diff_prog');
const threads = fixture('diff_threads', ['-lpthread']);
const dir = tmp('rift-diff-');
const input = join(dir, 'input.txt');
writeFileSync(input, 'the same input\n');

function rec(cmd, env = {}) {
  const r = record(cmd, [], { env: { ...process.env, ...env } });
  if (r.status !== 0 && r.status !== 3) throw new Error(`record ${cmd.join(' ')}: ${r.status} ${r.stderr}`);
  return r;
}

t.test('two recordings of the same deterministic program: exit 0', async (t) => {
  const a = rec([prog, input]);
  const b = rec([prog, input]);
  // the noise is real: pids, addresses and random bytes differ between the two raw recordings
  t.not(a.events[1].pid, b.events[1].pid, 'pids differ');
  t.not(mem(syscalls(a.events, 'getrandom')[0], 0), mem(syscalls(b.events, 'getrandom')[0], 0), 'getrandom bytes differ');
  const mmapA = syscalls(a.events, 'mmap').at(-1).ret;
  const mmapB = syscalls(b.events, 'mmap').at(-1).ret;
  t.not(mmapA, mmapB, 'mmap addresses differ (ASLR)');
  t.ok(syscalls(a.events, 'openat').some((e) => /^\/proc\/\d+\/status$/.test(mem(e, 1))), 'a /proc/PID path');

  const r = run('rift-diff', [a.file, b.file]);
  t.equal(r.stderr, '');
  t.equal(r.stdout, '', 'nothing printed, like diff(1)');
  t.equal(r.status, 0);
  const res = await diffFiles(a.file, b.file);
  t.equal(res.same, true);
  t.equal(res.summary.alike, a.events.length - 1, 'every event compared and alike');
  t.same([res.summary.onlyA, res.summary.onlyB, res.summary.changed], [0, 0, 0]);

  // each kind of noise is what made them differ: comparing it finds a difference
  for (const field of ['addr', 'pid', 'random']) {
    const raw = await diffFiles(a.file, b.file, { compare: [field] });
    t.equal(raw.same, false, `--compare ${field} sees the noise`);
  }
  t.equal(run('rift-diff', ['--compare', 'addr', a.file, b.file]).status, 1);
});

t.test('everyday programs compare equal with themselves: cat, ls of a fixed dir, sh -c', async (t) => {
  const fixed = join(dir, 'fixed');
  mkdirSync(fixed);
  for (const n of ['a', 'b', 'c']) writeFileSync(join(fixed, n), n);
  for (const cmd of [['cat', input], ['ls', '-l', fixed], ['sh', '-c', `ls ${fixed} >/dev/null; cat ${input}; exit 3`]]) {
    const a = rec(cmd);
    const b = rec(cmd);
    const r = run('rift-diff', [a.file, b.file]);
    t.equal(r.status, 0, `${cmd.join(' ')}: the same`);
    t.equal(r.stdout, '');
  }
});

t.test('another argument: exit 1, the exec and the open of the other file named', async (t) => {
  const other = join(dir, 'other.txt');
  writeFileSync(other, 'the same input\n');
  const a = rec([prog, input]);
  const b = rec([prog, other]);
  const r = run('rift-diff', [a.file, b.file]);
  t.equal(r.status, 1);
  t.match(r.stdout, /^first divergence: thread 1, a seq 1 \(line 2\), b seq 1 \(line 2\): exec changed$/m);
  t.match(r.stdout, /argv: .*input\.txt.* ≠ .*other\.txt/);
  const res = await diffFiles(a.file, b.file);
  t.equal(res.first.kind, 'changed');
  t.equal(res.first.lines.find((l) => l.op === '-').event.type, 'exec');
  // comparing only file access, the first divergence is the openat of the file
  const openat = await diffFiles(a.file, b.file, { syscalls: 'openat,read,write' });
  const minus = openat.first.lines.find((l) => l.op === '-').event;
  t.equal(minus.name, 'openat');
  t.equal(mem(minus, 1), input);
  t.match(openat.first.what.join('\n'), /memory at arg 1: differ at byte \d+.*input.* ≠ .*other/);
  t.equal(openat.summary.changed, 1, 'only the openat: same content read, same bytes written');
});

t.test('another environment: exit 1, the first divergence is the write of the greeting', async (t) => {
  const a = rec([prog, input]);
  const b = rec([prog, input], { DIFF_GREETING: 'bonjour' });
  const res = await diffFiles(a.file, b.file);
  t.equal(res.same, false);
  t.equal(res.first.kind, 'changed');
  const [minus, plus] = res.first.lines.filter((l) => l.op !== ' ');
  t.equal(minus.event.name, 'write');
  t.equal(minus.event.args[0], 1);
  t.equal(mem(minus.event, 1), 'hello: the same input\n');
  t.equal(mem(plus.event, 1), 'bonjour: the same input\n');
  t.same(res.first.what, [
    'arg 2: 22 ≠ 24',
    'memory at arg 1: differ at byte 0 (lengths 22 and 24): "hello: the same input\\n" ≠ "bonjour: the same input\\n"',
    'return: 22 ≠ 24',
  ]);
  t.same(res.summary, { alike: a.events.length - 2, onlyA: 0, onlyB: 0, changed: 1, places: 1, threads: 1 });
  const r = run('rift-diff', [a.file, b.file]);
  t.equal(r.status, 1);
  t.match(r.stdout, /^- write\(1, "hello: the same input\\n", 22\) = 22$/m);
  t.match(r.stdout, /^\+ write\(1, "bonjour: the same input\\n", 24\) = 24$/m);
  t.match(r.stdout, /^summary: \d+ alike, 0 only in a, 0 only in b, 1 changed \(in 1 place, 1 thread\)$/m);
});

t.test('one extra syscall in the middle: exactly one event reported', async (t) => {
  const a = rec([prog, input]);
  const b = rec([prog, input], { DIFF_EXTRA: '1' });
  const res = await diffFiles(a.file, b.file);
  t.same([res.summary.onlyA, res.summary.onlyB, res.summary.changed], [0, 1, 0]);
  t.equal(res.summary.alike, a.events.length - 1, 'everything after it still aligned');
  t.equal(res.first.kind, 'only-b');
  const added = res.first.lines.filter((l) => l.op !== ' ');
  t.equal(added.length, 1);
  t.equal(added[0].op, '+');
  t.equal(added[0].event.name, 'access');
  t.equal(mem(added[0].event, 0), '/etc/hostname');
  t.equal(res.first.lines.filter((l) => l.op === ' ').length, 6, '3 events of context each side');
  // and in reverse it is one event only in a
  const rev = await diffFiles(b.file, a.file);
  t.same([rev.summary.onlyA, rev.summary.onlyB, rev.summary.changed], [1, 0, 0]);
});

t.test('threads: aligned per thread whatever the interleaving', async (t) => {
  const a = rec([threads, '6']);
  const b = rec([threads, '6']);
  const r = run('rift-diff', [a.file, b.file]);
  t.equal(r.status, 0, 'two runs of six threads: the same', { stdout: r.stdout, stderr: r.stderr });
  const c = rec([threads, '6'], { DIFF_ODD: '4' });
  const res = await diffFiles(a.file, c.file);
  t.equal(res.same, false);
  t.equal(res.first.thread, '1.4', 'the fourth thread the main thread spawned');
  t.equal(res.summary.changed, 3, 'its three access calls');
  t.equal(res.summary.threads, 1);
  const minus = res.first.lines.find((l) => l.op === '-');
  t.equal(mem(minus.event, 0), '/tmp/rift-diff-thread-4');
});

t.test('fd numbers: compared by default, mapped by order of appearance with --ignore fd', async (t) => {
  // the same run with every fd from 3 up renumbered (as if an fd had been inherited): derived
  // from a real recording, so the only change is the numbering
  const a = rec(['cat', input]);
  const shifted = join(tmp(), 'shifted.ndjson');
  const lines = readFileSync(a.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  let n = 0;
  for (const e of lines) {
    if (e.type !== 'syscall') continue;
    const sig = signatureOf(e.name);
    if (!sig) continue;
    sig.args.forEach((spec, i) => {
      if (['fd', 'dirfd'].includes(parseArgSpec(spec).type) && e.args[i] >= 3 && e.args[i] < 1000) (e.args[i] += 7), n++;
    });
    if (sig.ret === 'fd' && e.ret >= 3) (e.ret += 7), n++;
  }
  t.ok(n > 4, `${n} fd numbers renumbered`);
  writeFileSync(shifted, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const plain = await diffFiles(a.file, shifted);
  t.equal(plain.same, false);
  t.match(plain.first.what.join('\n'), /return: 3 ≠ 10/);
  const mapped = await diffFiles(a.file, shifted, { ignore: ['fd'] });
  t.equal(mapped.same, true, '--ignore fd: the same');
  t.equal(run('rift-diff', ['--ignore', 'fd', a.file, shifted]).status, 0);
});
