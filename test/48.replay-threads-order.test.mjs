// Threads take turns as recorded: a thread whose next call began later, when recorded, than
// another thread's next call waits for it. Reads of a pipe three threads share get the bytes
// they got; Python's threads (the real binary) hand the GIL over where they did.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { BIN, fixture, record, run, tmp } from './helpers.mjs';

const dir = tmp();

t.test('three threads reading one pipe get the bytes they got when recorded', async (t) => {
  const bin = fixture('replay_turns', ['-pthread']);
  const rec = record([bin, 'pipe']);
  t.equal(rec.status, 0, rec.stderr);
  t.match(rec.stdout, /^reader 0:.*\nreader 1:.*\nreader 2:.*\n$/);
  for (let i = 0; i < 3; i++) {
    const r = run('rift-replay', [rec.file, '--', bin, 'pipe']);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}: each reader got its recorded bytes`);
  }
});

// A pool on a condition variable: futex waits held until their recorded wake is made, workers
// that take each other's jobs, threads parked at their calls; a replay that hangs (every thread
// parked or asleep, the engine waiting for a stop) fails here by its timeout.
t.test('a pool of three workers on a condition variable', async (t) => {
  const bin = fixture('replay_pool', ['-pthread']);
  for (let k = 0; k < 3; k++) {
    const rec = record([bin]);
    t.equal(rec.status, 0, rec.stderr);
    t.match(rec.stdout, /^total \d+\n$/);
    t.not(execFileSync(bin, { encoding: 'utf8' }), rec.stdout, 'run for real, it prints another total');
    for (let i = 0; i < 3; i++) {
      // (in its own PID namespace: replay signals its tracees)
      const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), rec.file, '--', bin], { encoding: 'utf8', timeout: 30000 });
      t.equal(r.status, 0, r.stderr);
      t.equal(r.stdout, rec.stdout, `recording ${k + 1}, replay ${i + 1}: every read got its recorded byte`);
    }
  }
});

// the real binary, not pyenv's shim (a bash script that runs it)
let python;
try {
  python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
} catch {
  python = undefined;
}

t.test('python3 with four threads', { skip: !python && 'no python3' }, async (t) => {
  const script = join(dir, 'thr.py');
  writeFileSync(
    script,
    `import threading, hashlib, time
out = {}
def work(i):
    h = hashlib.sha256()
    for k in range(20000):
        h.update(str(k * i).encode())
    out[i] = (h.hexdigest()[:12], time.monotonic() > 0)
ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
for i in sorted(out): print(i, *out[i])
print(len(open(${JSON.stringify(join(dir, 'in.txt'))}).read()))
`,
  );
  writeFileSync(join(dir, 'in.txt'), 'recorded\n');
  const rec = record([python, script]);
  t.equal(rec.status, 0, rec.stderr);
  t.ok(rec.events.filter((e) => e.type === 'spawn' && e.kind === 'thread').length >= 4, 'four threads');
  writeFileSync(join(dir, 'in.txt'), 'something else entirely\n');
  for (let i = 0; i < 3; i++) {
    const r = run('rift-replay', [rec.file, '--', python, script]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}`);
  }
});

t.test('threads taking a lock without a call (a race in user space) are not ordered', async (t) => {
  // the order of a mutex taken without contention is not in the recording: turns order calls.
  // Replay runs to its end; the order printed may differ (a limit, said in the README).
  const bin = fixture('replay_turns', ['-pthread']);
  const rec = record([bin, 'lock']);
  t.equal(rec.status, 0, rec.stderr);
  const r = run('rift-replay', [rec.file, '--', bin, 'lock']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /^[abcd]{100}\n$/);
});
