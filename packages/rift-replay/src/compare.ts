/**
 * Desync detection: is the call the program makes now the one it made when recorded?
 *
 * The name must match, and each key argument, chosen by its type in the signature table:
 *   path, argv     the strings (read from the replaying process)
 *   fd, dirfd      the descriptor number
 *   size           lengths (read count, mmap length...)
 *   flags, enum    flag words and operation codes (open flags, clock id, ioctl request...)
 * Pointers, addresses, offsets, modes and plain ints are not compared: they legitimately
 * differ (ASLR, heap layout) without the program seeing anything different.
 */
import { capturedBytes, int64, parseArgSpec, signatureOf, type Capture, type Int64, type SyscallEvent } from '@rift/events';
import { complete } from './scatter.js';

/** What replay knows about a live call (the interception API's SyscallCall has these). */
export interface LiveCall {
  tid: number;
  pid: number;
  nr: number;
  name: string;
  args: bigint[];
  readBytes(addr: bigint, len: number): Buffer | null;
  readString(addr: bigint, max?: number): string | null;
}

export interface Mismatch {
  /** 'name' or the argument index */
  what: 'name' | number;
  /** argument type that differs */
  type?: string;
  recorded: string;
  actual: string;
}

/** Argument types compared (see above). */
export const KEY_TYPES: ReadonlySet<string> = new Set(['path', 'argv', 'fd', 'dirfd', 'size', 'flags', 'enum']);
const MAX_ARGV = 4096;

function s32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

export function entryCaptures(ev: SyscallEvent, arg: number): Capture[] {
  return (ev.mem ?? []).filter((m) => m.arg === arg && m.at === 'entry');
}

function capText(c: Capture): string {
  if (c.data === undefined) return '';
  return c.enc === 'base64' ? Buffer.from(c.data, 'base64').toString('latin1') : c.data;
}

/** argv of a live call, as strings (null entries when unreadable). */
export function readArgv(call: LiveCall, addr: bigint, max = MAX_ARGV): (string | null)[] | null {
  if (addr === 0n) return [];
  const out: (string | null)[] = [];
  for (let i = 0; i < max; i++) {
    const p = call.readBytes(addr + BigInt(8 * i), 8);
    if (!p || p.length < 8) return out.length ? out : null;
    const ptr = p.readBigUInt64LE(0);
    if (ptr === 0n) return out;
    out.push(call.readString(ptr, 131072));
  }
  return out;
}

/** First key argument that differs, or undefined when the call matches the recording. */
export function compareCall(ev: SyscallEvent, call: LiveCall): Mismatch | undefined {
  if (ev.name !== call.name) return { what: 'name', recorded: formatRecorded(ev), actual: formatLive(call) };
  const sig = signatureOf(ev.name);
  if (!sig) return undefined;
  for (let i = 0; i < sig.args.length && i < ev.args.length; i++) {
    const spec = parseArgSpec(sig.args[i]!);
    if (!KEY_TYPES.has(spec.type)) continue;
    const rec = int64(ev.args[i] as Int64);
    const act = call.args[i] ?? 0n;
    switch (spec.type) {
      case 'fd':
      case 'dirfd':
        if (s32(rec) !== s32(act)) return { what: i, type: spec.type, recorded: String(s32(rec)), actual: String(s32(act)) };
        break;
      case 'size':
      case 'flags':
      case 'enum':
        if (BigInt.asUintN(64, rec) !== BigInt.asUintN(64, act))
          return { what: i, type: spec.type, recorded: fmtNum(spec.type, rec), actual: fmtNum(spec.type, act) };
        break;
      case 'path': {
        const caps = entryCaptures(ev, i);
        if (!caps.length || caps[0]!.fault) {
          // recorded as unreadable (NULL...): compare the pointer's nullness only
          if ((rec === 0n) !== (act === 0n)) return { what: i, type: 'path', recorded: rec === 0n ? 'NULL' : '?', actual: act === 0n ? 'NULL' : '?' };
          break;
        }
        const want = capText(caps[0]!);
        const got = act === 0n ? null : call.readString(act, 4096);
        if (got !== want) return { what: i, type: 'path', recorded: JSON.stringify(want), actual: got === null ? 'NULL' : JSON.stringify(got) };
        break;
      }
      case 'argv': {
        const caps = entryCaptures(ev, i);
        if (caps.some((c) => c.fault || !complete(c))) break;  // not recorded whole
        const want = caps.map(capText);
        const got = readArgv(call, act, want.length + 1);
        if (!got || got.length !== want.length || got.some((g, k) => g !== want[k]))
          return { what: i, type: 'argv', recorded: JSON.stringify(want), actual: JSON.stringify(got) };
        break;
      }
    }
  }
  return undefined;
}

/** Calls whose data the program writes (the argument that points at it): compared by writtenBytes. */
export const WRITE_DATA: Readonly<Record<string, number>> = { write: 1, pwrite64: 1 };

/** The bytes a recorded write began with (its entry capture, as long as -s kept), when recorded. */
export function writtenBytes(ev: SyscallEvent): Buffer | undefined {
  const arg = WRITE_DATA[ev.name];
  if (arg === undefined) return undefined;
  return capturedBytes(entryCaptures(ev, arg)[0]);
}

/**
 * Where a write the program makes now differs from the recorded one's bytes: undefined when it
 * writes what it wrote when recorded (or nothing was recorded to compare with). Key arguments
 * match already: the same descriptor and count.
 */
export function writeDiffers(ev: SyscallEvent, call: LiveCall): string | undefined {
  const want = writtenBytes(ev);
  if (!want?.length) return undefined;
  const got = call.readBytes(call.args[WRITE_DATA[ev.name]!] ?? 0n, want.length);
  if (!got || got.length !== want.length || got.equals(want)) return undefined;
  let k = 0;
  while (got[k] === want[k]) k++;
  const show = (b: Buffer) => JSON.stringify(b.subarray(k, k + 16).toString('latin1'));
  return `at byte ${k}: ${show(want)} when recorded, ${show(got)} now`;
}

function fmtNum(type: string, v: bigint): string {
  const u = BigInt.asUintN(64, v);
  if (type === 'flags') return `0x${u.toString(16)}`;
  return BigInt.asIntN(64, v).toString();
}

// ---- strace-like text ----------------------------------------------------------------------

function fmtArg(type: string, v: bigint, str?: string | null): string {
  switch (type) {
    case 'fd':
    case 'dirfd': {
      const n = s32(v);
      return n === -100 ? 'AT_FDCWD' : String(n);
    }
    case 'path':
    case 'str':
      return str === undefined ? `0x${BigInt.asUintN(64, v).toString(16)}` : str === null ? 'NULL' : JSON.stringify(str);
    case 'flags':
    case 'hex':
    case 'ptr':
      return `0x${BigInt.asUintN(64, v).toString(16)}`;
    case 'size':
    case 'int':
    case 'uint':
    case 'long':
    case 'ulong':
    case 'off':
    case 'pid':
    case 'uid':
    case 'gid':
    case 'signo':
    case 'enum':
      return BigInt.asIntN(64, v).toString();
    case 'mode':
      return `0${BigInt.asUintN(32, v).toString(8)}`;
    default:
      return v === 0n ? 'NULL' : `0x${BigInt.asUintN(64, v).toString(16)}`;
  }
}

function clip(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}...` : s;
}

/** `openat(AT_FDCWD, "/etc/passwd", 0x80000, 0) = 3` for a recorded event. */
export function formatRecorded(ev: SyscallEvent): string {
  const sig = signatureOf(ev.name);
  const parts = ev.args.map((a, i) => {
    const type = sig ? parseArgSpec(sig.args[i] ?? 'hex').type : 'hex';
    const v = int64(a);
    if (type === 'path' || type === 'str') {
      const c = entryCaptures(ev, i)[0];
      return fmtArg(type, v, c && !c.fault ? clip(capText(c)) : undefined);
    }
    if (type === 'argv') {
      const caps = entryCaptures(ev, i);
      if (caps.length) return clip(JSON.stringify(caps.map(capText)));
    }
    return fmtArg(type, v);
  });
  const ret = ev.ret === null ? '?' : String(ev.ret);
  return `${ev.name}(${parts.join(', ')}) = ${ret}${ev.errno ? ` ${ev.errno}` : ''}`;
}

/** Same for the call the program is making now (no return value yet). */
export function formatLive(call: LiveCall): string {
  const sig = signatureOf(call.name);
  const n = sig ? sig.args.length : 6;
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    const type = sig ? parseArgSpec(sig.args[i]!).type : 'hex';
    const v = call.args[i] ?? 0n;
    if (type === 'path' || type === 'str') {
      const s = v === 0n ? null : call.readString(v, 4096);
      parts.push(fmtArg(type, v, s === null ? (v === 0n ? null : undefined) : clip(s)));
    } else if (type === 'argv') {
      const a = readArgv(call, v, 64);
      parts.push(a ? clip(JSON.stringify(a)) : fmtArg('ptr', v));
    } else parts.push(fmtArg(type, v));
  }
  return `${call.name}(${parts.join(', ')})`;
}
