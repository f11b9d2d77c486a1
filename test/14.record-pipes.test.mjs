// Backpressure and closed pipes: a slow reader loses nothing; `| head -1` ends quietly.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fixture, tmp, BIN, ROOT } from './helpers.mjs';

t.test('a slow reader downstream: no event lost', async (t) => {
  const n = 20000;
  // the reader sleeps 20 ms per 64 KiB read: far slower than the tracer
  const reader = join(ROOT, 'test', 'fixtures', 'slow_reader.mjs');
  const r = spawnSync('sh', ['-c', `"${BIN('rift-record')}" -- "${fixture('record_many')}" ${n} | node "${reader}" 20`], {
    encoding: 'utf8',
    timeout: 120000,
  });
  t.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split('\n').at(-1));
  t.equal(res.calls, n, `all ${n} getppid calls arrived`);
  t.equal(res.gaps, 0, 'seq has no gap');
  t.equal(res.lines, res.last + 1, 'header + every event');
});

for (const [how, args] of [['to stdout', []], ['-o /dev/stdout (written with write(2), not a stream)', ['-o', '/dev/stdout']]]) {
  t.test(`rift-record ${how} | head -1 ends quietly and leaves no process behind`, async (t) => {
    const marker = join(tmp(), 'beat-marker');
    const r = spawnSync('sh', ['-c', `"${BIN('rift-record')}" ${args.join(' ')} -- "${fixture('record_loop')}" "${marker}" | head -1; echo "status=\${PIPESTATUS:-done}"`], {
      encoding: 'utf8',
      timeout: 30000,
    });
    t.equal(r.signal, null, 'the pipeline finished');
    t.match(r.stdout, /^\{"type":"header"/);
    t.equal(r.stderr, '', 'no error message, no stack trace');
    const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' });
    t.equal(left.stdout.trim(), '', 'the traced loop is gone');
  });
}
