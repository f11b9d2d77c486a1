// rift-record pins a launched program to the tracer's CPU (a ptrace stop costs about twice as
// much across CPUs), but the program must not see it: `nproc`, python's os.sched_getaffinity and
// node's availableParallelism print what they print untraced, in every engine mode, and the
// stream holds what the program saw. A CPU set the program chose itself is its own; a mask the
// user gave rift-record (taskset) is what the program sees.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { BIN, record } from './helpers.mjs';

const untraced = (cmd, prefix = []) => execFileSync(prefix[0] ?? cmd[0], [...prefix.slice(1), ...(prefix.length ? cmd : cmd.slice(1))], { encoding: 'utf8' });
const multi = availableParallelism() > 1;

t.test('nproc prints what it prints untraced', { skip: !multi && 'one CPU: nothing is pinned' }, async (t) => {
  const want = untraced(['nproc']);
  for (const extra of [[], ['--no-syscall-buffer'], ['-e', 'sched_getaffinity'], ['--cpu', '0']]) {
    const r = record(['nproc'], extra);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, want, `rift-record ${extra.join(' ')}`);
    const calls = r.events.filter((e) => e.type === 'syscall' && e.name === 'sched_getaffinity' && e.ret > 0);
    t.ok(calls.length, 'the call is in the stream');
    // the stream's mask is the one the program saw: a byte per 8 CPUs, all CPUs of the machine
    const bits = [...Buffer.from(calls[0].mem[0].data, calls[0].mem[0].enc === 'hex' ? 'hex' : 'latin1')].reduce((n, b) => n + b.toString(2).split('1').length - 1, 0);
    t.equal(String(bits), want.trim(), 'the recorded mask has the CPUs nproc counted');
  }
});


t.test("the program's own affinity is its own, in its threads and children", { skip: !multi && 'one CPU' }, async (t) => {
  const py = `import os, threading
print(sorted(os.sched_getaffinity(0)))
os.sched_setaffinity(0, {1})
print(sorted(os.sched_getaffinity(0)))
out = []
th = threading.Thread(target=lambda: out.append(sorted(os.sched_getaffinity(0))))
th.start(); th.join(); print(out[0])
os.system('nproc')`;
  const want = untraced(['python3', '-c', py]);
  for (let i = 0; i < 3; i++) {
    const r = record(['python3', '-c', py]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, want, `run ${i + 1}: the same lines as untraced`);
  }
});

t.test('node sees every CPU', { skip: !multi && 'one CPU' }, async (t) => {
  const js = 'console.log(require("os").availableParallelism())';
  const r = record(['node', '-e', js]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, untraced(['node', '-e', js]));
});

t.test('a mask the user gave rift-record is what the program sees', { skip: !multi && 'one CPU' }, async (t) => {
  const r = spawnSync('taskset', ['-c', '0', BIN('rift-record'), '-o', '/dev/null', '--', 'nproc'], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, '1\n', 'rift-record under taskset -c 0');
  const inside = record(['taskset', '-c', '0', 'nproc']);
  t.equal(inside.stdout, '1\n', 'taskset inside the recording: its own CPU set');
});
