// What build/Release/rift_core.node exports (src/addon.cc), typed by hand.
export interface NativeOptions {
  argv?: string[];
  /** resolved executable (argv[0] stays as given, as execvp does) */
  exe?: string;
  env?: string[];
  cwd?: string;
  stdio?: [number, number, number];
  pids?: number[];
  plan?: Int32Array;
  seccomp?: number[];
  cpu?: number;
  pinChild?: boolean;
  /** the CPUs a pinned launched child's sched_getaffinity reports (the pin is hidden) */
  visibleCpus?: number[];
  noAslr?: boolean;
  noVdso?: boolean;
  /** trace children (default true); false: the launched process's first thread alone */
  follow?: boolean;
  /** rdtsc/rdtscp fault in the launched program; the engine answers and records them (REC_TSC) */
  trapTsc?: boolean;
  /** keep the loader's calls that load the syscall buffer's library, marked rift: true */
  riftCalls?: boolean;
  /** with pinChild: the JS thread keeps off `cpu` while the trace runs */
  jsApart?: boolean;
  inject?: NativeInjectRule[];
  /** the syscall buffer: the library to preload and its RIFT_SYSCALLBUF configuration */
  syscallBuffer?: { library: string; config: string };
  deterministic?: { seed?: bigint | number; epochNs?: bigint | number; stepNs?: bigint | number };
  /** 'virtual': the sandbox's network */
  net?: 'virtual';
  intercept?: {
    syscalls: number[];
    exit: boolean;
    timeoutMs: number;
    /** one question at a time (the engine waits for each answer); else one per waiting thread */
    serial?: boolean;
    /** phase 2 questions (an rdtsc: nr 0, rdtscp: nr 1, args[0] the real counter) are asked */
    tsc?: boolean;
    /** called on the JS thread while the tracee waits; answer with NativeTracer.reply(id, ...) */
    call: (id: number, phase: 0 | 1 | 2, tid: number, pid: number, nr: number, args: bigint[], ret: bigint) => void;
  };
  batchEvents?: number;
  maxInFlight?: number;
  flushMs?: number;
}
/** One strace-style inject rule, already resolved to numbers (src/inject.h InjectRule). */
export interface NativeInjectRule {
  nrs: number[];
  /** skip the call and return this (-errno for error=) */
  ret?: bigint | number;
  signal?: number;
  delayEnterUs?: number;
  delayExitUs?: number;
  first?: number;
  last?: number | bigint;
  step?: number;
}
export type NativeMessage =
  | ['batch', Buffer]
  /** wait status of the launched command; errno of its failed execve (0: it ran) and its text */
  | ['done', number, number, string]
  | ['error', Error & { code: string; errno: number }];
export declare class NativeTracer {
  constructor(opts: NativeOptions, onMessage: (...m: NativeMessage) => void);
  start(): void;
  ack(): void;
  detach(): void;
  kill(): void;
  /** action: 0 run, 1 return (skip, tracee sees value), 2 kill */
  reply(
    id: number,
    action: 0 | 1 | 2,
    args?: (bigint | undefined)[],
    value?: bigint | number,
    writes?: [bigint, Buffer][],
    warning?: string,
    /** true: no exit round trip for this call */
    noExit?: boolean,
    /** expectations, encoded by lib/intercept.ts expectationsOf */
    then?: Buffer,
    /** run: the syscall the kernel runs in the call's place */
    nr?: number,
  ): void;
  /** [tid, count, tid, count...]: expectations answered by the engine since the last call */
  takeConsumed(): number[];
  /** voids every queued expectation */
  dropExpectations(): void;
  /** appends expectations to the queue the verdict for question `id` started for `tid`, if still its */
  extendExpectations(tid: number, id: number, expectations: Buffer): void;
  /** a thread waiting at its call (a `wait` verdict) is asked about it again now */
  wakeWaiting(tid: number): void;
  /** the launched child's pid, valid once start() has returned (0 for attach) */
  childPid(): number;
  /** signals the launched child through its pidfd; 0 or an errno (ESRCH: gone) */
  signal(sig: number): number;
}
export declare function readMemory(tid: number, addr: bigint, len: number): Buffer | null;
export declare function readString(tid: number, addr: bigint, max: number): string | null;
/** bytes written to descriptor fd of process pid (at offset, or its shared position when < 0), or -errno */
export declare function writeFd(pid: number, fd: number, data: Buffer, offset: bigint): number;
