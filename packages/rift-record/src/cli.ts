import { isatty } from 'node:tty';
import { completion, defineCli, parseArgs, runCli } from '@rift/cli';
import { record, UsageError, type RecordOptions } from './index.js';
import type { Trace } from '@rift/core-native';

const HELP_EPILOGUE = `Examples:
  rift-record -- ls -l                    record ls; events on stdout, ls's output on stderr
  rift-record -o t.ndjson -- make         record to a file (created mode 0600)
  rift-record -e %file,read -- python3 x.py   only file syscalls and read (seccomp prefilter)
  LC_ALL=C rift-record -e inject=openat:error=ENOENT:when=4 -- cat a b c   the 4th openat (b) fails
  rift-record --deterministic -o /dev/null -- bash -c 'echo $RANDOM; date'   same output every run
  rift-record --net=virtual -o t.ndjson -- python3 server_and_client.py      a private network
  rift-record -p 1234 -o t.ndjson         attach to pid 1234 and its threads; Ctrl-C detaches
  rift-record -- cmd | jq 'select(.name=="openat") | .mem[0].data'

Exit status: the traced command's own (128+N when killed by signal N; 127 when it is not found,
126 when it cannot be run); 2 for bad arguments or a pid that does not exist; 1 for internal
errors. The event format is documented in README.md.`;

export const SPEC = defineCli({
  name: 'rift-record',
  version: '0.1.0',
  usage: 'Usage: rift-record [options] [--] cmd [args...]\n       rift-record [options] -p PID [-p PID...]\n\nRecord system calls as an NDJSON event stream (stream v1).',
  epilogue: HELP_EPILOGUE,
  // shell completion (--completion): what each value is
  complete: { values: { o: 'file', p: 'pid', e: 'syscalls', 'tracee-stdout': 'file', cpu: ['auto', 'none'] }, positional: 'command' },
  options: {
    o: { alias: 'output', type: 'string', describe: 'write events to FILE (mode 0600; gzip when it ends in .gz) instead of stdout' },
    p: { alias: 'pid', type: 'number', array: true, describe: 'attach to PID (repeatable); all its threads' },
    e: { alias: 'filter', type: 'string', array: true, describe: 'record only these syscalls: names, %classes, /regex/, !negation (seccomp prefilter; trace= accepted; repeatable, the sets add up); or inject=SET:error=E|retval=N[:signal=S][:delay_enter=US][:delay_exit=US][:when=FIRST..LAST+STEP] to inject a fault (strace syntax, repeatable)' },
    s: { alias: 'string-size', type: 'number', default: 256, describe: 'bytes kept of strings and written buffers' },
    data: { type: 'boolean', default: true, describe: 'capture content buffers (read data...) whole; --no-data bounds them by -s' },
    'fixed-ts': { type: 'boolean', default: false, describe: 'timestamps from 0 with a fixed step (stable golden files)' },
    'tracee-stdout': { type: 'string', describe: "where the program's stdout goes: FILE, 'stderr', or '-' (rift's stdout). Default: stderr when events go to stdout, else inherited" },
    aslr: { type: 'boolean', default: true, describe: '--no-aslr: run the command with address space randomisation off' },
    vdso: { type: 'boolean', default: true, describe: '--no-vdso: hide the vDSO, so clock_gettime, gettimeofday and time are real syscalls' },
    tsc: { type: 'boolean', default: false, describe: 'trap rdtsc and rdtscp in the launched command and record the counters they read, for replay (each costs a stop, the vDSO time reads too: see README)' },
    deterministic: { type: 'boolean', default: false, describe: 'fixed clock, seeded getrandom, fixed ids, uname, sysinfo; stat times zeroed; ASLR and vDSO off (see README)' },
    seed: { type: 'number', default: 0, describe: 'seed of --deterministic random bytes' },
    net: { type: 'string', choices: ['host', 'virtual'], describe: "'virtual': TCP, UDP and their ports among the traced processes only, on a virtual loopback; nothing reaches the host's network (default with --deterministic; see README)" },
    cpu: { type: 'string', default: 'auto', describe: "CPU for the tracer and a launched command: N, 'auto' or 'none'" },
    'rift-calls': { type: 'boolean', default: false, describe: "keep the loader's calls that load the syscall buffer's library, marked \"rift\":true (left out by default: the program did not make them)" },
    follow: { type: 'boolean', default: true, describe: "--no-follow: record the launched process's first thread alone, not its children and threads (strace without -f; every call stops: no seccomp prefilter, no syscall buffer)" },
    'syscall-buffer': { type: 'boolean', default: true, describe: '--no-syscall-buffer: stop at every call (ptrace only) instead of recording read, write, close... inside the program' },
  },
});

export async function main(argv: string[]): Promise<void> {
  if (await completion(SPEC, argv)) return;  // --completion, and the shell asking for words
  await runCli('rift-record', async () => {
    const dashdash = argv.indexOf('--');
    const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
    const args = await parseArgs(SPEC, own);
    if (!args) return 0;  // help or version printed
    const command = dashdash >= 0 ? argv.slice(dashdash + 1) : (args._ as (string | number)[]).map(String);
    const cpu = args.cpu === 'auto' || args.cpu === 'none' ? args.cpu : /^\d+$/.test(args.cpu) ? Number(args.cpu) : NaN;
    if (typeof cpu === 'number' && !Number.isInteger(cpu)) throw new UsageError(`--cpu: expected N, auto or none, got '${args.cpu}'`);
    if (!Number.isInteger(args.s) || args.s < 0) throw new UsageError(`-s: expected a size in bytes, got '${args.s}'`);
    const es = (args.e as string[] | undefined) ?? [];
    const isInject = (e: string) => /^(inject|fault)=/.test(e);
    const filters = es.filter((e) => !isInject(e));
    const injects = es.filter(isInject);
    if (!Number.isInteger(args.seed) || args.seed < 0) throw new UsageError(`--seed: expected a non-negative integer, got '${args.seed}'`);
    for (const p of args.p ?? []) if (!Number.isInteger(p) || p <= 0) throw new UsageError(`-p: expected a process id, got '${p}'`);
    const opts: RecordOptions = {
      command: command.length ? command : undefined,
      pids: args.p as number[] | undefined,
      output: args.o,
      filter: filters.length ? filters : undefined,
      inject: injects.length ? injects : undefined,
      deterministic: args.deterministic,
      seed: args.seed,
      net: args.net as 'host' | 'virtual' | undefined,
      noVdso: !args.vdso,
      tsc: args.tsc,
      stringSize: args.s,
      data: args.data,
      fixedTs: args['fixed-ts'],
      traceeStdout: args['tracee-stdout'],
      noAslr: !args.aslr,
      cpu,
      syscallBuffer: args['syscall-buffer'],
      follow: args.follow,
      riftCalls: args['rift-calls'],
      onStart: (t) => handleSignals(t, !command.length),
    };
    const r = await record(opts);
    // as a shell reports it, after the stream: the call itself is in the recording
    if (r.execError) process.stderr.write(`rift-record: ${command[0]}: ${r.execError.message}\n`);
    // the reader went away (| head): rift-record ended the recording (and killed what it
    // launched), so the command's status says nothing; end quietly, as ndjson tools do
    return r.closed ? 0 : r.exitCode;
  });
}

/**
 * Ctrl-C and SIGTERM. Attached processes are detached and keep running. A launched command
 * gets the terminal's SIGINT itself, so rift-record keeps recording until it exits; a second
 * SIGINT, or a SIGTERM, is passed on to it.
 */
function handleSignals(t: Trace, attached: boolean): void {
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (attached) {
      t.detach();
      return;
    }
    interrupts++;
    // (isatty, not process.stdin.isTTY: making that stream would set O_NONBLOCK on a pipe the
    // program shares)
    if (sig === 'SIGINT' && interrupts === 1 && isatty(0)) return;
    // through the engine's pidfd: only ever the launched command, never a pid of our making
    t.signal(sig);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  t.done.finally(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  }).catch(() => {});
}
