// Entropy and clocks come from the recording: /dev/urandom, getrandom, clock_gettime & co.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { fixture, record, run, PYTHON } from './helpers.mjs';

function replay(trace, cmd, extra = []) {
  return run('rift-replay', [...extra, trace, '--', ...cmd]);
}


t.test('od -An -N8 /dev/urandom prints the recorded bytes', async (t) => {
  const cmd = ['od', '-An', '-N8', '/dev/urandom'];
  const rec = record(cmd);
  t.equal(rec.status, 0);
  t.match(rec.stdout, /^\s+[0-7]{6} [0-7]{6} [0-7]{6} [0-7]{6}\n$/);
  const again = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  t.not(again.stdout, rec.stdout, 'a plain second run reads other bytes');
  const r = replay(rec.file, cmd);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout);
});

t.test('python3 os.urandom (getrandom) replays', async (t) => {
  const cmd = [PYTHON, '-c', 'import os; print(os.urandom(16).hex())'];
  // ASLR off on both sides: python's pointer-hashed sets can reorder its syscalls with the layout
  const rec = record(cmd, ['--no-aslr']);
  t.equal(rec.status, 0, rec.stderr);
  t.ok(rec.events.some((e) => e.type === 'syscall' && e.name === 'getrandom'), 'getrandom recorded');
  const r = replay(rec.file, cmd, ['--no-aslr']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout);
  t.match(r.stdout, /^[0-9a-f]{32}\n$/);
});

t.test('date replays to the recorded time (recorded without the vDSO)', async (t) => {
  const cmd = ['date', '+%s.%N'];
  const rec = record(cmd, ['--no-vdso']);
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.events[0].options.noVdso, true, 'the header says the vDSO was hidden');
  t.ok(rec.events.some((e) => e.type === 'syscall' && e.name === 'clock_gettime'), 'clock_gettime was a real syscall');
  const r = replay(rec.file, cmd);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout, 'nanoseconds and all');
  const now = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' }).stdout;
  t.not(now, rec.stdout, 'the clock has moved on since');
});

t.test('clock_gettime, gettimeofday and time as raw syscalls', async (t) => {
  const bin = fixture('replay_time');
  const rec = record([bin]);
  t.equal(rec.status, 0);
  t.match(rec.stdout, /^clock_gettime \d+\.\d{9}\nmonotonic \d+\.\d{9}\ngettimeofday \d+\.\d{6}\ntime \d+ \d+\n$/);
  const r = replay(rec.file, [bin]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout);
});
