// Signals sent to the bins reach only what they launched. rift-record once passed SIGTERM,
// SIGHUP and a non-terminal SIGINT on with process.kill(t.pid) while t.pid was -1: kill(-1)
// signals every process the user may signal (as root, the machine). Each case runs inside a
// private PID namespace (unshare -pf), beside a canary process that must outlive it, so a
// wrong pid cannot reach this machine's processes.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tmp } from './helpers.mjs';

const canUnshare = spawnSync('unshare', ['-pf', '--mount-proc', 'true']).status === 0;

/**
 * Runs `bin args` in a fresh PID namespace with stdin from /dev/null (not a terminal), waits
 * until its traced `sleep 31` runs, sends it `signals` (a second one 300 ms after the first),
 * and reports the bin's exit status, its stderr, whether the canary (`sleep 61`, started
 * first) is alive and whether any `sleep 31` is left.
 */
function inNamespace(bin, args, signals, dir) {
  const script = join(dir, `case-${signals.join('-')}.sh`);
  writeFileSync(
    script,
    `set -u
sleep 61 & canary=$!
"$@" </dev/null 2>"${dir}/stderr" & bin=$!
i=0
until pgrep -f '^sleep 31' >/dev/null; do
  i=$((i+1)); [ $i -gt 300 ] && { echo "never started"; break; }
  sleep 0.02
done
sleep 0.2
for s in ${signals.join(' ')}; do kill -$s $bin; sleep 0.3; done
wait $bin; echo "status=$?"
sleep 0.1
kill -0 $canary 2>/dev/null && echo canary=alive || echo canary=dead
pgrep -f '^sleep 31' >/dev/null && echo leftover=yes || echo leftover=no
kill $canary 2>/dev/null
`,
  );
  const r = spawnSync('unshare', ['-pf', '--mount-proc', 'sh', script, BIN(bin), ...args], { encoding: 'utf8', timeout: 60000 });
  const out = r.stdout ?? '';
  const field = (k) => new RegExp(`^${k}=(\\S+)$`, 'm').exec(out)?.[1];
  return {
    status: Number(field('status')),
    canary: field('canary'),
    leftover: field('leftover'),
    stderr: existsSync(`${dir}/stderr`) ? readFileSync(`${dir}/stderr`, 'utf8') : '',
    out,
  };
}

const SIGNUM = { TERM: 15, HUP: 1, INT: 2 };
const CASES = [['TERM'], ['HUP'], ['INT'], ['INT', 'INT']];

t.test('signals to rift-record, rift-trace and rift-replay reach only the launched command', { skip: !canUnshare && 'unshare -pf not permitted here' }, async (t) => {
  const dir = tmp();
  // a recording to replay: sleep 31, cut short by killing rift-record (the replay runs the
  // sleep for real; a signal in the recording would be delivered again by the replay)
  const rec = join(dir, 'sleep.ndjson');
  const made = inNamespace('rift-record', ['-o', rec, '--', 'sleep', '31'], ['KILL'], dir);
  t.equal(made.canary, 'alive', 'recording: the canary outlives it');
  const bins = [
    ['rift-record', ['-o', join(dir, 'r.ndjson'), '--', 'sleep', '31']],
    ['rift-trace', ['-o', join(dir, 'r.txt'), '--', 'sleep', '31']],
    ['rift-replay', [rec, '--', 'sleep', '31']],
  ];
  for (const [bin, args] of bins) {
    for (const signals of CASES) {
      const r = inNamespace(bin, args, signals, dir);
      const what = `${bin}, SIG${signals.join(' then SIG')}`;
      t.equal(r.canary, 'alive', `${what}: the canary outlives it`);
      t.equal(r.leftover, 'no', `${what}: the launched command is gone`);
      t.notMatch(r.stderr, /internal error|\n\s+at /, `${what}: no internal error or stack trace`);
      // the command dies of the signal passed on; its status is rift's (replay: 128+N too)
      t.equal(r.status, 128 + SIGNUM[signals[0]], `${what}: exit status 128+N`, { out: r.out, stderr: r.stderr });
    }
  }
});
