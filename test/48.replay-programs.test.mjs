// Everyday programs recorded plainly (rift-record -o t.ndjson -- PROG), their inputs changed,
// replayed several times in a row: each replay exits as recorded and prints the recorded
// output. An epoll loop over an eventfd, a timerfd, a signalfd, inotify and a child's pipe; node
// with a timer, a child process and fs (libuv's threads, its signal pipe, its epoll); make
// building a C file with gcc (vfork, temporary file names, pipes, ld reading back its output).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, fixture, record, tmp } from './helpers.mjs';

const dir = tmp();
const env = { ...process.env, PWD: dir };

/** rift-replay in a new PID namespace (replay signals its tracees), cwd = dir. */
function replay(file, cmd, timeout = 60000, flags = []) {
  const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), ...flags, file, '--', ...cmd], { encoding: 'utf8', timeout, cwd: dir, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('an epoll loop: eventfd, timerfd, signalfd, inotify, a child\'s pipe', async (t) => {
  const bin = fixture('replay_loop', ['-pthread']);
  const watched = join(dir, 'watched');
  mkdirSync(watched);
  const rec = record([bin, watched], [], { cwd: dir, env });
  t.equal(rec.status, 0, rec.stderr);
  t.match(rec.stdout, /inotify\(\d+\)/);
  t.match(rec.stdout, /signalfd\(128\)/);
  for (let i = 0; i < 3; i++) {
    rmSync(join(watched, 'made-by-worker'), { force: true });
    const r = replay(rec.file, [bin, watched]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the same sources ready in the same waits`);
  }
});

const node = process.execPath;
const nodePrograms = {
  timer: `setTimeout(() => console.log(require('fs').readFileSync('g', 'utf8').trim(), Date.now() % 1000), 30)`,
  child: `console.log(require('child_process').execFileSync('cat', ['g']).toString().trim())`,
  fs: `require('fs').readFile('g', 'utf8', (e, d) => console.log(d.trim(), require('fs').statSync('g').size))`,
};

for (const [name, src] of Object.entries(nodePrograms)) {
  // node's fs: libuv's workers take jobs from a queue in user space, and which one takes a job
  // is a race the recording cannot order (glibc's condition variable: the futex word a waiter
  // sleeps on is decided by atomics). Replay holds each woken futex wait until its recorded
  // wake is made, lets the worker that took another's job take its recorded part, and makes
  // the main thread's read of the eventfd that reports a job done again until the job is done.
  t.test(`node: ${name}`, async (t) => {
    writeFileSync(join(dir, 'g'), `recorded ${name}\n`);
    // as a user runs it: not with the test runner's module loader, which it puts in the
    // NODE_OPTIONS of every process it spawns (an ES module loader reading many files at once
    // in libuv's threads: see the README's limits)
    const cmd = ['env', '-u', 'NODE_OPTIONS', node, '-e', src];
    const rec = record(cmd, [], { cwd: dir, env });
    t.equal(rec.status, 0, rec.stderr);
    writeFileSync(join(dir, 'g'), 'changed since\n');
    const reps = name === 'fs' ? 4 : 2;
    for (let i = 0; i < reps; i++) {
      // (the last fs replay writes its own stream: a read made again is not in it)
      const own = name === 'fs' && i === reps - 1 ? join(dir, 'fs-replayed.ndjson') : undefined;
      const r = replay(rec.file, cmd, 60000, own ? ['-o', own] : []);
      t.equal(r.status, 0, r.stderr);
      t.equal(r.stdout, rec.stdout, `replay ${i + 1}: what node printed when recorded`);
      if (own) {
        // a read of the eventfd made again until the job it reports is done finds EAGAIN
        const eagain = (text) => text.split('\n').filter((l) => l.includes('"name":"read"') && l.includes('"errno":"EAGAIN"')).length;
        t.equal(eagain(readFileSync(own, 'utf8')), eagain(readFileSync(rec.file, 'utf8')), 'its stream has no read made again (EAGAIN) that the recording lacks');
      }
    }
  });
}

t.test('make building a C file with gcc', async (t) => {
  const d = join(dir, 'build');
  mkdirSync(d);
  writeFileSync(join(d, 'hello.c'), '#include <stdio.h>\nint main(void) { printf("hi from gcc\\n"); return 0; }\n');
  writeFileSync(join(d, 'Makefile'), 'hello: hello.c\n\tgcc -O1 -o hello hello.c\n\t./hello\n');
  const rec = record(['make', '-s'], [], { cwd: d, env: { ...env, PWD: d } });
  t.equal(rec.status, 0, rec.stderr);
  // the gcc driver unlinks its temporary files just before it exits: the recording has them
  // (replay would otherwise see calls its recording lacks)
  const driver = rec.events.find((e) => e.type === 'exec' && /gcc(-\d+)?$/.test(e.path))?.pid;
  t.ok(driver, 'the gcc driver was recorded');
  t.ok(rec.events.some((e) => e.type === 'syscall' && e.name === 'unlink' && e.pid === driver), 'with its last calls, the unlinks of its temporary files');
  t.equal(rec.stdout, 'hi from gcc\n');
  const built = readFileSync(join(d, 'hello'));
  for (let i = 0; i < 3; i++) {
    rmSync(join(d, 'hello'));
    writeFileSync(join(d, 'hello.c'), 'this no longer compiles\n');  // the recorded source is read
    const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), rec.file, '--', 'make', '-s'], { encoding: 'utf8', timeout: 60000, cwd: d, env: { ...env, PWD: d } });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the program built and ran`);
    t.ok(existsSync(join(d, 'hello')) && readFileSync(join(d, 'hello')).equals(built), 'the binary is the recorded one, byte for byte');
  }
});
