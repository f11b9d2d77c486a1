// rift-filter: selections, process and outcome filters, a valid stream v1 out.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { BIN, parse, record, run } from './helpers.mjs';

const rec = record(['/bin/sh', '-c', 'cat /etc/hostname /nonexistent > /dev/null 2>&1; true']);
const sys = rec.events.filter((e) => e.type === 'syscall');
const filter = (...a) => run('rift-filter', [...a, rec.file]);

t.test('names, classes, regex, negation; header and life-cycle kept', async (t) => {
  const out = parse(filter('read,openat').stdout);
  t.equal(out[0].type, 'header');
  t.same(out.filter((e) => e.type === 'syscall'), sys.filter((e) => e.name === 'read' || e.name === 'openat'));
  t.same(out.filter((e) => e.type !== 'syscall' && e.type !== 'header'), rec.events.filter((e) => e.type !== 'syscall' && e.type !== 'header'));
  const file = parse(filter('%memory').stdout).filter((e) => e.type === 'syscall');
  t.same([...new Set(file.map((e) => e.name))].sort(), [...new Set(sys.filter((e) => ['mmap', 'munmap', 'mprotect', 'brk'].includes(e.name)).map((e) => e.name))].sort());
  const re = parse(filter('/^(new)?fstat/').stdout).filter((e) => e.type === 'syscall');
  t.ok(re.length > 0 && re.every((e) => /^(new)?fstat/.test(e.name)));
  const neg = parse(filter('!%memory,!close').stdout).filter((e) => e.type === 'syscall');
  t.equal(neg.length, sys.filter((e) => !['mmap', 'munmap', 'mprotect', 'brk', 'mremap', 'madvise', 'close'].includes(e.name)).length);
  const only = parse(filter('--syscalls-only', 'close').stdout);
  t.same(only.map((e) => e.type).filter((x, i, a) => a.indexOf(x) === i), ['header', 'syscall', 'end']);
});

t.test('--pid, --tid, --failed, --successful, --min-dur', async (t) => {
  const child = sys.find((e) => e.name === 'execve' && e.pid !== sys[0].pid)?.pid ?? sys[sys.length - 1].pid;
  const p = parse(filter('--pid', String(child)).stdout).filter((e) => e.type !== 'header' && e.type !== 'end');
  t.ok(p.length > 0 && p.every((e) => e.pid === child));
  const f = parse(filter('--failed').stdout).filter((e) => e.type === 'syscall');
  t.same(f, sys.filter((e) => e.errno));
  const ok = parse(filter('--successful').stdout).filter((e) => e.type === 'syscall');
  t.same(ok, sys.filter((e) => !e.errno && e.ret !== null));
  const slow = parse(filter('--min-dur', '100us').stdout).filter((e) => e.type === 'syscall');
  t.same(slow, sys.filter((e) => e.dur !== null && e.dur >= 100000));
  t.match(filter('--min-dur', 'soon'), { status: 2, stderr: /^rift-filter: --min-dur: expected a duration/ });
});

t.test('unknown names are an error with a suggestion; output feeds rift-trace', async (t) => {
  t.match(filter('opnat'), { status: 2, stdout: '', stderr: "rift-filter: unknown syscall 'opnat' (did you mean 'openat'?)\n" });
  t.match(filter('%fiel'), { status: 2, stderr: /did you mean '%file'/ });
  const piped = spawnSync('sh', ['-c', `"${BIN('rift-filter')}" openat "${rec.file}" | "${BIN('rift-trace')}" -`], { encoding: 'utf8' });
  t.equal(piped.status, 0, piped.stderr);
  t.match(piped.stdout, /openat\(AT_FDCWD, "\/nonexistent", O_RDONLY\) = -1 ENOENT/);
  t.notMatch(piped.stdout, /(^|\] )close\(/m);
});
