import type { Capture, Int64 } from './events.js';
import { SYSCALL_TABLE } from './syscall-names.js';
import { SIGNATURES, STRUCT_SIZES, type Signature } from './signatures.js';
import { ERRNO_TABLE } from './errno-table.js';
import { SIGNAL_TABLE } from './signal-table.js';
import { PointeeKind, pointeeRows } from './pointees.js';
import { KEYCTL_CAPTURES } from './decode/keyctl.js';
import { PERF_EVENT_CAPTURES } from './decode/perf_event.js';
import { FILE_HANDLE_CAPTURES } from './decode/file_handle.js';
import { FCNTL_CAPTURES } from './decode/fcntl.js';

/** Syscall name by number (x86-64), e.g. SYSCALL_NAMES[257] === 'openat'. */
export const SYSCALL_NAMES: readonly string[] = (() => {
  const out: string[] = [];
  for (const [nr, name] of SYSCALL_TABLE) out[nr] = name;
  return out;
})();

const byName = new Map(SYSCALL_TABLE.map(([nr, name]) => [name, nr]));

export function syscallName(nr: number): string {
  return SYSCALL_NAMES[nr] ?? `syscall_${nr}`;
}

export function syscallNumber(name: string): number | undefined {
  return byName.get(name);
}

export function signatureOf(name: string): Signature | undefined {
  // own keys only: a stream's name "constructor" or "__proto__" is no signature
  return Object.hasOwn(SIGNATURES, name) ? SIGNATURES[name] : undefined;
}

/** Whether argument `arg`'s exit capture of a `name` call is a descriptor's /proc name (Signature.links). */
export function isFdLink(name: string, arg: number): boolean {
  const l = signatureOf(name)?.links;
  return l === 'ret' ? arg === 0 : l !== undefined && (arg === 0 || arg === 1);
}

const errnoByNum = new Map(ERRNO_TABLE.map(([n, name, msg]) => [n, { name, msg }]));
const errnoByName = new Map(ERRNO_TABLE.map(([n, name]) => [name, n]));

/** errno name for a positive errno value, e.g. 2 -> 'ENOENT'. */
export function errnoName(n: number): string {
  return errnoByNum.get(n)?.name ?? `E${n}`;
}
export function errnoMessage(n: number): string {
  return errnoByNum.get(n)?.msg ?? `Unknown error ${n}`;
}
export function errnoNumber(name: string): number | undefined {
  return errnoByName.get(name);
}

const sigByNum = new Map(SIGNAL_TABLE.map(([n, s]) => [n, s]));
const sigByName = new Map(SIGNAL_TABLE.map(([n, s]) => [s, n]));
/** Signal name, e.g. 17 -> 'SIGCHLD'; real-time signals as SIGRTMIN+n (glibc's SIGRTMIN is 34). */
export function signalName(n: number): string {
  const s = sigByNum.get(n);
  if (s) return s;
  if (n >= 34 && n <= 64) return n === 34 ? 'SIGRTMIN' : `SIGRT_${n - 32}`;
  return `${n}`;
}
export function signalNumber(name: string): number | undefined {
  const up = name.toUpperCase();
  return sigByName.get(up.startsWith('SIG') ? up : `SIG${up}`);
}
/** sizeof(siginfo_t) on x86-64 */
export const SIGINFO_SIZE = 128;

// ---- argument specs ------------------------------------------------------------------------

/**
 * How the native core reads what an argument refers to (numbers shared with src/tracer.h):
 * memory at a pointer, or (FdData) the bytes a call moved from the file behind a descriptor,
 * or (FdLink) what /proc names the descriptors a call made.
 */
export const CaptureKind = { CString: 0, Buffer: 1, IoVec: 2, StringArray: 3, MsgHdr: 4, FdData: 5, ...PointeeKind, MsgHdrVec: 8, FdLink: 9 } as const;
export const LengthFrom = { Fixed: 0, Arg: 1, Ret: 2, ArgPtrU32: 3, ArgPtrU64: 4, ArgI32: 5 } as const;

export interface ArgSpec {
  /** decoder type: 'fd', 'path', 'flags', 'buf', 'stat', 'sockaddr', 'iov', ... */
  type: string;
  /** xlat table for flags:/enum: */
  table?: string;
  dir?: 'in' | 'out' | 'inout';
  capture?: {
    kind: number;
    lenFrom: number;
    lenArg: number;
    /** fixed byte count (LengthFrom.Fixed) */
    bytes?: number;
    scale: number;
    /**
     * bytes kept of each element at entry, whatever -s says: 0 where only the elements' lengths
     * are printed (the buffers of readv, which hold nothing before the call)
     */
    entryKeep?: number;
  };
}

const specCache = new Map<string, ArgSpec>();

/** Parses one signature argument ('flags:open', 'out:buf(ret)', 'inout:pollfd(1)', ...). */
export function parseArgSpec(s: string): ArgSpec {
  const hit = specCache.get(s);
  if (hit) return hit;
  let spec: ArgSpec;
  const m = /^(in|out|inout):(\w+)(?:\(([^)]*)\))?$/.exec(s);
  if (m) {
    const dir = m[1] as 'in' | 'out' | 'inout';
    const type = m[2]!;
    const len = m[3] ?? '';
    const scale = STRUCT_SIZES[type] ?? 1;
    let capture: ArgSpec['capture'];
    if (type === 'iov') {
      capture = { kind: CaptureKind.IoVec, lenFrom: LengthFrom.Arg, lenArg: Number(len), scale: 1 };
      if (dir === 'inout') capture.entryKeep = 0;
    } else if (type === 'msghdr') {
      capture = { kind: CaptureKind.MsgHdr, lenFrom: LengthFrom.Fixed, lenArg: 0, scale: 1 };
      // recvmsg: the msghdr, name and lengths the program gave, no bytes of its buffers
      if (dir === 'inout') capture.entryKeep = 0;
    } else if (type === 'mmsgsend' || type === 'mmsgrecv') {
      // struct mmsghdr vectors (sendmmsg: vlen elements at exit; recvmmsg: vlen at entry, the
      // lengths given, then the `ret` received, each one's data up to its msg_len at offset 56)
      const recv = type === 'mmsgrecv';
      capture = { kind: CaptureKind.MsgHdrVec, lenFrom: recv ? LengthFrom.Ret | ((56 + 1) << 8) : LengthFrom.Arg, lenArg: Number(len), scale: STRUCT_SIZES.mmsghdr ?? 64 };
      if (recv) capture.entryKeep = 0;
    } else if (len === 'ret') {
      capture = { kind: CaptureKind.Buffer, lenFrom: LengthFrom.Ret, lenArg: 0, scale };
    } else if (len.startsWith('*')) {
      capture = { kind: CaptureKind.Buffer, lenFrom: LengthFrom.ArgPtrU32, lenArg: Number(len.slice(1)), scale };
    } else if (len.startsWith('i')) {
      // iN: argument N's low 32 bits as an int (negative: nothing)
      capture = { kind: CaptureKind.Buffer, lenFrom: LengthFrom.ArgI32, lenArg: Number(len.slice(1)), scale };
    } else if (len.startsWith('=')) {
      capture = { kind: CaptureKind.Buffer, lenFrom: LengthFrom.Fixed, lenArg: 0, bytes: Number(len.slice(1)) * scale, scale: 1 };
    } else {
      capture = { kind: CaptureKind.Buffer, lenFrom: LengthFrom.Arg, lenArg: Number(len), scale };
    }
    spec = { type, dir, capture };
  } else if (s === 'path' || s === 'str') {
    spec = { type: s, dir: 'in', capture: { kind: CaptureKind.CString, lenFrom: LengthFrom.Fixed, lenArg: 0, scale: 1 } };
  } else if (s === 'argv') {
    spec = { type: s, dir: 'in', capture: { kind: CaptureKind.StringArray, lenFrom: LengthFrom.Fixed, lenArg: 0, scale: 1 } };
  } else if (s === 'envp') {
    // the environment: only how many strings it holds (strace's /* N vars */); none of the
    // bytes, which hold secrets as often as not and would make every diff of two runs differ
    spec = { type: s, dir: 'in', capture: { kind: CaptureKind.StringArray, lenFrom: LengthFrom.Fixed, lenArg: 0, scale: 1, entryKeep: 0 } };
  } else if (s.startsWith('flags:') || s.startsWith('enum:')) {
    const [kind, table] = s.split(':') as [string, string];
    spec = { type: kind, table };
  } else {
    spec = { type: s };
  }
  specCache.set(s, spec);
  return spec;
}

// ---- capture plans -------------------------------------------------------------------------

export interface PlanOptions {
  /** -s: bytes kept of strings and of buffers that are not content (default 256) */
  stringSize?: number;
  /** false: content buffers (read data...) are bounded like any other (--no-data) */
  data?: boolean;
  /** only these syscall numbers (undefined = all) */
  only?: ReadonlySet<number>;
}

/**
 * An argument's capture that only some calls of a syscall have: when the low 32 bits of each
 * `when` argument hold its value (keyctl's operation says which of its arguments point to
 * memory, and how much). `spec` is a signature argument's ('in:buf(3)', 'str'...); `max` the
 * bytes kept ('string': -s, and one more for a buffer, to know whether it went on).
 */
export interface CaseCapture {
  call: string;
  when: ReadonlyArray<readonly [arg: number, value: number]>;
  arg: number;
  spec: string;
  max: number | 'string';
  onError?: boolean;
  /**
   * byte ranges [from, to) of the capture that hold no value of the program's: a struct's
   * padding, a field the call ignores (they hold what the memory held before, which differs from
   * run to run); readers that compare runs zero them (captureHoles)
   */
  holes?: ReadonlyArray<readonly [from: number, to: number]>;
}
const CASE_CAPTURES: readonly CaseCapture[] = [...KEYCTL_CAPTURES, ...PERF_EVENT_CAPTURES, ...FILE_HANDLE_CAPTURES, ...FCNTL_CAPTURES];
const HOLED = new Map<string, CaseCapture[]>();
for (const g of CASE_CAPTURES) if (g.holes) HOLED.set(g.call, [...(HOLED.get(g.call) ?? []), g]);

/** The byte ranges of a capture of call `name` with arguments `args` that hold no value (CaseCapture.holes). */
export function captureHoles(name: string, args: readonly Int64[], c: Capture): ReadonlyArray<readonly [number, number]> | undefined {
  const rows = HOLED.get(name);
  if (!rows) return undefined;
  for (const g of rows) {
    if (g.arg !== c.arg || parseArgSpec(g.spec).dir !== (c.at === 'entry' ? 'in' : 'out')) continue;
    if (g.when.every(([a, v]) => args[a] !== undefined && Number(BigInt.asUintN(32, BigInt(args[a]!))) === v >>> 0)) return g.holes;
  }
  return undefined;
}

const PATH_MAX = 4096;
/**
 * Capture types read at exit even when the call failed: what strace prints of a failed call
 * (nanosleep's remaining time when a signal interrupted it, EINTR / ERESTART_RESTARTBLOCK;
 * getsockopt's optlen, which the kernel may have written before it failed; bpf's attribute,
 * whose output fields such as log_true_size strace reads at exit whatever the result).
 */
const EXIT_ON_ERROR: ReadonlySet<string> = new Set(['remts', 'optlen', 'bpf_attr', 'lsm_size', 'sched_attr_set', 'mmsgsend']);
/** Plan rows have this many int32 fields: nr, arg, atExit, kind, lenFrom, lenArg, max, onError, scale */
export const PLAN_ROW = 9;

/**
 * The capture plan the native core follows: which memory to read for which syscall number.
 * Engine-neutral: any engine that reads tracee memory can follow the same rows.
 *
 * A `moves` row of a signature (copy_file_range, sendfile, splice) is one FdData row: at exit,
 * `ret` bytes (LengthFrom.Ret) of the regular file behind descriptor argument `arg`, from the
 * offset the call started at: the loff_t behind the pointer in argument `lenArg` minus ret
 * when it is not NULL, else the file position minus ret. `max` bounds them as content data.
 */
export function capturePlan(opts: PlanOptions = {}): Int32Array {
  const size = opts.stringSize ?? 256;
  const data = opts.data ?? true;
  const rows: number[] = [];
  for (const [name, sig] of Object.entries(SIGNATURES)) {
    const nr = byName.get(name);
    if (nr === undefined || (opts.only && !opts.only.has(nr))) continue;
    sig.args.forEach((a, arg) => {
      const spec = parseArgSpec(a);
      const c = spec.capture;
      if (!c) return;
      let max: number;
      if (spec.type === 'path') max = PATH_MAX;
      else if (c.lenFrom === LengthFrom.Fixed && c.bytes !== undefined) max = c.bytes;
      else if (spec.type === 'buf' || spec.type === 'iov' || spec.type === 'msghdr' || spec.type === 'mmsgsend' || spec.type === 'mmsgrecv' || spec.type === 'str' || spec.type === 'argv')
        max = sig.content && data && spec.dir !== 'in' ? -1 : size;
      else max = 65536;  // arrays of structs: whole, within reason
      const push = (atExit: boolean) =>
        rows.push(nr, arg, atExit ? 1 : 0, c.kind, c.lenFrom, c.lenArg, !atExit && c.entryKeep !== undefined ? c.entryKeep : max, atExit && EXIT_ON_ERROR.has(spec.type) ? 1 : 0, c.scale);
      if (spec.dir === 'in' || spec.dir === 'inout') push(false);
      if (spec.dir === 'out' || spec.dir === 'inout') push(true);
    });
    if (sig.moves) rows.push(nr, sig.moves.from, 1, CaptureKind.FdData, LengthFrom.Ret, sig.moves.off, data ? -1 : size, 0, 1);
    // the descriptors it makes, as /proc names them (Signature.links): the return value, or two ints behind an argument
    if (sig.links === 'ret') rows.push(nr, 0, 1, CaptureKind.FdLink, LengthFrom.Ret, 0, 0, 0, 1);
    else if (sig.links) rows.push(nr, 0, 1, CaptureKind.FdLink, LengthFrom.Fixed, sig.links.at, 0, 0, 2);
  }
  // captures only some calls of a syscall have (keyctl's operations)
  for (const g of CASE_CAPTURES) {
    const nr = byName.get(g.call);
    if (nr === undefined || (opts.only && !opts.only.has(nr))) continue;
    const spec = parseArgSpec(g.spec);
    const c = spec.capture!;
    const max = g.max === 'string' ? (c.kind === CaptureKind.CString ? size : size + 1) : g.max;
    for (const atExit of [false, true]) {
      if (atExit ? spec.dir === 'in' : spec.dir === 'out') continue;
      for (const [arg, value] of g.when) rows.push(nr, arg, 0, CaptureKind.When, value | 0, 0, 0, 0, 0);
      rows.push(nr, g.arg, atExit ? 1 : 0, c.kind, c.lenFrom, c.lenArg, c.lenFrom === LengthFrom.Fixed && c.bytes !== undefined ? c.bytes : max, g.onError ? 1 : 0, c.scale);
    }
  }
  // memory the structs of some calls point to (pointees.ts), after their struct's own rows
  rows.push(...pointeeRows((name) => byName.get(name), size, opts.only));
  return Int32Array.from(rows);
}

// ---- classes -------------------------------------------------------------------------------

/** Trace classes as strace defines them, e.g. '%file' -> names. */
export function syscallClass(cls: string): string[] {
  const out: string[] = [];
  for (const [name, sig] of Object.entries(SIGNATURES)) if (sig.classes?.includes(cls)) out.push(name);
  return out;
}

export const CLASSES = ['%file', '%desc', '%network', '%process', '%signal', '%memory', '%ipc', '%creds', '%clock'] as const;
