// Threads and forked children: each replayed thread gets its own recorded inputs, matched by
// creation order.
import t from 'tap';
import { writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, run, tmp, parse, procState } from './helpers.mjs';
import { readFileSync } from 'node:fs';

t.test('8 threads, each with its own getrandom and file read', async (t) => {
  const bin = fixture('replay_threads', ['-pthread']);
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'recorded line\n');
  const rec = record([bin, f, '8']);
  t.equal(rec.status, 0);
  t.equal(rec.events.filter((e) => e.type === 'spawn' && e.kind === 'thread').length, 8);
  t.equal(rec.stdout.split('\n').filter((l) => l.endsWith(' recorded line')).length, 8);
  writeFileSync(f, 'changed\n');
  for (let i = 0; i < 3; i++) {
    const out = join(dir, `r${i}.ndjson`);
    const r = run('rift-replay', ['-o', out, rec.file, '--', bin, f, '8']);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `run ${i}: every thread printed its recorded random bytes and line`);
    const ev = parse(readFileSync(out, 'utf8'));
    t.equal(ev.filter((e) => e.type === 'syscall' && e.name === 'getrandom' && e.skipped).length, ev.filter((e) => e.type === 'syscall' && e.name === 'getrandom').length, 'every getrandom was injected');
  }
});

t.test('fork: parent and child each replay their own recording', async (t) => {
  const bin = fixture('replay_fork');
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'fork data\n');
  const rec = record([bin, f]);
  t.equal(rec.status, 0);
  t.match(rec.stdout, /^child: [0-9a-f]{16} fork data\nparent: [0-9a-f]{16} fork data\nchild exit 7\n$/);
  rmSync(f);
  const out = join(dir, 'r.ndjson');
  const r = run('rift-replay', ['-o', out, rec.file, '--', bin, f]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout);
  const ev = parse(readFileSync(out, 'utf8'));
  const pids = new Set(ev.filter((e) => e.pid).map((e) => e.pid));
  t.equal(pids.size, 2, 'two processes replayed');
  for (const p of pids) t.not(procState(p), 'T', `pid ${p} not left stopped`);
});

t.test('threads that allocate (malloc arenas) replay under ASLR', async (t) => {
  // each thread's arena is trimmed by munmaps whose number and lengths follow the address ASLR
  // chose: matched against the recording, they made nearly every replay a desync
  const bin = fixture('replay_arena', ['-pthread']);
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'recorded\n');
  const rec = record([bin, f]);
  t.equal(rec.status, 0);
  const trims = rec.events.filter((e) => e.type === 'syscall' && e.name === 'munmap' && e.tid !== e.pid);
  t.ok(trims.length >= 1, `${trims.length} munmap(s) in the threads`);
  writeFileSync(f, 'changed\n');
  for (let i = 0; i < 3; i++) {
    const r = run('rift-replay', [rec.file, '--', bin, f]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `run ${i}: both threads printed the recorded line`);
  }
});
