// Ctrl-C (SIGINT), SIGTERM and SIGHUP during rift-replay: exit 128+signal with a one-line note,
// not a desync report (exit 3) or a stack trace; the replayed program is killed, never left
// stopped or running. Signals are only ever sent inside a private PID namespace (unshare -pf),
// where a canary `sleep 60` beside rift-replay must survive them.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, record, tmp } from './helpers.mjs';

const dir = tmp();
writeFileSync(join(dir, 'f'), 'some bytes\n');
// a busy program (many processes, a call stopped at every moment) and one that waits in a
// syscall that runs for real (clock_nanosleep)
const BUSY = ['sh', '-c', 'i=0; while [ $i -lt 400 ]; do cat f; i=$((i+1)); done'];
const SLEEPY = ['sh', '-c', 'cat f; sleep 4; cat f'];
const recs = {};
for (const [k, cmd] of [['busy', BUSY], ['sleepy', SLEEPY]]) {
  recs[k] = record(cmd, ['--no-vdso'], { cwd: dir, env: { ...process.env, PWD: dir } });  // sh checks $PWD
  if (recs[k].status !== 0) throw new Error(`recording ${k} failed: ${recs[k].stderr}`);
}

const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * In a new PID namespace: a canary, then rift-replay of `which` in the background; once the
 * replayed shell runs (and a moment more), the signals are sent to rift-replay alone (`group`:
 * to its process group, made by setsid, which the replayed program is in too). Prints
 * rc=, the canary's state, and every process left in the namespace.
 */
function interrupt(which, cmd, signals, group = false) {
  const script = `
cd ${q(dir)}
sleep 60 & canary=$!
${group ? 'setsid ' : ''}${q(BIN('rift-replay'))} ${q(recs[which].file)} -- ${cmd.map(q).join(' ')} >out.${which} 2>err.${which} </dev/null &
rp=$!
# the replayed shell is the only process whose command line starts so (rift-replay's starts with node)
n=0; until pgrep -f ${q(`^${cmd[0]} -c ${cmd[2].slice(0, 4)}`)} >/dev/null; do n=$((n+1)); [ $n -gt 500 ] && { echo never-started; break; }; sleep 0.02; done
sleep 0.4
for s in ${signals.join(' ')}; do kill -$s ${group ? '-' : ''}$rp; sleep 0.02; done
wait $rp; echo rc=$?
kill -0 $canary 2>/dev/null && echo canary=alive
sleep 0.2
echo left:
ps -eo pid=,stat=,args= | grep -v -e ' ps -eo' -e ' grep ' -e 'sh -c$' || true
kill $canary
`;
  const r = spawnSync('unshare', ['-pf', '--mount-proc', 'sh', '-c', script], { encoding: 'utf8', timeout: 30000 });
  const err = spawnSync('cat', [join(dir, `err.${which}`)], { encoding: 'utf8' }).stdout;
  return { out: r.stdout, err, status: r.status, stderr: r.stderr };
}

function check(t, r, sig, code, how = 'stopped') {
  t.notMatch(r.out, /never-started/, 'the replayed program started');
  t.match(r.out, new RegExp(`^rc=${code}$`, 'm'), `exit ${code}\n${r.out}\n${r.err}`);
  const lines = r.err.split('\n').filter(Boolean);
  const notes = lines.filter((l) => l.startsWith('rift-replay: interrupted'));
  t.equal(notes.length, 1, 'one note');
  t.match(notes[0] ?? '', new RegExp(`^rift-replay: interrupted \\(${sig}\\); the program was ${how} at event \\d+ \\(.*t\\.ndjson:\\d+\\) of \\d+$`));
  t.equal(lines.length, 1, `nothing else on stderr: ${r.err}`);
  t.notMatch(r.err, /desync|internal error|\n\s+at /, 'no desync report, no stack trace');
  t.match(r.out, /^canary=alive$/m, 'the canary beside rift-replay is alive');
  const left = r.out.slice(r.out.indexOf('left:\n') + 6).split('\n').filter(Boolean);
  // what may remain: the namespace's shell and the canary
  const others = left.filter((l) => !/ sleep 60$/.test(l) && !/^\s*1 /.test(l));
  t.same(others, [], 'nothing of the replayed program is left, running or stopped');
  t.ok(left.some((l) => / sleep 60$/.test(l)), 'the canary is listed');
}

t.test('SIGINT (stdin not a terminal: the first one stops it): exit 130', async (t) => {
  check(t, interrupt('busy', BUSY, ['INT']), 'SIGINT', 130);
});

t.test('SIGINT twice while the program sleeps: exit 130, one note', async (t) => {
  check(t, interrupt('sleepy', SLEEPY, ['INT', 'INT']), 'SIGINT', 130);
});

t.test('SIGTERM: exit 143', async (t) => {
  check(t, interrupt('busy', BUSY, ['TERM']), 'SIGTERM', 143);
});

t.test('SIGHUP while the program sleeps: exit 129', async (t) => {
  check(t, interrupt('sleepy', SLEEPY, ['HUP']), 'SIGHUP', 129);
});

t.test('not interrupted, the same replays run to their end', async (t) => {
  for (const [k, cmd] of [['busy', BUSY], ['sleepy', SLEEPY]]) {
    const r = spawnSync(BIN('rift-replay'), [recs[k].file, '--', ...cmd], { cwd: dir, env: { ...process.env, PWD: dir }, encoding: 'utf8', timeout: 30000 });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, recs[k].stdout, `${k}: what it printed when recorded`);
    t.notMatch(r.stderr, /interrupted/);
  }
});

t.test('SIGHUP to the whole process group (a hang-up): the program may die of it first; exit 129 all the same', async (t) => {
  check(t, interrupt('sleepy', SLEEPY, ['HUP'], true), 'SIGHUP', 129, '(stopped|ended by it)');
});
