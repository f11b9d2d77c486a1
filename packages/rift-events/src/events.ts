/**
 * rift event stream v1: the contract between every rift tool.
 *
 * One JSON object per line. The first line is a Header; then events in `seq` order. The JSON
 * Schema in ../schema/events-v1.schema.json describes the same shapes; the README documents them.
 *
 * Integers that a JS number cannot hold exactly (|v| > 2^53 - 1) are written as decimal
 * strings: see Int64 and toInt64().
 */

export const FORMAT = 'rift-events';
export const VERSION = 1;

/** A signed 64-bit integer: a JSON number when exact, else its decimal string. */
export type Int64 = number | string;

export interface Header {
  type: 'header';
  format: typeof FORMAT;
  version: number;
  arch: 'x86_64';
  kernel: string;
  /** ISO-8601 wall-clock time of the trace start; event `ts` values count from it. */
  start: string;
  mode: 'launch' | 'attach' | 'replay';
  /** argv of the launched command (launch and replay modes). */
  command?: string[];
  /** pids attached to (attach mode). */
  pids?: number[];
  tool: string;
  /** Record options that shape the stream (string size, filters, ...). */
  options?: Record<string, unknown>;
}

/** Memory read from the tracee for one argument. */
export interface Capture {
  /** argument index, 0-based */
  arg: number;
  /** read at syscall entry or exit */
  at: 'entry' | 'exit';
  /** element index inside an array argument (argv, iovec, msghdr parts); absent for scalars */
  index?: number;
  /** how `data` encodes the bytes: utf8 text when the bytes are valid UTF-8, else base64 */
  enc?: 'utf8' | 'base64';
  data?: string;
  /** number of bytes captured */
  len: number;
  /** bytes available when more than were captured (display bound -s) */
  full?: number;
  /** the pointer could not be read: errno name (EFAULT) */
  fault?: string;
  /** the array had more elements than were captured */
  more?: true;
}

interface EventBase {
  seq: number;
  /** thread group id (what `ps` calls the pid) */
  pid: number;
  /** thread id */
  tid: number;
  /** nanoseconds since the header's `start` (monotonic clock) */
  ts: number;
}

export interface SyscallEvent extends EventBase {
  type: 'syscall';
  nr: number;
  name: string;
  /** raw argument registers as signed 64-bit values, as many as the syscall takes */
  args: Int64[];
  /** raw return value; null when the syscall never returned (see `status`) */
  ret: Int64 | null;
  /** errno name when the call failed (ret in -4095..-1) */
  errno?: string;
  /** nanoseconds between entry and exit; null when unknown */
  dur: number | null;
  mem?: Capture[];
  /**
   * unfinished: cut short by exit_group, execve or SIGKILL (no exit stop), or let run on
   * without an exit stop by an interceptor under a seccomp filter with no capture plan;
   * resumed: already in progress when tracing began (no entry stop)
   */
  status?: 'unfinished' | 'resumed';
  /** rift changed this call: arguments, return value or memory (fault injection, replay) */
  injected?: true;
  /** the kernel did not run it; its result was supplied by rift */
  skipped?: true;
  /** made through a foreign ABI (int 0x80); nr is that ABI's number */
  compat?: true;
  /** recorded inside the program by the syscall buffer, without a ptrace stop */
  buffered?: true;
  /**
   * made for rift, not by the program: the loader loading the syscall buffer's library. Only
   * in recordings made with `rift-record --rift-calls`; left out otherwise
   */
  rift?: true;
  /**
   * a time read (clock_gettime, gettimeofday, time) the vDSO answered inside the program: no
   * syscall was made. Recorded by the syscall buffer so that a replay gives the program its
   * recorded time; rift-trace leaves these out, as strace never sees them
   */
  vdso?: true;
  /**
   * not a call the program made: the tracer had the thread make it again from its entry (an
   * interception verdict: `restart`, or `again` at its exit), so this result went nowhere.
   * Only interception handlers see these; rift-replay leaves them out of its stream
   */
  again?: true;
}

export interface SpawnEvent extends EventBase {
  type: 'spawn';
  child: number;
  childPid: number;
  kind: 'fork' | 'vfork' | 'thread' | 'process';
}

export interface ExecEvent extends EventBase {
  type: 'exec';
  /** tid before the exec when a non-leader thread exec'd */
  oldTid?: number;
  path: string;
  argv: string[];
}

export interface SignalEvent extends EventBase {
  type: 'signal';
  signo: number;
  sig: string;
  /** true for a group-stop (SIGSTOP, SIGTSTP, ...), false for a delivered signal */
  stop?: true;
  code?: number;
  /** sender pid and uid, child status (SIGCHLD), fault address (SIGSEGV): as siginfo holds */
  senderPid?: number;
  senderUid?: number;
  status?: number;
  /** SIGCHLD: the child's user and system CPU time, in clock ticks (siginfo's si_utime, si_stime) */
  utime?: number;
  stime?: number;
  addr?: Int64;
  errno?: number;
  /**
   * The signal came inside the syscall buffer's wrapper of this call: before it was made
   * (entry), after it returned (exit), or while it was in the kernel (interrupted: made again
   * after the handler, or failing with EINTR; its record holds that end). `late`: the call's
   * record follows the signal in the stream. Absent: in the program's own code.
   */
  inCall?: SignalInCall;
  /**
   * The instruction the signal interrupted, when it came in the program's own code (no
   * inCall, not at a call's stop); `ipFile` and `ipOffset`: the file mapped there and the
   * offset in it (replay runs the thread to that instruction of its own mapping of the file).
   */
  ip?: Int64;
  ipFile?: string;
  ipOffset?: Int64;
}

export interface SignalInCall {
  nr: number;
  name?: string;
  at: 'entry' | 'exit' | 'interrupted';
  late?: true;
}

export interface ExitEvent extends EventBase {
  type: 'exit';
  /** exit code, when it exited */
  code?: number;
  /** killing signal name, when a signal killed it */
  signal?: string;
  core?: true;
}

/**
 * An rdtsc or rdtscp the tracer answered (rift-record traps them with prctl PR_SET_TSC,
 * PR_TSC_SIGSEGV; the vDSO's own reads are not recorded): the counter the thread got, which
 * a replay gives back. Not a syscall: rift-trace prints none, as strace never sees them.
 */
export interface TscEvent extends EventBase {
  type: 'rdtsc';
  insn: 'rdtsc' | 'rdtscp';
  /** the time-stamp counter (edx:eax) */
  value: Int64;
  /** rdtscp: the IA32_TSC_AUX value it gave in ecx (the CPU number, as Linux sets it) */
  aux?: number;
}

export interface WarningEvent {
  type: 'warning';
  seq: number;
  tid: number;
  ts: number;
  message: string;
}

export interface EndEvent {
  type: 'end';
  seq: number;
  ts: number;
  /** exit: all tracees gone; detach: rift let go of them; killed: rift killed them */
  reason: 'exit' | 'detach' | 'killed';
  /** the launched command's exit code, or 128+signal */
  exitCode?: number;
}

export type Event = SyscallEvent | SpawnEvent | ExecEvent | SignalEvent | ExitEvent | TscEvent | WarningEvent | EndEvent;
export type Line = Header | Event;

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** A signed 64-bit value as the stream writes it. */
export function toInt64(v: bigint): Int64 {
  return v > MAX_EXACT || v < -MAX_EXACT ? v.toString() : Number(v);
}

/** A stream integer back to an exact bigint. */
export function int64(v: Int64): bigint {
  return BigInt(v);
}

/** Bytes of a capture (exact). */
export function captureBytes(c: Capture): Buffer {
  if (c.data === undefined) return Buffer.alloc(0);
  return Buffer.from(c.data, c.enc === 'base64' ? 'base64' : 'utf8');
}

/** A capture's bytes: none when there is no capture or it faulted (nothing could be read). */
export function capturedBytes(c: Capture | undefined): Buffer | undefined {
  return c && !c.fault ? captureBytes(c) : undefined;
}

/** Encodes bytes for a Capture: text when valid UTF-8, else base64 (both exact). */
export function encodeBytes(b: Uint8Array): { enc: 'utf8' | 'base64'; data: string } {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  if (isUtf8(buf)) return { enc: 'utf8', data: buf.toString('utf8') };
  return { enc: 'base64', data: buf.toString('base64') };
}

import { isUtf8 } from 'node:buffer';
