import { PassThrough } from 'node:stream';
import { createWriteStream, openSync } from 'node:fs';
import { defineCli, parseArgs } from '@rift/cli';
import { LineOutput, MAX_LINE, readEventStream, selectNames, type Event, type Header } from '@rift/events';
import { readInputs, runCli, UsageError } from './common.js';
import { colourLevel, paintOf } from './paint.js';
import { checkThreads, threadPool, THREADS_HELP } from './parallel.js';
import { readBlock, type DecodedBlock } from './decoded.js';
import { lineLayout, TextRenderer, type TextOptions } from './text.js';
import { TextBatch } from './batch.js';
import { Summary, SORT_KEYS, type SortKey } from './summary.js';
import { ChromeWriter } from './chrome.js';

const EPILOGUE = `Examples:
  rift-trace t.ndjson                      print a recorded stream as strace would
  rift-trace -- ls -l                      record ls and print its syscalls (on stderr, like strace)
  rift-record -- make | rift-trace -       read stdin
  rift-trace -yy -T -tt t.ndjson           descriptor paths, durations, wall-clock times
  rift-trace -e %file,read -s 80 t.ndjson  only file syscalls and read, strings up to 80 bytes
  rift-trace -c -S calls t.ndjson          a summary table like strace -c, sorted by calls
  rift-trace -c --json t.ndjson            the same as JSON
  rift-trace --format chrome -o run.json t.ndjson   a timeline for https://ui.perfetto.dev

Input is stream v1 (see README.md). Bad input is an error 'FILE:LINE: reason' (exit 2);
--lenient skips bad lines and says how many. When a command is given, its exit status is
rift-trace's. Colour only on a terminal; NO_COLOR and FORCE_COLOR are honoured.`;

export const SPEC = defineCli({
  name: 'rift-trace',
  version: '0.1.0',
  usage: 'Usage: rift-trace [options] [FILE...]\n       rift-trace [options] -- cmd [args...]\n       rift-trace [options] -p PID\n\nPrint system calls as strace does, from a rift event stream (FILE, or - for stdin) or by\nrecording a command.',
  epilogue: EPILOGUE,
  // strace's --no-abbrev is an option of its own, not "not --abbrev" (which yargs rejected)
  parserConfiguration: { 'boolean-negation': false },
  options: {
    o: { alias: 'output', type: 'string', describe: 'write to FILE instead of stdout (stderr when tracing a command)' },
    p: { alias: 'pid', type: 'number', array: true, describe: 'attach to PID and trace it (repeatable)' },
    e: { alias: 'trace', type: 'string', describe: 'print only these syscalls: names, %classes, /regex/, !negation (trace= accepted)' },
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
    f: { alias: 'follow-forks', type: 'boolean', describe: 'children are always followed; with -o, every line starts with its pid as strace -f -o does' },
    lenient: { type: 'boolean', default: false, describe: 'skip bad input lines, report how many at the end' },
    threads: { type: 'number', describe: THREADS_HELP + '; not with -y, -c, -C or --format chrome' },
  },
});

export async function main(argv: string[]): Promise<void> {
  await runCli('rift-trace', async () => {
    const dashdash = argv.indexOf('--');
    const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
    const command = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
    const args = await parseArgs(SPEC, own);
    if (!args) return 0;  // help or version printed
    const files = (args._ as (string | number)[]).map(String);
    const pids = (args.p as number[] | undefined) ?? [];
    const launching = command.length > 0 || pids.length > 0;
    if (launching && files.length) throw new UsageError('give input files or a command (after --), not both');
    if (dashdash >= 0 && !command.length) throw new UsageError('nothing to trace after --');
    for (const p of pids) if (!Number.isInteger(p) || p <= 0) throw new UsageError(`-p: bad pid '${p}'`);
    if (!Number.isInteger(args.s) || args.s < 0) throw new UsageError(`-s: expected a size in bytes, got '${args.s}'`);
    if (args.json && !args.c && !args.C) throw new UsageError('--json goes with -c');
    checkThreads(args.threads);
    const only = args.e ? selectNames(args.e.replace(/^trace=/, '')) : undefined;

    // output: a file, else stdout (stderr while tracing a command, as strace does)
    const toStream = args.o === undefined || args.o === '-' ? (launching ? process.stderr : process.stdout) : undefined;
    const out = toStream ? new LineOutput(toStream) : new LineOutput(createWriteStream('', { fd: openSync(args.o!, 'w', 0o600) }));
    const colour = toStream ? colourLevel(!!(toStream as NodeJS.WriteStream).isTTY) : 0;
    const fmt = { stringSize: args.s, hex: Math.min(args.x, 2) as 0 | 1 | 2, verbose: args.v, paint: paintOf(colour) };

    const batch = new TextBatch();
    const emit = (s: string) => batch.add(s);
    const flush = () => batch.flush(out);

    const summary = args.c || args.C ? new Summary() : undefined;
    const textOn = !args.c && args.format === 'text';
    let text: TextRenderer | undefined;
    let chrome: ChromeWriter | undefined;
    const textOpts: TextOptions = { ...fmt, timestamps: Math.min(args.t, 3) as 0 | 1 | 2 | 3, relative: args.r, durations: args.T, fdPaths: args.y > 0, only, alwaysPid: !!args.f && !toStream };
    const onHeader = (header: Header) => {
      text?.finish();
      if (textOn) text = new TextRenderer(header, textOpts, batch);
      if (args.format === 'chrome' && !chrome) chrome = new ChromeWriter(header, fmt, emit);
    };
    const onEvent = (ev: Event) => {
      if (only && ev.type === 'syscall' && !only.has(ev.name)) {
        text?.push(ev);  // still feeds -y and the thread count; not printed
        return;
      }
      text?.push(ev);
      chrome?.add(ev);
      summary?.add(ev);
      if (batch.ready) return flush();
    };

    let skipped = 0;
    let exitCode = 0;
    if (launching) {
      const pt = new PassThrough({ highWaterMark: 1 << 20 });
      const sink = new LineOutput(pt);
      // loaded only to trace a command: the ptrace engine and its native addon are not needed to read a file
      const { record, UsageError: RecordUsageError } = await import('@rift/record');
      const rec = record({ command: command.length ? command : undefined, pids: pids.length ? pids : undefined, sink, stringSize: Math.max(256, args.s), filter: args.e && !args.y ? [args.e.replace(/^trace=/, '')] : undefined, syscallBuffer: false }).catch((e: unknown) => {
        pt.end();
        if (e instanceof RecordUsageError) throw new UsageError((e as Error).message);
        throw e;
      });
      const src = await Promise.race([readEventStream(pt, 'rift-record', { lenient: args.lenient, lineNumbers: false }), rec.then(() => undefined)]);
      if (src) {
        onHeader(src.header);
        for await (const batch of src.batches()) {
          for (const ev of batch) {
            const r = onEvent(ev);
            if (r) await r;
          }
          await flush();
          if (out.closed) break;
        }
      }
      exitCode = (await rec).exitCode;
    } else {
      // the text alone, without -y, can be parsed and decoded on other threads (parallel.ts)
      const pool = textOn && !summary && !args.y ? threadPool(args.threads, { task: 'text', stringSize: fmt.stringSize, hex: fmt.hex, verbose: fmt.verbose, colour, only: only && [...only], layout: lineLayout(textOpts), maxLine: MAX_LINE, lenient: args.lenient }) : undefined;
      const onBlock = (b: DecodedBlock) => {
        readBlock(b, text!);
        if (batch.ready) return flush();
      };
      skipped = await readInputs(files, args.lenient, onHeader, onEvent, () => out.closed, { pool, onBlock });
    }
    text?.finish();
    chrome?.finish();
    if (summary) {
      if (args.C && textOn) emit('\n');
      emit(args.json ? summary.json(args.S as SortKey) : summary.table(args.S as SortKey));
    }
    await flush();
    await out.end();
    if (skipped) process.stderr.write(`rift-trace: skipped ${skipped} bad line${skipped === 1 ? '' : 's'}\n`);
    return exitCode;
  });
}
