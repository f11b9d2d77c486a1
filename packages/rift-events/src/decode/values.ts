/**
 * Low-level value printing shared by the argument formatter and the struct decoders: 64-bit
 * register values, flag and enum tables, C strings as strace quotes them, signal names.
 */
import type { Int64 } from '../events.js';
import { XLAT, type Xlat } from './xlat.js';

const TWO32 = 4294967296;
const TWO64 = 1n << 64n;

/** A raw register as unsigned 64-bit bigint. */
export function u64(v: Int64 | bigint): bigint {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b < 0n ? b + TWO64 : b;
}
/** Low 32 bits, unsigned. */
export function lo32(v: Int64): number {
  if (typeof v === 'number' && v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v % TWO32;
  return Number(u64(v) & 0xffffffffn);
}
/** The C `int` a register holds. */
export function int32(v: Int64): number {
  return lo32(v) | 0;
}
/** Signed 64-bit value as a decimal string. */
export function s64str(v: Int64): string {
  if (typeof v === 'number') return String(v);
  let b = BigInt(v);
  if (b >= 1n << 63n) b -= TWO64;
  return b.toString();
}
/** Unsigned 64-bit value as a decimal string. */
export function u64str(v: Int64): string {
  if (typeof v === 'number' && v >= 0) return String(v);
  return u64(v).toString();
}
export function hex(v: Int64 | bigint): string {
  if (typeof v === 'number' && v >= 0) return '0x' + v.toString(16);
  return '0x' + u64(v).toString(16);
}
export function isZero(v: Int64): boolean {
  return v === 0 || v === '0';
}
/** A pointer as strace prints it: NULL or hex. */
export function ptr(v: Int64 | bigint): string {
  return v === 0 || v === 0n || v === '0' ? 'NULL' : hex(v);
}
/** Octal with a leading 0, like printf("%#03o"). */
export function octal(n: number): string {
  const s = n.toString(8);
  return s.length < 2 ? '00' + s : '0' + s;
}

// ---- tables --------------------------------------------------------------------------------

const prepared = new Map<string, { names: Map<bigint, string>; entries: Array<[string, bigint]> }>();
function prep(name: string, t: Xlat) {
  let p = prepared.get(name);
  if (!p) {
    const entries: Array<[string, bigint]> = t.values.map(([n, v]) => [n, BigInt(v)]);
    const names = new Map<bigint, string>();
    for (const [n, v] of entries) if (!names.has(v)) names.set(v, n);
    p = { names, entries };
    prepared.set(name, p);
  }
  return p;
}

function table(name: string): Xlat {
  const t = XLAT[name];
  if (!t) throw new Error(`no xlat table '${name}'`);
  return t;
}

/** Name of a value in an enum table, or undefined. */
export function enumName(name: string, v: number | bigint): string | undefined {
  return prep(name, table(name)).names.get(BigInt(v));
}

/** An enum argument: its name, else the number (hex for tables marked hex). */
export function printEnum(name: string, raw: Int64 | bigint, width: 32 | 64 = 32): string {
  const t = table(name);
  let v: bigint;
  if (t.signed) v = BigInt(typeof raw === 'bigint' ? raw : width === 32 ? int32(raw as Int64) : BigInt(s64str(raw as Int64)));
  else v = width === 32 ? BigInt(typeof raw === 'bigint' ? Number(raw & 0xffffffffn) : lo32(raw)) : typeof raw === 'bigint' ? raw : u64(raw);
  const n = prep(name, t).names.get(v);
  if (n !== undefined) return n;
  if (t.hex) return v < 0n ? v.toString() : '0x' + v.toString(16);
  return v.toString();
}

/** A flag-set argument: NAME|NAME|0xrest, walking the table in order. */
export function printFlags(name: string, raw: Int64 | bigint, width: 32 | 64 = 64): string {
  const t = table(name);
  let v = typeof raw === 'bigint' ? raw : u64(raw);
  if (width === 32) v &= 0xffffffffn;
  const parts: string[] = [];
  if (t.field) {
    const m = BigInt(t.field.mask);
    const f = v & m;
    if (f !== 0n || t.field.always) parts.push(printEnum(t.field.table, f, 64));
    v &= ~m;
  }
  let low: string | undefined;
  if (t.low) {
    const m = BigInt(t.low.mask);
    const l = Number(v & m);
    if (l) low = signalName(l);
    v &= ~m;
  }
  for (const [n, bits] of prep(name, t).entries) {
    if (bits !== 0n && (v & bits) === bits) {
      parts.push(n);
      v &= ~bits;
    }
  }
  if (low) parts.push(low);
  if (v !== 0n) parts.push('0x' + v.toString(16));
  if (!parts.length) return t.zero ?? '0';
  return parts.join('|');
}

// ---- signals -------------------------------------------------------------------------------

const SIGNALS = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1', 'SIGSEGV', 'SIGUSR2',
  'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU',
  'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
/** Signal name as strace prints it: SIGRTMIN is the kernel's 32, then SIGRT_n. */
export function signalName(n: number): string {
  if (n > 0 && n < 32) return SIGNALS[n]!;
  if (n === 32) return 'SIGRTMIN';
  if (n > 32 && n <= 64) return `SIGRT_${n - 32}`;
  return String(n);
}

// ---- strings -------------------------------------------------------------------------------

export interface StringStyle {
  /** -x: 1 = hex-escape strings with non-printable bytes; 2 (-xx) = every byte */
  hex: 0 | 1 | 2;
}

/** Quotes bytes like strace: "...", C escapes, octal for the rest (hex with -x/-xx). */
export function quote(b: Uint8Array, style: StringStyle, stopAtNul = false): string {
  let end = b.length;
  if (stopAtNul) {
    const z = b.indexOf(0);
    if (z >= 0) end = z;
  }
  let useHex = style.hex === 2;
  if (style.hex === 1) {
    for (let i = 0; i < end; i++) {
      const c = b[i]!;
      if (c > 0x7e || (c < 0x20 && !(c >= 9 && c <= 13))) {
        useHex = true;
        break;
      }
    }
  }
  let s = '"';
  for (let i = 0; i < end; i++) {
    const c = b[i]!;
    if (useHex) {
      s += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
      continue;
    }
    switch (c) {
      case 0x22: s += '\\"'; continue;
      case 0x5c: s += '\\\\'; continue;
      case 0x0c: s += '\\f'; continue;
      case 0x0a: s += '\\n'; continue;
      case 0x0d: s += '\\r'; continue;
      case 0x09: s += '\\t'; continue;
      case 0x0b: s += '\\v'; continue;
    }
    if (c >= 0x20 && c < 0x7f) {
      s += String.fromCharCode(c);
      continue;
    }
    s += '\\';
    const next = i + 1 < end ? b[i + 1]! : -1;
    if (next >= 0x30 && next <= 0x37) {
      s += String(c >> 6) + String((c >> 3) & 7);
    } else if (c >> 3) {
      if (c >> 6) s += String(c >> 6);
      s += String((c >> 3) & 7);
    }
    s += String(c & 7);
  }
  return s + '"';
}
