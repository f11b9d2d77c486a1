// rift-replay on real programs reading files: what they print is what they read when recorded,
// after the file changed and after it was deleted.
import t from 'tap';
import { writeFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { record, run, tmp, PYTHON } from './helpers.mjs';

/** rift-replay TRACE -- cmd; the program's stdout is a pipe, as when it was recorded. */
function replay(trace, cmd, extra = []) {
  return run('rift-replay', [...extra, trace, '--', ...cmd]);
}


t.test('cat: recorded content after the file changed, then after it was deleted', async (t) => {
  const dir = tmp();
  const f = join(dir, 'f.txt');
  writeFileSync(f, 'recorded content\nline two\n');
  const rec = record(['cat', f]);
  t.equal(rec.status, 0);
  t.equal(rec.stdout, 'recorded content\nline two\n');

  writeFileSync(f, 'something else entirely, and longer than before\n');
  const changed = replay(rec.file, ['cat', f]);
  t.equal(changed.status, 0, changed.stderr);
  t.equal(changed.stdout, 'recorded content\nline two\n', 'the recorded bytes, not the new ones');

  rmSync(f);
  const gone = replay(rec.file, ['cat', f]);
  t.equal(gone.status, 0, gone.stderr);
  t.equal(gone.stdout, 'recorded content\nline two\n', 'the recorded bytes although the file is gone');
  t.notMatch(gone.stderr, /desync/);
});

t.test('sha256sum: the recorded digest', async (t) => {
  const dir = tmp();
  const f = join(dir, 'data.bin');
  writeFileSync(f, Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7) & 255)));
  const rec = record(['sha256sum', f]);
  t.equal(rec.status, 0);
  t.match(rec.stdout, /^[0-9a-f]{64} /);
  writeFileSync(f, 'new bytes');
  const r = replay(rec.file, ['sha256sum', f]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout, 'same digest as recorded');
  t.not(r.stdout.slice(0, 64), createHash('sha256').update('new bytes').digest('hex'), 'not the digest of what the file holds now');
});

t.test('python3 reading a file that grew and then vanished', async (t) => {
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'short\n');
  const code = `import sys; d = open(sys.argv[1]).read(); print(len(d), repr(d))`;
  // ASLR off on both sides: python's pointer-hashed sets can reorder its syscalls with the layout
  const rec = record([PYTHON, '-c', code, f], ['--no-aslr']);
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.stdout, "6 'short\\n'\n");
  writeFileSync(f, 'much longer than it was when recorded\n'.repeat(50));
  const r = replay(rec.file, [PYTHON, '-c', code, f], ['--no-aslr']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, rec.stdout, 'python saw the recorded size and bytes');
  rmSync(f);
  const r2 = replay(rec.file, [PYTHON, '-c', code, f], ['--no-aslr']);
  t.equal(r2.status, 0, r2.stderr);
  t.equal(r2.stdout, rec.stdout);
});

t.test('a shell pipeline: the reader of a pipe made in the replay waits for its writer', async (t) => {
  // Injected at once, wc's reads could end it before cat wrote, and cat would die of SIGPIPE
  // (a desync, about one run in two). Reads from a pipe the replay made run for real and then
  // get the recorded result; sh's SIGCHLD handler returns (rt_sigreturn) wherever it lands.
  const dir = tmp();
  const f = join(dir, 'lines.txt');
  writeFileSync(f, 'a\nb\nc\n');
  const cmd = ['sh', '-c', `cat ${f} | wc -l`];
  const rec = record(cmd, ['--no-vdso']);
  t.equal(rec.stdout.trim(), '3');
  writeFileSync(f, 'only one line now\n');
  for (let i = 0; i < 6; i++) {
    const r = replay(rec.file, cmd);
    t.equal(r.status, 0, `run ${i + 1}: ${r.stderr}`);
    t.equal(r.stdout.trim(), '3', `run ${i + 1}: the recorded count`);
  }
});
