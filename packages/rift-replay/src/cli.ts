import { isatty } from 'node:tty';
import { completion, defineCli, parseArgs, runCli, UsageError } from '@rift/cli';
import { StreamError } from '@rift/events';
import type { Trace } from '@rift/core-native';
import { EXIT_DESYNC, LookaheadError, replay, UsageError as ReplayUsageError, type OnDesync, type ReplayControl } from './index.js';

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
(FILE:LINE on stderr); 1 for internal errors; 128+N when rift-replay itself gets signal N
(Ctrl-C 130, SIGTERM 143, SIGHUP 129: the program is killed, one line says where it was).`;

export const SPEC = defineCli({
  name: 'rift-replay',
  version: '0.1.0',
  usage: 'Usage: rift-replay [options] TRACE -- cmd [args...]\n\nRerun a program on its recorded inputs (a stream v1 trace from rift-record); stop where it departs.',
  epilogue: HELP_EPILOGUE,
  // shell completion (--completion): what each value is
  complete: { values: { o: 'file', inject: 'syscalls', passthru: 'syscalls' }, positional: 'trace' },
  parserConfiguration: { 'boolean-negation': false },  // --no-aslr is an option, not "not --aslr"
  options: {
    o: { alias: 'output', type: 'string', describe: "write replay's own event stream to FILE ('-' = stdout; gzip when it ends in .gz)" },
    'on-desync': { choices: ['stop', 'warn', 'live'], default: 'stop', describe: 'when the program departs from the recording: stop it (exit 3), warn and go on, or let it run on for real' },
    inject: { type: 'string', array: true, describe: 'also inject these syscalls from the recording (NAME,... repeatable)' },
    passthru: { type: 'string', array: true, describe: 'run these syscalls for real, still matched (NAME,... repeatable)' },
    'no-aslr': { type: 'boolean', default: false, describe: 'run the command with address space randomisation off (default: off when it was off when recorded)' },
    progress: { type: 'boolean', describe: 'progress on stderr (default: when stderr is a terminal)' },
    'max-lookahead': { type: 'number', default: 500000, describe: 'recorded events held for threads that lag behind, at most' },
  },
});

export async function main(argv: string[]): Promise<void> {
  if (await completion(SPEC, argv)) return;  // --completion, and the shell asking for words
  await runCli('rift-replay', async () => {
    const dashdash = argv.indexOf('--');
    const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
    const args = await parseArgs(SPEC, own);
    if (!args) return 0;  // help or version printed
    const pos = (args._ as (string | number)[]).map(String);
    let trace: string | undefined;
    let command: string[];
    if (dashdash >= 0) {
      if (pos.length !== 1) throw new UsageError(pos.length ? `one trace file before --, got ${pos.length}` : 'no trace file given', 2, true);
      trace = pos[0];
      command = argv.slice(dashdash + 1);
    } else {
      [trace, ...command] = pos;
    }
    if (!trace) throw new UsageError('no trace file given', 2, true);
    if (!command.length) throw new UsageError('nothing to replay: give the command after --', 2, true);
    const max = args['max-lookahead'];
    if (!Number.isInteger(max) || max < 1) throw new UsageError(`--max-lookahead: expected a count, got '${max}'`);
    try {
      const r = await replay({
        trace,
        command,
        onDesync: args['on-desync'] as OnDesync,
        inject: splitList(args.inject),
        passthru: splitList(args.passthru),
        output: args.o,
        noAslr: args['no-aslr'] || undefined,  // (unset: as when recorded)
        progress: args.progress,
        maxBuffered: max,
        onStart: handleSignals,
      });
      return r.exitCode;
    } catch (e) {
      // more lookahead than allowed: the user's limit, said in one line (exit 1)
      if (e instanceof LookaheadError) throw new UsageError(e.message, 1);
      throw e;
    }
  }, { userErrors: [StreamError, ReplayUsageError] });
}

function splitList(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  return ([] as string[]).concat(v).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

/**
 * SIGTERM/SIGHUP and Ctrl-C end the replayed program (killed, never left stopped); rift-replay
 * then exits 128+signal with a one-line note. On a terminal the first Ctrl-C reached the
 * program too (its process group): it is left to end of it, a second one kills it.
 */
function handleSignals(t: Trace, control: ReplayControl): void {
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    // (isatty, not process.stdin.isTTY: making that stream would set O_NONBLOCK on a pipe the
    // program shares)
    const tty = sig === 'SIGINT' && interrupts === 1 && isatty(0);
    control.interrupt(sig, { kill: !tty });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  control.ended
    .finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('SIGHUP', onSignal);
    })
    .catch(() => {});
}
