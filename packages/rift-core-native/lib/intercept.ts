/**
 * Changing syscalls, not only watching them.
 *
 * - A TypeScript handler (InterceptOptions) sees each selected syscall at its entry stop, while
 *   the tracee waits, and answers with a verdict: run (maybe with new arguments), return a
 *   value, fail with an errno, or kill. The ptrace thread blocks on the answer, bounded by
 *   `timeoutMs`; a handler that throws or never answers lets the syscall run unchanged and
 *   leaves a `warning` event in the stream.
 * - Native rules (InjectRule: strace's -e inject=, and the deterministic sandbox) are decided
 *   on the ptrace thread without a round trip to JavaScript.
 *
 * Calls that were changed carry `injected: true` in the stream, and `skipped: true` when the
 * kernel did not run them.
 */
import { errnoNumber, selectSyscalls, SIGINFO_SIZE, signalNumber, syscallName } from '@rift/events/core';
import type { NativeInjectRule, NativeOptions, NativeTracer } from './native.js';

/** A syscall as a handler sees it. Memory readers work while the handler runs. */
export interface SyscallCall {
  tid: number;
  pid: number;
  nr: number;
  name: string;
  /** the 6 raw argument registers, unsigned 64-bit */
  args: bigint[];
  /** `len` bytes at addr (fewer when the range runs into unmapped memory); null on fault */
  readBytes(addr: bigint, len: number): Buffer | null;
  /** the NUL-terminated string at addr, at most `max` bytes (default 4096), as UTF-8; null on fault */
  readString(addr: bigint, max?: number): string | null;
}

export interface MemoryWrite {
  addr: bigint;
  data: Buffer;
}

/**
 * A verdict decided ahead of time, for a call the thread is expected to make later. A handler
 * that knows what comes next (replay walking a recording) attaches the thread's next calls to
 * a verdict as `then`; while the thread makes exactly those calls, in that order, the engine
 * answers them itself, without a round trip to JavaScript (several times cheaper). The first
 * call that differs voids the rest of the queue and reaches onEntry as usual. onConsumed says
 * how many were used, so the handler can keep its own state in step. A verdict's `more` plans
 * the calls after those while the engine answers them (on another CPU, in parallel).
 */
export interface Expectation {
  nr: number;
  /** argument registers that must hold these values (bits 32: compare the low half, for descriptors) */
  args?: { index: number; value: bigint; bits?: 32 | 64 }[];
  /** arguments pointing at a NUL-terminated string with exactly these bytes */
  strings?: { index: number; bytes: Buffer }[];
  /** arguments pointing at memory that begins with exactly these bytes (no terminator: a write's data) */
  memory?: { index: number; bytes: Buffer }[];
  /** run it (no onExit), or skip it with `value` and write `writes[i].data` at the address in args[writes[i].arg] */
  verdict: { action: 'run' } | { action: 'return'; value: bigint | number; writes?: { arg: number; data: Buffer }[] };
}

/**
 * Plans a thread's calls past a verdict's `then` while the engine answers those: called once
 * the verdict is sent, and again while it returns a list (undefined: done). An empty list says
 * "nothing to add yet" (the handler holds enough planned calls not yet made): it is called again
 * a millisecond later, after onConsumed, rather than on the next idle turn. Each list is appended to
 * the thread's queue unless the queue is gone by then (used up, or voided by a call that
 * differed), in which case it is dropped and the thread's next call reaches onEntry as usual:
 * a handler forgets what it planned for a thread when asked about that thread. onConsumed is
 * called first, so the handler knows how much of its plan is still ahead. It may answer later
 * (a promise): the queue is checked when the list comes.
 */
export type ThenMore = () => Expectation[] | undefined | Promise<Expectation[] | undefined>;

export type EntryVerdict =
  | undefined
  /**
   * let it run, optionally rewriting arguments (undefined entries keep the original) and
   * tracee memory (written before the call runs: a path rewritten in place, say)
   */
  | {
      action: 'run';
      args?: (bigint | undefined)[];
      writes?: MemoryWrite[];
      /** false: no onExit for this call (saves the exit round trip to JS); default true */
      exit?: boolean;
      /** the thread's next calls, answered by the engine while they match (see Expectation); void if this call is made again (`again` at its exit) */
      then?: Expectation[];
      /** the calls after `then` (see ThenMore) */
      more?: ThenMore;
      /**
       * signals delivered to the thread after this call (see `holdSignals`), in this order: each
       * one's frame is set up on top of the one before, so the last one's handler runs first
       */
      deliver?: number[];
      /**
       * the siginfo (128 bytes each, the kernel's siginfo_t; si_signo says for which) that
       * signals in `deliver` carry to the thread and into the stream, in place of their own:
       * replay gives a signal the one it had when recorded. Also on the other verdicts that
       * deliver
       */
      siginfo?: Uint8Array[];
      /**
       * the syscall the kernel runs in the call's place, with `args` (the exit stop still
       * reports the program's call, whose argument registers are given back there)
       */
      nr?: number;
    }
  /**
   * skip it: the tracee sees `value` (negative = -errno) and these memory writes. With
   * `restartable`, `value` is a kernel restart code (-ERESTARTSYS, -ERESTARTNOINTR,
   * -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK) that the kernel acts on as for a call a signal
   * interrupted: a signal delivered then (`deliver`) restarts the call (SA_RESTART) or makes it
   * fail with EINTR
   */
  | { action: 'return'; value: bigint | number; writes?: MemoryWrite[]; then?: Expectation[]; more?: ThenMore; deliver?: number[]; siginfo?: Uint8Array[]; restartable?: boolean; deliverAt?: bigint }
  /**
   * not now: skip the call and have the thread make it again, as the kernel restarts a call
   * (onEntry sees it again). `sleepUs`: the thread first sleeps that long in its place, so that
   * a thread kept waiting does not spin through the tracer. `deliver`: signals it gets before
   * it makes the call again (their handlers run first). The trace's event for this call is
   * marked `again`: it is not one the program made
   */
  | { action: 'restart'; sleepUs?: number; deliver?: number[]; siginfo?: Uint8Array[] }
  /**
   * not now, and not made: the thread stays stopped at the call while the engine serves the
   * other threads, until `Trace.wakeThread(tid)` or `maxUs` microseconds pass; then onEntry is asked
   * about the same call again. Nothing runs meanwhile, so the wait costs no stop (a restart
   * costs three) and ends the moment it is woken
   */
  | { action: 'wait'; maxUs: number }
  /** skip it: it fails with this errno (name or number) */
  | { action: 'error'; errno: string | number }
  /** SIGKILL the process */
  | { action: 'kill' };

/** The counter an rdtsc or rdtscp gets (InterceptOptions.onTsc); undefined: the real one. */
export type TscVerdict = { value: bigint; aux?: number } | undefined;

/**
 * At the exit of a call that ran: its result, memory writes, and signals the thread gets right
 * after it (see holdSignals). `again`: the program does not see this result; the thread makes
 * the call again (back over its syscall instruction, as the kernel restarts a call), and
 * onEntry sees it anew (the trace's event for this run is marked `again`). `deliverAt`: the
 * signals come when the thread is at this instruction (it is single-stepped there from the
 * exit; they come sooner if it reaches its next syscall instruction first)
 */
export type ExitVerdict = { value?: bigint | number; writes?: MemoryWrite[]; deliver?: number[]; siginfo?: Uint8Array[]; again?: boolean; deliverAt?: bigint } | undefined;

export interface InterceptOptions {
  /** syscall numbers sent to the handler; others run untouched (and stay out of a seccomp filter's way) */
  syscalls: number[];
  onEntry(call: SyscallCall): EntryVerdict | Promise<EntryVerdict>;
  /**
   * An rdtsc or rdtscp of thread `tid` that the engine answers (TraceOptions.trapTsc): the
   * counter to give it (and rdtscp's TSC_AUX), or undefined for the real ones (`real`)
   */
  onTsc?(tid: number, pid: number, rdtscp: boolean, real: bigint): TscVerdict | Promise<TscVerdict>;
  /** called at the exit of a handled call that ran (not for skipped ones), with its return value */
  onExit?(call: SyscallCall, ret: bigint): ExitVerdict | Promise<ExitVerdict>;
  /** default 5000: past it the syscall runs unchanged and a `warning` event is written */
  timeoutMs?: number;
  /**
   * true: the handler sees one call at a time, the engine waiting for each verdict (and every
   * traced thread with it). Default false: a thread waits for its verdict at its stop while the
   * engine serves the other threads, whose calls may reach the handler meanwhile (a handler that
   * takes 200 ms over one thread's call holds that thread only)
   */
  serial?: boolean;
  /** a handler threw or gave a bad verdict: the syscall ran unchanged; also a `warning` event */
  onError?(e: unknown, call: SyscallCall): void;
  /**
   * `count` expectations of thread `tid` were answered by the engine, in order. Called before
   * the next handler call, and when the trace ends, for everything answered since.
   */
  onConsumed?(tid: number, count: number): void;
  /**
   * Signals held back: kept blocked in every traced thread (from its first handled call on, and
   * again after each rt_sigprocmask and rt_sigreturn, and in the temporary masks of
   * rt_sigsuspend, ppoll, pselect6, epoll_pwait and epoll_pwait2), so that their live instances
   * wait, pending, until a verdict `deliver`s them where the handler wants them. List
   * rt_sigprocmask and rt_sigreturn in `syscalls` so that their exits are seen. A program then
   * reads its own mask with them set (a handler may inject the mask it expects).
   */
  holdSignals?: number[];
}

/** A native fault-injection rule (strace's -e inject=). */
export interface InjectRule {
  /** syscall numbers it applies to */
  syscalls: number[];
  /** skip the call and fail with this errno */
  error?: string | number;
  /** skip the call and return this value */
  retval?: bigint | number;
  /** deliver this signal after the call */
  signal?: string | number;
  /** microseconds to hold the thread before / after the call */
  delayEnterUs?: number;
  delayExitUs?: number;
  /** which calls, counted per thread and per syscall from 1: first, up to last, every step */
  when?: { first: number; last?: number; step?: number };
}

/** The deterministic sandbox's knobs (all optional). */
export interface DeterministicOptions {
  /** seeds getrandom and AT_RANDOM (default 0) */
  seed?: number | bigint;
  /** wall-clock start (default 2000-01-01T00:00:00Z) */
  epoch?: Date;
  /** virtual time added per time-reading call, ns (default 1 ms) */
  stepNs?: number;
}

export class InjectSpecError extends Error {
  override name = 'InjectSpecError';
}

const U64 = (1n << 64n) - 1n;

function errnoOf(e: string | number, what: string): number {
  const n = typeof e === 'number' ? e : /^\d+$/.test(e) ? Number(e) : errnoNumber(e.toUpperCase());
  if (n === undefined || !Number.isInteger(n) || n <= 0 || n > 4095) throw new InjectSpecError(`${what}: unknown errno '${e}'`);
  return n;
}

function signalOf(s: string | number, what: string): number {
  let n: number | undefined;
  if (typeof s === 'number' || /^\d+$/.test(s)) n = Number(s);
  else {
    const up = s.toUpperCase();
    n = signalNumber(up.startsWith('SIG') ? up : `SIG${up}`);
  }
  if (n === undefined || !Number.isInteger(n) || n <= 0 || n > 64) throw new InjectSpecError(`${what}: unknown signal '${s}'`);
  return n;
}

/** strace's delay syntax: a number of microseconds, or with a unit suffix s, ms, us, ns. */
function delayOf(s: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|ms|us|ns)?$/.exec(s);
  if (!m) throw new InjectSpecError(`${what}: bad delay '${s}' (microseconds, or a number with s, ms, us or ns)`);
  const mult = { s: 1e6, ms: 1e3, us: 1, ns: 1e-3 }[m[2] ?? 'us']!;
  return Math.round(Number(m[1]) * mult);
}

/** strace's when=: first, first..last, first+, first+step, first..last+step. */
function whenOf(s: string): { first: number; last?: number; step?: number } {
  const m = /^(\d+)(?:\.\.(\d+))?(?:\+(\d*))?$/.exec(s);
  if (!m) throw new InjectSpecError(`when: bad expression '${s}' (first[..last][+[step]])`);
  const first = Number(m[1]);
  const last = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? undefined : first;
  const step = m[3] ? Number(m[3]) : 1;
  if (first < 1 || step < 1 || (last !== undefined && last < first)) throw new InjectSpecError(`when: '${s}' must have 1 <= first <= last and step >= 1`);
  return { first, last, step };
}

/**
 * Parses strace's `inject=SET:error=E|retval=N[:signal=S][:delay_enter=D][:delay_exit=D][:when=W]`
 * (also `fault=SET[:error=E][:when=W]`, error defaulting to ENOSYS). SET is a selection as -e
 * takes it: names, %classes, /regex/, !negation.
 */
export function parseInjectSpec(spec: string): InjectRule {
  const m = /^(inject|fault)=(.*)$/.exec(spec);
  if (!m) throw new InjectSpecError(`expected inject=SET:... or fault=SET:..., got '${spec}'`);
  const [set, ...opts] = m[2]!.split(':');
  if (!set) throw new InjectSpecError(`${m[1]}: no syscall given`);
  let syscalls: number[];
  try {
    syscalls = [...selectSyscalls(set)];
  } catch (e) {
    throw new InjectSpecError(`${m[1]}: ${(e as Error).message}`);
  }
  const rule: InjectRule = { syscalls };
  for (const o of opts) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const val = eq < 0 ? '' : o.slice(eq + 1);
    switch (key) {
      case 'error':
        rule.error = errnoOf(val, 'error');
        break;
      case 'retval':
        if (!/^-?(\d+|0x[0-9a-f]+)$/i.test(val)) throw new InjectSpecError(`retval: expected an integer, got '${val}'`);
        rule.retval = val.startsWith('-') ? -BigInt(val.slice(1)) : BigInt(val);
        break;
      case 'signal':
        rule.signal = signalOf(val, 'signal');
        break;
      case 'delay_enter':
        rule.delayEnterUs = delayOf(val, 'delay_enter');
        break;
      case 'delay_exit':
        rule.delayExitUs = delayOf(val, 'delay_exit');
        break;
      case 'when':
        rule.when = whenOf(val);
        break;
      default:
        throw new InjectSpecError(`${m[1]}: unknown or unsupported option '${key}' (error, retval, signal, delay_enter, delay_exit, when)`);
    }
  }
  if (m[1] === 'fault') {
    if (rule.retval !== undefined || rule.signal !== undefined || rule.delayEnterUs || rule.delayExitUs)
      throw new InjectSpecError('fault: only error= and when= apply (use inject=)');
    rule.error ??= errnoOf('ENOSYS', 'error');
  }
  if (rule.error !== undefined && rule.retval !== undefined) throw new InjectSpecError('inject: error= and retval= cannot be combined');
  if (rule.error === undefined && rule.retval === undefined && rule.signal === undefined && !rule.delayEnterUs && !rule.delayExitUs)
    throw new InjectSpecError('inject: give at least one of error=, retval=, signal=, delay_enter=, delay_exit=');
  return rule;
}

/** InjectRule -> the engine's form (checked). */
export function nativeInjectRule(r: InjectRule): NativeInjectRule {
  if (!Array.isArray(r.syscalls) || !r.syscalls.every((n) => Number.isInteger(n) && n >= 0 && n < 1024))
    throw new TypeError('inject: syscalls must be an array of syscall numbers');
  const out: NativeInjectRule = { nrs: r.syscalls };
  if (r.error !== undefined) out.ret = -errnoOf(r.error, 'error');
  if (r.retval !== undefined) out.ret = BigInt.asIntN(64, BigInt(r.retval));
  if (r.signal !== undefined) out.signal = signalOf(r.signal, 'signal');
  if (r.delayEnterUs) out.delayEnterUs = r.delayEnterUs;
  if (r.delayExitUs) out.delayExitUs = r.delayExitUs;
  if (r.when) {
    out.first = r.when.first;
    if (r.when.last !== undefined) out.last = r.when.last;
    out.step = r.when.step ?? 1;
  } 
  return out;
}

export function nativeDeterministic(d: DeterministicOptions | true): NonNullable<NativeOptions['deterministic']> {
  const o = d === true ? {} : d;
  return {
    seed: BigInt.asUintN(64, BigInt(o.seed ?? 0)),
    epochNs: o.epoch ? BigInt(o.epoch.getTime()) * 1_000_000n : 946_684_800_000_000_000n,
    stepNs: o.stepNs ?? 1_000_000,
  };
}

function toU64(v: bigint | number, what: string): bigint {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new TypeError(`${what}: expected an integer, got ${v}`);
    v = BigInt(v);
  }
  if (typeof v !== 'bigint') throw new TypeError(`${what}: expected a bigint or a number`);
  return v & U64;
}

function writesOf(w: MemoryWrite[] | undefined): [bigint, Buffer][] | undefined {
  if (w === undefined) return undefined;
  if (!Array.isArray(w)) throw new TypeError('writes must be an array of { addr, data }');
  return w.map((x, i) => {
    if (!Buffer.isBuffer(x?.data)) throw new TypeError(`writes[${i}].data must be a Buffer`);
    return [toU64(x.addr, `writes[${i}].addr`), x.data];
  });
}

/**
 * Expectations -> the engine's form (checked): one Buffer, because converting thousands of
 * small JS objects field by field in C++ costs more than the round trips they save. Per
 * expectation, little-endian: u16 nr, u8 action (0 run, 1 return), u8 ints, u8 strings,
 * u8 writes, u8 memory, u8 0, i64 value; then ints x (u8 arg, u8 bits, u8[6] 0, u64 value); then
 * strings, memory and writes x (u8 arg, u8[3] 0, u32 length, bytes). Read by expectationsOf in
 * src/addon.cc.
 */
function expectationsOf(list: Expectation[] | undefined): Buffer | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new TypeError('then: expected an array of expectations');
  const idx = (i: unknown, what: string): number => {
    if (!Number.isInteger(i) || (i as number) < 0 || (i as number) > 5) throw new TypeError(`then: ${what} must be an argument index 0..5`);
    return i as number;
  };
  const bytes = (b: unknown, what: string): Buffer => {
    if (!Buffer.isBuffer(b)) throw new TypeError(`then: ${what} must be a Buffer`);
    return b;
  };
  let size = 0;
  for (const e of list) {
    if (!Number.isInteger(e?.nr) || e.nr < 0 || e.nr >= 1024) throw new TypeError('then: nr must be a syscall number');
    const v = e.verdict;
    if (v?.action !== 'run' && v?.action !== 'return') throw new TypeError(`then: bad verdict ${JSON.stringify(v)}`);
    size += 16 + 16 * (e.args?.length ?? 0);
    for (const x of e.strings ?? []) size += 8 + bytes(x.bytes, 'strings[].bytes').length;
    for (const x of e.memory ?? []) size += 8 + bytes(x.bytes, 'memory[].bytes').length;
    if (v.action === 'return') for (const w of v.writes ?? []) size += 8 + bytes(w.data, 'writes[].data').length;
  }
  const out = Buffer.allocUnsafe(size);
  // 64-bit fields through a DataView: Buffer's writeBig*64LE split a bigint with bigint arithmetic
  const view = new DataView(out.buffer, out.byteOffset, out.length);
  let o = 0;
  const blob = (arg: number, b: Buffer): void => {
    out.writeUInt32LE(arg, o);
    out.writeUInt32LE(b.length, o + 4);
    b.copy(out, o + 8);
    o += 8 + b.length;
  };
  for (const e of list) {
    const v = e.verdict;
    const ints = e.args ?? [];
    const strs = e.strings ?? [];
    const mems = e.memory ?? [];
    const writes = v.action === 'return' ? v.writes ?? [] : [];
    if (ints.length > 6 || strs.length > 6 || mems.length > 6 || writes.length > 12) throw new TypeError('then: too many argument matches or writes');
    out.writeUInt16LE(e.nr, o);
    out[o + 2] = v.action === 'return' ? 1 : 0;
    out[o + 3] = ints.length;
    out[o + 4] = strs.length;
    out[o + 5] = writes.length;
    out[o + 6] = mems.length;
    out[o + 7] = 0;
    view.setBigUint64(o + 8, v.action === 'return' ? toU64(v.value, 'value') : 0n, true);
    o += 16;
    for (const a of ints) {
      out.fill(0, o, o + 8);
      out[o] = idx(a.index, 'args[].index');
      out[o + 1] = a.bits === 32 ? 32 : 64;
      view.setBigUint64(o + 8, toU64(a.value, 'args[].value'), true);
      o += 16;
    }
    for (const x of strs) blob(idx(x.index, 'strings[].index'), x.bytes);
    for (const x of mems) blob(idx(x.index, 'memory[].index'), x.bytes);
    for (const w of writes) blob(idx(w.arg, 'writes[].arg'), w.data);
  }
  return out;
}

/** Signal numbers -> the kernel's mask (bit n-1 for signal n). */
function signalMask(sigs: number[] | undefined, what: string): bigint {
  if (sigs === undefined) return 0n;
  if (!Array.isArray(sigs)) throw new TypeError(`${what}: expected an array of signal numbers`);
  let m = 0n;
  for (const s of sigs) {
    if (!Number.isInteger(s) || s < 1 || s > 64) throw new TypeError(`${what}: bad signal number ${String(s)}`);
    m |= 1n << BigInt(s - 1);
  }
  return m;
}

/**
 * Several signals to deliver, in the order their frames are set up (the engine lets each
 * through at the delivery stop of the one before it): one signal number a byte, the first in
 * the low byte; undefined for fewer than two. Past eight, the rest go as the kernel takes them.
 */
function signalOrder(sigs: number[] | undefined): bigint | undefined {
  if (!sigs || sigs.length < 2) return undefined;
  let o = 0n;
  sigs.slice(0, 8).forEach((s, i) => (o |= BigInt(s) << BigInt(8 * i)));
  return o;
}

/** A verdict's siginfo list as one buffer for the engine: 128 bytes a signal, each for a signal it delivers. */
function siginfoOf(infos: Uint8Array[] | undefined, deliver: number[] | undefined): Buffer | undefined {
  if (!infos?.length) return undefined;
  for (const b of infos) {
    if (!(b instanceof Uint8Array) || b.length !== SIGINFO_SIZE) throw new TypeError(`siginfo: each must be ${SIGINFO_SIZE} bytes`);
    const signo = new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);
    if (!deliver?.includes(signo)) throw new TypeError(`siginfo: signal ${signo} is not one the verdict delivers`);
  }
  return Buffer.concat(infos);
}

/** The bridge's control function (src/intercept.cc JsBridge::control). */
type Control = (op: number, ...args: unknown[]) => void;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Reads tracee memory; `readMemory`/`readString` come from the addon. */
export interface MemoryReaders {
  readMemory(tid: number, addr: bigint, len: number): Buffer | null;
  readString(tid: number, addr: bigint, max: number): string | null;
}

/**
 * Binds a handler to the engine: returns the `intercept` option of NativeOptions. `native()`
 * gives the NativeTracer once it exists (calls only arrive after it started).
 */
export function bindIntercept(o: InterceptOptions, native: () => NativeTracer, mem: MemoryReaders): NonNullable<NativeOptions['intercept']> {
  if (!o || typeof o.onEntry !== 'function') throw new TypeError('intercept: onEntry must be a function');
  if (!Array.isArray(o.syscalls) || !o.syscalls.every((n) => Number.isInteger(n) && n >= 0 && n < 1024))
    throw new TypeError('intercept: syscalls must be an array of syscall numbers');
  if (o.onExit !== undefined && typeof o.onExit !== 'function') throw new TypeError('intercept: onExit must be a function');
  const timeoutMs = o.timeoutMs ?? 5000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) throw new TypeError('intercept: timeoutMs must be a positive integer');
  const held = signalMask(o.holdSignals, 'intercept.holdSignals');
  // handed over with the first call (src/intercept.cc)
  let control: Control | undefined;
  const extras = (id: number, deliver: number[] | undefined, flags: number, sleepUs: number, stepTo?: bigint, siginfo?: Uint8Array[]): void => {
    if (!control) throw new Error('intercept: the engine gave no control function; delivering signals and restarting calls are not available');
    control(0, id, signalMask(deliver, 'deliver'), flags, sleepUs, stepTo, signalOrder(deliver), siginfoOf(siginfo, deliver));
  };
  // A verdict's `more`: called on idle turns of the event loop while it plans calls (ThenMore)
  const planMore = (tid: number, id: number, more: ThenMore, call: SyscallCall): void => {
    const failed = (e: unknown): void => {
      try {
        o.onError?.(e, call);
      } catch {
        /* as for a handler's error */
      }
    };
    const extend = (list: Expectation[] | undefined): void => {
      if (list === undefined || list === null) return;
      if (Array.isArray(list) && !list.length) {
        // a full plan: asked again once the engine has used some; the timer does not keep a
        // process whose trace ended alive
        setTimeout(step, PLAN_FULL_RETRY_MS).unref();
        return;
      }
      try {
        native().extendExpectations(tid, id, expectationsOf(list)!);
      } catch (e) {
        failed(e);
        return;
      }
      setImmediate(step);
    };
    const step = (): void => {
      let r: ReturnType<ThenMore>;
      try {
        deliverConsumed(o, native());
        r = more();
      } catch (e) {
        failed(e);
        return;
      }
      if (isThenable(r)) r.then(extend, failed);
      else extend(r);
    };
    setImmediate(step);
  };

  return {
    syscalls: [...new Set(o.syscalls)],
    exit: o.onExit !== undefined,
    tsc: o.onTsc !== undefined,
    timeoutMs,
    serial: o.serial ?? false,
    // ctl: the bridge's control function, with the first call (not in native.d.ts's type: optional)
    call: (id: number, phase: 0 | 1 | 2, tid: number, pid: number, nr: number, args: bigint[], ret: bigint, ctl?: unknown) => {
      if (ctl && !control) {
        control = ctl as Control;
        if (held) control(1, held);
      }
      if (o.onConsumed) deliverConsumed(o, native());
      if (phase === 2) {
        // an rdtsc (nr 0) or rdtscp (nr 1): the counter in a Return verdict, TSC_AUX in args[2]
        const give = (v: TscVerdict): void => {
          if (!v) native().reply(id, 0);
          else native().reply(id, 1, [undefined, undefined, v.aux === undefined ? undefined : BigInt(v.aux)], BigInt.asIntN(64, toU64(v.value, 'value')));
        };
        const refuse = (e: unknown): void => native().reply(id, 0, undefined, undefined, undefined, `intercept: the rdtsc handler (tid ${tid}) threw: ${e instanceof Error ? e.message : String(e)}; the real counter was given`);
        try {
          const v = o.onTsc!(tid, pid, nr === 1, BigInt.asUintN(64, args[0] ?? 0n));
          if (isThenable(v)) v.then(give, refuse);
          else give(v);
        } catch (e) {
          refuse(e);
        }
        return;
      }
      const name = syscallName(nr);
      const call: SyscallCall = {
        tid,
        pid,
        nr,
        name,
        args: args.map((a) => BigInt.asUintN(64, a)),
        readBytes: (addr, len) => mem.readMemory(tid, toU64(addr, 'readBytes addr'), len),
        readString: (addr, max = 4096) => {
          const s = mem.readString(tid, toU64(addr, 'readString addr'), max);
          return s;
        },
      };
      let answered = false;
      const fail = (e: unknown): void => {
        if (answered) return;
        answered = true;
        try {
          o.onError?.(e, call);
        } catch {
          /* an onError that throws changes nothing */
        }
        const msg = e instanceof Error ? e.message : String(e);
        native().reply(id, 0, undefined, undefined, undefined, `intercept: the ${phase ? 'exit' : 'entry'} handler for ${name} (tid ${tid}) threw: ${msg}; the syscall ran unchanged`);
      };
      const send = (v: unknown): void => {
        if (answered) return;
        try {
          const n = native();
          if (phase === 1) {
            const x = v as ExitVerdict;
            if (x === undefined || x === null) n.reply(id, 0);
            else if (typeof x !== 'object') throw new TypeError(`bad exit verdict ${String(x)}`);
            else {
              const val = x.value === undefined ? undefined : BigInt.asIntN(64, toU64(x.value, 'value'));
              const w = writesOf(x.writes);
              if (x.deliver?.length || x.again) extras(id, x.deliver, x.again ? 1 : 0, 0, x.deliver?.length && x.deliverAt ? toU64(x.deliverAt, 'deliverAt') : undefined, x.siginfo);
              n.reply(id, 0, undefined, x.again ? undefined : val, x.again ? undefined : w);
            }
            answered = true;
            return;
          }
          const x = v as EntryVerdict;
          if (x === undefined || x === null) n.reply(id, 0);
          else if (x.action === 'run') {
            if (x.args !== undefined && (!Array.isArray(x.args) || x.args.length > 6)) throw new TypeError('run: args must be an array of at most 6');
            const a = x.args?.map((a, i) => (a === undefined ? undefined : toU64(a, `args[${i}]`)));
            const w = writesOf(x.writes);
            const t = expectationsOf(x.then);
            if (x.deliver?.length) extras(id, x.deliver, 0, 0, undefined, x.siginfo);
            if (x.nr !== undefined && (!Number.isInteger(x.nr) || x.nr < 0 || x.nr >= 1024)) throw new TypeError(`run: bad syscall number ${x.nr}`);
            n.reply(id, 0, a, undefined, w, undefined, x.exit === false, t, x.nr);
          } else if (x.action === 'return') {
            const val = BigInt.asIntN(64, toU64(x.value, 'value'));
            const w = writesOf(x.writes);
            const t = expectationsOf(x.then);
            if (x.deliver?.length || x.restartable) extras(id, x.deliver, x.restartable ? 2 : 0, 0, x.deliver?.length && x.deliverAt && !x.restartable ? toU64(x.deliverAt, 'deliverAt') : undefined, x.siginfo);
            n.reply(id, 1, undefined, val, w, undefined, undefined, t);
          } else if (x.action === 'restart') {
            const us = x.sleepUs ?? 0;
            if (!Number.isInteger(us) || us < 0 || us > 10_000_000) throw new TypeError('restart: sleepUs must be an integer 0..10000000');
            extras(id, x.deliver, 1, us, undefined, x.siginfo);
            n.reply(id, 0, undefined, undefined, undefined, undefined, true);
          } else if (x.action === 'wait') {
            if (!Number.isInteger(x.maxUs) || x.maxUs < 0 || x.maxUs > 10_000_000) throw new TypeError('wait: maxUs must be an integer 0..10000000');
            extras(id, undefined, 4, x.maxUs);
            n.reply(id, 0, undefined, undefined, undefined, undefined, true);
          } else if (x.action === 'error') n.reply(id, 1, undefined, -BigInt(errnoOf(x.errno, 'error')));
          else if (x.action === 'kill') n.reply(id, 2);
          else throw new TypeError(`bad verdict ${JSON.stringify(x)}`);
          answered = true;
          if (x && (x.action === 'run' || x.action === 'return') && x.then?.length && x.more) planMore(tid, id, x.more, call);
        } catch (e) {
          fail(e);
        }
      };
      let r: unknown;
      try {
        r = phase === 0 ? o.onEntry(call) : o.onExit!(call, BigInt.asIntN(64, ret));
      } catch (e) {
        fail(e);
        return;
      }
      if (isThenable(r)) r.then(send, fail);
      else send(r);
    },
  };
}

/** How soon a `more` that had nothing to add (its plan full) is called again. */
const PLAN_FULL_RETRY_MS = 1;

/** Tells the handler which expectations the engine answered since the last time. */
export function deliverConsumed(o: InterceptOptions, n: NativeTracer): void {
  if (!o.onConsumed) return;
  const c = n.takeConsumed();
  for (let i = 0; i < c.length; i += 2) o.onConsumed(c[i]!, c[i + 1]!);
}
