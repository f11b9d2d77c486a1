/**
 * rift-replay as a library: run a command under the native core while walking its recorded
 * trace, thread by thread; inject what it read, check that it does what it did.
 * The bin (bin/rift-replay.js) only parses arguments and calls replay().
 */
import { basename } from 'node:path';
import { existsSync, openSync, readFileSync, readlinkSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { constants as osConstants, release } from 'node:os';
import { resolveCommand, Trace, TraceError, writeFd, type LaunchOptions } from '@rift/core-native';
import {
  capturePlan,
  FORMAT,
  inputChunks,
  openEvents,
  readEventStream,
  SelectError,
  StreamError,
  syscallNumber,
  VERSION,
  type ExecEvent,
  type Header,
  type LineOutput,
  openOutput,
} from '@rift/events';
import { TraceCursor, LookaheadError } from './cursor.js';
import { FREE, FREE_ORDERED, Policy, SPAWNERS } from './policy.js';
import { Replayer, type Desync, type OnDesync } from './replayer.js';
import { scanTrace } from './scan.js';
import { formatRecorded, type LiveCall } from './compare.js';

export { Policy, QUERIES, FREE, ALWAYS_PASSTHRU } from './policy.js';
export { TraceCursor, LookaheadError } from './cursor.js';
export { Replayer, type Desync, type OnDesync, type EntryVerdict, type ExitVerdict } from './replayer.js';
export { compareCall, formatLive, formatRecorded, type LiveCall, type Mismatch } from './compare.js';
export { outputWrites, ScatterError, type Write } from './scatter.js';
export { scanTrace } from './scan.js';

/** Exit status of rift-replay when the program departed from its recording. */
export const EXIT_DESYNC = 3;

export class UsageError extends Error {
  readonly exitCode = 2;
}

export interface ReplayOptions {
  /** recorded trace (a file: it is read twice, once quickly for the syscall set) */
  trace: string;
  command: string[];
  onDesync?: OnDesync;
  inject?: string[];
  passthru?: string[];
  /** replay's own stream v1 ('-' = stdout); undefined = none */
  output?: string;
  sink?: LineOutput;
  /** ASLR off (default: as when recorded, header `options.noAslr` or `deterministic`) */
  noAslr?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** fds for the program's stdin, stdout, stderr */
  stdio?: [number, number, number];
  /** true: keep the vDSO, false: hide it; default: as the recording had it */
  vdso?: boolean;
  /** CPU for the tracer and the program (default: the last allowed; the JS thread keeps off it) */
  cpu?: number | 'auto' | 'none';
  /** progress lines on stderr (default: when stderr is a TTY) */
  progress?: boolean;
  /** where reports go (default stderr) */
  log?: (text: string) => void;
  /** events held for lagging threads before giving up */
  maxBuffered?: number;
  /**
   * recorded calls of a thread handed to the engine ahead with each verdict, answered there
   * without a round trip to JavaScript while the program makes exactly those (0: every call
   * is a round trip). Default LOOKAHEAD.
   */
  lookahead?: number;
  /**
   * replay signals where they were recorded (default true): their live instances are held back
   * by the engine and delivered at the recorded points. false: signals arrive when they come
   */
  signals?: boolean;
  /**
   * threads of a process take turns in the recorded order of their calls (default true; futex
   * calls are then matched too). false: each thread walks its own calls, in any interleaving
   */
  order?: boolean;
  /**
   * give the replayed processes and threads their recorded ids where the kernel allows it
   * (default true): root only, in a PID namespace of its own (unshare -pf), through
   * /proc/sys/kernel/ns_last_pid, as CRIU restores pids; never in the machine's own namespace.
   * A program that prints or formats its pid (bash's $$, the length of a pid string on its heap)
   * then does what it did when recorded
   */
  recordedPids?: boolean;
  /** called once the program runs: `control.interrupt` ends the replay on a signal (the bin's SIGINT/SIGTERM/SIGHUP) */
  onStart?: (t: Trace, control: ReplayControl) => void;
}

/** What a caller can do to a running replay (ReplayOptions.onStart). */
export interface ReplayControl {
  /**
   * The user interrupted the replay with `sig`. With `kill` (the default) every process of the
   * replay is killed at once; without, the program got the signal itself (a terminal's Ctrl-C
   * reaches its whole process group) and is left to end of it. Either way, if the program does
   * not then finish as recorded, replay ends with 128+signal and a one-line note
   * (`interrupted`), not a desync report: what follows a signal is not in the recording.
   */
  interrupt(sig: NodeJS.Signals, opts?: { kill?: boolean }): void;
  /** settles when replay() returns or throws (signal handlers can go then) */
  readonly ended: Promise<void>;
}

/** Default lookahead: long enough to amortise a round trip, short enough to hold little. */
export const LOOKAHEAD = 64;

export interface ReplayResult {
  /** what rift-replay exits with: the program's own, or EXIT_DESYNC */
  exitCode: number;
  /** the program's own exit code */
  programExitCode: number;
  desyncs: Desync[];
  /** why replay went live, if it did */
  live?: string;
  stats: Replayer['stats'];
  /** recorded syscalls not replayed (the program ended first) */
  leftover: number;
  /** the signal the replay was interrupted by (ReplayControl.interrupt), when that ended it */
  interrupted?: NodeJS.Signals;
}

/** The interception options Trace.launch takes (rift-core-native lib/intercept.ts). */
interface InterceptOptions {
  syscalls: number[];
  holdSignals?: number[];
  onEntry(call: LiveCall): unknown;
  onExit?(call: LiveCall, ret: bigint): unknown;
  onTsc?(tid: number, pid: number, rdtscp: boolean): unknown;
  timeoutMs?: number;
  serial?: boolean;
  onError?(e: unknown, call: LiveCall): void;
  onConsumed?(tid: number, count: number): void;
}

export async function replay(o: ReplayOptions): Promise<ReplayResult> {
  let end!: () => void;
  const ended = new Promise<void>((res) => (end = res));
  try {
    return await run(o, ended);
  } finally {
    end();
  }
}

/** Signals that reach a whole process group from a terminal (Ctrl-C, hang-up) or a supervisor. */
const GROUP_SIGNALS = new Set(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

async function run(o: ReplayOptions, ended: Promise<void>): Promise<ReplayResult> {
  const log = o.log ?? ((t: string) => process.stderr.write(t));
  if (!o.command.length) throw new UsageError('nothing to replay: give the command after --');
  if (o.trace === '-') throw new UsageError('the trace must be a file (replay reads it twice), not stdin');
  let policy: Policy;
  try {
    policy = new Policy({ inject: o.inject, passthru: o.passthru, free: o.order === false ? FREE : FREE_ORDERED });
  } catch (e) {
    if (e instanceof SelectError) throw new UsageError(e.message);
    throw e;
  }
  const onDesync = o.onDesync ?? 'stop';

  let scan;
  try {
    scan = await scanTrace(o.trace);
  } catch (e) {
    if (e instanceof StreamError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new StreamError(o.trace, 1, `cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
  }
  // an incomplete last line (a recording cut short): the trace ends before it, truncated
  let cutLine: number | undefined;
  if (scan.tail.trim() && !parses(scan.tail)) cutLine = scan.lines;
  const src =
    cutLine === undefined || scan.complete === 0
      ? await openEvents(o.trace)
      : await readEventStream(inputChunks(o.trace, undefined, scan.complete), o.trace);
  const free = o.order === false ? FREE : FREE_ORDERED;
  const skip = new Set(free);
  const cursor = new TraceCursor(src, { skip, maxBuffered: o.maxBuffered });
  cursor.cutLine = cutLine;
  await cursor.start();

  // isatty, not process.stderr.isTTY: making that stream sets O_NONBLOCK on a pipe, and the
  // replayed program shares rift-replay's stderr (its F_GETFL would see the flag)
  const showProgress = o.progress ?? isatty(2);
  let progressShown = false;
  function clearProgress(): void {
    if (progressShown) {
      process.stderr.write('\r\x1b[K');
      progressShown = false;
    }
  }
  const desyncs: Desync[] = [];
  // set by control.interrupt: a desync after it is the signal's doing, not reported as one
  let interrupted: NodeJS.Signals | undefined;
  let interruptKilled = false;
  let desyncsAtInterrupt = 0;
  const report = (d: Desync) => {
    if (interrupted) return;
    clearProgress();
    log(formatDesync(d, src.name));
  };

  // the launching execve is never seen by interception: compare its argv here
  const exe = (() => {
    try {
      return resolveCommand(o.command[0]!, o.env?.PATH ?? process.env.PATH);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  })();
  const argv = o.command;  // argv[0] as typed: the engine execs `exe` with it, as execvp does
  const recordedArgv = rootArgv(cursor);
  let startLive = false;
  if (recordedArgv && JSON.stringify(recordedArgv) !== JSON.stringify(argv)) {
    const ev = cursor.rootExec;
    const d: Desync = {
      event: ev,
      line: ev ? cursor.lineOf(ev) : undefined,
      tid: 0,
      recordedTid: cursor.rootTid,
      recorded: ev ? formatRecorded(ev) : `execve(${JSON.stringify(recordedArgv[0])}, ${JSON.stringify(recordedArgv)}, ...)`,
      actual: `execve(${JSON.stringify(exe)}, ${JSON.stringify(argv)}, ...)`,
      reason: 'the command differs from the recorded one',
      recent: [],
    };
    desyncs.push(d);
    report(d);
    if (onDesync === 'stop') {
      log(`rift-replay: not started (exit ${EXIT_DESYNC}); --on-desync=live runs it anyway\n`);
      return { exitCode: EXIT_DESYNC, programExitCode: 0, desyncs, stats: { matched: 0, injected: 0, ran: 0, free: 0, unmatched: 0, ahead: 0, signals: 0, held: 0, turnsGivenUp: 0, swaps: 0, tempNames: 0, tsc: 0, drained: 0, writesDiffer: 0 }, leftover: 0 };
    }
    if (onDesync === 'live') startLive = true;
  }

  // The vDSO: off in replay, so clock_gettime & co are real syscalls that can be injected. A
  // recording made with it (no `noVdso` in its header) has the loader's vDSO set-up calls in
  // it, so replay keeps it on to stay in step, and time read through it is live.
  const recordedDeterministic = src.header.options?.deterministic !== undefined;
  const recordedNoVdso = src.header.options?.noVdso === true || recordedDeterministic;
  const noVdso = o.vdso === undefined ? recordedNoVdso : !o.vdso;
  // ASLR: off when it was off when recorded (--no-aslr, --deterministic), so that the addresses
  // the program sees, prints or decides by are the recorded ones
  const noAslr = o.noAslr ?? (src.header.options?.noAslr === true || recordedDeterministic);
  // With the syscall buffer, the program's own time reads through libc were recorded ("vdso"
  // events) and are replayed: the passive library asks the kernel, and the replay answers.
  if (!noVdso && o.vdso === undefined && src.header.options?.syscallBuffer !== true)
    log(`rift-replay: note: ${src.name} was recorded with the vDSO: time read through it is not replayed (record with --no-vdso)\n`);

  // Signals replayed where they were recorded: those the recording shows delivered, but for
  // the ones that happen by themselves at the same instruction (faults) and those that cannot
  // be held back (SIGKILL, SIGSTOP).
  const held = new Set(o.signals === false ? [] : [...scan.signals].filter((n) => !UNHELD_SIGNALS.has(n)));

  const pidAsk = o.recordedPids === false ? undefined : pidRequester();
  // rdtsc and rdtscp: trapped as rift-record trapped them, answered with the recorded counters
  const trapTsc = src.header.options?.tsc === true;

  let liveMsg: string | undefined;
  // each image's heap where it was recorded (Replayer.placeHeap): at its first brk
  const placeHeap = scan.syscalls.has(syscallNumber('brk')!) && !process.env.RIFT_REPLAY_NO_HEAP;
  const replayer = new Replayer(cursor, {
    placeHeap,
    signals: held,
    nextPid: pidAsk?.next,
    order: o.order !== false,
    policy,
    onDesync,
    inTrace: scan.syscalls,
    report: (d) => {
      desyncs.push(d);
      report(d);
    },
    onLive: (why) => {
      liveMsg = why;
      clearProgress();
      log(`rift-replay: ${why}\n`);
    },
    writeFd,
    keepMoved: o.sink !== undefined || o.output !== undefined,
    warn: (msg) => {
      clearProgress();
      log(`rift-replay: warning: ${msg}\n`);
    },
    lookahead: o.lookahead ?? LOOKAHEAD,
    dropExpectations: () => trace?.dropExpectations(),
  });
  if (startLive) {
    replayer.live = true;
    replayer.liveReason = liveMsg = 'the command differs from the recorded one: it runs for real';
  }

  const nrs = new Set<number>();
  for (const nr of scan.syscalls) nrs.add(nr);
  for (const n of SPAWNERS) nrs.add(syscallNumber(n)!);
  nrs.add(syscallNumber('lseek')!);  // offsets behind injected reads are fixed up
  for (const n of free) nrs.delete(syscallNumber(n)!);
  if (placeHeap) nrs.add(syscallNumber('brk')!);
  if (held.size) {
    // the engine keeps held signals blocked again after these (their exits must be seen)
    nrs.add(syscallNumber('rt_sigprocmask')!);
    nrs.add(syscallNumber('rt_sigreturn')!);
  }

  // the program's stdout must not mix into replay's own stream on stdout
  const toStdout = !o.sink && o.output === '-';
  const stdio = o.stdio ?? [0, toStdout ? 2 : 1, 2];
  const out = o.sink ?? (o.output !== undefined ? openOutput(o.output) : undefined);

  const intercept: InterceptOptions = {
    syscalls: [...nrs].sort((a, b) => a - b),
    holdSignals: held.size ? [...held] : undefined,
    onEntry: (call) => replayer.onEntry(call),
    onExit: (call, ret) => replayer.onExit(call, ret),
    onTsc: trapTsc ? (tid, pid, rdtscp) => replayer.onTsc(tid, pid, rdtscp) : undefined,
    onConsumed: (tid, n) => {
      try {
        replayer.onConsumed(tid, n);
      } catch (e) {
        if (!replayer.error) replayer.error = e;
        replayer.killed = true;
      }
    },
    timeoutMs: 60_000,
    // one call at a time: replay follows one recorded order across threads (it decides whose
    // turn it is), and its state is made for calls that come one by one
    serial: true,
    onError: (e) => {
      if (!replayer.error) replayer.error = e;
    },
  };
  // The tracer and the program share a CPU (the last one allowed, as the engine's 'auto'
  // picks): a stop costs about twice as much across CPUs. This (the JS) thread keeps off it
  // when the program has no threads (no clone3, glibc's pthread_create): it then plans each
  // thread's next calls while the engine answers the ones planned before (ahead(): the
  // verdict's `more`), and there are few round trips (one per plan used up or departed from):
  // dd bs=1 replayed in 0.77x the time. Threads that take turns make a round trip at each
  // hand-over, cheaper on one CPU: 4 threads replayed in 0.85x the time there.
  const cpu = o.cpu ?? lastCpu();
  const jsApart = !scan.syscalls.has(syscallNumber('clone3')!);
  let trace: Trace | undefined;
  // the engine starts two threads of its own before it forks the command
  if (pidAsk && cursor.rootTid !== undefined) pidAsk.next(cursor.rootTid, 2);
  try {
    trace = Trace.launch({
      cpu,
      jsApart,
      command: o.command,
      env: o.env,
      cwd: o.cwd,
      stdio,
      noAslr,
      plan: out ? capturePlan() : undefined,
      // Without a stream of its own to write, replay needs to stop only at the calls it
      // handles: a seccomp prefilter lets the others run at full speed, and an injected call is
      // then finished at its one seccomp stop, without an exit stop. With -o every call is seen.
      seccomp: out ? undefined : intercept.syscalls,
      noVdso,
      trapTsc,
      // a recording made with the syscall buffer has the loader loading its library, and the
      // loader's later allocations shifted by it: the replayed program loads it too (passive)
      syscallBuffer: src.header.options?.syscallBuffer === true ? 'passive' : undefined,
      intercept,
    } as LaunchOptions);
  } catch (e) {
    if (e instanceof TraceError) throw new UsageError(e.message);
    throw e;
  }
  const started = trace;
  replayer.wakeThread = (tid) => started.wakeThread(tid);
  let programDone = false;
  trace.done.then(() => (programDone = true), () => {});
  o.onStart?.(trace, {
    ended,
    interrupt(sig, opts) {
      const kill = (opts?.kill ?? true) && !programDone;  // it may have got the signal too, and be gone
      if (!interrupted) desyncsAtInterrupt = desyncs.length;
      if (!interrupted || (kill && !interruptKilled)) interrupted = sig;
      if (!kill || interruptKilled) return;
      interruptKilled = true;
      replayer.killed = true;  // a thread stopped at a call now gets a kill verdict
      started.kill();
    },
  });
  out?.onClose(() => trace.kill());

  // progress on a terminal
  const timer = showProgress
    ? setInterval(() => {
        const pct = scan.lines ? Math.min(100, Math.floor((100 * cursor.read) / scan.lines)) : 0;
        process.stderr.write(`\r\x1b[Krift-replay: event ${cursor.lastSeq} of ~${scan.lines - 1} (${pct}%)${replayer.live ? ' live' : ''}`);
        progressShown = true;
      }, 250)
    : undefined;
  timer?.unref();

  if (out) {
    const header: Header = {
      type: 'header',
      format: FORMAT,
      version: VERSION,
      arch: 'x86_64',
      kernel: release(),
      start: trace.startTime.toISOString(),
      mode: 'replay',
      command: o.command,
      tool: 'rift-replay 0.1.0',
      options: {
        trace: basename(o.trace),
        onDesync,
        ...(o.inject?.length ? { inject: o.inject.join(',') } : {}),
        ...(o.passthru?.length ? { passthru: o.passthru.join(',') } : {}),
        ...(noAslr ? { noAslr: true } : {}),
      },
    };
    await out.writeLines([header]);
  }
  let failure: unknown;
  try {
    if (out) {
      for await (const batch of trace) {
        for (const ev of batch) replayer.fillMoved(ev);
        // The engine's records of calls the thread made again (a `restart` verdict; `again` at
        // an exit: exitTurn, a drained pipe, an event source with nothing yet) are not the
        // program's: left out. Each is marked by the engine (`again`); replay once counted them
        // per thread and took the next record of the same call for one, which could be the
        // thread's previous real call still on its way here (a node replay's stream once had
        // an eventfd read's EAGAIN and lacked the real read before it).
        await out.writeLines(batch.filter((ev) => !(ev.type === 'syscall' && ev.again)));
        if (replayer.killed) trace.kill();  // a desync stop: every process of the replay goes
      }
    } else {
      // no stream to write: the engine's batches are taken as they are, not made into events
      // (decoding them costs the CPU the program and the tracer run on)
      for await (const _ of trace.records()) if (replayer.killed) trace.kill();
    }
  } catch (e) {
    failure = e;
  }
  if (timer) clearInterval(timer);
  clearProgress();
  await out?.end();
  const done = await trace.done.catch((e) => {
    failure ??= e;
    return { status: 0, exitCode: 1 };
  });
  if (replayer.killed) replayer.removeTempFiles();
  if (replayer.error) throw replayer.error;  // StreamError (exit 2), LookaheadError (exit 1)
  if (failure) throw failure;

  // killed by a signal sent to its whole process group (a terminal's Ctrl-C or hang-up, a
  // supervisor): rift-replay got it too, and the handler may not have run yet
  const sig = done.status & 0x7f;
  if (!interrupted && sig && (done.status & 0xff) !== 0x7f && GROUP_SIGNALS.has(signalName(sig)))
    await new Promise((res) => setTimeout(res, 20));

  // recorded calls the program never made (it ended first)
  let leftover = 0;
  if (!replayer.killed && !replayer.live) {
    const left = await cursor.drain((ev) => replayer.expectedMade(ev));
    leftover = left.count;
    if (left.first) {
      const first = left.first;
      const d: Desync = {
        event: first,
        line: cursor.lineOf(first),
        tid: 0,
        recordedTid: first.tid,
        recorded: formatRecorded(first),
        actual: '(nothing: the program had ended)',
        reason: `the program ended before its recording did: ${leftover} recorded syscall(s) not replayed`,
        recent: cursor.recent.slice(-5),
      };
      desyncs.push(d);
      report(d);
    } else if (cursor.truncated) {
      log(`rift-replay: the trace ends at event ${cursor.lastSeq} without an end event (a recording cut short); the program ended there too\n`);
    }
  }

  // interrupted: killed, or the program did not go on as recorded after the signal reached it
  if (interrupted && (interruptKilled || desyncs.length > desyncsAtInterrupt)) {
    const last = cursor.recent.at(-1);
    const at = last ? `event ${last.seq} (${src.name}:${cursor.lineOf(last)}) of ${scan.lines - 1}` : `its first event (of ${scan.lines - 1})`;
    log(`rift-replay: interrupted (${interrupted}); the program was ${interruptKilled ? 'stopped' : 'ended by it'} at ${at}\n`);
    const signo = osConstants.signals[interrupted] ?? 2;
    return { exitCode: 128 + signo, programExitCode: done.exitCode, desyncs, live: liveMsg, stats: replayer.stats, leftover, interrupted };
  }
  const stopped = replayer.killed && desyncs.length > 0;
  const exitCode = stopped || (desyncs.length > 0 && onDesync === 'stop') ? EXIT_DESYNC : done.exitCode;
  if (stopped) log(`rift-replay: stopped the program (exit ${EXIT_DESYNC}); --on-desync=warn or =live let it run on\n`);
  return { exitCode, programExitCode: done.exitCode, desyncs, live: liveMsg, stats: replayer.stats, leftover };
}

/**
 * Signals not held back: faults raised by an instruction (SIGILL, SIGTRAP, SIGBUS, SIGFPE,
 * SIGSEGV, SIGSYS) recur by themselves where they were recorded; SIGKILL and SIGSTOP cannot be
 * blocked. Job control is held: a stop (SIGTSTP, SIGTTIN, SIGTTOU) is delivered at its
 * recorded point; SIGCONT continues the program when it is sent (the kernel does that even
 * while it is blocked) and its handler runs where it ran. A stop delivered after its SIGCONT
 * was sent is continued by the engine (InterceptChain::onGroupStop).
 */
const UNHELD_SIGNALS: ReadonlySet<number> = new Set([4, 5, 7, 8, 9, 11, 19, 31]);

/**
 * Whether this process is in the machine's own PID namespace (the kernel gives it the fixed
 * inode PROC_PID_INIT_INO, 0xeffffffc). There replay leaves the pid counter alone: moved back,
 * it would have the machine's other programs get pids that were given out moments ago (a pid
 * file naming another process than it did; a recording made meanwhile with a thread id twice).
 */
function inInitialPidNamespace(): boolean {
  try {
    return readlinkSync('/proc/self/ns/pid') === 'pid:[4026531836]';
  } catch {
    return true;  // cannot tell: as if it were
  }
}

/**
 * Asking the kernel for the next pid: /proc/sys/kernel/ns_last_pid holds the last pid given out
 * in this PID namespace; the next fork or clone gets the one after it when it is free. Writable
 * by root only (CAP_SYS_ADMIN over the namespace); undefined when it is not writable. Best
 * effort: another process of the system may fork in between, and a pid in use is not taken.
 */
function pidRequester(): { next: (pid: number, before?: number) => boolean } | undefined {
  if (inInitialPidNamespace()) return undefined;
  let fd: number;
  try {
    fd = openSync('/proc/sys/kernel/ns_last_pid', 'w');
  } catch {
    return undefined;
  }
  return {
    next(pid: number, before = 0): boolean {
      if (!Number.isInteger(pid) || pid - before <= 1) return false;
      for (let p = pid - before; p <= pid; p++) if (existsSync(`/proc/${p}`)) return false;
      try {
        writeSync(fd, String(pid - before - 1), 0);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function signalName(n: number): string {
  return Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0] ?? '';
}

/** The last CPU this process may run on ('auto', the engine's pick, when /proc does not say). */
function lastCpu(): number | 'auto' {
  let status: string;
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    return 'auto';
  }
  const m = /Cpus_allowed_list:\s*(\S+)/.exec(status);
  const cpu = Number(m?.[1]!.split(',').at(-1)!.split('-').at(-1));
  return m && Number.isInteger(cpu) ? cpu : 'auto';
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function rootArgv(c: TraceCursor): string[] | undefined {
  // the argv the command was launched with: the execve's own (the exec event shows the
  // kernel's view after a #! line)
  const ev = c.rootExec;
  if (ev) {
    const caps = (ev.mem ?? []).filter((m) => m.arg === 1 && m.at === 'entry');
    if (!caps.length || caps.some((m) => m.fault || m.more || (m.full !== undefined && m.full > m.len))) return undefined;
    return caps.map((m) => (m.enc === 'base64' ? Buffer.from(m.data ?? '', 'base64').toString('latin1') : (m.data ?? '')));
  }
  const e: ExecEvent | undefined = c.firstExec;
  return e?.argv;
}

export function formatDesync(d: Desync, file: string): string {
  const where = d.event ? `event ${d.event.seq}${d.line ? ` (${file}:${d.line})` : ''}` : 'the end of the recording';
  const who = d.recordedTid !== undefined ? ` in thread ${d.recordedTid}${d.tid ? ` (replayed as ${d.tid})` : ''}` : d.tid ? ` in thread ${d.tid}` : '';
  let s = `rift-replay: desync at ${where}${who}: ${d.reason}\n`;
  s += `  recorded: ${d.recorded}\n`;
  s += `  actual:   ${d.actual}\n`;
  if (d.recent.length) {
    s += `  last matched events:\n`;
    for (const e of d.recent) s += `    #${e.seq} [${e.tid}] ${formatRecorded(e)}\n`;
  }
  return s;
}
