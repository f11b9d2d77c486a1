/**
 * @rift/core-native: the ptrace engine, with a friendly TypeScript face.
 *
 *   const t = Trace.launch({ command: ['ls'], plan: capturePlan() });
 *   for await (const events of t) ...      // batches of stream v1 events, in order
 *   const { exitCode } = await t.done;
 *
 * Iterating is what acknowledges batches to the native thread: a consumer that stops pulling
 * pauses the traced program (bounded queue, nothing dropped).
 */
import { createRequire } from 'node:module';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { availableParallelism, constants as osConstants } from 'node:os';
import type { Event } from '@rift/events/core';
import { decodeBatch, decodeState, statusToCode, type DecodeState } from './decode.js';
import { encodeBatch } from './encode.js';
import type { NativeMessage, NativeOptions, NativeTracer as NativeTracerT, writeFd as nativeWriteFd } from './native.js';
import {
  bindIntercept,
  deliverConsumed,
  nativeDeterministic,
  nativeInjectRule,
  type DeterministicOptions,
  type InjectRule,
  type InterceptOptions,
  type MemoryReaders,
} from './intercept.js';

import { SYSCALLBUF_LIBRARY, SYSCALLBUF_PASSIVE, syscallBufferConfig } from './syscallbuf.js';

export { decodeBatch, decodeState, statusToCode } from './decode.js';
export { encodeBatch } from './encode.js';
export * from './intercept.js';
export { BUFFERED_SYSCALLS, SYSCALLBUF_LIBRARY, SYSCALLBUF_PASSIVE, syscallBufferConfig } from './syscallbuf.js';

const require = createRequire(import.meta.url);
const addon = require('../build/Release/rift_core.node') as { NativeTracer: typeof NativeTracerT; writeFd: typeof nativeWriteFd } & MemoryReaders;
const { NativeTracer } = addon;

/**
 * Writes `data` to the open file behind descriptor `fd` of process `pid`, which this process
 * traces, as a write of the process's own would: through a copy of its descriptor
 * (pidfd_getfd, Linux 5.6), so without `offset` the file position it shares advances; with
 * one, at that offset (pwrite). A pipe is grown to take the bytes and never waited on for more
 * than 5 s. Returns the count written, or -errno when nothing could be (ESRCH, EBADF, EPIPE...).
 */
export function writeFd(pid: number, fd: number, data: Buffer, offset?: bigint): number {
  return addon.writeFd(pid, fd, data, offset ?? -1n);
}

/** An error from the engine, with the errno code (EPERM, ESRCH, ENOENT...). */
export class TraceError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'TraceError';
  }
}

export interface CommonOptions {
  /** capture plan from @rift/events capturePlan() */
  plan?: Int32Array;
  /**
   * syscall numbers to stop at (seccomp-bpf prefilter); undefined = every syscall. Without a
   * `plan` (nothing captured), a call an interceptor lets run with `exit: false` then runs on
   * without an exit stop (one stop, not two): its event has no result (status `unfinished`)
   */
  seccomp?: number[];
  /**
   * CPU for the ptrace thread. 'auto' (default): the last CPU, with a launched command pinned
   * to it too, because a ptrace stop that wakes a tracer on another CPU costs about twice as
   * much; for attach, the CPU the target last ran on. 'none': let the scheduler decide.
   */
  cpu?: number | 'auto' | 'none';
  /** events per batch handed to JS (default 512) */
  batchEvents?: number;
  /** batches handed over but not yet consumed before the tracee is paused (default 8) */
  maxInFlight?: number;
  /** a TypeScript handler that may change the selected syscalls (see lib/intercept.ts) */
  intercept?: InterceptOptions;
  /** native fault-injection rules (strace's -e inject=; parseInjectSpec builds them) */
  inject?: InjectRule[];
}

export interface LaunchOptions extends CommonOptions {
  command: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** fds for the child's stdin, stdout, stderr (default 0, 1, 2) */
  stdio?: [number, number, number];
  /** turn ASLR off in the launched program (personality ADDR_NO_RANDOMIZE) */
  noAslr?: boolean;
  /**
   * trace the children the program makes (fork, vfork, clone, its threads too; default true).
   * false, strace's default without -f: the launched process's first thread alone, stopping at
   * every call (no seccomp prefilter, no syscall buffer: an untraced child would inherit both)
   */
  follow?: boolean;
  /**
   * hide the vDSO from every exec'd program (AT_SYSINFO_EHDR -> AT_IGNORE), so clock_gettime,
   * gettimeofday, time and getcpu are real, traceable syscalls
   */
  noVdso?: boolean;
  /**
   * rdtsc and rdtscp fault in the launched program (prctl PR_SET_TSC, PR_TSC_SIGSEGV before its
   * execve, kept by its threads, children and later images); the engine answers each at its
   * SIGSEGV stop (an interceptor's onTsc, else the real counter) and records it as an `rdtsc`
   * event. The vDSO's own reads are answered, not recorded. A program's own SIGSEGV is delivered
   * as before
   */
  trapTsc?: boolean;
  /** the deterministic sandbox (implies noAslr and noVdso); see README "Interception" */
  deterministic?: boolean | DeterministicOptions;
  /**
   * 'virtual': the sandbox's network (src/vnet.cc): AF_INET/AF_INET6 sockets among the traced
   * processes only, on a virtual loopback; on with `deterministic`. Default 'host'
   */
  net?: 'virtual' | 'host';
  /**
   * true: record the common calls inside the program, without a ptrace stop (the syscall
   * buffer, lib/syscallbuf.ts); ignored where it cannot work: with an interceptor, inject
   * rules, the deterministic sandbox, noAslr or noVdso. 'passive': load the library but record
   * nothing with it, as a replay of a recording made with it must (the program then makes the
   * same calls). Default false.
   */
  syscallBuffer?: boolean | 'passive';
  /**
   * keep the calls the loader makes to load the syscall buffer's library (open, read, fstat,
   * mmap, mprotect, close of rift_syscallbuf.so in each image), marked `rift: true`; by
   * default they are left out of the stream, as the program did not make them
   */
  riftCalls?: boolean;
  /**
   * keep the JS thread off the CPU the tracer and the program are pinned to, so that it works
   * while they run. Default: when there is no intercept handler (the JS thread then only
   * decodes batches). A handler asked about every call is answered fastest on that CPU; one
   * that plans calls ahead (a verdict's `more`) plans them in parallel on another.
   */
  jsApart?: boolean;
}

export interface AttachOptions extends CommonOptions {
  pids: number[];
}

export interface TraceResult {
  /** wait status of the launched command (0 for attach) */
  status: number;
  /** the command's exit code as a shell reports it (128+signal when killed; 127 not found, 126 not run) */
  exitCode: number;
  /** the launched command could not be run: its execve (or the set-up before it) failed */
  execError?: { code: string; message: string };
}

/** Finds an executable as execvp would: a name with a slash is taken as is, else PATH. */
export function resolveCommand(name: string, path = process.env.PATH ?? '/usr/bin:/bin'): string {
  const candidates = name.includes('/') ? [name] : path.split(delimiter).map((d) => join(d || '.', name));
  let denied = false;  // found, but not executable: as a shell, 126 rather than 127
  for (const c of candidates) {
    try {
      if (!statSync(c).isFile()) {
        denied = true;  // a directory
        continue;
      }
    } catch {
      continue;
    }
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      denied = true;
    }
  }
  if (denied) throw new TraceError(`${name}: Permission denied`, 'EACCES');
  throw new TraceError(name.includes('/') ? `${name}: No such file or directory` : `${name}: command not found`, 'ENOENT');
}

// Fields 3.. of /proc/PID/stat (index 0 = field 3, the state); undefined when the process is
// gone or unreadable (the engine then reports it). The command name (field 2) may hold spaces
// and parentheses, so fields are counted from the last ')'.
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

const lastCpuOf = (pid: number): number | undefined => {
  const f = procStat(pid);
  return f ? Number(f[36]) : undefined;  // field 39, "processor"
};
const parentOf = (pid: number): number | undefined => {
  const f = procStat(pid);
  return f ? Number(f[1]) : undefined;  // field 4, "ppid"
};

/** Calls whose answer the tracer corrects while the program runs pinned: never buffered then. */
const PIN_HIDDEN_BY_TRACER = ['sched_getaffinity'];

function allowedCpus(): number[] {
  // honour an affinity mask the user set on rift itself (taskset)
  try {
    const s = readFileSync('/proc/self/status', 'utf8');
    const m = /Cpus_allowed_list:\s*(\S+)/.exec(s);
    if (m) {
      const out: number[] = [];
      for (const part of m[1]!.split(',')) {
        const [a, b] = part.split('-').map(Number) as [number, number | undefined];
        for (let c = a; c <= (b ?? a); c++) out.push(c);
      }
      if (out.length) return out;
    }
  } catch {
    /* fall through */
  }
  return Array.from({ length: availableParallelism() }, (_, i) => i);
}

const errnoName = (n: number): string => Object.entries(osConstants.errno).find(([, v]) => v === n)?.[0] ?? `E${n}`;

/** A CPU asked for by number must be one this process may run on (else pinning fails silently). */
function checkCpu(cpu: CommonOptions['cpu'], allowed: number[]): void {
  if (typeof cpu !== 'number' || allowed.includes(cpu)) return;
  throw new TraceError(`cpu ${cpu}: not a CPU this process may run on (${allowed.join(', ')})`, 'EINVAL');
}

export class Trace implements AsyncIterable<Event[]> {
  /** the launched command's pid (launch mode), known when launch() returns; undefined for attach */
  readonly pid: number | undefined;
  /** settles when the engine has finished and every batch was delivered */
  readonly done: Promise<TraceResult>;
  /** monotonic ns at the start, the zero of event `ts` */
  readonly startNs: bigint;
  /** wall-clock time at the start */
  readonly startTime: Date;
  /** the syscall buffer records the common calls in process (LaunchOptions.syscallBuffer) */
  readonly syscallBuffer: boolean;

  private readonly native: NativeTracerT;
  private readonly state: DecodeState;
  // batches as the engine sent them, decoded when the consumer takes them (as events, or as
  // text through lines())
  private queue: Buffer[] = [];
  private waiting: { resolve: (batch: Buffer | undefined) => void; reject: (e: Error) => void } | undefined;
  private failed: Error | undefined;
  private finished = false;
  private unacked = 0;

  private constructor(opts: NativeOptions, intercept?: InterceptOptions) {
    this.startTime = new Date();
    this.startNs = process.hrtime.bigint();
    this.syscallBuffer = opts.syscallBuffer !== undefined && opts.syscallBuffer.config !== SYSCALLBUF_PASSIVE;
    this.state = decodeState(this.startNs);
    let resolveDone!: (r: TraceResult) => void;
    let rejectDone!: (e: Error) => void;
    this.done = new Promise((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    this.done.catch(() => {});  // observed through iteration or by the caller
    if (intercept) opts = { ...opts, intercept: bindIntercept(intercept, () => this.native, addon) };
    this.native = new NativeTracer(opts, (...m: NativeMessage) => {
      switch (m[0]) {
        case 'batch':
          this.unacked++;
          this.push(m[1]);
          break;
        case 'done': {
          // expectations answered after the handler's last call
          if (intercept) deliverConsumed(intercept, this.native);
          this.finished = true;
          const execError = m[2] ? { code: errnoName(m[2]), message: m[3] } : undefined;
          resolveDone({ status: m[1], exitCode: statusToCode(m[1]) ?? 0, ...(execError ? { execError } : {}) });
          this.wake();
          break;
        }
        case 'error': {
          const e = m[1];
          let msg = e.message;
          if (e.code === 'EPERM') msg += ' (is another tracer attached, or ptrace restricted? see /proc/sys/kernel/yama/ptrace_scope)';
          if (e.code === 'ESRCH') msg = `${msg.replace(/: .*$/, '')}: no such process`;
          this.failed = new TraceError(msg, e.code);
          this.finished = true;
          rejectDone(this.failed);
          this.wake();
          break;
        }
      }
    });
    this.native.start();  // returns once a launched child is forked
    this.pid = opts.argv ? this.native.childPid() || undefined : undefined;
  }

  static launch(o: LaunchOptions): Trace {
    if (!Array.isArray(o.command) || o.command.length === 0) throw new TypeError('launch: command must be a non-empty array');
    const exe = resolveCommand(o.command[0]!, o.env?.PATH ?? process.env.PATH);
    const env = Object.entries(o.env ?? process.env)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`);
    const cpus = allowedCpus();
    checkCpu(o.cpu, cpus);
    // auto: the tracer thread and the program share a CPU when the program stops at every call
    // (a stop costs about twice as much across CPUs); with a prefilter it rarely stops, and a
    // pinned program only loses the scheduler's choice of CPU (under load: dd -e openat took 1.4x
    // the time pinned that it took unpinned)
    const cpu = o.cpu === 'none' ? -1 : typeof o.cpu === 'number' ? o.cpu : cpus.length > 1 && !o.seccomp ? cpus[cpus.length - 1]! : -1;
    const det = o.deterministic ? nativeDeterministic(o.deterministic) : undefined;
    const follow = o.follow ?? true;
    const buffered = !follow
      ? undefined
      : o.syscallBuffer === 'passive'
      ? SYSCALLBUF_PASSIVE
      : o.syscallBuffer && !o.intercept && !o.inject?.length && !det && o.net !== 'virtual' && !o.noAslr && !o.noVdso && o.plan
        ? syscallBufferConfig(o.plan, o.seccomp, cpu >= 0 ? PIN_HIDDEN_BY_TRACER : [])
        : undefined;
    // LD_PRELOAD splits its list at colons and spaces
    const library = buffered !== undefined && !/[: ]/.test(SYSCALLBUF_LIBRARY) ? SYSCALLBUF_LIBRARY : undefined;
    return new Trace(
      {
        ...common(o),
        ...(follow ? {} : { seccomp: undefined, follow: false }),
        argv: o.command,
        exe,
        env,
        cwd: o.cwd,
        stdio: o.stdio ?? [0, 1, 2],
        noAslr: (o.noAslr ?? false) || det !== undefined,
        noVdso: (o.noVdso ?? false) || det !== undefined,
        trapTsc: (o.trapTsc ?? false) || det !== undefined,  // the sandbox answers rdtsc with its clock
        deterministic: det,
        net: (o.net ?? (det ? 'virtual' : 'host')) === 'virtual' ? 'virtual' : undefined,
        syscallBuffer: buffered !== undefined && library ? { library, config: buffered } : undefined,
        riftCalls: o.riftCalls ?? false,
        jsApart: o.jsApart ?? !o.intercept,
        cpu,
        pinChild: true,
        // the pin is rift's: sched_getaffinity answers what the program would have had
        visibleCpus: cpu >= 0 ? cpus : undefined,
      },
      o.intercept,
    );
  }

  static attach(o: AttachOptions): Trace {
    if (!Array.isArray(o.pids) || o.pids.length === 0) throw new TypeError('attach: pids must be a non-empty array');
    for (const p of o.pids) if (!Number.isInteger(p) || p <= 0) throw new TypeError(`attach: bad pid ${p}`);
    for (const p of o.pids) {
      // libuv reaps this process's children with waitpid() on SIGCHLD; a ptrace stop of a
      // child is visible to every thread of the tracer's process, so that waitpid would take
      // the stops meant for the ptrace thread and the tracee would stay stopped for good.
      if (parentOf(p) === process.pid)
        throw new TraceError(`attach to ${p}: it is a child of this process (child_process); attach to a process this one did not spawn, or use Trace.launch`, 'ECHILD');
    }
    checkCpu(o.cpu, allowedCpus());
    const cpu = o.cpu === 'none' ? -1 : typeof o.cpu === 'number' ? o.cpu : (lastCpuOf(o.pids[0]!) ?? -1);
    return new Trace({ ...common(o), pids: o.pids, cpu, pinChild: false }, o.intercept);
  }

  /** Detach from every thread; they run on untraced. The stream ends with an `end` event. */
  detach(): void {
    if (!this.finished) this.native.detach();
  }

  /** A thread waiting at its call (intercept verdict `wait`): onEntry is asked about it again now. */
  wakeThread(tid: number): void {
    if (!this.finished) this.native.wakeWaiting(tid);
  }

  /** Voids every expectation handed to the engine (intercept `then`): the handler's plans changed. */
  dropExpectations(): void {
    if (!this.finished) this.native.dropExpectations();
  }

  /**
   * Sends a signal to the launched command (its first process), as a shell or strace passes
   * one on. Never reaches another process: the engine holds a pidfd of the child, so a child
   * already gone (even reaped, its pid reused) is answered false, and there is no pid <= 0 to
   * get wrong. False for attach, which has no launched command.
   */
  signal(sig: NodeJS.Signals | number): boolean {
    const n = typeof sig === 'number' ? sig : osConstants.signals[sig];
    if (!Number.isInteger(n) || n <= 0) throw new TypeError(`signal: unknown signal ${String(sig)}`);
    if (this.pid === undefined) return false;
    return this.native.signal(n) === 0;
  }

  /** Kill launched processes (attached ones are detached instead). */
  kill(): void {
    if (!this.finished) this.native.kill();
  }

  private push(batch: Buffer): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w.resolve(batch);
    } else this.queue.push(batch);
  }

  private wake(): void {
    if (!this.waiting) return;
    const w = this.waiting;
    this.waiting = undefined;
    if (this.failed) w.reject(this.failed);
    else w.resolve(undefined);
  }

  [Symbol.asyncIterator](): AsyncIterator<Event[]> {
    return this.batches((b) => decodeBatch(b, this.state));
  }

  /**
   * The stream as NDJSON text, a batch at a time: the events iteration gives, through
   * JSON.stringify, one a line, but made without them (a consumer that only writes the stream
   * spends most of its time making and stringifying events). Iterate one way or the other.
   */
  lines(): AsyncIterable<{ text: Buffer; events: number }> {
    return { [Symbol.asyncIterator]: () => this.batches((b) => encodeBatch(b, this.state)) };
  }

  /**
   * The engine's batches themselves: binary records (src/record_buffer.h) to decode with
   * decodeBatch or encodeBatch and a state of one's own (decodeState(trace.startNs)).
   */
  records(): AsyncIterable<Buffer> {
    return { [Symbol.asyncIterator]: () => this.batches((b) => b) };
  }

  private batches<T>(decode: (batch: Buffer) => T): AsyncIterator<T> {
    return {
      next: () => {
        // the consumer is done with everything handed out before: let the engine go on
        while (this.unacked > this.queue.length) {
          this.unacked--;
          this.native.ack();
        }
        const b = this.queue.shift();
        if (b) return Promise.resolve({ value: decode(b), done: false });
        if (this.failed) return Promise.reject(this.failed);
        if (this.finished) return Promise.resolve({ value: undefined, done: true });
        return new Promise<Buffer | undefined>((resolve, reject) => (this.waiting = { resolve, reject })).then(
          (batch): IteratorResult<T> => (batch ? { value: decode(batch), done: false } : { value: undefined, done: true }),
        );
      },
      return: () => {
        this.kill();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

function common(o: CommonOptions): NativeOptions {
  return {
    plan: o.plan,
    seccomp: o.seccomp,
    batchEvents: o.batchEvents,
    maxInFlight: o.maxInFlight,
    inject: o.inject?.length ? o.inject.map(nativeInjectRule) : undefined,
  };
}
