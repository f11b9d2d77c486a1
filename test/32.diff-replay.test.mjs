// rift-diff between a recording and its replay (rift-replay -o): the same run.
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { record, run, tmp, BIN } from './helpers.mjs';

const have = existsSync(BIN('rift-replay'));
t.test('a recording and its replay: exit 0', { skip: have ? false : 'rift-replay is not built yet (node_modules/.bin/rift-replay absent)' }, async (t) => {
  const dir = tmp('rift-diff-replay-');
  const input = join(dir, 'input.txt');
  writeFileSync(input, 'replayed input\n');
  // (diff_prog opens /proc/PID/status: rift-replay counts a new pid in a path as a desync)
  for (const cmd of [['cat', input], ['sh', '-c', `cat ${input}; ls ${dir} >/dev/null`]]) {
    const a = record(cmd);
    t.equal(a.status, 0);
    const replayed = join(dir, `replay-${cmd[0]}.ndjson`);
    const r = run('rift-replay', ['-o', replayed, a.file, '--', ...cmd]);
    t.equal(r.status, 0, `${cmd[0]} replays: ${r.stderr}`);
    const d = run('rift-diff', [a.file, replayed]);
    t.equal(d.status, 0, `${cmd[0]}: recording and replay the same\n${d.stdout}`);
    // and the injected marks are there to be compared when asked
    t.equal(run('rift-diff', ['--compare', 'injected', a.file, replayed]).status, 1, '--compare injected sees the replay');
  }
});
