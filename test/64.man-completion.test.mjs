// Manual pages (scripts/man.mjs: each bin's SPEC and README section, through marked-man) and
// shell completion (BIN --completion: yargs's script; BIN --get-yargs-completions: the words).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT, run, tmp } from './helpers.mjs';

const BINS = [
  { name: 'rift-record', pkg: 'rift-record', entry: 'dist/cli.js', section: 'rift-record' },
  { name: 'rift-trace', pkg: 'rift-trace', entry: 'dist/cli-trace.js', section: 'rift-trace' },
  { name: 'rift-filter', pkg: 'rift-trace', entry: 'dist/cli-filter.js', section: 'rift-filter' },
  { name: 'rift-replay', pkg: 'rift-replay', entry: 'dist/cli.js', section: 'rift-replay' },
  { name: 'rift-diff', pkg: 'rift-diff', entry: 'dist/cli.js', section: 'rift-diff' },
];
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

const haveMan = spawnSync('man', ['--version']).status === 0;

t.test('man pages: made from SPEC and README, rendered by man without warnings', { skip: !haveMan && 'man(1) is not installed' }, async (t) => {
  const out = tmp('rift-man-');
  const r = spawnSync('node', [join(ROOT, 'scripts', 'man.mjs'), '--out', out], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.same(readdirSync(out).sort(), BINS.map((b) => `${b.name}.1`).sort(), 'a page per bin');
  for (const b of BINS) {
    const { SPEC } = await import(pathToFileURL(join(ROOT, 'packages', b.pkg, b.entry)).href);
    const page = join(out, `${b.name}.1`);
    // wide, so that no flag is hyphenated across lines
    const m = spawnSync('man', ['-l', page], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '250', MAN_DISABLE_SECCOMP: '1', LC_ALL: 'C.UTF-8' } });
    t.equal(m.status, 0, `man -l ${b.name}.1`);
    t.equal(m.stderr, '', `${b.name}: no troff warnings`);
    const text = m.stdout.replace(/\u2010/g, '-');
    t.match(text, new RegExp(`^${b.name.toUpperCase()}\\(1\\)`), `${b.name}: title`);
    t.match(text, new RegExp(`NAME\\n\\s+${b.name} - `), `${b.name}: NAME`);
    // every flag of the SPEC, by every name
    for (const [key, o] of Object.entries(SPEC.options)) {
      const negated = o.type === 'boolean' && o.default === true;
      for (const n of [key, ...[].concat(o.alias ?? [])]) {
        const flag = negated ? `--no-${n}` : n.length === 1 ? `-${n}` : `--${n}`;
        t.ok(text.includes(flag), `${b.name}: ${flag}`);
      }
    }
    t.ok(text.includes('--completion'), `${b.name}: --completion`);
    // the README section's first sentence, and the --help epilogue's first line
    const lines = readme.split('\n');
    const at = lines.indexOf(`<!-- section: ${b.section} -->`);
    const first = lines.slice(at + 2).find((l) => /^[A-Z]/.test(l) && !l.startsWith('|'));
    const words = first.replace(/[`*]/g, '').split(/\s+/).slice(0, 5).join(' ');
    t.ok(text.replace(/\s+/g, ' ').includes(words), `${b.name}: README section ("${words}")`);
    const epi = SPEC.epilogue.split('\n').find((l) => l.trim());
    t.ok(text.includes(epi.trim()), `${b.name}: --help epilogue ("${epi.trim()}")`);
    t.notOk(text.includes('&quot;') || text.includes('&#39;'), `${b.name}: no HTML entities`);
  }
  // the package.json "man" fields name exactly these pages (npm link installs them)
  const named = [];
  for (const pkg of new Set(BINS.map((b) => b.pkg))) {
    const p = JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));
    for (const m of p.man ?? []) {
      t.match(m, /^\.\/dist\/man\/rift-[a-z]+\.1$/, `${pkg}: ${m}`);
      named.push(m.replace(/.*\//, ''));
      t.ok(BINS.some((b) => b.pkg === pkg && `${b.name}.1` === m.replace(/.*\//, '')), `${pkg}: ${m} is one of its bins'`);
    }
  }
  t.same(named.sort(), BINS.map((b) => `${b.name}.1`).sort(), 'every page is in a "man" field');
});

t.test('--completion prints yargs\'s script for bash, zsh, fish', async (t) => {
  for (const b of BINS) {
    const bash = run(b.name, ['--completion', 'bash']);
    t.equal(bash.status, 0);
    t.match(bash.stdout, `complete -o bashdefault -o default -F _${b.name}_yargs_completions ${b.name}`, `${b.name}: bash`);
    t.match(bash.stdout, `${b.name} --get-yargs-completions`);
    const zsh = run(b.name, ['--completion', 'zsh']);
    t.match(zsh.stdout, `#compdef ${b.name}`, `${b.name}: zsh`);
    t.match(run(b.name, ['--help']).stdout, '--completion', `${b.name}: --help lists it`);
  }
  t.match(run('rift-record', ['--completion=fish']).stdout, 'complete -f -c rift-record', 'fish');
  t.match(run('rift-record', ['--completion'], { env: { ...process.env, SHELL: '/usr/bin/zsh' } }).stdout, '#compdef', 'zsh from $SHELL');
  t.match(run('rift-record', ['-o', 'x', '--completion', '--', 'ls']).stdout, '_rift-record_yargs_completions', 'among other flags, before --');
  const bad = run('rift-record', ['--completion', 'tcsh']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, "rift-record: --completion: no script for 'tcsh'");
  // the script is valid bash
  const syntax = spawnSync('bash', ['-n'], { input: run('rift-trace', ['--completion', 'bash']).stdout, encoding: 'utf8' });
  t.equal(syntax.status, 0, syntax.stderr);
});

t.test('bash: what TAB gives, through the script as bash runs it', async (t) => {
  const dir = tmp('rift-comp-');
  for (const f of ['run.ndjson', 'run2.ndjson.gz', 'notes.txt', 'read.me']) writeFileSync(join(dir, f), '');
  const script = join(dir, 'complete.sh');
  for (const b of BINS) writeFileSync(join(dir, `${b.name}.bash`), run(b.name, ['--completion', 'bash']).stdout);
  writeFileSync(
    script,
    [
      `export PATH=${join(ROOT, 'node_modules', '.bin')}:$PATH`,
      ...BINS.map((b) => `source ${join(dir, b.name)}.bash`),
      // as readline calls it: the words of the line, the last one being completed
      'c() { local bin=$1; shift; COMP_WORDS=("$bin" "$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); "_${bin}_yargs_completions"; printf "%s\\n" "${COMPREPLY[@]}"; }',
      'c "$@"',
    ].join('\n'),
  );
  const tab = (...words) => {
    const r = spawnSync('bash', [script, ...words], { cwd: dir, encoding: 'utf8', env: { ...process.env, SHELL: '/bin/bash' } });
    t.equal(r.stderr, '', `${words.join(' ')}: no errors`);
    return r.stdout.split('\n').filter(Boolean);
  };
  t.same(tab('rift-record', '-e', '%fi'), ['%file'], 'a class after -e');
  t.same(tab('rift-record', '-e', '%n'), ['%network'], '%n');
  t.ok(tab('rift-record', '-e', 'opena').includes('openat'), 'a syscall after -e');
  t.ok(tab('rift-record', '--filter', 'opena').includes('openat'), 'after --filter');
  t.ok(tab('rift-record', '-e', '%file,rea').includes('%file,read'), 'in a comma list');
  t.ok(tab('rift-record', '-e', '!fut').includes('!futex'), 'negated');
  t.same(tab('rift-record', '--str'), ['--string-size'], 'a flag');
  t.same(tab('rift-record', '--no-d'), ['--no-data'], 'a flag on by default, as --no-');
  t.same(tab('rift-record', '-o', ''), [], 'after -o: nothing of ours, the shell lists files (complete -o default)');
  t.same(tab('rift-record', '--cpu', ''), ['auto', 'none'], 'words of a list');
  t.ok(tab('rift-record', '-p', '').includes('1'), 'pids after -p');
  t.same(tab('rift-record', '--', 'l'), [], 'after --: the command, the shell\'s own');
  t.same(tab('rift-trace', ''), ['run.ndjson', 'run2.ndjson.gz'], 'trace files for a reader');
  t.same(tab('rift-trace', 'run2'), ['run2.ndjson.gz'], 'trace files by prefix');
  t.same(tab('rift-trace', 'notes'), [], 'no trace file: the shell lists files');
  t.same(tab('rift-trace', '-S', 'c'), ['calls'], 'choices of -S');
  t.same(tab('rift-trace', '--format', '').sort(), ['chrome', 'text'], 'choices of --format');
  t.ok(tab('rift-trace', '-e', 'clock_g').includes('clock_gettime'), 'rift-trace -e');
  t.same(tab('rift-replay', 'r'), ['run.ndjson', 'run2.ndjson.gz'], 'rift-replay: the trace');
  t.same(tab('rift-replay', 'run.ndjson', '--', 'ca'), [], 'rift-replay: the command after --');
  t.ok(tab('rift-replay', '--inject', 'get').includes('getrandom'), 'rift-replay --inject');
  t.same(tab('rift-replay', '--on-desync', '').sort(), ['live', 'stop', 'warn'], 'rift-replay --on-desync');
  t.same(tab('rift-diff', '--ignore', 'f'), ['fd', 'futex'], 'rift-diff fields');
  t.same(tab('rift-diff', 'run.ndjson', 'run2'), ['run2.ndjson.gz'], 'rift-diff B');
  const filter = tab('rift-filter', 'rea');
  t.ok(filter.includes('read') && filter.includes('readv'), 'rift-filter EXPR: syscalls');
  t.ok(tab('rift-filter', 'ru').includes('run.ndjson'), 'rift-filter FILE: trace files');
  t.ok(tab('rift-filter', '--pid', '').includes('1'), 'rift-filter --pid');
});

t.test('zsh: the script defines its function', { skip: spawnSync('zsh', ['-c', 'true']).status !== 0 && 'zsh is not installed' }, async (t) => {
  for (const b of BINS) {
    const r = spawnSync('zsh', ['-f', '-c', `autoload -Uz compinit && compinit -u -D && source <(${BIN(b.name)} --completion zsh) && print -r -- \${+functions[_${b.name}_yargs_completions]} \${_comps[${b.name}]}`], { encoding: 'utf8' });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.trim(), `1 _${b.name}_yargs_completions`, `${b.name}: defined and bound by compdef`);
  }
});
