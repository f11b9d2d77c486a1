/**
 * The requests of statmount, listmount and listns as strace prints them: extensible structs
 * whose size is their first field (the capture is as long as that field says, `in:TYPE(*0)`).
 * The fields the size covers; `{size=N}` alone below the first version's size; `???` when the
 * struct could not be read as long as it says; bytes past the known part as strace's
 * print_nonzero_bytes. And the arrays of 64-bit ids listmount and listns fill in.
 */
import { nonzeroBytes, type StructCtx } from './structs.js';
import { RAW, getCallStyle, hex, printFlags, styledText } from './values.js';

/** the bytes past the 32 known ones, after ', ' (nothing when they are all zero) */
const tailText = (b: Buffer, size: number, c: StructCtx): string => {
  const t = nonzeroBytes(b, 32, size, c);
  return t && `, ${t}`;
};


const x64 = (v: bigint): string => (v ? hex(v) : '0');

/** a 64-bit id with one named value (LSMT_ROOT, LISTNS_CURRENT_USER: all ones) in the -X style */
function idOrAllOnes(v: bigint, name: string): string {
  if (v !== 0xffffffffffffffffn) return x64(v);
  return getCallStyle() === RAW ? hex(v) : styledText(hex(v), name);
}

/** the size, and the struct's bytes (zero past what was read) when it could be read as far as `known` */
function head(b: Buffer, c: StructCtx, ver0: number, known: number): { size: number; s: Buffer } | string {
  if (b.length < 4) return c.addr;
  const size = b.readUInt32LE(0);
  if (size < ver0) return `{size=${size}}`;
  const want = Math.min(size, known);
  if (b.length < want) return `{size=${size}, ???}`;
  const s = Buffer.alloc(known);
  b.copy(s, 0, 0, want);
  return { size, s };
}

/** struct mnt_id_req (statmount: `param` is the STATMOUNT_ mask; listmount: `mnt_id` may be LSMT_ROOT) */
function mntIdReq(b: Buffer, c: StructCtx, list: boolean): string {
  const h = head(b, c, 24, 32);
  if (typeof h === 'string') return h;
  const { size, s } = h;
  const fd = s.readInt32LE(4);
  const out = [`size=${size}`, `mnt_ns_fd=${c.fdText ? c.fdText(fd) : fd}`];
  const id = s.readBigUInt64LE(8);
  out.push(`mnt_id=${list ? idOrAllOnes(id, 'LSMT_ROOT') : x64(id)}`);
  const param = s.readBigUInt64LE(16);
  out.push(`param=${list ? x64(param) : printFlags('statmount_mask', param)}`);
  if (size >= 32) out.push(`mnt_ns_id=${x64(s.readBigUInt64LE(24))}`);
  return `{${out.join(', ')}${size > 32 ? tailText(b, size, c) : ''}}`;
}

/** struct ns_id_req (listns) */
function nsIdReq(b: Buffer, c: StructCtx): string {
  const h = head(b, c, 32, 32);
  if (typeof h === 'string') return h;
  const { size, s } = h;
  const out = [`size=${size}`];
  const spare = s.readUInt32LE(4);
  if (spare) out.push(`spare=${hex(spare)}`);
  out.push(`ns_id=${x64(s.readBigUInt64LE(8))}`, `ns_type=${printFlags('ns_type', s.readUInt32LE(16), 32)}`);
  const spare2 = s.readUInt32LE(20);
  if (spare2) out.push(`spare2=${hex(spare2)}`);
  out.push(`user_ns_id=${idOrAllOnes(s.readBigUInt64LE(24), 'LISTNS_CURRENT_USER')}`);
  return `{${out.join(', ')}${size > 32 ? tailText(b, size, c) : ''}}`;
}

/**
 * The ids listmount and listns wrote: min(count, result) of them, in hex; the first that could
 * not be read by its address; at most -s of them (all with -v).
 */
function idArray(b: Buffer, c: StructCtx): string {
  const count = BigInt.asUintN(64, BigInt(c.args[2] ?? 0));
  const n = Number(count < BigInt(c.ret) ? count : BigInt(c.ret));
  if (n <= 0) return '[]';
  if (b.length < 8) return c.addr;
  const out: string[] = [];
  const limit = c.verbose ? Infinity : c.stringSize;
  let i = 0;
  for (; i < n && (i + 1) * 8 <= b.length; i++) {
    if (out.length >= limit) return `[${out.join(', ')}, ...]`;
    out.push(x64(b.readBigUInt64LE(i * 8)));
  }
  if (i < n) out.push(`... /* ${hex(BigInt(c.addr) + BigInt(i * 8))} */`);
  return `[${out.join(', ')}]`;
}

export const MOUNT_REQ_STRUCTS = {
  mnt_id_req_stat: (b: Buffer, c: StructCtx) => mntIdReq(b, c, false),
  mnt_id_req_list: (b: Buffer, c: StructCtx) => mntIdReq(b, c, true),
  ns_id_req: nsIdReq,
  id_array: idArray,
};
