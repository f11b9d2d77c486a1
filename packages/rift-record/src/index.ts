/**
 * rift-record as a library: record a launched command or attached pids to a stream v1 output.
 * The bin (bin/rift-record.js) only parses arguments and calls record().
 */
import { openSync, closeSync, readdirSync, readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError as CliUsageError } from '@rift/cli';
import { release } from 'node:os';
import { InjectSpecError, parseInjectSpec, Trace, TraceError, type InjectRule } from '@rift/core-native';
import {
  capturePlan,
  FORMAT,
  openOutput,
  selectSyscalls,
  VERSION,
  type Event,
  type Header,
  type LineOutput,
} from '@rift/events/core';

export interface RecordOptions {
  /** command to launch (argv) */
  command?: string[];
  /** pids to attach to */
  pids?: number[];
  /** output path; undefined or '-' = stdout */
  output?: string;
  /** or write to this LineOutput (tests) */
  sink?: LineOutput;
  /** -e: syscall names, classes (%file) and negations, comma-separated pieces */
  filter?: string[];
  /** -s: bytes kept of strings and non-content buffers */
  stringSize?: number;
  /** --no-data: bound content buffers (read data...) like other buffers */
  data?: boolean;
  /** --fixed-ts: timestamps from 0 with a fixed step, and a fixed header start */
  fixedTs?: boolean | number;
  /** the traced program's stdout: a path, or 'stderr' (default when events go to stdout) */
  traceeStdout?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  noAslr?: boolean;
  /** -e inject=SET:error=E|retval=N[:signal=S][:delay_enter=D][:delay_exit=D][:when=W] (strace syntax) */
  inject?: string[];
  /** --deterministic: the deterministic sandbox (implies --no-aslr, --no-vdso, --fixed-ts) */
  deterministic?: boolean;
  /** --seed: seed of the deterministic sandbox's random bytes */
  seed?: number;
  /** --net: 'virtual' for the sandbox's network (default with deterministic), 'host' for the real one */
  net?: 'host' | 'virtual';
  /** --no-vdso: clock_gettime, gettimeofday, time as real syscalls */
  noVdso?: boolean;
  /**
   * --tsc: a launched command's rdtsc and rdtscp fault (prctl PR_SET_TSC) and the engine
   * records the counters it gives them (`rdtsc` events), which a replay gives back. Off by
   * default: each read costs a ptrace stop, and so does each time read the vDSO answers
   * (clock_gettime reads the counter)
   */
  tsc?: boolean;
  cpu?: number | 'auto' | 'none';
  /**
   * record the common calls inside the program, without a ptrace stop (default true; README
   * "The syscall buffer"). Off by itself where it cannot work: -p, inject, --deterministic,
   * --no-aslr, --no-vdso.
   */
  syscallBuffer?: boolean;
  /** --rift-calls: keep the loader's calls for the syscall buffer's library, marked rift: true */
  riftCalls?: boolean;
  /**
   * --no-follow (false): the launched process's first thread alone, as strace without -f (a
   * program that ptraces its own children needs them untraced). Default true
   */
  follow?: boolean;
  /** called with the Trace once started (tests, signal handling) */
  onStart?: (t: Trace) => void;
}

export interface RecordResult {
  /** exit code rift-record should exit with: the command's own, 0 for attach */
  exitCode: number;
  events: number;
  /** the reader went away (EPIPE) before the end */
  closed: boolean;
  /** the command could not be run: its execve failed (the failed call is in the stream) */
  execError?: { code: string; message: string };
}

/** Bad options, or a command that cannot be run (exitCode 127 not found, 126 not executable). */
export class UsageError extends CliUsageError {}

const FIXED_START = '2000-01-01T00:00:00.000Z';

/** Records until the traced processes are gone (or detached). */
export async function record(o: RecordOptions): Promise<RecordResult> {
  if (!o.command?.length && !o.pids?.length) throw new UsageError('nothing to trace: give a command or -p PID');
  if (o.command?.length && o.pids?.length) throw new UsageError('give a command or -p PID, not both');
  let only: Set<number> | undefined;
  if (o.filter?.length) {
    try {
      // strace's -e trace=SET, and several -e adding up
      only = selectSyscalls(o.filter.map((f) => f.replace(/^trace=/, '')).join(','));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  let inject: InjectRule[] | undefined;
  try {
    inject = o.inject?.length ? o.inject.map(parseInjectSpec) : undefined;
  } catch (e) {
    if (e instanceof InjectSpecError) throw new UsageError(e.message);
    throw e;
  }
  if (o.deterministic && !o.command?.length) throw new UsageError('--deterministic needs a launched command, not -p');
  if (o.noVdso && !o.command?.length) throw new UsageError('--no-vdso needs a launched command, not -p');
  if (o.tsc && !o.command?.length) throw new UsageError('--tsc needs a launched command, not -p');
  if (o.net === 'virtual' && !o.command?.length) throw new UsageError('--net=virtual needs a launched command, not -p');
  const out = o.sink ?? openOutput(o.output);
  const toStdout = !o.sink && (o.output === undefined || o.output === '-');
  let stdoutFd = 1;
  let ownFd: number | undefined;
  if (o.traceeStdout && o.traceeStdout !== 'stderr' && o.traceeStdout !== '-') {
    ownFd = stdoutFd = openSync(o.traceeStdout, 'w', 0o600);
  } else if (o.traceeStdout === 'stderr' || (toStdout && o.traceeStdout !== '-')) {
    stdoutFd = 2;  // the program's output must not mix into the event stream
  }
  const plan = capturePlan({ stringSize: o.stringSize, data: o.data, only });
  // A launched command gets the seccomp prefilter; attached processes cannot be given one, so
  // there the other syscalls are stopped at and dropped here (seq is renumbered without gaps).
  const attaching = !o.command?.length;
  if (o.follow === false && attaching) throw new UsageError('--no-follow needs a launched command, not -p');
  // without a prefilter (attached, or --no-follow: an untraced child would keep it) the other
  // syscalls are stopped at and dropped here
  const dropHere = attaching || o.follow === false;
  const common = { plan, seccomp: only && !dropHere ? [...only] : undefined, cpu: o.cpu, inject };
  let trace: Trace;
  try {
    trace = o.command?.length
      ? Trace.launch({ ...common, command: o.command, env: o.env, cwd: o.cwd, stdio: [0, stdoutFd, 2], noAslr: o.noAslr, noVdso: o.noVdso,
          trapTsc: o.tsc ?? false, deterministic: o.deterministic ? { seed: o.seed ?? 0 } : undefined, syscallBuffer: o.syscallBuffer ?? true,
          net: o.net ?? (o.deterministic ? 'virtual' : 'host'),
          riftCalls: o.riftCalls, follow: o.follow ?? true })
      : Trace.attach({ ...common, pids: o.pids! });
  } catch (e) {
    if (ownFd !== undefined) closeSync(ownFd);
    if (e instanceof TraceError) throw new UsageError(e.message, e.code === 'ENOENT' ? 127 : e.code === 'EACCES' ? 126 : 2);
    throw e;
  }
  // ownFd stays open until the end: the child is forked on the engine's thread, later
  o.onStart?.(trace);
  // the reader went away: stop tracing (launched programs die with us; attached ones are let go)
  out.onClose(() => (o.pids?.length ? trace.detach() : trace.kill()));

  const fixedTs = o.fixedTs || (o.deterministic ? true : undefined);
  const fixed = fixedTs === true ? 1000 : typeof fixedTs === 'number' ? fixedTs : 0;
  const header: Header = {
    type: 'header',
    format: FORMAT,
    version: VERSION,
    arch: 'x86_64',
    kernel: release(),
    start: fixed ? FIXED_START : trace.startTime.toISOString(),
    mode: o.command?.length ? 'launch' : 'attach',
    ...(o.command?.length ? { command: o.command } : { pids: o.pids }),
    tool: 'rift-record 0.1.0',
    // not in a deterministic recording: a pipe's inode, the directory differ from run to run
    ...(fixed ? {} : startState(o.command?.length ? { cwd: o.cwd, stdio: [0, stdoutFd, 2] } : { pids: o.pids ?? [] })),
    options: {
      stringSize: o.stringSize ?? 256,
      data: o.data ?? true,
      ...(o.filter?.length ? { filter: o.filter.join(',') } : {}),
      ...(fixed ? { fixedTs: fixed } : {}),
      ...(o.inject?.length ? { inject: o.inject } : {}),
      ...(o.deterministic ? { deterministic: { seed: o.seed ?? 0 } } : {}),
      ...((o.net ?? (o.deterministic ? 'virtual' : 'host')) === 'virtual' ? { net: 'virtual' } : {}),
      ...(o.noVdso || o.deterministic ? { noVdso: true } : {}),
      ...(o.noAslr && !o.deterministic ? { noAslr: true } : {}),
      ...(o.command?.length && o.tsc ? { tsc: true } : {}),
      ...(trace.syscallBuffer ? { syscallBuffer: true } : {}),
      ...(trace.syscallBuffer && o.riftCalls ? { riftCalls: true } : {}),
      ...(o.follow === false ? { follow: false } : {}),
    },
  };
  await out.writeLines([header]);
  let events = 0;
  let failure: unknown;
  try {
    if ((only && dropHere) || fixed) {
      // events to change before they are written
      let seq = 0;
      for await (let batch of trace) {
        if (only && dropHere) {
          batch = batch.filter((ev) => ev.type !== 'syscall' || only.has(ev.nr));
          for (const ev of batch) ev.seq = ++seq;
        }
        if (fixed) for (const ev of batch) fixTimes(ev, fixed);
        events += batch.length;
        await out.writeLines(batch);
      }
    } else {
      for await (const lines of trace.lines()) {
        events += lines.events;
        await out.write(lines.text);
      }
    }
  } catch (e) {
    failure = e;
  }
  await out.end();
  await trace.done.catch(() => {});
  if (ownFd !== undefined) closeSync(ownFd);
  if (failure) {
    if (failure instanceof TraceError && (failure.code === 'ESRCH' || failure.code === 'EPERM')) throw new UsageError(failure.message);
    throw failure;
  }
  const { exitCode, execError } = await trace.done;
  return { exitCode: o.command?.length ? exitCode : 0, events, closed: out.closed, ...(execError ? { execError } : {}) };
}

/** --fixed-ts: event n happens at n*step ns and syscalls last step/2, so golden files are stable. */
function fixTimes(ev: Event, step: number): void {
  ev.ts = ev.seq * step;
  if (ev.type === 'syscall' && ev.dur !== null) ev.dur = step / 2;
}

/**
 * What the traced program's working directory and descriptors were when the recording began
 * (header fields `cwd` and `fds`: descriptor number -> what /proc names it, as `/dev/null`,
 * `pipe:[123]`): rift-trace -y prints them as strace does, which reads them from /proc. A
 * launched program gets our descriptors 0-2 (`stdio`); an attached one (one pid) is read from
 * /proc. Nothing for what cannot be read.
 */
function startState(at: { cwd?: string; stdio: number[] } | { pids: number[] }): { cwd?: string; fds?: Record<string, string> } {
  const link = (p: string): string | undefined => {
    try {
      return readlinkSync(p);
    } catch {
      return undefined;
    }
  };
  const fds: Record<string, string> = {};
  let cwd: string | undefined;
  if ('stdio' in at) {
    cwd = resolve(at.cwd ?? process.cwd());
    at.stdio.forEach((ours, fd) => {
      const p = link(`/proc/self/fd/${ours}`);
      if (p !== undefined) fds[fd] = p;
    });
  } else {
    if (at.pids.length !== 1) return {};
    const pid = at.pids[0];
    cwd = link(`/proc/${pid}/cwd`);
    let names: string[] = [];
    try {
      names = readdirSync(`/proc/${pid}/fd`);
    } catch {
      // not ours to read
    }
    for (const n of names) {
      const p = link(`/proc/${pid}/fd/${n}`);
      if (p !== undefined) fds[n] = p;
    }
  }
  return { ...(cwd !== undefined ? { cwd } : {}), ...(Object.keys(fds).length ? { fds } : {}) };
}
