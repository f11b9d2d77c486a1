// The README's examples run as written and print what the README shows.
//
// Every ```console block of README.md is a session: lines starting with `$ ` are commands
// (run in order by bash, in one fresh directory per block, with the rift bins first on PATH),
// and the lines after a command, up to the next `$ `, are its output (stdout and stderr).
// Outputs are compared line by line after masking what changes from run to run: numbers of
// four or more digits (pids, times, addresses), hex addresses, and the seq, ts and dur of
// JSON events. A line `[...]` in the README
// stands for any number of lines.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tmp, fixture } from './helpers.mjs';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').split('\n');

/** The console blocks: { line, commands: [{ cmd, line, expected: string[] }] }. */
function sessions() {
  const out = [];
  for (let i = 0; i < readme.length; i++) {
    if (readme[i].trim() !== '```console') continue;
    const block = { line: i + 1, commands: [] };
    for (i++; i < readme.length && readme[i].trim() !== '```'; i++) {
      const l = readme[i];
      if (l.startsWith('$ ')) block.commands.push({ cmd: l.slice(2), line: i + 1, expected: [] });
      else block.commands.at(-1)?.expected.push(l);
    }
    out.push(block);
  }
  return out;
}

const mask = (s) =>
  s
    .replace(/"(seq|ts|dur)":\d+/g, '"$1":N')
    // where in a stream (rift-diff's text): counts of the loader's calls vary with the libc
    .replace(/\bseq \d+(-\d+)?|\(line \d+\)|\d+ (events|alike)\b/g, 'SEQ')
    .replace(/0x[0-9a-f]{6,}/g, '0xADDR')
    .replace(/\d{4,}/g, 'NNNN')
    // pids and tids: 300 and up once the kernel's counter wrapped (pid_max, 32768 here)
    .replace(/\b\d{3}\b/g, 'NNNN')
    .replace(/\s+$/, '');

/** Whether the actual lines match the expected ones ([...] matching any run of lines). */
function matches(expected, actual) {
  const e = expected.map(mask);
  const a = actual.map(mask);
  const go = (i, j) => {
    if (i === e.length) return j === a.length;
    if (e[i] === '[...]') {
      for (let k = j; k <= a.length; k++) if (go(i + 1, k)) return true;
      return false;
    }
    return j < a.length && e[i] === a[j] && go(i + 1, j + 1);
  };
  return go(0, 0);
}

const blocks = sessions();
t.ok(blocks.length >= 6, 'the README has example sessions');

// the C program the rift-diff example records (README: "./prog")
const prog = fixture('diff_prog');

for (const block of blocks) {
  t.test(`README.md:${block.line}`, async (t) => {
    const dir = tmp('rift-readme-');
    writeFileSync(join(dir, 'input.txt'), 'hi\n');
    spawnSync('cp', [prog, join(dir, 'prog')]);
    const env = { ...process.env, PATH: `${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`, NO_COLOR: '1', LC_ALL: 'C' };
    delete env.FORCE_COLOR;
    for (const c of block.commands) {
      // braces and a newline: the redirection covers a whole `a; b` line, and a trailing # comment
      const r = spawnSync('bash', ['-c', `{ ${c.cmd}\n} 2>&1`], { cwd: dir, env, encoding: 'utf8', timeout: 60000 });
      const actual = r.stdout.replace(/\n$/, '').split('\n').filter((l, i, all) => !(all.length === 1 && l === ''));
      const expected = c.expected.length && c.expected.at(-1) === '' ? c.expected.slice(0, -1) : c.expected;
      t.ok(matches(expected, actual), `README.md:${c.line}: ${c.cmd}`, { found: actual.join('\n'), wanted: expected.join('\n') });
    }
  });
}
