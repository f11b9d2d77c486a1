// -e: record only some syscalls. Launched commands get a seccomp-bpf prefilter; the stream
// holds just those syscalls (plus life-cycle events), still numbered without gaps.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, syscalls, mem, tmp } from './helpers.mjs';

t.test('-e openat,read with cat: only those, with their data', async (t) => {
  const f = join(tmp(), 'f.txt');
  writeFileSync(f, 'filtered\n');
  const r = record(['cat', f], ['-e', 'openat,read']);
  t.equal(r.status, 0);
  const names = new Set(syscalls(r.events).map((e) => e.name));
  t.same([...names].sort(), ['openat', 'read']);
  const open = syscalls(r.events, 'openat').find((e) => mem(e, 1) === f);
  t.ok(open, 'openat of the file');
  t.ok(syscalls(r.events, 'read').some((e) => mem(e, 1, 'exit') === 'filtered\n'), 'its content');
  t.ok(r.events.some((e) => e.type === 'exec') && r.events.some((e) => e.type === 'exit'), 'life-cycle events kept');
  const seqs = r.events.slice(1).map((e) => e.seq);
  t.same(seqs, seqs.map((_, i) => i + 1));
  t.equal(r.events[0].options.filter, 'openat,read');
});

t.test('classes, negation and regular expressions', async (t) => {
  const r = record([fixture('record_known'), '/etc/hostname', '/etc/hostname'], ['-e', '%file,!openat,/^get/']);
  const names = new Set(syscalls(r.events).map((e) => e.name));
  t.notOk(names.has('openat'), '!openat removes it from %file');
  t.ok(names.has('getpid'), '/^get/ adds getpid');
  t.notOk(names.has('read'), 'read is in neither');
  t.ok(names.has('execve'), '%file keeps execve');
});

t.test('the prefilter lets other syscalls run without stopping', async (t) => {
  // 20000 getppid calls, none selected: the stream has no syscall events at all
  const r = record([fixture('record_many'), '20000'], ['-e', 'chdir']);
  t.equal(r.status, 0);
  t.equal(syscalls(r.events).length, 0);
  t.equal(r.events.at(-1).type, 'end');
});
