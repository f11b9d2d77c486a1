import { PassThrough } from 'node:stream';
import { createWriteStream, fstatSync, openSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { completion, defineCli, parseArgs } from '@rift/cli';
import { inputChunks, LineOutput, MAX_LINE, selectNames, type Event, type Header } from '@rift/events';
import type { Trace } from '@rift/core-native';
import { readInputs, runCli, UsageError } from './common.js';
import { FilterUsageError, PathSelect, signalSet, syscallSet } from './filter.js';
import { colourLevel, paintOf } from './paint.js';
import { checkThreads, threadPool, THREADS_HELP } from './parallel.js';
import { readBlock, type DecodedBlock } from './decoded.js';
import { lineLayout, TextRenderer, type TextOptions } from './text.js';
import { TextBatch } from './batch.js';
import { Summary, SORT_KEYS, type SortKey } from './summary.js';
import { ChromeWriter } from './chrome.js';
import { LiveHold, readLive } from './live.js';
import { PerThreadText } from './split.js';

/**
 * strace's --quiet names: those rift-trace has messages for (exit, thread-execve / superseded),
 * and those it prints nothing for anyway (attach, personality, path-resolution)
 */
const QUIET_NAMES: ReadonlySet<string> = new Set(['all', 'attach', 'exit', 'path-resolution', 'personality', 'superseded', 'thread-execve']);
const EPILOGUE = `Examples:
  rift-trace t.ndjson                      print a recorded stream as strace would
  rift-trace -- ls -l                      record ls and print its syscalls (on stderr, like strace)
  rift-record -- make | rift-trace -       read stdin
  rift-trace -yy -T -tt t.ndjson           descriptor paths, durations, wall-clock times
  rift-trace -e %file,read -s 80 t.ndjson  only file syscalls and read, strings up to 80 bytes
  rift-trace -c -S calls t.ndjson          a summary table like strace -c, sorted by calls
  rift-trace -c --json t.ndjson            the same as JSON
  rift-trace --format chrome -o run.json t.ndjson   a timeline for https://ui.perfetto.dev
  rift-trace -ff -o out -- make            each thread's calls in a file of its own, out.PID
  rift-trace -e inject=openat:error=ENOENT:when=2 -- cat a b   the 2nd openat fails (strace syntax)

Input is stream v1 (see README.md). Bad input is an error 'FILE:LINE: reason' (exit 2);
--lenient skips bad lines and says how many. When a command is given, its exit status is
rift-trace's; Ctrl-C, SIGTERM and SIGHUP are passed on to it (the first Ctrl-C on a terminal
reached it already) and its lines are printed until it exits. With -p they detach: the
processes run on, untraced. Colour only on a terminal; NO_COLOR and FORCE_COLOR are honoured.`;

export const SPEC = defineCli({
  name: 'rift-trace',
  version: '0.1.0',
  usage: 'Usage: rift-trace [options] [FILE...]\n       rift-trace [options] -- cmd [args...]\n       rift-trace [options] -p PID\n\nPrint system calls as strace does, from a rift event stream (FILE, or - for stdin) or by\nrecording a command.',
  epilogue: EPILOGUE,
  // shell completion (--completion): what each value is
  complete: { values: { o: 'file', p: 'pid', e: 'syscalls', P: 'file' }, positional: 'trace' },
  // strace's --no-abbrev is an option of its own, not "not --abbrev" (which yargs rejected)
  parserConfiguration: { 'boolean-negation': false },
  options: {
    o: { alias: 'output', type: 'string', describe: 'write to FILE instead of stdout (stderr when tracing a command)' },
    p: { alias: 'pid', type: 'number', array: true, describe: 'attach to PID and trace it (repeatable)' },
    e: { alias: 'trace', type: 'string', array: true, describe: 'print only these syscalls: names, %classes, /regex/, !negation (trace= accepted; repeatable: the union); signal=SET (the signals whose lines print), abbrev=SET, verbose=SET, raw=SET (syscalls whose structures are abbreviated / decoded / left undecoded), read=FDS, write=FDS (hex dumps of the data read from / written to these descriptors); with a command, also inject=SET:error=E|retval=N[:signal=S][:delay_enter=US][:delay_exit=US][:when=W] and fault=SET:... (strace syntax)' },
    s: { alias: 'string-limit', type: 'number', default: 32, describe: 'bytes of strings and buffers to print' },
    x: { type: 'count', describe: 'hex-escape non-ASCII strings; -xx: every byte' },
    v: { alias: 'no-abbrev', type: 'boolean', default: false, describe: 'print structures whole (stat, getdents64, uname, ...)' },
    y: { alias: 'decode-fds', type: 'count', describe: 'print the path of each descriptor (tracked from the stream)' },
    t: { alias: 'absolute-timestamps', type: 'count', describe: 'wall-clock time on each line; -tt microseconds; -ttt seconds since the epoch' },
    r: { alias: 'relative-timestamps', type: 'boolean', default: false, describe: 'time since the previous line' },
    T: { alias: 'syscall-times', type: 'boolean', default: false, describe: 'time spent in each syscall, <seconds>' },
    c: { alias: 'summary-only', type: 'boolean', default: false, describe: 'a summary table (time, calls, errors) instead of the calls' },
    C: { alias: 'summary', type: 'boolean', default: false, describe: 'the calls, then the summary table' },
    S: { alias: 'summary-sort-by', type: 'string', default: 'time', choices: SORT_KEYS as string[], describe: 'sort the summary by' },
    json: { type: 'boolean', default: false, describe: 'with -c: the summary as JSON' },
    format: { type: 'string', default: 'text', choices: ['text', 'chrome'], describe: 'text (strace-like) or chrome (Chrome Trace Event JSON for Perfetto UI)' },
    f: { alias: 'follow-forks', type: 'count', describe: 'children are always followed; with -o, every line starts with its pid as strace -f -o does; -ff -o PREFIX: each thread in a file of its own, PREFIX.PID' },
    a: { alias: 'columns', type: 'number', default: 40, describe: 'align return values to column N (0: no padding)' },
    q: { alias: 'quiet', type: 'count', describe: '-qq: no +++ exited/killed +++ lines' },
    X: { alias: 'const-print-style', type: 'string', choices: ['raw', 'abbrev', 'verbose'], describe: 'flags and constants as names (abbrev), numbers (raw) or both (verbose)' },
    z: { alias: 'successful-only', type: 'boolean', default: false, describe: 'print only calls that succeeded' },
    Z: { alias: 'failed-only', type: 'boolean', default: false, describe: 'print only calls that failed' },
    P: { alias: 'trace-path', type: 'string', array: true, describe: 'print only calls that name PATH (a path argument, or a descriptor that refers to it)' },
    lenient: { type: 'boolean', default: false, describe: 'skip bad input lines, report how many at the end' },
    threads: { type: 'number', describe: THREADS_HELP + '; not with -y, -c, -C or --format chrome' },
  },
});

/** The last of an option given more than once (a list when repeated, unless @rift/cli keeps the last). */
function last<T>(v: T | T[]): T {
  return Array.isArray(v) ? v[v.length - 1]! : v;
}

/** -e values that are fault injection (passed to the recorder), not a display filter */
const isInject = (e: string) => /^(inject|fault)=/.test(e);

export async function main(argv: string[]): Promise<void> {
  if (await completion(SPEC, argv)) return;  // --completion, and the shell asking for words
  let signals: SignalHandling | undefined;
  try {
    await runCli('rift-trace', async () => {
      const dashdash = argv.indexOf('--');
      // strace's attached forms: -Xraw, -etrace=open (the parser would read them as flags)
      const own = (dashdash >= 0 ? argv.slice(0, dashdash) : argv).flatMap((a) => (/^-[Xe][^-]/.test(a) ? [a.slice(0, 2), a.slice(2)] : [a]));
      const command = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
      const args = await parseArgs(SPEC, own);
      if (!args) return 0;  // help or version printed
      const files = (args._ as (string | number)[]).map(String);
      const pids = (args.p as number[] | undefined) ?? [];
      const launching = command.length > 0 || pids.length > 0;
      const o = last(args.o as string | string[] | undefined);
      const stringSize = last(args.s as number | number[]);
      const sortBy = last(args.S as string | string[]) as SortKey;
      const format = last(args.format as string | string[]);
      if (launching && files.length) throw new UsageError('give input files or a command (after --), not both');
      if (dashdash >= 0 && !command.length) throw new UsageError('nothing to trace after --');
      for (const p of pids) if (!Number.isInteger(p) || p <= 0) throw new UsageError(`-p: bad pid '${p}'`);
      if (!Number.isInteger(stringSize) || stringSize < 0) throw new UsageError(`-s: expected a size in bytes, got '${stringSize}'`);
      if (args.json && !args.c && !args.C) throw new UsageError('--json goes with -c');
      checkThreads(args.threads);
      // -e: a display filter (the union of every -e), and inject=/fault= rules for the recorder
      const es = ((args.e as (string | number)[] | undefined) ?? []).map(String);
      const injects = es.filter(isInject);
      // strace's other qualifiers: -e signal=, abbrev=, verbose=, raw=, read=, write=
      const quals = new Map<string, string>();
      const rest = es.filter((e) => {
        const m = /^(signals?|abbrev|verbose|raw|read|reads|write|writes|quiet|silent|silence)=(.*)$/.exec(e);
        if (m) quals.set(m[1]!.replace(/s$/, '').replace(/^(silent|silence)$/, 'quiet'), m[2]!);
        return !m;
      });
      const shows = rest.filter((e) => !isInject(e)).map((e) => e.replace(/^trace=/, ''));
      let display: Pick<TextOptions, 'signals' | 'abbrev' | 'deref' | 'raw' | 'dumpRead' | 'dumpWrite'> = {};
      try {
        const fdList = (v: string | undefined) => (v === undefined ? undefined : new Set(v === 'all' ? [] : v.split(',').map(Number)));
        display = {
          signals: quals.has('signal') ? signalSet(quals.get('signal')!) : undefined,
          abbrev: quals.has('abbrev') ? syscallSet(quals.get('abbrev')!) : undefined,
          deref: quals.has('verbose') ? syscallSet(quals.get('verbose')!) : undefined,
          raw: quals.has('raw') ? syscallSet(quals.get('raw')!) : undefined,
          dumpRead: fdList(quals.get('read')),
          dumpWrite: fdList(quals.get('write')),
        };
      } catch (e) {
        if (e instanceof FilterUsageError || (e as Error).name === 'SelectError') throw new UsageError((e as Error).message);
        throw e;
      }
      const paths = ((args.P as (string | number)[] | undefined) ?? []).map(String);
      const byPath = paths.length ? new PathSelect(paths) : undefined;
      const column = last(args.a as number | number[]);
      if (!Number.isInteger(column) || column < 0) throw new UsageError(`-a: expected a column, got '${column}'`);
      const style = ({ raw: 1, abbrev: 0, verbose: 2 } as Record<string, 0 | 1 | 2>)[last(args.X as string | string[] | undefined) ?? 'abbrev']!;
      const quiet = args.q as number;
      // -e quiet=LIST (strace's --quiet=LIST): the messages left out
      const quietSet = new Set((quals.get('quiet') ?? '').split(',').filter(Boolean));
      for (const q of quietSet) if (!QUIET_NAMES.has(q)) throw new UsageError(`-e quiet=: unknown message '${q}' (${[...QUIET_NAMES].join(', ')})`);
      const quietAll = quietSet.has('all');
      if (injects.length && !launching) throw new UsageError(`-e ${injects[0]!.replace(/=.*/, '=')}: fault injection needs a command to trace (after --) or -p, not a recorded stream`);
      const only = shows.length ? selectNames(shows.join(',')) : undefined;
      // -ff -o PREFIX: a file per thread (without -o, -ff is -f, as strace's)
      const toFile = o !== undefined && o !== '-';
      const perThread = args.f >= 2 && toFile ? o : undefined;
      if (perThread !== undefined && (args.c || args.C)) throw new UsageError('-c/-C and -ff -o are mutually exclusive (as in strace)');
      if (perThread !== undefined && format !== 'text') throw new UsageError('-ff -o writes text; not with --format chrome');

      // output: a file, else stdout (stderr while tracing a command, as strace does)
      const toStream = !toFile ? (launching ? process.stderr : process.stdout) : undefined;
      const out = perThread !== undefined ? undefined : toStream ? new LineOutput(toStream) : new LineOutput(createWriteStream('', { fd: openSync(o!, 'w', 0o600) }));
      const colour = toStream ? colourLevel(!!(toStream as NodeJS.WriteStream).isTTY) : 0;
      const fmt = { stringSize, hex: Math.min(args.x, 2) as 0 | 1 | 2, verbose: args.v, paint: paintOf(colour), column, style, ...display };
      const closed = () => out?.closed ?? false;

      const batch = new TextBatch();
      const emit = (s: string) => batch.add(s);
      const split = perThread !== undefined ? new PerThreadText(perThread, { ...fmt, timestamps: Math.min(args.t, 3) as 0 | 1 | 2 | 3, relative: args.r, durations: args.T, fdPaths: args.y > 0, only }) : undefined;
      const flush = async () => {
        if (out) await batch.flush(out);
        if (split) await split.flush();
      };

      const summary = args.c || args.C ? new Summary() : undefined;
      const textOn = !args.c && format === 'text' && !split;
      let text: TextRenderer | undefined;
      let chrome: ChromeWriter | undefined;
      const textOpts: TextOptions = { ...fmt, timestamps: Math.min(args.t, 3) as 0 | 1 | 2 | 3, relative: args.r, durations: args.T, fdPaths: args.y > 0, fdDevices: args.y > 1, only, alwaysPid: !!args.f && !toStream, noExit: quiet >= 2 || quietAll || quietSet.has('exit'), noSuperseded: quietAll || quietSet.has('thread-execve') || quietSet.has('superseded'), outcome: args.z ? 'ok' : args.Z ? 'failed' : undefined };
      const onHeader = (header: Header) => {
        byPath?.seed(header as Header & { cwd?: unknown; fds?: unknown });
        text?.finish();
        split?.setHeader(header);
        if (textOn) text = new TextRenderer(header, textOpts, batch);
        if (format === 'chrome' && !chrome) chrome = new ChromeWriter(header, fmt, emit);
      };
      const onEvent = (ev: Event): void | Promise<void> => {
        if (split) return split.push(ev);
        if (byPath && !byPath.keep(ev)) {
          text?.push(ev, true);  // still feeds -y and the thread count; not printed
          return;
        }
        if (only && ev.type === 'syscall' && !only.has(ev.name)) {
          text?.push(ev);  // still feeds -y and the thread count; not printed
          return;
        }
        text?.push(ev);
        chrome?.add(ev);
        summary?.add(ev);
        if (batch.ready) return flush();
      };

      // a stream read as it is written: lines held HOLD_MS at most (live.ts)
      const hold = new LiveHold();
      const live = {
        header: onHeader,
        events: async (evs: Event[]) => {
          for (const ev of evs) {
            hold.saw(ev);
            const r = onEvent(ev);
            if (r) await r;
          }
          hold.mark();
        },
        tick: async () => {
          const t = hold.due();
          if (t >= 0) {
            text?.release(t);
            split?.release(t);
          }
          await flush();
        },
        stopped: closed,
      };

      let skipped = 0;
      let exitCode = 0;
      if (launching) {
        const pt = new PassThrough({ highWaterMark: 1 << 20 });
        const sink = new LineOutput(pt);
        signals = new SignalHandling(pids.length > 0);
        // loaded only to trace a command: the ptrace engine and its native addon are not needed to read a file
        const { record } = await import('@rift/record');
        const rec = record({
          command: command.length ? command : undefined,
          pids: pids.length ? pids : undefined,
          sink,
          stringSize: Math.max(256, stringSize),
          filter: shows.length && !args.y ? shows : undefined,
          inject: injects.length ? injects : undefined,
          syscallBuffer: false,
          onStart: (t) => signals!.start(t, pids),
        }).catch((e: unknown) => {
          pt.end();
          throw e;  // a usage error of rift-record's keeps its exit code (127: command not found)
        });
        let readFailure: unknown;
        try {
          skipped = await readLive(pt, 'rift-record', args.lenient, live);
        } catch (e) {
          readFailure = e;
        }
        // reading stopped early (the output went away, or bad input): the recording stops too
        if (!pt.readableEnded) pt.destroy();
        const r = await rec;  // its own failure comes first
        if (readFailure) throw readFailure;
        exitCode = r.exitCode;
        if (signals.detachedBy) exitCode = 128 + (osConstants.signals[signals.detachedBy] ?? 0);
      } else if ((!files.length || (files.length === 1 && files[0] === '-')) && streaming(0) && !(args.threads !== undefined && args.threads > 0)) {
        skipped = await readLive(inputChunks('-'), 'stdin', args.lenient, live);  // gzip too
      } else {
        // the text alone, without -y, can be parsed and decoded on other threads (parallel.ts)
        const pool = (textOn || split) && !summary && !args.y && !byPath && !display.dumpRead && !display.dumpWrite && !display.signals && !display.abbrev && !display.deref && !display.raw && style === 0 && !args.z && !args.Z && quiet < 2 ? threadPool(args.threads, { task: 'text', stringSize: fmt.stringSize, hex: fmt.hex, verbose: fmt.verbose, colour, only: only && [...only], layout: lineLayout(split ? { ...textOpts, alwaysPid: false } : textOpts), maxLine: MAX_LINE, lenient: args.lenient }) : undefined;
        const onBlock = (b: DecodedBlock) => {
          if (split) {
            readBlock(b, split);
            return split.flush();
          }
          readBlock(b, text!);
          if (batch.ready) return flush();
        };
        skipped = await readInputs(files, args.lenient, onHeader, onEvent, closed, { pool, onBlock });
      }
      const liveTids = text?.liveTids;
      text?.finish();
      chrome?.finish();
      if (summary) {
        if (args.C && textOn) emit('\n');
        emit(args.json ? summary.json(sortBy) : summary.table(sortBy));
      }
      await flush();
      await out?.end();
      await split?.end();
      if (signals?.detachedBy) {
        // strace's closing lines: the processes let go of
        const tids = new Set([...pids, ...(liveTids ?? [])]);
        process.stderr.write([...tids].sort((a, b) => a - b).map((t) => `rift-trace: Process ${t} detached\n`).join(''));
      }
      if (skipped) process.stderr.write(`rift-trace: skipped ${skipped} bad line${skipped === 1 ? '' : 's'}\n`);
      return exitCode;
    });
  } finally {
    signals?.stop();
  }
}

/** Whether fd is a pipe, socket or terminal: a stream read as it is written (not a regular file). */
function streaming(fd: number): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isCharacterDevice();
  } catch {
    return false;
  }
}

/**
 * Ctrl-C, SIGTERM and SIGHUP while tracing. A launched command gets them passed on (but the first
 * SIGINT when stdin is a terminal: the command got that one from the terminal itself), and its
 * lines are printed until it exits; attached processes are detached (they run on, untraced) and
 * rift-trace exits 128+N as strace does. Handlers are in place before the trace starts: a signal
 * that comes first is acted on when it does.
 */
class SignalHandling {
  /** -p: the signal that detached */
  detachedBy: NodeJS.Signals | undefined;
  private trace: Trace | undefined;
  private early: NodeJS.Signals[] = [];
  private interrupts = 0;
  private readonly handler = (sig: NodeJS.Signals) => this.on(sig);

  constructor(private readonly attached: boolean) {
    for (const s of SIGNALS) process.on(s, this.handler);
  }

  start(t: Trace, pids: readonly number[]): void {
    this.trace = t;
    // as strace says it, on stderr
    if (this.attached) process.stderr.write(pids.map((p) => `rift-trace: Process ${p} attached\n`).join(''));
    for (const s of this.early.splice(0)) this.on(s);
  }

  stop(): void {
    for (const s of SIGNALS) process.off(s, this.handler);
  }

  private on(sig: NodeJS.Signals): void {
    const t = this.trace;
    if (!t) {
      this.early.push(sig);
      return;
    }
    if (this.attached) {
      this.detachedBy ??= sig;
      t.detach();
      return;
    }
    this.interrupts++;
    if (sig === 'SIGINT' && this.interrupts === 1 && process.stdin.isTTY) return;
    t.signal(sig);  // false when the command is gone already
  }
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
