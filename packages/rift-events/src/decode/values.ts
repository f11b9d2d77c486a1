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
  if (typeof v === 'number') {
    // ToUint32 is the exact value modulo 2^32 of any integer, negative or beyond 2^53 included
    if (Number.isInteger(v)) return v >>> 0;
    if (v >= 0 && v <= Number.MAX_SAFE_INTEGER) return v % TWO32;
  }
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
/** hex digits of 0..0xfff, as printed (HEX_DIGITS) and as three (HEX_DIGITS3: the inner groups) */
const HEX_DIGITS: string[] = [];
const HEX_DIGITS3: string[] = [];
for (let i = 0; i < 0x1000; i++) {
  HEX_DIGITS.push(i.toString(16));
  HEX_DIGITS3.push(i.toString(16).padStart(3, '0'));
}
/**
 * A non-negative safe integer in hex digits, 12 bits at a time from tables. V8 prints a number in
 * radix 16 through its runtime (twice for an address, printed 24 bits at a time), and taking
 * the groups of an address with % and / on doubles cost as much again: the low 24 bits are
 * split with integer operations.
 */
function hexDigits(v: number): string {
  if (v < 0x1000) return HEX_DIGITS[v]!;
  if (v < 0x1000000) return HEX_DIGITS[v >>> 12]! + HEX_DIGITS3[v & 0xfff]!;
  const hi = Math.floor(v / 0x1000000);
  const lo = v - hi * 0x1000000;
  const low = HEX_DIGITS3[lo >>> 12]! + HEX_DIGITS3[lo & 0xfff]!;
  return (hi < 0x1000 ? HEX_DIGITS[hi]! : hexDigits(hi)) + low;
}
export function hex(v: Int64 | bigint): string {
  if (typeof v === 'number' && v >= 0) return '0x' + (Number.isSafeInteger(v) ? hexDigits(v) : v.toString(16));
  return '0x' + u64(v).toString(16);
}
/** A number as strace's "%#x" prints it: 0 alone, else hex (struct fields, flag words). */
export function hex0(v: Int64 | bigint): string {
  return v === 0 || v === 0n || v === '0' ? '0' : hex(v);
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

/**
 * A table prepared for printing, once per table: value -> name maps (as bigint, and as number
 * for the common case of a register that is a JS number), and the flag entries in table order,
 * also as numbers for values below 2^32 so that most flag sets are walked without BigInt.
 */
interface Prepared {
  t: Xlat;
  names: Map<bigint, string>;
  numNames: Map<number, string>;
  entries: Array<[string, bigint]>;
  /** the entries that can match a value below 2^32 (0 < bits < 2^32), in table order */
  numEntries: Array<[string, number]>;
  /** the table of the sub-field (t.field), once looked up */
  field?: Prepared;
  /** flag texts of values below 2^32 already printed (programs pass the same few sets) */
  memo: Map<number, string>;
  /** the comment an unknown value gets, as strace's "X_???" (empty: none) */
  dflt: string;
}

/**
 * How flags and enums print, as strace's -X: 0 abbrev (names), 1 raw (numbers), 2 verbose
 * (numbers with the names in a comment).
 */
export type XlatStyle = 0 | 1 | 2;
export const ABBREV = 0, RAW = 1, VERBOSE = 2;

/** The style of the call being decoded: what printFlags/printEnum use when not told (the struct
 * decoders' fields). Set by the formatter for each call. */
let callStyle: XlatStyle = ABBREV;
export function setCallStyle(s: XlatStyle): void {
  callStyle = s;
}
export function getCallStyle(): XlatStyle {
  return callStyle;
}
/** A value printed as -X says: `text` (abbrev), `num` (raw), or `num /* text *\/` (verbose). */
export function styledText(num: string, text: string): string {
  return callStyle === ABBREV ? text : callStyle === RAW ? num : `${num} /* ${text} */`;
}

/** strace's "X_???" for a table: the prefix its names share, up to its last '_'. */
function defaultComment(t: Xlat): string {
  if (t.dflt !== undefined) return t.dflt;
  const names = t.values.map(([n]) => n).filter((n) => /^[A-Z_][A-Z0-9_]*$/.test(n));
  if (!names.length) return '';
  let pre = names[0]!;
  for (const n of names) while (!n.startsWith(pre)) pre = pre.slice(0, -1);
  const cut = pre.lastIndexOf('_');
  if (cut <= 0) return '';
  return pre.slice(0, cut + 1) + '???';
}
const prepared = new Map<string, Prepared>();
function prep(name: string): Prepared {
  let p = prepared.get(name);
  if (!p) {
    const t = XLAT[name];
    if (!t) throw new Error(`no xlat table '${name}'`);
    const entries: Array<[string, bigint]> = t.values.map(([n, v]) => [n, BigInt(v)]);
    const names = new Map<bigint, string>();
    const numNames = new Map<number, string>();
    for (const [n, v] of entries) {
      if (!names.has(v)) names.set(v, n);
      if (!numNames.has(Number(v))) numNames.set(Number(v), n);  // table values are below 2^53
    }
    const numEntries: Array<[string, number]> = [];
    for (const [n, v] of entries) if (v > 0n && v < 0x100000000n) numEntries.push([n, Number(v)]);
    p = { t, names, numNames, entries, numEntries, memo: new Map(), dflt: defaultComment(t) };
    prepared.set(name, p);
  }
  return p;
}

/** Name of a value in an enum table, or undefined. */
export function enumName(name: string, v: number | bigint): string | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return prep(name).numNames.get(v);
  return prep(name).names.get(BigInt(v));
}

/** An enum argument: its name, else the number with strace's "X_???" comment. */
export function printEnum(name: string, raw: Int64 | bigint, width: 32 | 64 = 32, style: XlatStyle = callStyle): string {
  return enumText(prep(name), raw, width, style);
}

/** A number as an enum table prints its values: decimal for tables so marked, else hex. */
function enumNum(t: Xlat, v: number | bigint): string {
  if (t.dec || (t.signed && v < 0)) return String(v);
  return v === 0 || v === 0n ? '0' : '0x' + v.toString(16);
}

function enumText(p: Prepared, raw: Int64 | bigint, width: 32 | 64, style: XlatStyle = ABBREV): string {
  const t = p.t;
  if (t.verboseAlways && style === ABBREV) style = VERBOSE;
  let v: number | bigint;
  let n: string | undefined;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && (width === 32 || t.signed || raw >= 0)) {
    // the same as below with numbers: int32 / low 32 bits / the value itself
    v = width === 32 ? (t.signed ? raw | 0 : raw >>> 0) : raw;
    n = p.numNames.get(v);
  } else {
    if (t.signed) v = BigInt(typeof raw === 'bigint' ? raw : width === 32 ? int32(raw as Int64) : BigInt(s64str(raw as Int64)));
    else v = width === 32 ? BigInt(typeof raw === 'bigint' ? Number(raw & 0xffffffffn) : lo32(raw)) : typeof raw === 'bigint' ? raw : u64(raw);
    n = p.names.get(v);
  }
  if (n !== undefined) {
    if (style === ABBREV) return n;
    if (style === RAW) return enumNum(t, v);
    return `${enumNum(t, v)} /* ${n} */`;
  }
  if (style === RAW || !p.dflt) return enumNum(t, v);
  return `${enumNum(t, v)} /* ${p.dflt} */`;
}

/** A flag-set argument: NAME|NAME|0xrest, walking the table in order. */
export function printFlags(name: string, raw: Int64 | bigint, width: 32 | 64 = 64, style: XlatStyle = callStyle): string {
  return styled(prep(name), raw, width, style);
}

/**
 * printFlags / printEnum for one table and width, as a function that looks the table up on its
 * first call only (the signature printers call these once per argument of every call).
 */
export function flagsPrinter(name: string, width: 32 | 64): (raw: Int64, style: XlatStyle) => string {
  let p: Prepared | undefined;
  return (raw, style) => (style === ABBREV ? flags((p ??= prep(name)), raw, width) : styled((p ??= prep(name)), raw, width, style));
}
export function enumPrinter(name: string, width: 32 | 64 = 32): (raw: Int64, style: XlatStyle) => string {
  let p: Prepared | undefined;
  return (raw, style) => enumText((p ??= prep(name)), raw, width, style);
}

/**
 * A flag set in a style: -X raw prints the number, -X verbose the number and the names in a
 * comment (a set of unknown bits only, or 0 without a name, as the number alone).
 */
function styled(p: Prepared, raw: Int64 | bigint, width: 32 | 64, style: XlatStyle): string {
  const text = flags(p, raw, width);
  if (style === ABBREV) return text;
  let v = typeof raw === 'bigint' ? (raw < 0n ? raw + (1n << 64n) : raw) : u64(raw);
  if (width === 32) v &= 0xffffffffn;
  const num = v === 0n ? '0' : '0x' + v.toString(16);
  if (style === RAW) return num;
  if (text === num || text.startsWith(num + ' /*') || (v === 0n && text === '0')) return text;
  return `${num} /* ${text} */`;
}

function flags(p: Prepared, raw: Int64 | bigint, width: 32 | 64): string {
  if (typeof raw === 'number' && Number.isInteger(raw) && (width === 32 || (raw >= 0 && raw < TWO32))) return flags32(p, raw >>> 0);
  if (typeof raw === 'bigint' && raw >= 0n && (width === 32 || raw < 0x100000000n)) return flags32(p, Number(raw & 0xffffffffn));
  // an int's register with garbage in its high half (a string in the stream): its low 32 bits
  if (width === 32) return flags32(p, typeof raw === 'bigint' ? Number(BigInt.asUintN(32, raw)) : lo32(raw));
  const t = p.t;
  let v = typeof raw === 'bigint' ? raw : u64(raw);
  const parts: string[] = [];
  if (t.field) {
    const m = BigInt(t.field.mask);
    const f = v & m;
    // the sub-field's name as -X abbrev prints it: a -X verbose comment holds names
    if (f !== 0n || t.field.always) parts.push(enumText((p.field ??= prep(t.field.table)), f, 64));
    v &= ~m;
  }
  let low: string | undefined;
  if (t.low) {
    const m = BigInt(t.low.mask);
    const l = Number(v & m);
    if (l) low = signalName(l);
    v &= ~m;
  }
  for (const [n, bits] of p.entries) {
    if (bits !== 0n && (v & bits) === bits) {
      parts.push(n);
      v &= ~bits;
    }
  }
  if (low) parts.push(low);
  if (v !== 0n) {
    if (!parts.length && p.dflt) return `0x${v.toString(16)} /* ${p.dflt} */`;
    parts.push('0x' + v.toString(16));
  }
  if (!parts.length) return t.zero ?? '0';
  return parts.join('|');
}

/** Memo entries kept per table: enough for the flag sets a program uses, bounded for any input. */
const MEMO = 1024;

/** printFlags for a value below 2^32, each value's text made once. */
function flags32(p: Prepared, v: number): string {
  let s = p.memo.get(v);
  if (s === undefined) {
    s = flags32Text(p, v);
    if (p.memo.size < MEMO) p.memo.set(v, s);
  }
  return s;
}

/** printFlags for a value below 2^32, in number arithmetic (`>>> 0` keeps results unsigned). */
function flags32Text(p: Prepared, v: number): string {
  const t = p.t;
  let out = '';
  if (t.field) {
    const m = t.field.mask;
    const f = (v & m) >>> 0;
    if (t.fieldWhole && enumName(t.field.table, f) === undefined) {
      const d = (p.field ??= prep(t.field.table)).dflt;
      return '0x' + hexDigits(v) + (d ? ' /* ' + d + ' */' : '');
    }
    if (f !== 0 || t.field.always) out = enumText((p.field ??= prep(t.field.table)), f, 64);
    v = (v & ~m) >>> 0;
  }
  const fieldText = out;
  let low: string | undefined;
  if (t.low) {
    const l = (v & t.low.mask) >>> 0;
    if (l) low = signalName(l);
    v = (v & ~t.low.mask) >>> 0;
  }
  const entries = p.numEntries;
  for (let i = 0; i < entries.length && v !== 0; i++) {
    const bits = entries[i]![1];
    if ((v & bits) >>> 0 === bits) {
      out = out ? out + '|' + entries[i]![0] : entries[i]![0];
      v = (v & ~bits) >>> 0;
    }
  }
  if (low) out = out ? out + '|' + low : low;
  if (v !== 0) {
    if (!out && p.dflt) return '0x' + hexDigits(v) + ' /* ' + p.dflt + ' */';
    if (t.fieldApart && p.dflt && out === fieldText) return out + '|0x' + hexDigits(v) + ' /* ' + p.dflt + ' */';
    out = (out ? out + '|0x' : '0x') + hexDigits(v);
  }
  return out || (t.zero ?? '0');
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

/**
 * What each byte prints as inside quotes, made once: SHORT when the next byte is not an octal
 * digit (\0, \177), LONG when it is (an octal escape then takes three digits: \000), HEX with
 * -x/-xx (\x7f). A string is one concatenation per byte, without a String() per digit.
 */
const SHORT: string[] = [];
const LONG: string[] = [];
const HEX: string[] = [];
for (let c = 0; c < 256; c++) {
  HEX.push('\\x' + (c < 16 ? '0' : '') + c.toString(16));
  let t: string | undefined;
  switch (c) {
    case 0x22: t = '\\"'; break;
    case 0x5c: t = '\\\\'; break;
    case 0x0c: t = '\\f'; break;
    case 0x0a: t = '\\n'; break;
    case 0x0d: t = '\\r'; break;
    case 0x09: t = '\\t'; break;
    case 0x0b: t = '\\v'; break;
  }
  if (t === undefined && c >= 0x20 && c < 0x7f) t = String.fromCharCode(c);
  if (t !== undefined) {
    SHORT.push(t);
    LONG.push(t);
    continue;
  }
  LONG.push('\\' + String(c >> 6) + String((c >> 3) & 7) + String(c & 7));
  let o = '\\';
  if (c >> 3) {
    if (c >> 6) o += String(c >> 6);
    o += String((c >> 3) & 7);
  }
  SHORT.push(o + String(c & 7));
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
  if (useHex) {
    for (let i = 0; i < end; i++) s += HEX[b[i]!]!;
    return s + '"';
  }
  for (let i = 0; i < end; i++) {
    const next = i + 1 < end ? b[i + 1]! : -1;
    s += (next >= 0x30 && next <= 0x37 ? LONG : SHORT)[b[i]!]!;
  }
  return s + '"';
}

/**
 * A descriptor's path as -y prints it between '<' and '>': quoted like a string but without the
 * quotes, and with '<' and '>' as octal escapes, since they would end the brackets early.
 */
export function fdPathText(b: Uint8Array, style: StringStyle): string {
  const body = quote(b, style).slice(1, -1);
  if (!body.includes('<') && !body.includes('>')) return body;
  return body.replace(/[<>]/g, (ch, at: number) => {
    const next = body.charCodeAt(at + 1);
    // a digit after the escape would be read as part of it: then all three octal digits
    return (next >= 0x30 && next <= 0x37 ? '\\0' : '\\') + ch.charCodeAt(0).toString(8);
  });
}
