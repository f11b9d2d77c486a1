/**
 * A few structures strace prints whole, x86-64 layouts: struct timex (adjtimex, clock_adjtime),
 * struct __sysctl_args (_sysctl), futex_waitv's array of struct futex_waitv and modify_ldt's
 * struct user_desc.
 */
import { capturedBytes } from '../events.js';
import { sigsetText, type StructCtx } from './structs.js';
import { hex, printFlags, ptr } from './values.js';

const i64 = (b: Buffer, o: number): string => String(b.readBigInt64LE(o));

/** struct __kernel_timex (208 bytes), as the kernel left it (read at exit) */
function timex(b: Buffer, c: StructCtx): string {
  if (b.length < 208) return c.addr;
  return `{${[
    `modes=${printFlags('adjtimex_modes', b.readUInt32LE(0), 32)}`, `offset=${i64(b, 8)}`, `freq=${i64(b, 16)}`, `maxerror=${i64(b, 24)}`,
    `esterror=${i64(b, 32)}`, `status=${printFlags('adjtimex_status', b.readUInt32LE(40), 32)}`, `constant=${i64(b, 48)}`,
    `precision=${i64(b, 56)}`, `tolerance=${i64(b, 64)}`, `time={tv_sec=${i64(b, 72)}, tv_usec=${b.readBigUInt64LE(80)}}`,
    `tick=${i64(b, 88)}`, `ppsfreq=${i64(b, 96)}`, `jitter=${i64(b, 104)}`, `shift=${b.readInt32LE(112)}`, `stabil=${i64(b, 120)}`,
    `jitcnt=${i64(b, 128)}`, `calcnt=${i64(b, 136)}`, `errcnt=${i64(b, 144)}`, `stbcnt=${i64(b, 152)}`, `tai=${b.readInt32LE(160)}`,
  ].join(', ')}}`;
}

/** struct __sysctl_args: its pointers by address, its lengths */
function sysctlArgs(b: Buffer, c: StructCtx): string {
  if (b.length < 48) return c.addr;
  return `{name=${ptr(b.readBigUInt64LE(0))}, nlen=${b.readInt32LE(8)}, oldval=${ptr(b.readBigUInt64LE(16))}, oldlenp=${ptr(b.readBigUInt64LE(24))}, ` +
    `newval=${ptr(b.readBigUInt64LE(32))}, newlen=${b.readBigUInt64LE(40)}}`;
}

/**
 * futex_waitv's waiters: as many as its count (argument 1) says, each {val, uaddr, flags} and
 * __reserved when not 0; at most -s of them (all with -v), 128 at most; the first that could not be read
 * by its address; [] for none; the address when not even the first could be read.
 */
function futexWaiters(b: Buffer, c: StructCtx): string {
  const n = Number(BigInt.asUintN(32, BigInt(c.args[1] ?? 0)));
  if (n === 0) return '[]';
  if (b.length < 24) return c.addr;
  const out: string[] = [];
  // strace stops at the kernel's FUTEX_WAITV_MAX (128) too
  const limit = Math.min(c.verbose ? Infinity : c.stringSize, 128);
  let i = 0;
  for (; i < n && (i + 1) * 24 <= b.length; i++) {
    if (out.length >= limit) return `[${out.join(', ')}, ...]`;
    const o = i * 24;
    const val = b.readBigUInt64LE(o);
    const reserved = b.readUInt32LE(o + 20);
    out.push(`{val=${val ? hex(val) : '0'}, uaddr=${ptr(b.readBigUInt64LE(o + 8))}, flags=${printFlags('futex2', b.readUInt32LE(o + 16), 32)}${reserved ? `, __reserved=${hex(reserved)}` : ''}}`);
  }
  if (i < n) out.push(out.length >= limit ? '...' : `... /* ${hex(BigInt(c.addr) + BigInt(i * 24))} */`);
  return `[${out.join(', ')}]`;
}

export const TIME_MISC_STRUCTS: Record<string, (b: Buffer, c: StructCtx) => string> = {
  timex,
  sysctl_args: sysctlArgs,
  futex_waiters: futexWaiters,
};

/**
 * modify_ldt's struct user_desc (16 bytes): only when the byte count says that size, as
 * strace; entry_number -1 as -1, base and limit as %#08x.
 */
function userDesc(b: Buffer, c: StructCtx): string {
  if (BigInt.asUintN(64, BigInt(c.args[2] ?? 0)) !== 16n || b.length < 16) return c.addr;
  const x08 = (v: number): string => (v ? '0x' + v.toString(16).padStart(6, '0') : '00000000');
  const n = b.readUInt32LE(0);
  const bits = b.readUInt32LE(12);
  return `{entry_number=${n === 0xffffffff ? -1 : n}, base_addr=${x08(b.readUInt32LE(4))}, limit=${x08(b.readUInt32LE(8))}, ` +
    `seg_32bit=${bits & 1}, contents=${(bits >> 1) & 3}, read_exec_only=${(bits >> 3) & 1}, limit_in_pages=${(bits >> 4) & 1}, ` +
    `seg_not_present=${(bits >> 5) & 1}, useable=${(bits >> 6) & 1}, lm=${(bits >> 7) & 1}}`;
}
TIME_MISC_STRUCTS.user_desc = userDesc;

/**
 * pselect6's and io_pgetevents' {sigmask, sigsetsize} pair (struct __aio_sigset): the mask
 * through a pointee capture (blob index 1), decoded only when the size is the kernel's 8.
 */
function sigsetPair(b: Buffer, c: StructCtx): string {
  if (b.length < 16) return c.addr;
  const p = b.readBigUInt64LE(0);
  const size = b.readBigUInt64LE(8);
  let mask: string;
  if (!p) mask = 'NULL';
  else {
    const cap = c.caps.find((x) => x.index === 1);
    const m = capturedBytes(cap);
    mask = size === 8n && m && m.length >= 8 ? sigsetText(m.subarray(0, 8), 8) : hex(p);
  }
  return `{sigmask=${mask}, sigsetsize=${size}}`;
}
TIME_MISC_STRUCTS.sigset_pair = sigsetPair;
