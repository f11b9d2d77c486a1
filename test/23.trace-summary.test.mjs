// -c: the summary table has strace -c's layout, and its calls and errors equal strace -c's on the
// same program (times differ by nature: two runs).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, record, run, tmp } from './helpers.mjs';

/** rows of a strace -c table by fixed columns: { name: { calls, errors } } */
function table(text) {
  const rows = {};
  const lines = text.split('\n');
  t.equal(lines[0], '% time     seconds  usecs/call     calls    errors syscall');
  for (const l of lines.slice(2)) {
    if (!l || l.startsWith('---')) continue;
    rows[l.slice(51)] = { calls: Number(l.slice(31, 40)), errors: Number(l.slice(41, 50).trim() || 0) };
  }
  return rows;
}

const CMD = ['/bin/sh', '-c', 'ls /etc > /dev/null; cat /nonexistent 2>/dev/null; echo x | wc -c > /dev/null; true'];

t.test('calls and errors equal strace -c -f on a shell pipeline', async (t) => {
  const dir = tmp();
  const s = join(dir, 's.txt');
  spawnSync('strace', ['-f', '-c', '-o', s, '--', ...CMD]);
  const r = join(dir, 'r.txt');
  const rr = spawnSync(BIN('rift-trace'), ['-c', '-o', r, '--', ...CMD], { encoding: 'utf8' });
  t.equal(rr.status, 0);
  const want = table(readFileSync(s, 'utf8'));
  const got = table(readFileSync(r, 'utf8'));
  t.ok(Object.keys(want).length > 20, `${Object.keys(want).length} rows`);
  // Two runs: when sh's SIGCHLD arrives depends on scheduling. Its handler's rt_sigreturn is
  // compared by presence only, and a call it interrupts (clone, wait4, read, ...) is restarted
  // by the kernel, which strace and rift both count as one more call with an error. So every
  // row's successful calls must be equal, and its errors too, except that calls the signal can
  // interrupt may have more or fewer failed (restarted) attempts in one run than the other.
  const interruptible = new Set(['clone', 'clone3', 'fork', 'vfork', 'wait4', 'read', 'write', 'pselect6', 'ppoll', 'rt_sigsuspend']);
  const norm = (rows) => {
    const out = {};
    for (const [name, { calls, errors }] of Object.entries(rows)) {
      if (name === 'total') continue;
      out[name] = name === 'rt_sigreturn' ? 'present'
        : interruptible.has(name) ? { succeeded: calls - errors } : { succeeded: calls - errors, errors };
    }
    return out;
  };
  t.ok(want.total && got.total, 'a total row on both');
  t.same(norm(got), norm(want));
});

t.test('-S sorts, --json gives the same numbers, percentages add up', async (t) => {
  const rec = record(['/bin/sh', '-c', 'ls / > /dev/null; cat /nonexistent 2>/dev/null; true']);
  const byCalls = run('rift-trace', ['-c', '-S', 'calls', rec.file]).stdout;
  const rows = byCalls.split('\n').slice(2).filter((l) => l && !l.startsWith('---') && !l.endsWith(' total'));
  const calls = rows.map((l) => Number(l.slice(31, 40)));
  t.same(calls, [...calls].sort((a, b) => b - a), 'sorted by calls');
  const byName = run('rift-trace', ['-c', '-S', 'name', rec.file]).stdout.split('\n').slice(2)
    .filter((l) => l && !l.startsWith('---') && !l.endsWith(' total')).map((l) => l.slice(51));
  t.same(byName, [...byName].sort(), 'sorted by name');
  const j = JSON.parse(run('rift-trace', ['-c', '--json', rec.file]).stdout);
  const syscalls = rec.events.filter((e) => e.type === 'syscall' && e.ret !== null);
  t.equal(j.total.calls, syscalls.length, 'total calls = syscalls that returned');
  t.equal(j.total.errors, syscalls.filter((e) => e.errno && e.name !== 'rt_sigreturn').length, 'total errors (rt_sigreturn never counts, as in strace)');
  t.ok(Math.abs(j.syscalls.reduce((s, r) => s + r.percent, 0) - 100) < 0.01, 'percent sums to 100');
  const open = j.syscalls.find((r) => r.name === 'openat');
  t.equal(open.calls, syscalls.filter((e) => e.name === 'openat').length);
  t.equal(open.seconds, syscalls.filter((e) => e.name === 'openat').reduce((s, e) => s + e.dur, 0) / 1e9);
  t.match(run('rift-trace', ['-c', '-S', 'bogus', rec.file]), { status: 2, stderr: /rift-trace: .*bogus/ });
  t.match(run('rift-trace', ['--json', rec.file]), { status: 2, stderr: /^rift-trace: --json goes with -c\n/ });
  const both = run('rift-trace', ['-C', rec.file]).stdout;
  t.match(both, /^execve\(.*\n[^]*\n% time     seconds/, '-C: calls then the table');
});
