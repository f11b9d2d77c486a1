// strace as the oracle: for each program, the per-thread sequence of (syscall, return value)
// that rift records equals what `strace -f` reports. Return values that are addresses or ids
// (different on every run) are compared as placeholders.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, strace, syscalls, tmp } from './helpers.mjs';

const VOLATILE = new Set(['mmap', 'brk', 'mremap', 'set_tid_address', 'getpid', 'gettid', 'getppid', 'clone', 'clone3', 'fork', 'vfork', 'wait4', 'rt_sigreturn']);

// futex calls depend on which thread wins a race (a pthread_join that finds the thread
// already gone makes none), so they are left out of both sides.
const RACY = new Set(['futex']);

function norm(name, ret, errno) {
  if (ret === null) return `${name}=?`;
  if (errno) return `${name}=${errno}`;
  return `${name}=${VOLATILE.has(name) && !String(ret).startsWith('-') ? 'X' : ret}`;
}

/** Per-thread sequences, as a sorted list (thread ids differ between runs). */
function riftSeqs(events) {
  const m = new Map();
  for (const e of syscalls(events)) {
    if (RACY.has(e.name)) continue;
    if (!m.has(e.tid)) m.set(e.tid, []);
    m.get(e.tid).push(norm(e.name, e.ret, e.errno));
  }
  return [...m.values()].map((s) => s.join(' ')).sort();
}

function straceSeqs(perTid) {
  return [...perTid.values()].map((s) => s.filter((c) => !RACY.has(c.name)).map((c) => norm(c.name, c.ret, c.errno)).join(' ')).sort();
}

const dir = tmp();
const file = join(dir, 'data.txt');
writeFileSync(file, 'line one\nline two\n');

const programs = [
  ['cat', file],
  ['ls', '-l', dir],
  ['sh', '-c', `echo hi >/dev/null; cat ${file} >/dev/null; exit 2`],
  // (python3 is left out: where its allocator maps memory relative to other calls varies
  // from run to run under load, so its sequence is not reproducible even under strace alone)
  ['sha256sum', file],
  ['git', '--version'],
  [fixture('record_forkexec')],
  [fixture('record_threads', ['-lpthread']), '3', '4'],
];

for (const cmd of programs) {
  t.test(`rift agrees with strace -f: ${cmd.join(' ').replace(dir, 'DIR').replace(/.*\/test\/\.build\//, '')}`, async (t) => {
    const s = strace(cmd);
    // the ptrace engine alone: with the syscall buffer the loader also loads its library
    // (test 17 compares the buffer's events with these)
    const r = record(cmd, ['--no-syscall-buffer']);
    const a = riftSeqs(r.events);
    const b = straceSeqs(s.perTid);
    t.equal(a.length, b.length, 'same number of threads');
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = (a[i] ?? '').split(' ');
      const y = (b[i] ?? '').split(' ');
      const at = x.findIndex((v, j) => v !== y[j]);
      const where = at < 0 && x.length === y.length ? '' : ` (first difference at call ${at}: rift ${x.slice(at, at + 3).join(' ')} / strace ${y.slice(at, at + 3).join(' ')})`;
      t.equal(where, '', `thread ${i + 1}: same syscalls and return values${where}`);
    }
  });
}
