/**
 * Struct decoders: captured bytes (x86-64 layouts) to strace's notation. Each decoder is one row
 * of STRUCTS, keyed by the capture type the signatures name ('stat', 'sockaddr', ...). Layouts
 * follow the kernel's UAPI headers; field order and spelling follow strace's output.
 */
import type { Capture } from '../events.js';
import { captureBytes } from '../events.js';
import { errnoName } from '../syscalls.js';
import { bpfAttr } from './bpf.js';
import { PTRACE_STRUCTS } from './ptrace.js';
import { siginfo } from './siginfo.js';
import { MOUNT_REQ_STRUCTS } from './mount_req.js';
import { QUOTA_XFS_STRUCTS } from './quota_xfs.js';
import { TIME_MISC_STRUCTS } from './time_misc.js';
import { MOUNT_ATTR_STRUCTS } from './mount_attr.js';
import { LSM_STRUCTS } from './lsm.js';
import { KSTR_STRUCTS } from './kstr.js';
import { SCHED_ATTR_STRUCTS } from './sched_attr.js';
import { IO_URING_STRUCTS } from './io_uring.js';
import { KEXEC_STRUCTS } from './kexec.js';
import { XATTR_ARGS_STRUCTS } from './xattr_args.js';
import { CLONE3_STRUCTS } from './clone3.js';
import { KEYCTL_STRUCTS } from './keyctl.js';
import { PERF_EVENT_STRUCTS } from './perf_event.js';
import { FILE_HANDLE_STRUCTS } from './file_handle.js';
import { FCNTL_STRUCTS } from './fcntl.js';
import { STATMOUNT_STRUCTS } from './statmount.js';
import { AIO_STRUCTS } from './aio.js';
import { seccompFprog, sockFilterGot, sockFprog } from './bpf-filter.js';
import { msghdr } from './msghdr.js';
import { mmsgRecv, mmsgSend } from './mmsghdr.js';
import { groupReq, icmpFilter, ipv6Mreq, tcpAoAdd } from './netopts.js';
import { sockaddrText } from './sockaddr.js';
import { ABBREV, enumName, getCallStyle, hex, octal, printEnum, printFlags, ptr, quote, signalName, styledText, type StringStyle } from './values.js';

export { sockaddrText };

export interface StructCtx extends StringStyle {
  /** -s */
  stringSize: number;
  /** -v: print structures whole */
  verbose: boolean;
  /** every capture of this argument at this side, in order (arrays, iovecs, msghdr parts) */
  caps: readonly Capture[];
  /** the syscall's return value as a number (bytes transferred...) */
  ret: number;
  /** the raw address of the argument */
  addr: string;
  /** entry-side captures of the same argument (inout types) */
  entryCaps?: readonly Capture[];
  /** the bytes the call captured of another argument at a side (undefined: none, or a fault) */
  other(arg: number, at: 'entry' | 'exit'): Buffer | undefined;
  /** for a buffer whose length is behind a pointer argument (socklen_t *): that argument */
  lenPtrArg?: number;
  /** raw arguments */
  args: readonly (number | string)[];
  /** a descriptor inside a structure as -y prints it (its number alone without -y) */
  fdText?(fd: number): string;
  /** a pidfd the kernel hands the program inside a structure (SCM_PIDFD), as -y prints it */
  pidfdText?(fd: number): string;
  /** the call's errno name when it failed */
  errno?: string;
}

export type StructDecoder = (b: Buffer, c: StructCtx) => string;

// 64-bit fields as a number when exact, else a bigint. Most values fit in 53 bits: they are read
// as two 32-bit halves, without making a BigInt (the high half below 2^21 in magnitude).
const TWO32 = 4294967296;
const u64n = (b: Buffer, o: number): number | bigint => {
  const hi = b.readUInt32LE(o + 4);
  if (hi < 0x200000) return hi * TWO32 + b.readUInt32LE(o);
  const v = b.readBigUInt64LE(o);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
};
const i64n = (b: Buffer, o: number): number | bigint => {
  const hi = b.readInt32LE(o + 4);
  if (hi < 0x200000 && hi > -0x200000) return hi * TWO32 + b.readUInt32LE(o);
  const v = b.readBigInt64LE(o);
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
};
const str = (v: number | bigint) => String(v);

const fileModes = new Map<number, string>();
/** File mode: S_IFREG|S_ISUID|0755 (each mode's text made once: a trace has few). */
export function fileMode(mode: number): string {
  if (getCallStyle() !== ABBREV) return styledText(octal(mode), fileModeText(mode));
  let s = fileModes.get(mode);
  if (s === undefined) {
    s = fileModeText(mode);
    if (fileModes.size < 1024) fileModes.set(mode, s);
  }
  return s;
}
function fileModeText(mode: number): string {
  const type = mode & 0o170000;
  let s = type ? (enumName('file_type', type) ?? octal(type)) + '|' : '';
  if (mode & 0o4000) s += 'S_ISUID|';
  if (mode & 0o2000) s += 'S_ISGID|';
  if (mode & 0o1000) s += 'S_ISVTX|';
  return s + octal(mode & 0o777);
}

/** makedev(0x88, 0x3) from a Linux dev_t. */
export function makedev(dev: bigint): string {
  const major = Number(((dev >> 32n) & 0xfffff000n) | ((dev >> 8n) & 0xfffn));
  const minor = Number(((dev >> 12n) & 0xffffff00n) | (dev & 0xffn));
  const h = (n: number) => (n ? '0x' + n.toString(16) : '0');
  return styledText(dev ? '0x' + dev.toString(16) : '0', `makedev(${h(major)}, ${h(minor)})`);
}

/**
 * strace's comment after a time in seconds: ` /* 2026-12-06T14:25:42.000000123+0000 *\/`, the
 * fraction (`part`, `width` digits) only when not 0; nothing for 0 seconds and 0, for a fraction
 * above `max`, or a time no calendar date holds.
 */
export function timeComment(sec: number | bigint, part: number | bigint = 0, width = 9, max = 999999999): string {
  if ((Number(sec) === 0 && Number(part) === 0) || Number(part) > max || Number(part) < 0) return '';
  const ms = Number(sec) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '';
  const d = new Date(ms);
  const p = (n: number | bigint, w = 2) => String(n).padStart(w, '0');
  const frac = Number(part) ? `.${p(part, width)}` : '';
  return ` /* ${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}+0000 */`;
}
const isoTime = (sec: number | bigint, nsec: number) => timeComment(sec, nsec);

function stat(b: Buffer, c: StructCtx): string {
  if (b.length < 144) return c.addr;
  const mode = b.readUInt32LE(24);
  const type = mode & 0o170000;
  const dev = type === 0o20000 || type === 0o60000;
  if (!c.verbose) return `{st_mode=${fileMode(mode)}, ${dev ? `st_rdev=${makedev(b.readBigUInt64LE(40))}` : `st_size=${str(i64n(b, 48))}`}, ...}`;
  const rdev = b.readBigUInt64LE(40);
  const size = i64n(b, 48);
  const t = (o: number, n: string) => {
    const s = i64n(b, o);
    const ns = Number(b.readBigUInt64LE(o + 8));
    return `${n}=${str(s)}${isoTime(s, ns)}, ${n}_nsec=${ns}`;
  };
  return `{st_dev=${makedev(b.readBigUInt64LE(0))}, st_ino=${str(u64n(b, 8))}, st_mode=${fileMode(mode)}, st_nlink=${str(u64n(b, 16))}, ` +
    `st_uid=${b.readUInt32LE(28)}, st_gid=${b.readUInt32LE(32)}, st_blksize=${str(i64n(b, 56))}, st_blocks=${str(i64n(b, 64))}, ` +
    `${dev ? `st_rdev=${makedev(rdev)}` : `st_size=${str(size)}`}, ${t(72, 'st_atime')}, ${t(88, 'st_mtime')}, ${t(104, 'st_ctime')}}`;
}

function statx(b: Buffer, c: StructCtx): string {
  if (b.length < 256) return c.addr;
  const mask = b.readUInt32LE(0);
  const mode = b.readUInt16LE(28);
  const head = `stx_mask=${printFlags('statx_mask', BigInt(mask))}, stx_attributes=${printFlags('statx_attrs', b.readBigUInt64LE(8))}, stx_mode=${fileMode(mode)}`;
  if (!c.verbose) return `{${head}, stx_size=${str(u64n(b, 40))}, ...}`;
  const ts = (o: number, n: string) => {
    const s = i64n(b, o);
    const ns = b.readUInt32LE(o + 8);
    return `${n}={tv_sec=${str(s)}, tv_nsec=${ns}}${isoTime(s, ns)}`;
  };
  return `{${head}, stx_blksize=${b.readUInt32LE(4)}, stx_attributes_mask=${printFlags('statx_attrs', b.readBigUInt64LE(56))}, ` +
    `stx_nlink=${b.readUInt32LE(16)}, stx_uid=${b.readUInt32LE(20)}, stx_gid=${b.readUInt32LE(24)}, stx_ino=${str(u64n(b, 32))}, ` +
    `stx_size=${str(u64n(b, 40))}, stx_blocks=${str(u64n(b, 48))}, ${ts(64, 'stx_atime')}, ${ts(80, 'stx_btime')}, ${ts(96, 'stx_ctime')}, ` +
    `${ts(112, 'stx_mtime')}, stx_rdev_major=${b.readUInt32LE(128)}, stx_rdev_minor=${b.readUInt32LE(132)}, ` +
    `stx_dev_major=${b.readUInt32LE(136)}, stx_dev_minor=${b.readUInt32LE(140)}}`;
}

/** a statfs f_fsid word: hex, 0 plain */
const fsid = (v: number): string => (v ? hex(v) : '0');

function statfs(b: Buffer, c: StructCtx): string {
  if (b.length < 120) return c.addr;
  const n = (o: number) => str(u64n(b, o));
  return `{f_type=${printEnum('fs_magic', b.readBigUInt64LE(0), 64)}, f_bsize=${n(8)}, f_blocks=${n(16)}, f_bfree=${n(24)}, f_bavail=${n(32)}, ` +
    `f_files=${n(40)}, f_ffree=${n(48)}, f_fsid={val=[${fsid(b.readUInt32LE(56))}, ${fsid(b.readUInt32LE(60))}]}, f_namelen=${n(64)}, ` +
    `f_frsize=${n(72)}, f_flags=${printFlags('statfs_flags', b.readBigUInt64LE(80))}}`;
}

function timespec(b: Buffer, c: StructCtx, at = 0): string {
  if (b.length < at + 16) return c.addr;
  return `{tv_sec=${str(i64n(b, at))}, tv_nsec=${str(u64n(b, at + 8))}}`;
}
function timeval(b: Buffer, c: StructCtx, at = 0): string {
  if (b.length < at + 16) return c.addr;
  return `{tv_sec=${str(i64n(b, at))}, tv_usec=${str(u64n(b, at + 8))}}`;
}

function rlim(v: bigint): string {
  // -X raw: the number; -X verbose: the number, then the name or the product in a comment
  const style = getCallStyle();
  const text = v === 0xffffffffffffffffn ? 'RLIM64_INFINITY' : v > 1024n && v % 1024n === 0n ? `${v / 1024n}*1024` : undefined;
  if (text === undefined || style === 1) return v.toString();
  return style === 0 ? text : `${v} /* ${text} */`;
}
function rlimit(b: Buffer, c: StructCtx): string {
  if (b.length < 16) return c.addr;
  return `{rlim_cur=${rlim(b.readBigUInt64LE(0))}, rlim_max=${rlim(b.readBigUInt64LE(8))}}`;
}

// ---- terminals (struct termios of the kernel: 4 flag words, c_line, c_cc[19]; struct winsize)

/** c_oflag's delay fields, each printed by name (NL0, CR0...) before the flags */
const OFLAG_FIELDS: ReadonlyArray<readonly [number, string]> = [
  [0o400, 'termios_nldly'], [0o3000, 'termios_crdly'], [0o14000, 'termios_tabdly'],
  [0o20000, 'termios_bsdly'], [0o40000, 'termios_vtdly'], [0o100000, 'termios_ffdly'],
];
const OFLAG_FIELD_BITS = 0o177400;
const CBAUD = 0o10017;
const CSIZE = 0o60;
/** the input speed: CBAUD's bits shifted by IBSHIFT */
const IBSHIFT = 16;
/** c_cc's indices by name; the others print as numbers */
const CC_NAMES = ['VINTR', 'VQUIT', 'VERASE', 'VKILL', 'VEOF', 'VTIME', 'VMIN', 'VSWTC', 'VSTART', 'VSTOP', 'VSUSP', 'VEOL', 'VREPRINT', 'VDISCARD', 'VWERASE', 'VLNEXT', 'VEOL2'];
const NCCS = 19;

/** Flags after named fields, joined with '|' (no flag left: the fields alone). */
function fieldsThenFlags(fields: string[], table: string, rest: number): string {
  if (rest) fields.push(printFlags(table, rest, 32));
  return fields.join('|');
}

function termios(b: Buffer, c: StructCtx): string {
  if (b.length < 17 + NCCS) return c.addr;
  const oflag = b.readUInt32LE(4);
  const cflag = b.readUInt32LE(8);
  const o = fieldsThenFlags(OFLAG_FIELDS.map(([mask, table]) => printEnum(table, oflag & mask)), 'termios_oflag', oflag & ~OFLAG_FIELD_BITS);
  const speeds = [printEnum('termios_baud', cflag & CBAUD)];
  const ispeed = (cflag >>> IBSHIFT) & CBAUD;
  if (ispeed) speeds.push(`${printEnum('termios_baud', ispeed)}<<IBSHIFT`);
  speeds.push(printEnum('termios_csize', cflag & CSIZE));
  const cf = fieldsThenFlags(speeds, 'termios_cflag', (cflag & ~(CBAUD | CSIZE | (CBAUD << IBSHIFT))) >>> 0);
  const head = `c_iflag=${printFlags('termios_iflag', b.readUInt32LE(0), 32)}, c_oflag=${o}, c_cflag=${cf}, c_lflag=${printFlags('termios_lflag', b.readUInt32LE(12), 32)}`;
  if (!c.verbose) return `{${head}, ...}`;
  const cc: string[] = [];
  for (let i = 0; i < NCCS; i++) {
    const v = b[17 + i]!;
    cc.push(`[${CC_NAMES[i] ?? i}]=${v ? '0x' + v.toString(16) : '0'}`);
  }
  return `{${head}, c_line=${printEnum('tty_ldisc', b[16]!)}, c_cc=[${cc.join(', ')}]}`;
}

function winsize(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  return `{ws_row=${b.readUInt16LE(0)}, ws_col=${b.readUInt16LE(2)}, ws_xpixel=${b.readUInt16LE(4)}, ws_ypixel=${b.readUInt16LE(6)}}`;
}

function cstr(b: Buffer, o: number, n: number): Buffer {
  const s = b.subarray(o, o + n);
  const z = s.indexOf(0);
  return z >= 0 ? s.subarray(0, z) : s;
}
function utsname(b: Buffer, c: StructCtx): string {
  if (b.length < 390) return c.addr;
  const f = (i: number) => quote(cstr(b, i * 65, 65), c);
  if (!c.verbose) return `{sysname=${f(0)}, nodename=${f(1)}, ...}`;
  return `{sysname=${f(0)}, nodename=${f(1)}, release=${f(2)}, version=${f(3)}, machine=${f(4)}, domainname=${f(5)}}`;
}

/** 8-byte signal sets already printed, by their high then low 32 bits (programs use a few) */
const sigsets = new Map<number, Map<number, string>>();
let sigsetCount = 0;

/** A signal set of `bytes` bytes: [INT CHLD], or ~[...] when more than half are set. */
export function sigsetText(b: Buffer, bytes = 8): string {
  if (bytes !== 8 || b.length < 8) return sigsetTextOf(b, bytes);
  const lo = b.readUInt32LE(0), hi = b.readUInt32LE(4);
  let byLo = sigsets.get(hi);
  let s = byLo?.get(lo);
  if (s === undefined) {
    s = sigsetTextOf(b, 8);
    if (sigsetCount < 1024) {
      if (!byLo) sigsets.set(hi, (byLo = new Map()));
      byLo.set(lo, s);
      sigsetCount++;
    }
  }
  return s;
}
function sigsetTextOf(b: Buffer, bytes: number): string {
  const nsig = Math.min(bytes, b.length) * 8;
  // both lists are built as they go: which one prints is known at the end
  let set = '';
  let unset = '';
  let nset = 0;
  for (let s = 1; s <= nsig; s++) {
    const name = shortSignal(s);
    if ((b[(s - 1) >> 3]! >> ((s - 1) & 7)) & 1) {
      set = nset++ ? set + ' ' + name : name;
    } else unset = s - 1 > nset ? unset + ' ' + name : name;
  }
  if (nset > nsig / 2) return `~[${unset}]`;
  return `[${set}]`;
}
/** signal names without SIG (sets print them so), by number */
const SHORT_SIGNALS: string[] = [];
function shortSignal(s: number): string {
  return (SHORT_SIGNALS[s] ??= signalName(s).replace(/^SIG/, ''));
}
/** A sigset argument whose size is the call's sigsetsize: strace decodes it only when that is the
 * kernel's 8 bytes, else prints the address. */
function sigset(b: Buffer, c: StructCtx): string {
  if (b.length !== 8) return c.addr;
  return sigsetText(b, 8);
}

function sigaction(b: Buffer, c: StructCtx): string {
  if (b.length < 32) return c.addr;
  const h = b.readBigInt64LE(0);
  const handler = h === 0n ? 'SIG_DFL' : h === 1n ? 'SIG_IGN' : h === -1n ? 'SIG_ERR' : hex(b.readBigUInt64LE(0));
  const flags = b.readBigUInt64LE(8);
  const restorer = (flags & 0x04000000n) !== 0n ? `, sa_restorer=${ptr(b.readBigUInt64LE(16))}` : '';
  return `{sa_handler=${handler}, sa_mask=${sigsetText(b.subarray(24, 32))}, sa_flags=${printFlags('sa_flags', flags)}${restorer}}`;
}

function stackT(b: Buffer, c: StructCtx): string {
  if (b.length < 24) return c.addr;
  return `{ss_sp=${ptr(b.readBigUInt64LE(0))}, ss_flags=${printFlags('ss_flags', BigInt(b.readUInt32LE(8)))}, ss_size=${str(u64n(b, 16))}}`;
}

function pollfds(b: Buffer, c: StructCtx): string {
  const out: string[] = [];
  for (let o = 0; o + 8 <= b.length; o += 8) {
    // at most -s of them (all with -v), as strace's arrays
    if (!c.verbose && out.length >= c.stringSize) {
      out.push('...');
      break;
    }
    // the events of a descriptor that is not one (negative: ignored by the kernel) are not printed
    const fd = b.readInt32LE(o);
    const fdText = c.fdText ? c.fdText(fd) : String(fd);
    out.push(fd < 0 ? `{fd=${fd}}` : `{fd=${fdText}, events=${printFlags('poll_events', BigInt(b.readUInt16LE(o + 4)))}}`);
  }
  return `[${out.join(', ')}]`;
}
/** poll's result: the entries with revents set, as strace appends them to the return value. */
export function pollRevents(b: Buffer, limit = Infinity): string {
  const out: string[] = [];
  for (let o = 0; o + 8 <= b.length; o += 8) {
    const r = b.readUInt16LE(o + 6);
    if (r && out.length >= limit) {
      out.push('...');
      break;
    }
    if (r) out.push(`{fd=${b.readInt32LE(o)}, revents=${printFlags('poll_events', BigInt(r))}}`);
  }
  return `[${out.join(', ')}]`;
}

function epollEvents(b: Buffer, c: StructCtx): string {
  const out: string[] = [];
  for (let o = 0; o + 12 <= b.length; o += 12) {
    const data = b.readBigUInt64LE(o + 4);
    out.push(`{events=${printFlags('epoll_events', BigInt(b.readUInt32LE(o)))}, data=${data ? hex(data) : '0'}}`);
  }
  if (c.caps[0]?.full !== undefined) out.push('...');
  return `[${out.join(', ')}]`;
}
/** epoll_ctl's event (the data in hex, as strace 7); EPOLL_CTL_DEL's is not read: its address */
function epollEvent(b: Buffer, c: StructCtx): string {
  if (b.length < 12 || Number(BigInt.asUintN(32, BigInt(c.args[1] ?? 0))) === 2) return c.addr;
  const data = b.readBigUInt64LE(4);
  return `{events=${printFlags('epoll_events', BigInt(b.readUInt32LE(0)))}, data=${data ? hex(data) : '0'}}`;
}

function int2(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  return `[${b.readInt32LE(0)}, ${b.readInt32LE(4)}]`;
}
function intPtr(b: Buffer, c: StructCtx): string {
  if (b.length < 4) return c.addr;
  const v = b.readInt32LE(0);
  const before = c.entryCaps?.[0];
  if (before) {
    const e = captureBytes(before);
    if (e.length >= 4 && e.readInt32LE(0) !== v) return `[${e.readInt32LE(0)} => ${v}]`;
  }
  return `[${v}]`;
}
/** a 64-bit value behind a pointer, [N]; one the call changed (sendfile's offset) [before => after] */
function u64Ptr(b: Buffer, c: StructCtx, signed = false): string {
  if (b.length < 8) return c.addr;
  const read = (x: Buffer) => (signed ? x.readBigInt64LE(0) : x.readBigUInt64LE(0));
  const before = c.entryCaps?.[0];
  if (before && !before.fault) {
    const e = captureBytes(before);
    if (e.length >= 8 && read(e) !== read(b)) return `[${read(e)} => ${read(b)}]`;
  }
  return `[${read(b)}]`;
}
/** a kernel address written by the call (io_setup's aio context) */
function hexPtr(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  return `[${hex(b.readBigUInt64LE(0))}]`;
}
function timeT(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  const t = i64n(b, 0);
  return `[${str(t)}${timeComment(t)}]`;
}

/** struct mq_attr: mq_flags as open flags (O_NONBLOCK), the counts signed */
function mqAttr(b: Buffer, c: StructCtx): string {
  if (b.length < 64) return c.addr;
  const fl = b.readBigUInt64LE(0);
  const flags = fl === 0n ? '0' : fl === 0o4000n ? 'O_NONBLOCK' : hex(fl);
  return `{mq_flags=${flags}, mq_maxmsg=${str(i64n(b, 8))}, mq_msgsize=${str(i64n(b, 16))}, mq_curmsgs=${str(i64n(b, 24))}}`;
}

/** socket option values strace decodes (getsockopt): by the length the call returned */
function optWant(b: Buffer, c: StructCtx): number {
  // setsockopt: the length argument (an int); getsockopt: what *optlen says at exit
  if (c.lenPtrArg === undefined) return Number(BigInt.asIntN(32, BigInt(c.args[4] ?? b.length)));
  const l = c.other(c.lenPtrArg, 'exit');
  return l && l.length >= 4 ? l.readInt32LE(0) : b.length;
}
function optLen(b: Buffer, c: StructCtx): number {
  return Math.min(b.length, optWant(b, c));
}
function optInt(b: Buffer, c: StructCtx, f: (v: number) => string): string {
  const n = optLen(b, c);
  if (n <= 0) return c.addr;
  // fewer bytes than the length says could be read: strace's read of them fails, the address
  if (optWant(b, c) > b.length && b.length < 256) return c.addr;
  if (n < 4) return quote(b.subarray(0, n), { hex: 2 });
  return `[${f(b.readInt32LE(0))}]`;
}
const sockerr = (b: Buffer, c: StructCtx) => optInt(b, c, (v) => (v ? errnoName(v) : '0'));
const socktype = (b: Buffer, c: StructCtx) => optInt(b, c, (v) => printEnum('socket_kind', v));
/** an option value of any other length than an int's: its bytes in hex (the address when they cannot all be read) */
function optHex(b: Buffer, c: StructCtx, want: number): string {
  return b.length < want ? c.addr : quote(b.subarray(0, Math.min(want, c.stringSize)), { hex: 2 }) + (want > c.stringSize ? '...' : '');
}
const ipprotoInt = (b: Buffer, c: StructCtx) => {
  const want = optWant(b, c);
  return want !== 4 && want > 0 ? optHex(b, c, want) : optInt(b, c, (v) => printEnum('ipproto', v));
};
/** IP_LOCAL_PORT_RANGE: [0xHI0LO /* lo..hi *\/] */
function portRange(b: Buffer, c: StructCtx): string {
  const want = optWant(b, c);
  // getsockopt's length of 0 or less is an address, setsockopt's 0 an empty string
  if (want < 0 || (want === 0 && c.lenPtrArg !== undefined)) return c.addr;
  if (want !== 4) return optHex(b, c, want);
  if (b.length < 4) return c.addr;
  const v = b.readUInt32LE(0);
  const lo = v & 0xffff, hi = v >>> 16;
  const range = (n: number) => (n ? String(n) : '');
  const comment = getCallStyle() !== 1 && v && (!lo || !hi || lo <= hi) ? ` /* ${range(lo)}..${range(hi)} */` : '';
  return `[${v ? hex(v) : '0'}${comment}]`;
}
/** IP_ADD_MEMBERSHIP's struct ip_mreq (setsockopt): shorter than it, an address */
function ipMreq(b: Buffer, c: StructCtx): string {
  if (optWant(b, c) < 8 || b.length < 8) return c.addr;
  const a = (o: number) => `inet_addr("${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}")`;
  return `{imr_multiaddr=${a(0)}, imr_interface=${a(4)}}`;
}
/** SO_TXREHASH: its value by name; shorter than an int, an address (set) or hex bytes (get) */
function txrehash(b: Buffer, c: StructCtx): string {
  const want = optWant(b, c);
  if (want < 4) return c.lenPtrArg === undefined || want <= 0 ? c.addr : optHex(b, c, want);
  if (b.length < 4) return c.addr;
  return `[${printEnum('txrehash', b.readInt32LE(0))}]`;
}
/** TIPC_GROUP_JOIN's struct tipc_group_req: shorter than it, an address */
function tipcGroup(b: Buffer, c: StructCtx): string {
  if (optWant(b, c) < 16 || b.length < 16) return c.addr;
  return `{type=${b.readUInt32LE(0)}, instance=${b.readUInt32LE(4)}, scope=${printEnum('tipc_scope', b.readUInt32LE(8))}, flags=${printFlags('tipc_group_flags', b.readUInt32LE(12), 32)}}`;
}
/** a hardware address in the -X style: aa:bb (abbrev), "\xaa\xbb" (raw), both (verbose) */
function macText(b: Buffer): string {
  const style = getCallStyle();
  const mac = [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  if (style === 0) return mac;
  const q = quote(b, { hex: 2 });
  return style === 1 ? q : `${q} /* ${mac} */`;
}
/** PACKET_ADD/DROP_MEMBERSHIP's struct packet_mreq: of any other length, an address */
function packetMreq(b: Buffer, c: StructCtx): string {
  if (optWant(b, c) !== 16 || b.length < 16) return c.addr;
  return `{mr_ifindex=${b.readInt32LE(0)}, mr_type=${printEnum('packet_mr', b.readUInt16LE(4))}, mr_alen=${b.readUInt16LE(6)}, mr_address=${macText(b.subarray(8, 8 + Math.min(b.readUInt16LE(6), 8)))}}`;
}
/** PACKET_RX_RING / PACKET_TX_RING's struct tpacket_req */
function tpacketReq(b: Buffer, c: StructCtx): string {
  if (optWant(b, c) !== 16 || b.length < 16) return c.addr;
  return `{tp_block_size=${b.readUInt32LE(0)}, tp_block_nr=${b.readUInt32LE(4)}, tp_frame_size=${b.readUInt32LE(8)}, tp_frame_nr=${b.readUInt32LE(12)}}`;
}
/** PACKET_STATISTICS: the fields the length holds */
function tpacketStats(b: Buffer, c: StructCtx): string {
  const len = Math.min(optWant(b, c), 12);
  if (len <= 0 || b.length < len) return c.addr;
  const names = ['tp_packets', 'tp_drops', 'tp_freeze_q_cnt'];
  const out: string[] = [];
  // a field cut short: its bytes in hex
  for (let i = 0; i < 3 && i * 4 < len; i++) out.push(`${names[i]}=${(i + 1) * 4 <= len ? b.readUInt32LE(i * 4) : quote(b.subarray(i * 4, len), { hex: 2 })}`);
  return `{${out.join(', ')}}`;
}
/** NETLINK_LIST_MEMBERSHIPS: the groups, as many u32 as the smaller of the two lengths holds */
function nlMemberships(b: Buffer, c: StructCtx): string {
  if (c.lenPtrArg === undefined) return c.addr;
  const e = c.other(c.lenPtrArg, 'entry');
  const x = c.other(c.lenPtrArg, 'exit');
  if (!e || !x || e.length < 4 || x.length < 4) return c.addr;
  const n = Math.floor(Math.min(e.readUInt32LE(0), x.readUInt32LE(0)) / 4);
  if (n && (c.caps[0]?.fault || b.length < n * 4)) return c.addr;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(b.readUInt32LE(i * 4));
  return `[${out.join(', ')}]`;
}
function tipcImportance(b: Buffer, c: StructCtx): string {
  if (optWant(b, c) < 4 || b.length < 4) return c.addr;
  return `[${printEnum('tipc_importance', b.readUInt32LE(0))}]`;
}
function ucred(b: Buffer, c: StructCtx): string {
  const n = optLen(b, c);
  if (n <= 0) return c.addr;
  // a short one: the fields it holds, the one cut short in hex
  const f = (o: number, name: string, v: () => number) => (n >= o + 4 ? `${name}=${v()}` : n > o ? `${name}=${quote(b.subarray(o, n), { hex: 2 })}` : '');
  return `{${[f(0, 'pid', () => b.readInt32LE(0)), f(4, 'uid', () => b.readUInt32LE(4)), f(8, 'gid', () => b.readUInt32LE(8))].filter(Boolean).join(', ')}}`;
}
function linger(b: Buffer, c: StructCtx): string {
  // setsockopt: shorter than the struct is an address
  if (c.lenPtrArg === undefined && (optWant(b, c) < 8 || b.length < 8)) return c.addr;
  const n = optLen(b, c);
  if (n <= 0) return c.addr;
  // a short one (getsockopt): the fields it holds, the one cut short in hex
  const f = (o: number, name: string) => (n >= o + 4 ? `${name}=${b.readInt32LE(o)}` : n > o ? `${name}=${quote(b.subarray(o, n), { hex: 2 })}` : '');
  return `{${[f(0, 'l_onoff'), f(4, 'l_linger')].filter(Boolean).join(', ')}}`;
}

/** get_mempolicy's mode: [MPOL_DEFAULT] */
function mpolInt(b: Buffer, c: StructCtx): string {
  if (b.length < 4) return c.addr;
  return `[${printFlags('mpol', b.readUInt32LE(0), 32)}]`;
}

/** getdents' old struct linux_dirent (d_type in its last byte): counted, or whole with -v */
function direntsOld(b: Buffer, c: StructCtx): string {
  const out: string[] = [];
  for (let o = 0; o + 18 <= b.length;) {
    const rl = b.readUInt16LE(o + 16);
    if (rl < 19 || o + rl > b.length) break;
    out.push(`{d_ino=${b.readBigUInt64LE(o)}, d_off=${b.readBigInt64LE(o + 8)}, d_reclen=${rl}, d_name=${quote(cstr(b, o + 18, rl - 19), c)}, ` +
      `d_type=${printEnum('dirent_type', b[o + rl - 1]!)}}`);
    o += rl;
  }
  if (!c.verbose) return `${c.addr} /* ${out.length} entries */`;
  return `[${out.join(', ')}]`;
}

/** a CPU set: the numbers of the CPUs in it, [0 1] */
function cpuset(b: Buffer, c: StructCtx): string {
  if (!b.length && c.caps[0]?.fault) return c.addr;
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) for (let k = 0; k < 8; k++) if ((b[i]! >> k) & 1) out.push(i * 8 + k);
  return `[${out.join(' ')}]`;
}

/** wait status: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}] */
export function waitStatus(s: number): string {
  const sig = s & 0x7f;
  // 0xffff before the stopped test (its low byte is 0x7f too)
  if (s === 0xffff) return '{WIFCONTINUED(s)}';
  if (sig === 0) return `{WIFEXITED(s) && WEXITSTATUS(s) == ${(s >> 8) & 0xff}}`;
  if (sig === 0x7f) {
    const ev = s >> 16;
    return `{WIFSTOPPED(s) && WSTOPSIG(s) == ${signalName((s >> 8) & 0xff)}${ev ? ` && s >> 16 == ${ev}` : ''}}`;
  }
  return `{WIFSIGNALED(s) && WTERMSIG(s) == ${signalName(sig)}${s & 0x80 ? ' && WCOREDUMP(s)' : ''}}`;
}
function wstatus(b: Buffer, c: StructCtx): string {
  // no child changed state (WNOHANG): nothing was written there
  if (b.length < 4 || c.ret === 0) return c.addr;
  return `[${waitStatus(b.readInt32LE(0))}]`;
}

function sockaddr(b: Buffer, c: StructCtx): string {
  const cap = c.caps[0];
  let want = cap?.full ?? b.length;
  // an address the call wrote (accept, getsockname, recvfrom): no more than the length the
  // program gave at entry, which the kernel may have raised at exit
  if (c.lenPtrArg !== undefined && cap?.at === 'exit') {
    const e = c.other(c.lenPtrArg, 'entry');
    if (e && e.length >= 4) {
      const n = e.readUInt32LE(0);
      if (n < b.length) b = b.subarray(0, n);
      if (n < want) want = n;
    }
  }
  // fewer bytes could be read than the length says (strace reads a sockaddr_storage at most,
  // 128 bytes): strace's read fails, the address
  if (Math.min(want, 128) > b.length) return c.addr;
  // shorter than a family (a datagram from an unnamed socket: the kernel wrote a length of 0),
  // strace prints the address
  if (b.length < 2) return c.addr;
  return sockaddrText(b, c);
}

/** Bytes as a string bounded by -s, with "..." when more existed. */
export function bufText(b: Buffer, total: number, c: StringStyle & { stringSize: number }): string {
  const n = Math.min(b.length, c.stringSize, Math.max(total, 0));
  return quote(b.subarray(0, n), c) + (total > n ? '...' : '');
}

export function iovecs(caps: readonly Capture[], c: StructCtx, base: number): string {
  const budget = c.stringSize;
  const out: string[] = [];
  for (const cap of caps) {
    if (cap.index === undefined || cap.index < base) continue;
    if (cap.more) {
      out.push('...');
      break;
    }
    if (cap.fault) {
      // the element that could not be read: where it is, and nothing after it (readv, writev:
      // the array is argument 1)
      const at = base === 0 ? BigInt(c.args[1] ?? 0) + 16n * BigInt(cap.index) : undefined;
      out.push(at === undefined ? `{iov_base=?, iov_len=?}` : `... /* ${hex(at)} */`);
      if (at !== undefined) break;
      continue;
    }
    // strace prints at most -s elements of an array (all with -v)
    if (!c.verbose && out.length >= c.stringSize) {
      out.push('...');
      break;
    }
    const bytes = captureBytes(cap);
    const total = cap.full ?? cap.len;
    // -s bounds each buffer, as strace prints them
    const n = Math.min(bytes.length, Math.max(budget, 0));
    // at exit a capture holds the bytes transferred; the length the program passed is the
    // entry side's (readv), else the same
    const before = c.entryCaps?.find((e) => e.index === cap.index && !e.fault);
    const len = before ? (before.full ?? before.len) : total;
    out.push(`{iov_base=${quote(bytes.subarray(0, n), c)}${total > n ? '...' : ''}, iov_len=${len}}`);
  }
  return `[${out.join(', ')}]`;
}
function iov(_b: Buffer, c: StructCtx): string {
  return iovecs(c.caps, c, 0);
}

function dirents(b: Buffer, c: StructCtx): string {
  const out: string[] = [];
  let o = 0;
  for (; o + 19 <= b.length;) {
    const rl = b.readUInt16LE(o + 16);
    if (rl < 19 || o + rl > b.length) break;
    out.push(`{d_ino=${b.readBigUInt64LE(o)}, d_off=${b.readBigInt64LE(o + 8)}, d_reclen=${rl}, d_type=${printEnum('dirent_type', b[o + 18]!)}, ` +
      `d_name=${quote(cstr(b, o + 19, rl - 19), c)}}`);
    o += rl;
  }
  if (!c.verbose) return `${c.addr} /* ${out.length} entries */`;
  return `[${out.join(', ')}]`;
}

function openHow(b: Buffer, c: StructCtx): string {
  // openat2's size argument says how much of it there is: less than the struct, its address
  const size = Number(c.args[3] ?? 24);
  if (b.length < 24 || !(size >= 24)) return c.addr;
  const flags = b.readBigUInt64LE(0);
  const mode = b.readBigUInt64LE(8);
  // the mode when the flags create a file, or when it is not 0 (a 64-bit field)
  const shown = (flags & 0o20000100n) !== 0n || mode !== 0n;
  return `{flags=${printFlags('open_how', flags)}${shown ? `, mode=0${mode.toString(8).padStart(2, '0')}` : ''}, resolve=${printFlags('resolve', b.readBigUInt64LE(16))}${nonzeroTail(b, 24, size, c)}}`;
}

function cloneArgs(b: Buffer, c: StructCtx): string {
  if (b.length < 64) return c.addr;
  const q = (o: number) => b.readBigUInt64LE(o);
  const flags = q(0);
  const parts = [`flags=${printFlags('clone3', flags)}`];
  if (flags & 0x1000n) parts.push(`pidfd=${ptr(q(8))}`);
  if (flags & 0x1200000n) parts.push(`child_tid=${ptr(q(16))}`);
  if (flags & 0x100000n) parts.push(`parent_tid=${ptr(q(24))}`);
  const sig = Number(q(32));
  parts.push(`exit_signal=${sig ? signalName(sig) : 0}`, `stack=${ptr(q(40))}`, `stack_size=${q(48) ? hex(q(48)) : '0'}`);
  if (flags & 0x80000n) parts.push(`tls=${ptr(q(56))}`);
  return `{${parts.join(', ')}}`;
}

function tv2(b: Buffer, c: StructCtx, f: (b: Buffer, c: StructCtx, at: number) => string, n1: string, n2: string): string {
  if (b.length < 32) return c.addr;
  return `{${n1}=${f(b, c, 0)}, ${n2}=${f(b, c, 16)}}`;
}

function rusage(b: Buffer, c: StructCtx): string {
  if (b.length < 144) return c.addr;
  // the counters unsigned, as strace
  const n = (o: number) => b.readBigUInt64LE(o).toString();
  const head = `ru_utime=${timeval(b, c, 0)}, ru_stime=${timeval(b, c, 16)}`;
  if (!c.verbose) return `{${head}, ...}`;
  const names = ['ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt', 'ru_nswap', 'ru_inblock', 'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw'];
  return `{${head}, ${names.map((x, i) => `${x}=${n(32 + 8 * i)}`).join(', ')}}`;
}

function sysinfo(b: Buffer, c: StructCtx): string {
  if (b.length < 112) return c.addr;
  const q = (o: number) => b.readBigUInt64LE(o).toString();
  return `{uptime=${b.readBigInt64LE(0)}, loads=[${q(8)}, ${q(16)}, ${q(24)}], totalram=${q(32)}, freeram=${q(40)}, sharedram=${q(48)}, ` +
    `bufferram=${q(56)}, totalswap=${q(64)}, freeswap=${q(72)}, procs=${b.readUInt16LE(80)}, totalhigh=${q(88)}, freehigh=${q(96)}, mem_unit=${b.readUInt32LE(104)}}`;
}

function tms(b: Buffer, c: StructCtx): string {
  if (b.length < 32) return c.addr;
  // clock ticks (USER_HZ, 100 a second), with the seconds in a comment as strace
  const raw = getCallStyle() === 1;
  const q = (o: number) => {
    const v = b.readBigUInt64LE(o);
    return raw || v === 0n ? String(v) : `${v} /* ${v / 100n}.${String(v % 100n).padStart(2, '0')} s */`;
  };
  return `{tms_utime=${q(0)}, tms_stime=${q(8)}, tms_cutime=${q(16)}, tms_cstime=${q(24)}}`;
}

function schedParam(b: Buffer, c: StructCtx): string {
  if (b.length < 4) return c.addr;
  return `{sched_priority=${b.readInt32LE(0)}}`;
}

/** utime's struct utimbuf: two time_t, each with its date */
function utimbuf(b: Buffer, c: StructCtx): string {
  if (b.length < 16) return c.addr;
  const a = i64n(b, 0), m = i64n(b, 8);
  return `{actime=${str(a)}${timeComment(a)}, modtime=${str(m)}${timeComment(m)}}`;
}

/** utimensat's two timespecs: UTIME_NOW and UTIME_OMIT by name (-X raw: the numbers; verbose: both), others with their date */
function utimens(b: Buffer, c: StructCtx): string {
  if (b.length < 32) return c.addr;
  const style = getCallStyle();
  const one = (o: number) => {
    const nsec = u64n(b, o + 8);
    const special = nsec === 0x3fffffff ? 'UTIME_NOW' : nsec === 0x3ffffffe ? 'UTIME_OMIT' : undefined;
    if (special && style === 0) return special;
    const ts = timespec(b, c, o);
    if (special) return style === 1 ? ts : `${ts} /* ${special} */`;
    return `${ts}${timeComment(i64n(b, o), nsec)}`;
  };
  return `[${one(0)}, ${one(16)}]`;
}

/** utimes' and futimesat's two struct timevals */
function timeval2(b: Buffer, c: StructCtx): string {
  if (b.length < 32) return c.addr;
  const one = (o: number) => `${timeval(b, c, o)}${timeComment(i64n(b, o), u64n(b, o + 8), 6, 999999)}`;
  return `[${one(0)}, ${one(16)}]`;
}

function capHeader(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  const v = b.readUInt32LE(0);
  const names: Record<number, string> = { 0x19980330: '_LINUX_CAPABILITY_VERSION_1', 0x20071026: '_LINUX_CAPABILITY_VERSION_2', 0x20080522: '_LINUX_CAPABILITY_VERSION_3' };
  return `{version=${names[v] ?? hex(v)}, pid=${b.readInt32LE(4)}}`;
}

function timezone(b: Buffer, c: StructCtx): string {
  if (b.length < 8) return c.addr;
  return `{tz_minuteswest=${b.readInt32LE(0)}, tz_dsttime=${b.readInt32LE(4)}}`;
}

function pathbuf(b: Buffer, c: StructCtx): string {
  return quote(b, c, true);
}

function xattr(b: Buffer, c: StructCtx): string {
  // a value to set larger than the kernel's XATTR_SIZE_MAX: strace does not read it
  // and one that could not be read whole
  const size = Number(BigInt.asUintN(64, BigInt(c.args[3] ?? 0)));
  const entry = c.caps[0]?.at === 'entry';
  if (entry && (size > 65536 || b.length < size)) return c.addr;
  // the bytes given (set) or returned (get), a trailing NUL left out, as strace
  // (a get with a size of 0 writes nothing: it returns the size the value needs)
  if (!entry && size === 0) return c.addr;
  let total = entry ? size : c.ret >= 0 ? Math.min(c.ret, size) : b.length;
  if (total > 0 && total <= b.length && b[total - 1] === 0) total--;
  return bufText(b.subarray(0, Math.max(total, 0)), total, c);
}

function u32Arr(b: Buffer, c: StructCtx): string {
  if (b.length === 0 && c.ret === 0 && c.caps[0]?.at === 'exit' && !c.caps[0].fault) return '[]';
  // a count of 0 given (setgroups(0, ...)): nothing read, an empty array
  if (b.length === 0 && c.caps[0]?.at === 'entry' && !c.caps[0].fault && c.caps[0].len === 0) return '[]';
  if (b.length < 4) return c.addr;
  // setgroups' count past NGROUPS_MAX: strace does not read the array
  if (c.caps[0]?.at === 'entry' && c.caps[0].arg === 1 && Number(BigInt.asIntN(32, BigInt(c.args[0] ?? 0))) > 65536) return c.addr;
  const out: number[] = [];
  // gid_t's -1 (setgroups, getgroups) prints as -1, as strace's printuid
  // at most -s elements (all with -v), as strace prints arrays
  const limit = c.verbose ? Infinity : c.stringSize;
  for (let o = 0; o + 4 <= b.length; o += 4) {
    if (out.length >= limit) return `[${out.join(', ')}, ...]`;
    out.push(b.readUInt32LE(o) === 0xffffffff ? -1 : b.readUInt32LE(o));
  }
  // fewer bytes than the count asked for: the first element that could not be read, by address
  const cap = c.caps[0];
  if (cap?.full !== undefined && cap.full > b.length) return `[${out.join(', ')}, ... /* ${hex(BigInt(c.addr) + BigInt(out.length * 4))} */]`;
  return `[${out.join(', ')}]`;
}

/**
 * An extensible struct's bytes past the part strace knows (`from`..min(`size`, a page): strace
 * looks at most a page): '' when they are all zero, `???` when they could not all be read, else
 * `/* bytes F..L *\/ "\x.."` (as strace's print_nonzero_bytes, in hex, bounded by -s).
 */
export function nonzeroBytes(b: Buffer, from: number, size: number | bigint, c: StructCtx): string {
  const end = Number(BigInt(size) < 4096n ? BigInt(size) : 4096n);
  if (end <= from) return '';
  if (b.length < end) return '???';
  return bytesPast(b.subarray(from, end), from, end, c);
}

/** `bytes` (those of from..end that there are) as nonzeroBytes prints them: '' when all zero. */
function bytesPast(bytes: Buffer, from: number, end: number, c: StructCtx): string {
  if (bytes.every((x) => x === 0)) return '';
  return `/* bytes ${from}..${end - 1} */ ${bufText(bytes, end - from, { stringSize: c.stringSize, hex: 2 })}`;
}

/**
 * nonzeroBytes after ', ' (nothing when it is ''), for a struct whose capture the recording may
 * cut at its bound: fewer bytes than asked but more than -s past `from` are all that prints,
 * not `???`.
 */
function nonzeroTail(b: Buffer, from: number, size: number, c: StructCtx): string {
  const end = Math.min(size, 4096);
  const cut = end > from && b.length < end && b.length >= from + c.stringSize;
  const t = cut ? bytesPast(b.subarray(from), from, end, c) : nonzeroBytes(b, from, size, c);
  return t && `, ${t}`;
}

/** cachestat's range: {off=0x.., len=N} */
function cachestatRange(b: Buffer, c: StructCtx): string {
  if (b.length < 16) return c.addr;
  const off = b.readBigUInt64LE(0);
  return `{off=${off ? hex(off) : '0'}, len=${b.readBigUInt64LE(8)}}`;
}

function cachestat(b: Buffer, c: StructCtx): string {
  if (b.length < 40) return c.addr;
  const f = (o: number) => b.readBigUInt64LE(o);
  return `{nr_cache=${f(0)}, nr_dirty=${f(8)}, nr_writeback=${f(16)}, nr_evicted=${f(24)}, nr_recently_evicted=${f(32)}}`;
}

/** futex_requeue's two waiters (struct futex_waitv, 24 bytes each); an element that could not
 * be read prints as its address, and ends the array */
function futexWaitv(b: Buffer, c: StructCtx): string {
  if (b.length < 24) return c.addr;
  const n = Math.max(1, Math.floor(b.length / 24));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * 24;
    const val = b.readBigUInt64LE(o);
    const uaddr = b.readBigUInt64LE(o + 8);
    const reserved = b.readUInt32LE(o + 20);
    out.push(`{val=${val ? hex(val) : '0'}, uaddr=${ptr(uaddr)}, flags=${printFlags('futex2', b.readUInt32LE(o + 16), 32)}${reserved ? `, __reserved=${hex(reserved)}` : ''}}`);
  }
  if (c.caps[0]?.fault && n < 2) out.push(hex(BigInt(c.addr) + BigInt(n * 24)));
  return `[${out.join(', ')}]`;
}

/** struct file_attr of file_getattr (fa_nextents too) and file_setattr; its size is argument 3 */
function fileAttr(b: Buffer, c: StructCtx): string {
  const size = Number(c.args[3] ?? 0);
  if (!(size >= 24 && size <= 4096) || b.length < 24) return c.addr;
  const get = c.caps[0]?.at === 'exit';
  const projid = b.readUInt32LE(16);
  return `{fa_xflags=${printFlags('fs_xflag', b.readBigUInt64LE(0))}, fa_extsize=${b.readUInt32LE(8)}${get ? `, fa_nextents=${b.readUInt32LE(12)}` : ''}, ` +
    `fa_projid=${projid ? hex(projid) : '0'}, fa_cowextsize=${b.readUInt32LE(20)}${nonzeroTail(b, 24, size, c)}}`;
}

/**
 * An array of struct iovec whose buffers are not this process's to read (process_madvise's,
 * process_vm_readv's and writev's, io_uring's buffers): each base and length; the element
 * that could not be read by address; a count too large for memory, the array's address.
 */
function iovAddrs(b: Buffer, c: StructCtx): string {
  const cap = c.caps[0];
  if (!cap || cap.fault) return c.addr;
  // the count is the next argument (in each signature that uses this type)
  const count = BigInt.asUintN(64, BigInt(c.args[cap.arg + 1] ?? 0));
  if (count === 0n) return '[]';
  // an array larger than the address space: strace does not read it
  if (count * 16n >= 1n << 64n) return c.addr;
  if (b.length < 16) return c.addr;
  const out: string[] = [];
  const limit = c.verbose ? Infinity : c.stringSize;
  let o = 0;
  for (; o + 16 <= b.length; o += 16) {
    if (out.length >= limit) return `[${out.join(', ')}, ...]`;
    out.push(`{iov_base=${ptr(b.readBigUInt64LE(o))}, iov_len=${b.readBigUInt64LE(o + 8)}}`);
  }
  if (cap.full !== undefined && cap.full > b.length) out.push(`... /* ${hex(BigInt(c.addr) + BigInt(o))} */`);
  return `[${out.join(', ')}]`;
}

/**
 * An array of `size`-byte elements as strace's print_array: each element, at most -s of them
 * (all with -v), the first one that could not be read by its address; [] for none; the
 * address when not even the first could be read.
 */
function arrayOf(b: Buffer, c: StructCtx, size: number, one: (o: number) => string, cap: Capture | undefined = c.caps[0], want?: number): string {
  if (!cap || cap.fault) return c.addr;
  if (cap.len === 0 && !cap.full) return '[]';
  if (b.length < size) return c.addr;
  const out: string[] = [];
  const limit = c.verbose ? Infinity : c.stringSize;
  let o = 0;
  for (; o + size <= b.length; o += size) {
    if (out.length >= limit) return `[${out.join(', ')}, ...]`;
    out.push(one(o));
  }
  // want: the bytes the count asks for, when the capture's length may say more (a 32-bit count
  // with garbage in its register's high half makes the engine's length the whole register)
  const asked = want ?? cap.full;
  if (asked !== undefined && asked > o) out.push(`... /* ${hex(BigInt(c.addr) + BigInt(o))} */`);
  return `[${out.join(', ')}]`;
}

/** strace's print_nodemask: as many 64-bit words as (maxnode - 1) bits take, each in 16 hex digits */
function nodemask(b: Buffer, c: StructCtx, maxArg: number): string {
  const max = BigInt.asUintN(64, BigInt(c.args[maxArg] ?? 0));
  const words = (max + 62n) / 64n;
  if (words < max / 64n || (max && !words)) return c.addr;
  if (words === 0n) return '[]';
  if (c.caps[0]?.fault) return c.addr;
  // the capture is the words the printing needs at most (-s of them, or all it holds)
  const have = Math.min(b.length, Number(words) * 8);
  const cut = b.subarray(0, have);
  const cap = c.caps[0] && { ...c.caps[0], len: have, full: Number(words) * 8 > have ? Number(words) * 8 : undefined };
  return arrayOf(cut, c, 8, (o) => cut.readBigUInt64LE(o).toString(16).padStart(16, '0'), cap);
}

/** struct if_dqblk (if_nextdqblk: and its dqb_id), the times and valid bits only with -v */
function dqblk(b: Buffer, c: StructCtx, next: boolean): string {
  if (b.length < 72) return c.addr;
  const q = (o: number) => b.readBigUInt64LE(o);
  const head = `dqb_bhardlimit=${q(0)}, dqb_bsoftlimit=${q(8)}, dqb_curspace=${q(16)}, dqb_ihardlimit=${q(24)}, dqb_isoftlimit=${q(32)}, dqb_curinodes=${q(40)}`;
  const id = next ? `, dqb_id=${b.readUInt32LE(68)}` : '';
  if (!c.verbose) return `{${head}${id}, ...}`;
  return `{${head}, dqb_btime=${q(48)}, dqb_itime=${q(56)}, dqb_valid=${printFlags('dqblk_valid', b.readUInt32LE(64), 32)}${id}}`;
}

/** struct sigevent (timer_create, mq_notify): the value when its pointer is not NULL, the signal by
 * name for the notifications that send one, the thread or function for those that name one */
function sigevent(b: Buffer, c: StructCtx): string {
  // strace reads the part it prints: 32 bytes (the value, signal, notification, thread union)
  if (b.length < 32) return c.addr;
  const parts: string[] = [];
  const value = b.readBigUInt64LE(0);
  if (value) parts.push(`sigev_value={sival_int=${b.readInt32LE(0)}, sival_ptr=${ptr(value)}}`);
  const notify = b.readInt32LE(12);
  const signo = b.readUInt32LE(8);
  const sends = notify === 0 || notify === 2 || notify === 4;
  parts.push(`sigev_signo=${sends && signo > 0 && signo < 65 ? signalName(signo) : signo}`, `sigev_notify=${printEnum('sigev_notify', notify)}`);
  if (notify === 4) parts.push(`sigev_notify_thread_id=${b.readInt32LE(16)}`);
  else if (notify === 2) parts.push(`sigev_notify_function=${ptr(b.readBigUInt64LE(16))}`, `sigev_notify_attributes=${ptr(b.readBigUInt64LE(24))}`);
  return `{${parts.join(', ')}}`;
}

/** landlock_create_ruleset's struct landlock_ruleset_attr: the fields its size covers, `...` past them */
function landlockAttr(b: Buffer, c: StructCtx): string {
  const size = BigInt.asUintN(64, BigInt(c.args[1] ?? 0));
  if (size < 8n) return c.addr;
  const names: Array<[string, string]> = [
    ['handled_access_fs', 'landlock_access_fs'], ['handled_access_net', 'landlock_access_net'], ['scoped', 'landlock_scope'],
    ['quiet_access_fs', 'landlock_access_fs'], ['quiet_access_net', 'landlock_access_net'], ['quiet_scoped', 'landlock_scope'],
  ];
  const fields = Number(size / 8n < 6n ? size / 8n : 6n);
  if (b.length < fields * 8) return c.addr;
  const out: string[] = [];
  for (let i = 0; i < fields; i++) out.push(`${names[i]![0]}=${printFlags(names[i]![1], b.readBigUInt64LE(i * 8))}`);
  if (size > 48n) out.push('...');
  return `{${out.join(', ')}}`;
}

/** a clock_t (clock ticks, USER_HZ 100) as strace 7 prints it: `10 /* 0.10 s *\/` when not 0 */
export function clockTicks(v: bigint | number): string {
  const t = BigInt(v);
  return t > 0n ? `${t} /* ${t / 100n}.${String(t % 100n).padStart(2, '0')} s */` : String(t);
}

/** select's nfds as strace takes it: an int, 0 when negative, at most 1024 * 1024 */
export function selectNfds(raw: number | string): number {
  const n = Number(BigInt.asIntN(32, BigInt(raw)));
  return n < 0 ? 0 : Math.min(n, 1024 * 1024);
}
/** the descriptors set in an fd_set's first `nfds` bits: [3 4] */
export function fdsetBits(b: Buffer, nfds: number): number[] {
  const out: number[] = [];
  for (let fd = 0; fd < nfds && fd >> 3 < b.length; fd++) if ((b[fd >> 3]! >> (fd & 7)) & 1) out.push(fd);
  return out;
}
/** an fd_set at entry: its bits below nfds; the address when nfds is 0 or it could not be read */
function fdset(_b: Buffer, c: StructCtx): string {
  const nfds = selectNfds(c.args[0] ?? 0);
  const fdsize = ((Math.ceil(nfds / 8) + 7) & ~7);
  // at exit (an inout capture), the value the call was given
  const cap = c.entryCaps?.[0] ?? c.caps[0];
  if (!fdsize || !cap || cap.fault) return c.addr;
  const b = captureBytes(cap);
  if (b.length < Math.min(fdsize, Math.ceil(nfds / 8), 65536)) return c.addr;
  return `[${fdsetBits(b, nfds).join(' ')}]`;
}
/** select's and pselect6's timeout as given (the time left is the return value's) */
function selTimeout(b: Buffer, c: StructCtx, f: (b: Buffer, c: StructCtx) => string): string {
  const cap = c.entryCaps?.[0];
  return f(cap && !cap.fault ? captureBytes(cap) : cap ? Buffer.alloc(0) : b, c);
}

/** Rows: capture type -> decoder. `buf` is handled by the formatter (it needs the length). */
export const STRUCTS: Readonly<Record<string, StructDecoder>> = {
  stat,
  statx,
  statfs,
  timespec: (b, c) => timespec(b, c),
  remts: (b, c) => timespec(b, c),
  timeval: (b, c) => timeval(b, c),
  timezone,
  itimerspec: (b, c) => tv2(b, c, timespec, 'it_interval', 'it_value'),
  itimerval: (b, c) => tv2(b, c, timeval, 'it_interval', 'it_value'),
  rlimit,
  utsname,
  sigset,
  // sethostname's and setdomainname's name: its length's bytes up to a NUL; longer than the
  // kernel's 64, strace does not read it
  utsname_field: (b, c) => {
    const len = Number(BigInt.asUintN(64, BigInt(c.args[1] ?? 0)));
    if (len > 64 || b.length < len) return c.addr;
    const nul = b.indexOf(0);
    return quote(b.subarray(0, nul < 0 ? len : Math.min(nul, len)), c);
  },
  // rt_sigpending's: the kernel writes as many bytes as sigsetsize says, 8 at most
  pendset: (b, c) => (b.length >= 1 && b.length <= 8 ? sigsetTextOf(b, b.length) : c.addr),
  sigaction,
  stack_t: stackT,
  pollfd: pollfds,
  epoll_event: (b, c) => (c.caps[0]?.at === 'entry' ? epollEvent(b, c) : epollEvents(b, c)),
  int2,
  int: intPtr,
  // getsockopt's optlen: [given => returned], read at exit also when the call failed
  optlen: intPtr,
  termios,
  winsize,
  // ioctl's third argument when no variant says what the request points to (VARIANTS prints
  // it as a number instead; this row is the signature's own type)
  ioctl_arg: (_b, c) => c.addr,
  u32: u32Arr,
  u64: (b, c) => u64Ptr(b, c),
  // a loff_t (splice, copy_file_range): signed
  loff: (b, c) => u64Ptr(b, c, true),
  time_t: timeT,
  hexptr: hexPtr,
  mpol_int: mpolInt,
  dirents_old: direntsOld,
  sockerr,
  socktype,
  ipproto_int: ipprotoInt,
  port_range: portRange,
  ip_mreq: ipMreq,
  tipc_importance: tipcImportance,
  packet_mreq: packetMreq,
  tpacket_req: tpacketReq,
  tpacket_stats: tpacketStats,
  tipc_group: tipcGroup,
  nl_memberships: nlMemberships,
  txrehash,
  ucred,
  linger,
  mq_attr: mqAttr,
  cpuset,
  wstatus,
  sockaddr,
  iov,
  msghdr,
  mmsgsend: mmsgSend,
  mmsgrecv: mmsgRecv,
  dirents,
  open_how: openHow,
  clone_args: cloneArgs,
  rusage,
  // wait4's: nothing is filled in when no child was reaped (WNOHANG, 0 returned)
  wrusage: (b, c) => (c.ret === 0 ? c.addr : rusage(b, c)),
  sysinfo,
  tms,
  siginfo,
  sched_param: schedParam,
  utimbuf,
  timeval2,
  utimens,
  cap_user_header: capHeader,
  pathbuf,
  xattr,
  cachestat_range: cachestatRange,
  cachestat,
  futex_waitv: futexWaitv,
  file_attr: fileAttr,
  iovaddr: iovAddrs,
  // semop's operations
  sembuf: (b, c) => {
    // the count is an unsigned int: its register's low half
    const want = Number(BigInt.asUintN(32, BigInt(c.args[2] ?? 0))) * 6;
    const ops = b.subarray(0, want);
    return arrayOf(ops, c, 6, (o) => `{sem_num=${ops.readUInt16LE(o)}, sem_op=${ops.readInt16LE(o + 2)}, sem_flg=${printFlags('sem_flg', ops.readUInt16LE(o + 4), 32)}}`, c.caps[0], want);
  },
  fdset,
  seltimeval: (b, c) => selTimeout(b, c, (x, y) => timeval(x, y)),
  seltimespec: (b, c) => selTimeout(b, c, (x, y) => timespec(x, y)),
  landlock_attr: landlockAttr,
  // landlock_add_rule's rule: an address unless its type says what it is
  landlock_rule_attr: (_b, c) => c.addr,
  landlock_path: (b, c) => (b.length < 12 ? c.addr : `{allowed_access=${printFlags('landlock_access_fs', b.readBigUInt64LE(0))}, parent_fd=${c.fdText ? c.fdText(b.readInt32LE(8)) : b.readInt32LE(8)}}`),
  landlock_port: (b, c) => (b.length < 16 ? c.addr : `{allowed_access=${printFlags('landlock_access_net', b.readBigUInt64LE(0))}, port=${b.readBigUInt64LE(8)}}`),
  sigevent,
  // mincore's vector: a byte per page of the length (argument 1), its lowest bit, -s of them
  mincore_vec: (b, c) => {
    const pages = Math.ceil(Number(BigInt.asUintN(64, BigInt(c.args[1] ?? 0))) / 4096);
    const shown = c.verbose ? pages : Math.min(pages, c.stringSize);
    if (b.length < Math.min(shown, 4096)) return c.addr;
    const out: number[] = [];
    for (let i = 0; i < shown && i < b.length; i++) out.push(b[i]! & 1);
    return `[${out.join(', ')}${pages > out.length ? ', ...' : ''}]`;
  },
  // quotactl's data: an address unless a command says what it is
  quota_data: (_b, c) => c.addr,
  // Q_QUOTAON's quota file path (from the data's bytes: up to its NUL)
  qpath: (b, c) => {
    const nul = b.indexOf(0);
    return nul < 0 ? c.addr : quote(b.subarray(0, nul), c);
  },
  dqblk: (b, c) => dqblk(b, c, false),
  nextdqblk: (b, c) => dqblk(b, c, true),
  dqinfo: (b, c) => (b.length < 24 ? c.addr : `{dqi_bgrace=${b.readBigUInt64LE(0)}, dqi_igrace=${b.readBigUInt64LE(8)}, dqi_flags=${printFlags('dqinfo_flags', b.readUInt32LE(16), 32)}, dqi_valid=${printFlags('dqinfo_valid', b.readUInt32LE(20), 32)}}`),
  qfmt: (b, c) => (b.length < 4 ? c.addr : `[${printEnum('quota_format', b.readUInt32LE(0))}]`),
  // a NUMA node mask: (maxnode - 1) bits in unsigned longs, maxnode the next argument
  nodemask: (b, c) => nodemask(b, c, c.caps[0] ? c.caps[0].arg + 1 : -1),
  // migrate_pages': maxnode is its second argument
  nodemask1: (b, c) => nodemask(b, c, 1),
  // move_pages' arrays: the pages (addresses), the nodes (ints), the status of each (an errno)
  ptrarr: (b, c) => arrayOf(b, c, 8, (o) => ptr(b.readBigUInt64LE(o))),
  intarr: (b, c) => arrayOf(b, c, 4, (o) => String(b.readInt32LE(o))),
  statusarr: (b, c) => arrayOf(b, c, 4, (o) => {
    const v = b.readInt32LE(o);
    if (!(v < 0 && v > -4096)) return String(v);
    // the errno in the -X style: -EFAULT, -14, -14 /* -EFAULT */
    const style = getCallStyle();
    return style === 0 ? `-${errnoName(-v)}` : style === 1 ? String(v) : `${v} /* -${errnoName(-v)} */`;
  }),
  // memfd_create's name: strace reads at most MFD_NAME_MAX_LEN + 1 (250) bytes of it, which
  // need no NUL; a shorter one that runs into memory that cannot be read is an address
  mfdname: (b, c) => {
    const nul = b.indexOf(0);
    const n = nul >= 0 ? nul : b.length;
    if (nul < 0 && b.length < 250) return c.addr;
    const shown = Math.min(n, c.stringSize);
    return quote(b.subarray(0, shown), c) + (nul < 0 || n > shown ? '...' : '');
  },
  // seccomp's filter program: its length and where its instructions are
  seccomp_args: (_b, c) => c.addr,
  bpf_attr: bpfAttr,
  // ptrace's data by request (decode/ptrace.ts)
  ...PTRACE_STRUCTS,
  ...MOUNT_REQ_STRUCTS,
  ...QUOTA_XFS_STRUCTS,
  ...TIME_MISC_STRUCTS,
  ...MOUNT_ATTR_STRUCTS,
  ...LSM_STRUCTS,
  ...KSTR_STRUCTS,
  ...SCHED_ATTR_STRUCTS,
  ...IO_URING_STRUCTS,
  ...KEXEC_STRUCTS,
  ...XATTR_ARGS_STRUCTS,
  ...CLONE3_STRUCTS,
  ...KEYCTL_STRUCTS,
  ...PERF_EVENT_STRUCTS,
  ...FILE_HANDLE_STRUCTS,
  ...FCNTL_STRUCTS,
  ...STATMOUNT_STRUCTS,
  ...AIO_STRUCTS,
  // ptrace's data where its request does not say what it is (PTRACE_VARIANTS does)
  ptrace_data: (_b, c) => c.addr,
  group_req: groupReq,
  ipv6_mreq: ipv6Mreq,
  icmp_filter: icmpFilter,
  tcp_ao_add: tcpAoAdd,
  // kcmp's KCMP_EPOLL_TFD slot: the epoll descriptor, the target and its offset
  kcmp_epoll_slot: (b, c) => (b.length < 12 ? c.addr : `{efd=${b.readInt32LE(0)}, tfd=${b.readInt32LE(4)}, toff=${b.readUInt32LE(8)}}`),
  sock_fprog: sockFprog,
  sock_filter_got: sockFilterGot,
  seccomp_fprog: seccompFprog,
  seccomp_action: (b, c) => (b.length < 4 ? c.addr : `[${printEnum('seccomp_ret_action', b.readUInt32LE(0))}]`),
  notif_sizes: (b, c) => (b.length < 6 ? c.addr : `{seccomp_notif=${b.readUInt16LE(0)}, seccomp_notif_resp=${b.readUInt16LE(2)}, seccomp_data=${b.readUInt16LE(4)}}`),
  // listxattr's and listxattrat's list: with a size of 0 (the next argument) the kernel writes
  // nothing (it returns the size needed)
  xattr_list_at: (b, c) => (Number(c.args[(c.caps[0]?.arg ?? 3) + 1] ?? 0) === 0 ? c.addr : bufText(b, c.ret, c)),
};
