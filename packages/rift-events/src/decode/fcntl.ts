/**
 * What fcntl(2)'s third argument points to, by command, as strace prints it: a struct flock
 * (F_SETLK... as given, F_GETLK... as the kernel answered, with l_pid), a struct f_owner_ex, a
 * write life hint, a struct delegation. FCNTL_CASES are the fcntl variant's cases for them (and
 * for the commands whose argument or result is a value with a name); FCNTL_CAPTURES read each
 * structure for its commands only (the argument is a number for the others).
 */
import type { CaseCapture } from '../syscalls.js';
import type { StructDecoder } from './structs.js';
import type { Variant } from './format.js';
import { hex, printEnum } from './values.js';

/** commands (uapi/asm-generic/fcntl.h, linux/fcntl.h) */
const F = {
  GETLK: 5, SETLK: 6, SETLKW: 7, SETOWN_EX: 15, GETOWN_EX: 16, OFD_GETLK: 36, OFD_SETLK: 37, OFD_SETLKW: 38,
  GET_RW_HINT: 1035, SET_RW_HINT: 1036, GET_FILE_RW_HINT: 1037, SET_FILE_RW_HINT: 1038, GETDELEG: 1039, SETDELEG: 1040,
} as const;
/** struct flock (x86-64: struct flock64's layout), f_owner_ex, a hint (u64), struct delegation */
const FLOCK = 32, OWNER = 8, HINT = 8, DELEG = 8;

const hx = (v: number): string => (v ? hex(v) : '0');

function flock(b: Buffer, addr: string, withPid: boolean): string {
  if (b.length < FLOCK) return addr;
  const pid = withPid ? `, l_pid=${b.readInt32LE(24)}` : '';
  return `{l_type=${printEnum('lockf', b.readInt16LE(0) & 0xffff, 32)}, l_whence=${printEnum('seek', b.readInt16LE(2) & 0xffff, 32)}, ` +
    `l_start=${b.readBigInt64LE(8)}, l_len=${b.readBigInt64LE(16)}${pid}}`;
}

export const FCNTL_STRUCTS: Readonly<Record<string, StructDecoder>> = {
  flock: (b, c) => flock(b, c.addr, false),
  flock_get: (b, c) => flock(b, c.addr, true),
  f_owner_ex: (b, c) => (b.length < OWNER ? c.addr : `{type=${printEnum('f_owner_type', b.readInt32LE(0), 32)}, pid=${b.readInt32LE(4)}}`),
  rw_hint: (b, c) => (b.length < HINT ? c.addr : `[${printEnum('rw_hint', b.readBigUInt64LE(0), 64)}]`),
  delegation: (b, c) => (b.length < DELEG ? c.addr : `{d_flags=${hx(b.readUInt32LE(0))}, d_type=${printEnum('lockf', b.readUInt16LE(4), 32)}, __pad=${hx(b.readUInt16LE(6))}}`),
};

const arg = (type: string): Variant => ({ args: { 2: type } });
export const FCNTL_CASES: Readonly<Record<string, Variant>> = {
  F_SETLK: arg(`in:flock(=${FLOCK})`), F_SETLKW: arg(`in:flock(=${FLOCK})`), F_OFD_SETLK: arg(`in:flock(=${FLOCK})`), F_OFD_SETLKW: arg(`in:flock(=${FLOCK})`),
  F_GETLK: arg(`out:flock_get(=${FLOCK})`), F_OFD_GETLK: arg(`out:flock_get(=${FLOCK})`),
  F_SETOWN_EX: arg(`in:f_owner_ex(=${OWNER})`), F_GETOWN_EX: arg(`out:f_owner_ex(=${OWNER})`),
  F_SET_RW_HINT: arg(`in:rw_hint(=${HINT})`), F_SET_FILE_RW_HINT: arg(`in:rw_hint(=${HINT})`),
  F_GET_RW_HINT: arg(`out:rw_hint(=${HINT})`), F_GET_FILE_RW_HINT: arg(`out:rw_hint(=${HINT})`),
  F_SETDELEG: arg(`in:delegation(=${DELEG})`), F_GETDELEG: arg(`out:delegation(=${DELEG})`),
  F_NOTIFY: arg('flags:dnotify'),
  F_DUPFD_QUERY: arg('fd'),
  F_SETLEASE: arg('enum:lockf'),
  // the lease held, and the signal sent, by name after the number
  F_GETLEASE: { show: [0, 1], ret: 'xenum:lockf' },
  F_GETSIG: { show: [0, 1], ret: 'signo' },
};

const cap = (cmd: number, spec: string, max: number, holes?: CaseCapture['holes']): CaseCapture => ({ call: 'fcntl', when: [[1, cmd]], arg: 2, spec, max, holes });
/** struct flock's padding after l_whence and after l_pid; and F_SETLK's l_pid, which the kernel
 * does not read (an OFD lock's must be 0) */
const FLOCK_PADDING = [[4, 8], [28, 32]] as const;
const FLOCK_UNREAD = [[4, 8], [24, 32]] as const;
export const FCNTL_CAPTURES: readonly CaseCapture[] = [
  ...[F.SETLK, F.SETLKW].map((cmd) => cap(cmd, `in:buf(=${FLOCK})`, FLOCK, FLOCK_UNREAD)),
  ...[F.OFD_SETLK, F.OFD_SETLKW].map((cmd) => cap(cmd, `in:buf(=${FLOCK})`, FLOCK, FLOCK_PADDING)),
  ...[F.GETLK, F.OFD_GETLK].map((cmd) => cap(cmd, `out:buf(=${FLOCK})`, FLOCK, FLOCK_PADDING)),
  cap(F.SETOWN_EX, `in:buf(=${OWNER})`, OWNER), cap(F.GETOWN_EX, `out:buf(=${OWNER})`, OWNER),
  ...[F.SET_RW_HINT, F.SET_FILE_RW_HINT].map((cmd) => cap(cmd, `in:buf(=${HINT})`, HINT)),
  ...[F.GET_RW_HINT, F.GET_FILE_RW_HINT].map((cmd) => cap(cmd, `out:buf(=${HINT})`, HINT)),
  cap(F.SETDELEG, `in:buf(=${DELEG})`, DELEG), cap(F.GETDELEG, `out:buf(=${DELEG})`, DELEG),
];
