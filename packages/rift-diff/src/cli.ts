import { completion, defineCli, parseArgs, runCli, UsageError } from '@rift/cli';
import { SelectError, StreamError } from '@rift/events';
import { diffFiles, FIELDS, FIELD_NAMES, FieldError, ignoredFields, renderJson, renderText } from './index.js';

const fieldHelp = FIELD_NAMES.map((f) => `  ${f.padEnd(9)} ${FIELDS[f].ignored ? 'ignored ' : 'compared'}  ${FIELDS[f].about}`).join('\n');

const HELP_EPILOGUE = `Fields (--ignore FIELD / --compare FIELD; comma lists; 'all'):
${fieldHelp}
Event order (seq) is never compared: each thread's events are aligned with a sequence diff.

Examples:
  rift-diff a.ndjson b.ndjson               where the two runs stop doing the same thing
  rift-record -o a.ndjson -- ./app x; rift-record -o b.ndjson -- ./app y; rift-diff a.ndjson b.ndjson
  rift-diff -U 10 good.ndjson bad.ndjson    ten events of context
  rift-diff -e %file good.ndjson bad.ndjson compare only file syscalls
  rift-diff -e '!futex' a.ndjson b.ndjson   threaded programs: lock contention varies by run
  rift-diff --ignore fd a.ndjson b.ndjson   fd numbers by order of first appearance
  rift-diff --compare addr a.ndjson b.ndjson   pointer values too (runs with --no-aslr)
  rift-diff --json a.ndjson b.ndjson | jq .summary
  rift-diff -q a.ndjson b.ndjson && echo same

Exit status: 0 the same, 1 different, 2 trouble (bad arguments, unreadable or malformed input:
FILE:LINE: reason). Memory stays bounded on long traces: equal stretches are matched as they
stream; after a mismatch at most --window events per side (and thread) are held.`;

export const SPEC = defineCli({
  name: 'rift-diff',
  version: '0.1.0',
  usage: 'Usage: rift-diff [options] A B\n\nWhere two recordings (stream v1) diverge. A or B may be - for stdin.',
  epilogue: HELP_EPILOGUE,
  wrap: 110,
  // shell completion (--completion): what each value is
  complete: { values: { e: 'syscalls', ignore: FIELD_NAMES, compare: FIELD_NAMES }, positional: 'trace' },
  options: {
    U: { alias: 'unified', type: 'number', default: 3, describe: 'events of context around the first divergence' },
    e: { alias: 'syscalls', type: 'string', array: true, describe: 'compare only these syscalls: names, %classes, /regex/, !negation (repeatable, the sets add up)' },
    ignore: { type: 'string', array: true, requiresArg: true, describe: 'do not compare FIELD (see Fields; repeatable, comma lists)' },
    compare: { type: 'string', array: true, requiresArg: true, describe: 'compare FIELD although ignored by default (repeatable)' },
    json: { type: 'boolean', default: false, describe: 'one JSON object: summary, first divergence with context' },
    q: { alias: 'brief', type: 'boolean', default: false, describe: 'report only whether they differ; stop at the first difference' },
    s: { alias: 'report-identical', type: 'boolean', default: false, describe: 'say so when the recordings are the same' },
    color: { type: 'string', choices: ['auto', 'always', 'never'], default: 'auto', describe: 'colour the diff (auto: on a terminal; NO_COLOR, FORCE_COLOR honoured)' },
    window: { type: 'number', default: 4000, describe: 'most events per side held after a difference to find where the runs meet again (memory bound)' },
    lenient: { type: 'boolean', default: false, describe: 'skip bad lines instead of failing' },
  },
});

export async function main(argv: string[]): Promise<void> {
  if (await completion(SPEC, argv)) return;  // --completion, and the shell asking for words
  const stdoutTTY = process.stdout.isTTY === true;
  // exit 1 says "different": an internal error must not look like an answer
  await runCli('rift-diff', async () => {
    const args = await parseArgs(SPEC, argv);
    if (!args) return 0;  // help or version printed
    ignoredFields(list(args.ignore), list(args.compare));  // unknown fields first: --ignore may have eaten a file name
    const files = (args._ as (string | number)[]).map(String);
    if (files.length !== 2) throw new UsageError(files.length < 2 ? 'two recordings to compare are needed: rift-diff A B' : `too many arguments: ${files.slice(2).join(' ')}`, 2, true);
    if (files[0] === '-' && files[1] === '-') throw new UsageError('only one of A and B can be stdin', 2, true);
    if (!Number.isInteger(args.U) || args.U < 0) throw new UsageError(`-U: expected a number of events, got '${args.U}'`, 2, true);
    if (!Number.isInteger(args.window) || args.window < 2) throw new UsageError(`--window: expected a number of events (at least 2), got '${args.window}'`, 2, true);
    const r = await diffFiles(files[0]!, files[1]!, {
      context: args.U,
      syscalls: args.e?.length ? args.e.join(',') : undefined,
      ignore: list(args.ignore),
      compare: list(args.compare),
      window: args.window,
      lenient: args.lenient,
      brief: args.q,
    });
    const color = useColor(args.color as string, stdoutTTY);
    let text: string;
    if (args.json) text = renderJson(r);
    else if (args.q) text = r.same ? '' : `${r.a.file} and ${r.b.file} differ\n`;
    else text = renderText(r, { color });
    if (r.same && args.s && !args.json) text = `${r.a.file} and ${r.b.file} are the same (${r.a.compared} events compared)\n`;
    const exitCode = r.same ? 0 : 1;
    process.exitCode = exitCode;
    await write(text);
    return exitCode;
  }, { userErrors: [FieldError, SelectError, StreamError], internalExit: 2 });
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  return (Array.isArray(v) ? v : [v]).map(String);
}

function useColor(mode: string, tty: boolean): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  const force = process.env.FORCE_COLOR;  // as Node: FORCE_COLOR over NO_COLOR
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (process.env.NO_COLOR) return false;
  return tty && process.env.TERM !== 'dumb';
}

/** Writes to stdout; a closed pipe (| head) ends quietly. */
function write(text: string): Promise<void> {
  if (!text) return Promise.resolve();
  return new Promise((resolve) => {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.stderr.write(`rift-diff: cannot write: ${e.message}\n`);
      process.exit(2);
    });
    process.stdout.write(text, () => resolve());
  });
}
