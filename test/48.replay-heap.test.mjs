// Replay starts each image's heap where it began when recorded (Replayer.placeHeap): a program
// that prints its heap's start, asks for memory just past the heap's end (read from
// /proc/self/maps, live in replay) and branches on a bit of the heap's address prints the same
// and makes the same calls in every replay, run directly and as the two images of sh's child.
// Without the placement (RIFT_REPLAY_NO_HEAP=1) the heap lands elsewhere: that control shows the
// comparison can fail.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, PYTHON, fixture, record, tmp } from './helpers.mjs';

const dir = tmp();
const bin = fixture('replay_heap');

// (replay's debug log says why a heap was left where it was: its heap lines go with a failure)
const log = join(dir, 'debug.log');
function replay(file, cmd, env = {}) {
  rmSync(log, { force: true });
  const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), file, '--', ...cmd], { encoding: 'utf8', timeout: 60000, cwd: dir, env: { ...process.env, RIFT_REPLAY_DEBUG: log, ...env } });
  const heap = existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => /^\S+ heap /.test(l)) : [];
  return { status: r.status, stdout: r.stdout, stderr: r.stderr + heap.join('\n') };
}

for (const [name, cmd, lines] of [
  ['the program itself', [bin], 1],
  ['sh: a child, then exec', ['sh', '-c', `${bin}; exec ${bin}`], 2],
]) {
  t.test(name, async (t) => {
    const rec = record(cmd, [], { cwd: dir });
    t.equal(rec.status, 0, rec.stderr);
    t.equal(rec.stdout.trim().split('\n').length, lines);
    t.match(rec.stdout, /^heap at 0x[0-9a-f]+, ends at 0x[0-9a-f]+, memory past it (given|elsewhere)$/m);
    for (let i = 0; i < 5; i++) {
      const r = replay(rec.file, cmd);
      t.equal(r.status, 0, r.stderr);
      t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the recorded heap, and the same calls`, { log: r.stderr });
    }
    // the control: ASLR's own place for the heap is another (a 1 in 2^18 chance it is the same)
    const off = replay(rec.file, cmd, { RIFT_REPLAY_NO_HEAP: '1' });
    t.not(off.stdout.split('\n')[0], rec.stdout.split('\n')[0], 'without the placement: another heap');
  });
}

// A recording made with ASLR off (--no-aslr, header options.noAslr) replays with it off: the
// address of memory the program maps (which replay does not place, as it places the heap) is
// the recorded one, printed the same. A recording made with ASLR on does not say so, and its
// replay's mapping lands elsewhere (the control).
t.test('a recording made with --no-aslr replays with ASLR off', async (t) => {
  const cmd = [PYTHON, '-c', 'import mmap, ctypes; m = mmap.mmap(-1, 4096); print(hex(ctypes.addressof(ctypes.c_char.from_buffer(m))))'];
  const rec = record(cmd, ['--no-aslr'], { cwd: dir });
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.events[0].options.noAslr, true, 'the header says ASLR was off');
  for (let i = 0; i < 2; i++) {
    const r = replay(rec.file, cmd);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the recorded address`);
  }
  const on = record(cmd, [], { cwd: dir });
  t.notOk(on.events[0].options.noAslr, 'a default recording does not say so');
  t.not(replay(on.file, cmd).stdout, on.stdout, 'its replay maps elsewhere');
});
