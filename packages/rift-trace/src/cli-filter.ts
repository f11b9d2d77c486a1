import { existsSync } from 'node:fs';
import { completion, defineCli, parseArgs } from '@rift/cli';
import { MAX_LINE, openOutput, type Header, type Line } from '@rift/events';
import { readInputs, runCli, UsageError } from './common.js';
import { eventFilter, FilterUsageError, parseDuration, PathSelect, type FilterOptions } from './filter.js';
import { TextBatch } from './batch.js';
import { checkThreads, threadPool, THREADS_HELP } from './parallel.js';
import type { DecodedBlock } from './decoded.js';

const EPILOGUE = `Examples:
  rift-filter read,openat < t.ndjson                 only read and openat (plus life-cycle events)
  rift-filter %file t.ndjson | rift-trace -          file syscalls, printed
  rift-filter '!%memory,!futex' t.ndjson             everything but memory syscalls and futex
  rift-filter '/^stat/' --failed t.ndjson            failed stat-like calls
  rift-filter --pid 1234 --min-dur 1ms t.ndjson      slow calls of one process
  rift-filter --syscalls-only -e %network -o net.ndjson t.ndjson

EXPR is a selection as strace's -e trace= takes it: names, classes (%file %desc %network
%process %signal %memory %ipc %creds %clock), regular expressions /re/, negation !; 'trace='
is accepted. The first argument is a file, not EXPR, when a file of that name exists (or use
-e). Durations: 300ns, 20us, 1.5ms, 2s (a bare number is seconds).

The output is stream v1: the header, the selected syscalls, and the life-cycle events (spawn,
exec, signal, exit, end) unless --syscalls-only (which still keeps the header and end).
Bad input: 'FILE:LINE: reason', exit 2; --lenient skips bad lines and reports how many.`;

export const SPEC = defineCli({
  name: 'rift-filter',
  version: '0.1.0',
  usage: 'Usage: rift-filter [options] [EXPR] [FILE...]\n\nKeep only some events of a rift event stream (FILE, or stdin), writing a stream v1.',
  epilogue: EPILOGUE,
  // shell completion (--completion): what each value is
  complete: { values: { e: 'syscalls', o: 'file', pid: 'pid', tid: 'pid', P: 'file' }, positional: 'syscalls-or-trace' },
  options: {
    e: { alias: 'trace', type: 'string', array: true, describe: 'the selection EXPR (instead of the first argument; repeatable: the union)' },
    pid: { type: 'number', array: true, describe: 'only events of these processes (repeatable)' },
    tid: { type: 'number', array: true, describe: 'only events of these threads (repeatable)' },
    failed: { alias: 'Z', type: 'boolean', default: false, describe: 'only syscalls that failed' },
    successful: { alias: 'z', type: 'boolean', default: false, describe: 'only syscalls that succeeded' },
    'min-dur': { type: 'string', describe: 'only syscalls that took at least DUR' },
    'syscalls-only': { type: 'boolean', default: false, describe: 'drop life-cycle events (spawn, exec, signal, exit, warning)' },
    P: { alias: 'trace-path', type: 'string', array: true, describe: "only syscalls that name PATH, in a path argument or through a descriptor that refers to it (strace's -P; repeatable)" },
    o: { alias: 'output', type: 'string', describe: 'write to FILE (mode 0600; gzip when it ends in .gz) instead of stdout' },
    lenient: { type: 'boolean', default: false, describe: 'skip bad input lines, report how many at the end' },
    threads: { type: 'number', describe: THREADS_HELP },
  },
});

export async function main(argv: string[]): Promise<void> {
  if (await completion(SPEC, argv)) return;  // --completion, and the shell asking for words
  await runCli('rift-filter', async () => {
    const args = await parseArgs(SPEC, argv);
    if (!args) return 0;  // help or version printed
    const pos = (args._ as (string | number)[]).map(String);
    // every -e (trace= accepted, as rift-trace's): the union of their selections
    const es = ((args.e as (string | number)[] | undefined) ?? []).map((e) => String(e).replace(/^trace=/, ''));
    let select = es.length ? es.join(',') : undefined;
    if (select === undefined && pos.length && !(pos[0] !== '-' && existsSync(pos[0]!))) select = pos.shift();
    if (select === '-') throw new UsageError("'-' is not a selection; give EXPR first, or -e");
    const list = (v: number | number[] | undefined) => (v === undefined ? undefined : ([] as number[]).concat(v));
    const pidList = list(args.pid);
    const tidList = list(args.tid);
    for (const p of [...(pidList ?? []), ...(tidList ?? [])]) if (!Number.isInteger(p) || p <= 0) throw new UsageError(`bad pid or tid '${p}'`);
    checkThreads(args.threads);
    let keep: ReturnType<typeof eventFilter>;
    let filter: FilterOptions;
    let byPath: PathSelect | undefined;
    try {
      filter = {
        select,
        pids: pidList,
        tids: tidList,
        failed: args.failed,
        successful: args.successful,
        minDur: args['min-dur'] !== undefined ? parseDuration(args['min-dur']) : undefined,
        syscallsOnly: args['syscalls-only'],
      };
      keep = eventFilter(filter);
      const paths = ((args.P as (string | number)[] | undefined) ?? []).map(String);
      if (paths.length) {
        // -P follows descriptors through every call, the ones it drops too
        const select = (byPath = new PathSelect(paths));
        const rest = keep;
        keep = (ev) => select.keep(ev) && rest(ev);
      }
    } catch (e) {
      if (e instanceof FilterUsageError) throw new UsageError(e.message);
      throw e;
    }
    const out = openOutput(args.o);
    let wroteHeader = false;
    const batch = new TextBatch();
    // the selection is made line by line, so threads can make it (parallel.ts): they send the
    // lines kept, which go out as they are
    const pool = args.P ? undefined : threadPool(args.threads, { task: 'filter', filter, maxLine: MAX_LINE, lenient: args.lenient });
    const onBlock = (b: DecodedBlock) => {
      batch.bytes(b.bytes, 0, b.bytes.length);
      if (batch.ready) return batch.flush(out);
    };
    const skipped = await readInputs(
      pos,
      args.lenient,
      (header) => {
        if (!wroteHeader) byPath?.seed(header as Header & { cwd?: unknown; fds?: unknown });
        if (!wroteHeader) batch.line(JSON.stringify(header satisfies Line));
        wroteHeader = true;
      },
      (ev) => {
        if (!keep(ev)) return;
        batch.line(JSON.stringify(ev));
        if (batch.ready) return batch.flush(out);
      },
      () => out.closed,
      { pool, onBlock },
    );
    await batch.flush(out);
    await out.end();
    if (skipped) process.stderr.write(`rift-filter: skipped ${skipped} bad line${skipped === 1 ? '' : 's'}\n`);
    return 0;
  });
}
