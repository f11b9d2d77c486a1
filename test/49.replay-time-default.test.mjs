// Time from a default recording: the syscall buffer records the time reads the vDSO answers
// (clock_gettime, gettimeofday, time through libc: "vdso": true events, no syscall), rift-trace
// leaves them out as strace does, and rift-replay gives the program its recorded time.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, fixture, record, run, tmp } from './helpers.mjs';

const PROGRAMS = [
  ['date', ['date', '+%s.%N']],
  ['clock_gettime, gettimeofday and time', [fixture('replay_clock')]],
];

t.test('the recorded time comes back, three replays each', async (t) => {
  for (const [name, cmd] of PROGRAMS) {
    if (!cmd) continue;
    const rec = record(cmd);
    t.equal(rec.status, 0, `${name}: recorded`);
    t.notOk(rec.events[0].options.noVdso, 'a default recording (vDSO on)');
    const reads = rec.events.filter((e) => e.vdso);
    t.ok(reads.length > 0, `${name}: its time reads are in the stream, flagged vdso`);
    t.ok(reads.every((e) => e.buffered && ['clock_gettime', 'gettimeofday', 'time'].includes(e.name)), 'time calls, recorded in process');
    spawnSync('sleep', ['1.1']);
    for (let i = 0; i < 3; i++) {
      const r = run('rift-replay', [rec.file, '--', ...cmd]);
      t.equal(r.status, 0, `${name}: replay ${i} exits as recorded`, { stderr: r.stderr });
      t.equal(r.stdout, rec.stdout, `${name}: replay ${i} prints the recorded time`);
      t.notMatch(r.stderr, /not replayed/, 'no note that time is live');
    }
  }
});

t.test('rift-trace shows no vDSO read, as strace', async (t) => {
  const rec = record(['date']);
  const text = spawnSync(BIN('rift-trace'), [rec.file], { encoding: 'utf8' }).stdout;
  t.notMatch(text, /clock_gettime/, 'no clock_gettime line');
  const c = spawnSync(BIN('rift-trace'), ['-c', rec.file], { encoding: 'utf8' }).stdout;
  t.notMatch(c, /clock_gettime/, 'nor in the -c table');
  const s = spawnSync('strace', ['-f', '-o', join(tmp(), 's'), 'date'], { encoding: 'utf8' });
  t.equal(s.status, 0);
});
