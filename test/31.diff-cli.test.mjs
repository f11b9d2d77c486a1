// rift-diff's command line: help, exit codes, bad input, --json, -U, --syscalls, -q, -s, colour,
// stdin, a closed pipe.
import t from 'tap';
import { writeFileSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { FIELD_NAMES } from '@rift/diff';
import { fixture, record, run, tmp, BIN } from './helpers.mjs';

const prog = fixture('diff_prog');
const dir = tmp('rift-diff-cli-');
const input = join(dir, 'input.txt');
writeFileSync(input, 'input\n');
const a = record([prog, input]);
const b = record([prog, input]);
const c = record([prog, input], [], { env: { ...process.env, DIFF_GREETING: 'salut' } });
const lines = (f) => readFileSync(f, 'utf8').split('\n').filter(Boolean);

t.test('--help: usage, every field with its default, examples, exit codes', async (t) => {
  const r = run('rift-diff', ['--help']);
  t.equal(r.status, 0);
  t.match(r.stdout, /Usage: rift-diff \[options\] A B/);
  for (const f of FIELD_NAMES) t.match(r.stdout, new RegExp(`^  ${f} +(ignored|compared) `, 'm'), `field ${f} listed`);
  t.match(r.stdout, /^  addr +ignored /m);
  t.match(r.stdout, /^  fd +compared /m);
  for (const flag of ['--ignore', '--compare', '--json', '--syscalls', '--unified', '--brief', '--color', '--window', '--lenient'])
    t.match(r.stdout, flag);
  t.match(r.stdout, /Examples:/);
  t.match(r.stdout, /Exit status: 0 the same, 1 different, 2 trouble/);
});

t.test('exit 0, 1, 2 like diff(1)', async (t) => {
  t.equal(run('rift-diff', [a.file, b.file]).status, 0);
  t.equal(run('rift-diff', [a.file, c.file]).status, 1);
  const r = run('rift-diff', [a.file]);
  t.equal(r.status, 2);
  t.equal(r.stderr.split('\n')[0], 'rift-diff: two recordings to compare are needed: rift-diff A B');
  const u = run('rift-diff', ['--bogus', a.file, b.file]);
  t.equal(u.status, 2);
  t.match(u.stderr, /^rift-diff: Unknown argument: bogus\n/);
  const f = run('rift-diff', ['--ignore', 'pointers', a.file, b.file]);
  t.equal(f.status, 2);
  t.match(f.stderr, /^rift-diff: --ignore: unknown field 'pointers' \(fields: ts, dur, addr/);
  const e = run('rift-diff', ['-e', 'opneat', a.file, b.file]);
  t.equal(e.status, 2);
  t.match(e.stderr, /^rift-diff: unknown syscall 'opneat' \(did you mean 'openat'\?\)\n$/);
});

t.test('bad input: FILE:LINE: reason, exit 2', async (t) => {
  const bad = join(dir, 'bad.ndjson');
  const l = lines(a.file);
  l[4] = '{"type":"syscall",';
  writeFileSync(bad, l.join('\n') + '\n');
  let r = run('rift-diff', [b.file, bad]);
  t.equal(r.status, 2);
  t.match(r.stderr, new RegExp(`^rift-diff: ${bad}:5: not JSON`));
  t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  r = run('rift-diff', [join(dir, 'missing.ndjson'), b.file]);
  t.equal(r.status, 2);
  t.equal(r.stderr, `rift-diff: ${join(dir, 'missing.ndjson')}:1: cannot read: no such file\n`);
  const text = join(dir, 'text.txt');
  writeFileSync(text, 'hello\n');
  r = run('rift-diff', [a.file, text]);
  t.equal(r.status, 2);
  t.equal(r.stderr, `rift-diff: ${text}:1: not a rift event stream: the first line is not JSON\n`);
  // --lenient skips the bad line and reports what it costs
  r = run('rift-diff', ['--lenient', b.file, bad]);
  t.equal(r.status, 1);
  t.match(r.stdout, /1 bad line skipped/);
  t.match(r.stdout, /summary: \d+ alike, 1 only in a, 0 only in b, 0 changed/);
  // a recording cut short is not an error; the report says so
  const cut = join(dir, 'cut.ndjson');
  writeFileSync(cut, lines(a.file).slice(0, -3).join('\n') + '\n');
  r = run('rift-diff', [a.file, cut]);
  t.equal(r.status, 1);
  t.match(r.stdout, /cut short: no end event/);
});

t.test('--json: one object with the summary and the first divergence', async (t) => {
  const r = run('rift-diff', ['--json', a.file, c.file]);
  t.equal(r.status, 1);
  const j = JSON.parse(r.stdout);
  t.equal(j.same, false);
  t.same(j.summary, { alike: lines(a.file).length - 2, onlyA: 0, onlyB: 0, changed: 1, places: 1, threads: 1 });
  t.equal(j.first.kind, 'changed');
  t.equal(j.first.thread, '1');
  t.equal(j.first.a.seq, j.first.b.seq);
  t.equal(j.first.a.line, j.first.a.seq + 1);
  const minus = j.first.lines.find((l) => l.op === '-');
  t.equal(minus.event.name, 'write');
  t.match(minus.text, /^write\(1, "hello: input\\n", 13\) = 13$/);
  t.ok(j.ignored.includes('addr') && !j.ignored.includes('fd'));
  const same = JSON.parse(run('rift-diff', ['--json', a.file, b.file]).stdout);
  t.equal(same.same, true);
  t.equal(same.first, null);
});

t.test('-U N: N events of context on each side', async (t) => {
  for (const n of [0, 1, 5]) {
    const r = run('rift-diff', ['-U', String(n), a.file, c.file]);
    const out = r.stdout.split('\n');
    const hunk = out.slice(out.findIndex((l) => l.startsWith('@@ '))).filter((l) => /^[ +-] /.test(l));
    t.equal(hunk.filter((l) => l.startsWith('  ')).length, 2 * n, `-U ${n}`);
    t.equal(hunk.filter((l) => /^[+-] /.test(l)).length, 2);
  }
  t.equal(run('rift-diff', ['-U', 'x', a.file, c.file]).status, 2);
});

t.test('--syscalls: compare only some names', async (t) => {
  t.equal(run('rift-diff', ['--syscalls', 'openat,read', a.file, c.file]).status, 0, 'the difference is in a write');
  t.equal(run('rift-diff', ['--syscalls', '%desc', a.file, c.file]).status, 1);
  t.equal(run('rift-diff', ['-e', '!write', a.file, c.file]).status, 0);
});

t.test('-q and -s', async (t) => {
  let r = run('rift-diff', ['-q', a.file, c.file]);
  t.equal(r.status, 1);
  t.equal(r.stdout, `${a.file} and ${c.file} differ\n`);
  r = run('rift-diff', ['-q', a.file, b.file]);
  t.equal(r.status, 0);
  t.equal(r.stdout, '');
  r = run('rift-diff', ['-s', a.file, b.file]);
  t.equal(r.status, 0);
  t.match(r.stdout, /^.* and .* are the same \(\d+ events compared\)\n$/);
});

t.test('colour: on a terminal or with --color=always or FORCE_COLOR; off in a pipe and with NO_COLOR', async (t) => {
  const esc = /\x1b\[/;
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  // a terminal, through script(1)
  const tty = (extra) =>
    spawnSync('script', ['-qc', `"${BIN('rift-diff')}" "${a.file}" "${c.file}"`, '/dev/null'], { encoding: 'utf8', env: { ...env, ...extra } }).stdout;
  t.match(tty({}), /\x1b\[31m- write/, 'a terminal: colour');
  t.notMatch(tty({ NO_COLOR: '1' }), esc, 'NO_COLOR on a terminal: plain');
  t.notMatch(run('rift-diff', [a.file, c.file]).stdout, esc, 'a pipe: plain');
  const on = run('rift-diff', ['--color=always', a.file, c.file]).stdout;
  t.match(on, /\x1b\[31m- write/, 'removed lines red');
  t.match(on, /\x1b\[32m\+ write/, 'added lines green');
  t.match(run('rift-diff', [a.file, c.file], { env: { ...env, FORCE_COLOR: '1' } }).stdout, esc, 'FORCE_COLOR in a pipe');
  t.notMatch(run('rift-diff', ['--color=never', a.file, c.file], { env: { ...env, FORCE_COLOR: '1' } }).stdout, esc, '--color=never');
});

t.test('- reads one of the recordings from stdin', async (t) => {
  const r = run('rift-diff', ['-', c.file], { input: readFileSync(a.file) });
  t.equal(r.status, 1);
  t.match(r.stdout, /^--- stdin\t/m);
  t.equal(run('rift-diff', ['-', '-']).status, 2);
});

t.test('a closed pipe downstream is not an error', async (t) => {
  // a long recording whose first event differs, with -U large: far more output than a pipe
  // holds, so the write meets EPIPE
  const long = record(['ls', '-l', '/usr/bin']);
  const l = lines(long.file);
  const exec = JSON.parse(l[1]);
  exec.argv.push('(changed)');
  l[1] = JSON.stringify(exec);
  const other = join(dir, 'other.ndjson');
  writeFileSync(other, l.join('\n') + '\n');
  t.ok(l.length > 1500, `${l.length} events`);
  const full = run('rift-diff', ['-U', '100000', long.file, other]);
  t.ok(full.stdout.length > 150000, `${full.stdout.length} bytes of output`);
  const r = spawnSync('bash', ['-c', `"${BIN('rift-diff')}" -U 100000 "${long.file}" "${other}" | head -c 10 >/dev/null; echo "status=\${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  t.equal(r.stderr, '', 'nothing on stderr');
  t.match(r.stdout, /^status=(1|141)\n$/);
});
