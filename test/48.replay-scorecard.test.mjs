// Issue 18's scorecard: everyday programs recorded as a new user records them (rift-record -o
// t.ndjson -- PROG, no flags), their inputs changed, replayed three times in a row, each replay
// in its own PID namespace: every replay must exit as recorded and print the recorded output.
// The other programs are tested where their mechanisms are, in the same way:
//   bash running commands, sh loops              test/48.replay-signals.test.mjs
//   python3 with four threads                    test/48.replay-threads-order.test.mjs
//   node with a timer, a child, fs; make + gcc   test/48.replay-programs.test.mjs
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, PYTHON, record, tmp } from './helpers.mjs';

const dir = tmp();
const env = { ...process.env, PWD: dir, LC_ALL: 'C', TZ: 'UTC' };
const sh = (cmd, cwd = dir) => {
  const r = spawnSync('sh', ['-c', cmd], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return r.stdout;
};

function replayNs(file, cmd, cwd) {
  const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), file, '--', ...cmd], { encoding: 'utf8', timeout: 60000, cwd, env: { ...env, PWD: cwd } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The scorecard's rule for one program: `setup` prepares its inputs, `change` changes them
 * after the recording (so that a run for real would print something else: checked).
 */
function scorecard(name, { cmd, cwd = dir, setup, change, check }) {
  t.test(name, async (t) => {
    setup?.();
    const rec = record(cmd, [], { cwd, env: { ...env, PWD: cwd } });
    t.equal(rec.status, 0, `recorded: ${rec.stderr}`);
    t.notOk(rec.events[0].options.noVdso, 'a default recording');
    check?.(t, rec);
    change();
    const live = spawnSync(cmd[0], cmd.slice(1), { cwd, env, encoding: 'utf8' });
    t.not(live.stdout, rec.stdout, 'run for real now, it prints something else');
    for (let i = 0; i < 3; i++) {
      const r = replayNs(rec.file, cmd, cwd);
      t.equal(r.status, rec.events.at(-1).exitCode ?? 0, `replay ${i + 1} exits as recorded: ${r.stderr}`);
      t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the recorded output`);
    }
  });
}

scorecard('date +%s%N', {
  cmd: ['date', '+%s%N'],
  change: () => spawnSync('sleep', ['0.05']),  // the input is the clock
});

scorecard("python3: time.time() and uuid.uuid4()", {
  cmd: [PYTHON, '-c', 'import time, uuid; print(time.time(), uuid.uuid4())'],
  change: () => {},  // the clock and the random bytes change by themselves
});

const words = (n, seed) => Array.from({ length: n }, (_, i) => `w${(i * seed) % 17}`).join('\n') + '\n';

scorecard('a shell pipeline: cat | tr | sort | uniq -c | head', {
  cmd: ['sh', '-c', 'cat words | tr a-z A-Z | sort | uniq -c | sort -rn | head -3'],
  setup: () => writeFileSync(join(dir, 'words'), words(200, 7)),
  change: () => writeFileSync(join(dir, 'words'), words(50, 3)),
});

scorecard('sort', {
  cmd: ['sort', 'words2'],
  setup: () => writeFileSync(join(dir, 'words2'), words(100, 5)),
  change: () => writeFileSync(join(dir, 'words2'), 'z\ny\nx\n'),
});

scorecard('sqlite3 on a file', {
  cmd: ['sqlite3', 'db.sqlite', 'select count(*), sum(v) from t;'],
  setup: () => sh(`sqlite3 db.sqlite 'create table t(v integer); insert into t values (1), (2), (3);'`),
  change: () => sh(`sqlite3 db.sqlite 'insert into t values (40), (50);'`),
});

const repo = join(dir, 'repo');
const git = (args) => sh(`git -c user.name=t -c user.email=t@t ${args}`, repo);
scorecard('git log after a new commit', {
  cmd: ['git', 'log', '--format=%s %an'],
  cwd: repo,
  setup: () => {
    mkdirSync(repo);
    git('init -q');
    writeFileSync(join(repo, 'a'), '1\n');
    git('add a');
    git('commit -q -m first');
    writeFileSync(join(repo, 'a'), '2\n');
    git('commit -q -am second');
  },
  change: () => {
    writeFileSync(join(repo, 'a'), '3\n');
    git('commit -q -am third');
  },
});

const tree = join(dir, 'tree');
scorecard('tar | gzip', {
  cmd: ['sh', '-c', 'tar cf - tree | gzip -c | wc -c; tar cf - tree | tar tf - | sort'],
  setup: () => {
    mkdirSync(tree);
    for (let i = 0; i < 5; i++) writeFileSync(join(tree, `f${i}`), words(300, i + 2));
  },
  change: () => {
    writeFileSync(join(tree, 'new'), 'x'.repeat(5000));
    writeFileSync(join(tree, 'f0'), 'short\n');
  },
});

// The main thread joins four threads that sleep now and then, then prints the time: when
// recorded it waited for the GIL after the join (a futex wait, monotonic clock reads around
// it), replayed it may not, and its time.time() must still be its own recorded read, not the
// last one another thread made.
scorecard('python3: four threads, then time.time()', {
  cmd: [PYTHON, '-c', `
import threading, time
out = []
def work(n):
    s = 0
    for i in range(20000):
        s += i * n
        if i % 5000 == 0: time.sleep(0.001)
    out.append((n, s))
ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
[t.start() for t in ts]; [t.join() for t in ts]
print(sorted(out), time.time())`],
  change: () => {},  // the clock changes by itself
});

// asyncio running a child: a watcher thread waits for it (wait4), queues the exit callback for
// the event loop, then wakes the loop through its self-pipe; the loop's thread polls
// (epoll_wait) meanwhile. Replayed, each thread's return from those waits comes at its
// recorded turn: the loop must not run on past a poll that, when recorded, returned after the
// watcher had queued the callback (it then missed the callback and made other calls).
scorecard("python3 asyncio: a child's output, then a sleep", {
  cmd: [PYTHON, '-c', `
import asyncio, time
async def main():
    p = await asyncio.create_subprocess_exec("cat", "lines", stdout=asyncio.subprocess.PIPE)
    out, _ = await p.communicate()
    await asyncio.sleep(0.05)
    print(out.decode().split(), p.returncode, time.time())
asyncio.run(main())`],
  setup: () => writeFileSync(join(dir, 'lines'), 'one\ntwo\n'),
  change: () => writeFileSync(join(dir, 'lines'), 'changed\n'),
});

// A script that changes the file tree: replayed where it was recorded, the tree is as the
// recording left it (build made, old removed). mkdir and unlink give the program their
// recorded result, not EEXIST or ENOENT: mkdir -p then goes the way it went.
const work = join(dir, 'work');
scorecard('mkdir -p, cp, rm: the tree as the recording left it', {
  cmd: ['sh', '-c', 'mkdir -p build && cp words3 build/ && rm old && wc -l build/words3'],
  cwd: work,
  setup: () => {
    mkdirSync(work);
    writeFileSync(join(work, 'words3'), words(20, 3));
    writeFileSync(join(work, 'old'), 'x\n');
  },
  change: () => writeFileSync(join(work, 'words3'), words(5, 2)),
});
