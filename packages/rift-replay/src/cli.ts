import { CliUsageError, defineCli, parseArgs } from '@rift/cli';
import { StreamError } from '@rift/events';
import type { Trace } from '@rift/core-native';
import { EXIT_DESYNC, LookaheadError, replay, UsageError, type OnDesync } from './index.js';

const HELP_EPILOGUE = `Examples:
  rift-record -o t.ndjson -- cat f && rm f
  rift-replay t.ndjson -- cat f               prints what cat read when recorded
  rift-record --no-vdso -o d.ndjson -- date
  rift-replay d.ndjson -- date                the recorded time
  rift-record -- cmd | rift-filter read,openat > t.ndjson
  rift-replay t.ndjson -- cmd                 matches and injects only read and openat
  rift-replay -o r.ndjson t.ndjson -- cmd && rift-diff t.ndjson r.ndjson

Injected (neutralised, recorded result and bytes put back): content syscalls (read, pread64,
readv, preadv, recvfrom, recvmsg, getrandom, clock_gettime, gettimeofday, time) and pure
queries (stat family, access, readlink, getcwd, getdents64, uname, sysinfo). Everything else
runs for real. --inject/--passthru move syscalls between the two (names, %classes, /regex/).

Exit status: the program's own (128+N when killed by signal N); ${EXIT_DESYNC} when it departed from
its recording (desync; with --on-desync=stop, the default); 2 for bad arguments or a bad trace
(FILE:LINE on stderr); 1 for internal errors.`;

export const SPEC = defineCli({
  name: 'rift-replay',
  version: '0.1.0',
  usage: 'Usage: rift-replay [options] TRACE -- cmd [args...]\n\nRerun a program on its recorded inputs (a stream v1 trace from rift-record); stop where it departs.',
  epilogue: HELP_EPILOGUE,
  parserConfiguration: { 'boolean-negation': false },  // --no-aslr is an option, not "not --aslr"
  options: {
    o: { alias: 'output', type: 'string', describe: "write replay's own event stream to FILE ('-' = stdout)" },
    'on-desync': { choices: ['stop', 'warn', 'live'], default: 'stop', describe: 'when the program departs from the recording: stop it (exit 3), warn and go on, or let it run on for real' },
    inject: { type: 'string', describe: 'also inject these syscalls from the recording (NAME,... repeatable)' },
    passthru: { type: 'string', describe: 'run these syscalls for real, still matched (NAME,... repeatable)' },
    'no-aslr': { type: 'boolean', default: false, describe: 'run the command with address space randomisation off' },
    progress: { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal)' },
    'max-lookahead': { type: 'number', default: 500000, describe: 'recorded events held for threads that lag behind, at most' },
  },
});

export async function main(argv: string[]): Promise<void> {
  const dashdash = argv.indexOf('--');
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  let exitCode = 0;
  try {
    const args = await parseArgs(SPEC, own);
    if (!args) return;  // help or version printed
    const pos = (args._ as (string | number)[]).map(String);
    let trace: string | undefined;
    let command: string[];
    if (dashdash >= 0) {
      if (pos.length !== 1) throw new UsageError(pos.length ? `one trace file before --, got ${pos.length}` : 'no trace file given');
      trace = pos[0];
      command = argv.slice(dashdash + 1);
    } else {
      [trace, ...command] = pos;
    }
    if (!trace) throw new UsageError('no trace file given');
    if (!command.length) throw new UsageError('nothing to replay: give the command after --');
    const max = args['max-lookahead'];
    if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max-lookahead: expected a count, got '${max}'`);
    const r = await replay({
      trace,
      command,
      onDesync: args['on-desync'] as OnDesync,
      inject: splitList(args.inject),
      passthru: splitList(args.passthru),
      output: args.o,
      noAslr: args['no-aslr'],
      progress: args.progress,
      maxBuffered: max,
      onStart: handleSignals,
    });
    exitCode = r.exitCode;
  } catch (e) {
    if (e instanceof UsageError || e instanceof CliUsageError || e instanceof StreamError) {
      process.stderr.write(`rift-replay: ${e.message}\n`);
      if (!(e instanceof StreamError) && /no trace|nothing to replay|Unknown argument|Invalid values/.test(e.message)) process.stderr.write(`Try 'rift-replay --help'.\n`);
      exitCode = 2;
    } else if (e instanceof LookaheadError) {
      process.stderr.write(`rift-replay: ${e.message}\n`);
      exitCode = 1;
    } else {
      process.stderr.write(`rift-replay: internal error: ${(e as Error)?.stack ?? e}\n`);
      exitCode = 1;
    }
  }
  process.exitCode = exitCode;
}

function splitList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return ([] as string[]).concat(v).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/** SIGTERM/SIGHUP and a second Ctrl-C end the replayed program; it never stays stopped. */
function handleSignals(t: Trace): void {
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (sig === 'SIGINT' && interrupts === 1 && process.stdin.isTTY) return;  // the program got it too
    t.kill();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  t.done
    .finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    })
    .catch(() => {});
}
