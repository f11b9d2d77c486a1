// parseArgs's quick path (yargs-parser alone) gives what yargs gives, option for option, on the
// bins' own specs; what needs yargs (help, version, unknown options, bad choices) goes to it.
import t from 'tap';
import { CliUsageError, parseArgs, viaYargs } from '../dist/index.js';
import { SPEC as RECORD } from '../../rift-record/dist/cli.js';
import { SPEC as REPLAY } from '../../rift-replay/dist/cli.js';
import { SPEC as DIFF } from '../../rift-diff/dist/cli.js';
import { SPEC as TRACE } from '../../rift-trace/dist/cli-trace.js';
import { SPEC as FILTER } from '../../rift-trace/dist/cli-filter.js';

const clean = (a) => {
  const { $0, ...rest } = a;
  return rest;
};

const SAMPLES = [
  [RECORD, ['-o', 'f.ndjson', '-e', 'read', '-e', '%file', '--no-data', '-s', '64', 'ls', 'x']],
  [RECORD, ['-p', '1', '-p', '2', '--pid', '3']],
  [RECORD, ['--fixed-ts', '--cpu', 'none', '--seed', '7', '--deterministic']],
  [RECORD, ['--no-vdso', '--no-aslr', '--tracee-stdout', 'out.txt', '--string-size=9']],
  [RECORD, ['-e', 'inject=openat:error=ENOENT:when=3', '-e', '!futex']],
  [RECORD, []],
  [REPLAY, ['t.ndjson', '--on-desync=warn', '--inject', 'read,openat', '--passthru', 'stat', '--no-aslr']],
  [REPLAY, ['-o', '-', '--max-lookahead', '10', '--progress', 't.ndjson']],
  [DIFF, ['-U', '10', '-e', '%file', '--ignore', 'fd', '--ignore', 'ret', '--compare=addr', 'a', 'b']],
  [DIFF, ['-q', '-s', '--json', '--color', 'never', '--window', '50', '--lenient', '-', 'b']],
  [TRACE, ['-yy', '-T', '-ttt', '-xx', '-v', '-s', '80', '-e', 'trace=%file', 't.ndjson']],
  [TRACE, ['-c', '-S', 'calls', '--json', '-f', '-o', 'out.txt', '-p', '12', '--format', 'chrome', '-']],
  [TRACE, ['--no-abbrev', '-r', '-C', '--lenient', 'a', 'b']],
  [FILTER, ['read,openat', '--pid', '1', '--pid', '2', '--tid', '3', '-Z', '--min-dur', '1ms', 'f']],
  [FILTER, ['-e', '!%memory', '--successful', '--syscalls-only', '-o', 'x.ndjson']],
];

for (const [spec, argv] of SAMPLES) {
  t.test(`${spec.name} ${argv.join(' ')}`, async (t) => {
    const quick = await parseArgs(spec, argv);
    const full = await viaYargs(spec, argv);
    t.same(clean(quick), clean(full));
    for (const [k, v] of Object.entries(clean(full))) if (Number.isNaN(v)) t.ok(Number.isNaN(quick[k]), `${k} is NaN in both`);
  });
}

t.test('a number option given text is a usage error naming it, either way', async (t) => {
  await t.rejects(parseArgs(RECORD, ['-s', 'many']), new CliUsageError("-s: expected a number, got 'many'"));
  await t.rejects(viaYargs(RECORD, ['-s', 'many']), CliUsageError);
});

t.test('repeated options: arrays collect, scalars take the last value', async (t) => {
  const a = await parseArgs(RECORD, ['-s', '10', '-s', '20', '-o', 'a', '-o', 'b', '-e', 'read', 'ls', '-e', 'openat']);
  t.equal(a.s, 20);
  t.equal(a['string-size'], 20, 'aliases too');
  t.equal(a.o, 'b');
  t.same(a.e, ['read', 'openat']);
  t.same(a._, ['ls'], 'an array option takes one value, not the words after it');
});

t.test("rift-trace's --no-abbrev is strace's -v, not a negation", async (t) => {
  t.equal((await parseArgs(TRACE, ['--no-abbrev', 'f'])).v, true);
});

t.test('unknown options: the message yargs gives', async (t) => {
  await t.rejects(parseArgs(RECORD, ['--bogus', '-o', 'x']), new CliUsageError('Unknown argument: bogus'));
  await t.rejects(parseArgs(RECORD, ['-z']), CliUsageError);
  // a command's own options need -- before them, as always
  await t.rejects(parseArgs(RECORD, ['ls', '-l']), new CliUsageError('Unknown argument: l'));
});

t.test('what yargs checks beyond parsing: choices, a value after an option', async (t) => {
  await t.rejects(parseArgs(REPLAY, ['--on-desync', 'sometimes', 't']), { name: 'CliUsageError', message: /^Invalid values:/ });
  await t.rejects(parseArgs(DIFF, ['a', 'b', '--ignore']), { name: 'CliUsageError', message: /Not enough arguments following: ignore/ });
  await t.rejects(parseArgs(DIFF, ['--color', 'sometimes', 'a', 'b']), { name: 'CliUsageError', message: /^Invalid values:/ });
  await t.rejects(parseArgs(TRACE, ['-S', 'bogus', 't']), { name: 'CliUsageError', message: /^Invalid values:/ });
});

t.test('--help and --version are printed by yargs; nothing to run', async (t) => {
  const out = [];
  const log = console.log;
  console.log = (...a) => out.push(a.join(' '));
  try {
    t.equal(await parseArgs(RECORD, ['--help']), undefined);
    t.equal(await parseArgs(RECORD, ['--version']), undefined);
  } finally {
    console.log = log;
  }
  t.match(out.join('\n'), /Usage: rift-record[^]*--string-size[^]*Examples:[^]*\n0\.1\.0$/);
});
