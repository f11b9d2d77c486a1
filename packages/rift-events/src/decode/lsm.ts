/**
 * The LSM syscalls' data as strace prints it: struct lsm_ctx (lsm_set_self_attr's, and the
 * sequence lsm_get_self_attr fills in, each entry `len` bytes long), the size both take by
 * pointer (`[given => returned]`), and lsm_list_modules' array of LSM ids.
 *
 * lsm_get_self_attr's context is captured as a page at entry and exit (its header is read
 * whatever the size says), the ids as many as the result; the size at exit also when the call
 * failed.
 */
import type { StructCtx } from './structs.js';
import { enumName, hex, printEnum, quote } from './values.js';

/** struct lsm_ctx's fixed part: id, flags, len, ctx_len (u64 each); ctx[] follows */
const HEADER = 32;
const x64 = (v: bigint): string => (v ? hex(v) : '0');
const styledId = (v: bigint): string => (v < 1n << 32n && enumName('lsm_id', Number(v)) !== undefined ? printEnum('lsm_id', v, 64) : x64(v));

/** the u32 size behind argument `arg` at a side, when it could be read */
function sizeAt(c: StructCtx, arg: number, at: 'entry' | 'exit'): number | undefined {
  const b = c.other(arg, at);
  return b && b.length >= 4 ? b.readUInt32LE(0) : undefined;
}

/** one struct lsm_ctx at `o` of `b`, with `len` bytes of the buffer left from it */
function oneCtx(b: Buffer, o: number, len: number, addr: bigint, c: StructCtx): string {
  const entryLen = b.readBigUInt64LE(o + 16);
  const ctxLen = b.readBigUInt64LE(o + 24);
  const id = b.readBigUInt64LE(o);
  // (an unknown id in hex, without a comment)
  const out = [`id=${styledId(id)}`, `flags=${x64(b.readBigUInt64LE(o + 8))}`, `len=${entryLen}`, `ctx_len=${ctxLen}`];
  const msgLen = entryLen < BigInt(len) ? Number(entryLen) : len;
  const room = msgLen > HEADER ? msgLen - HEADER : 0;
  const n = ctxLen < BigInt(room) ? Number(ctxLen) : room;
  if (n > 0) {
    // the bytes, in hex, as many as -s: the address when they could not be read
    const shown = Math.min(n, c.stringSize);
    const at = o + HEADER;
    out.push(`ctx=${b.length >= at + shown ? quote(b.subarray(at, at + shown), { hex: 2 }) + (shown < n ? '...' : '') : hex(addr + BigInt(HEADER))}`);
  }
  return `{${out.join(', ')}}`;
}

/** the sequence of struct lsm_ctx in `len` bytes: as many as -s, the first unreadable by address */
function ctxSequence(b: Buffer, len: number, c: StructCtx): string {
  const base = BigInt(c.addr);
  const out: string[] = [];
  let o = 0;
  for (;;) {
    if (len < HEADER || b.length < o + HEADER) {
      if (!out.length) return c.addr;
      out.push(`... /* ${hex(base + BigInt(o))} */`);
      break;
    }
    if (!c.verbose && out.length >= c.stringSize) {
      out.push('...');
      break;
    }
    const entryLen = b.readBigUInt64LE(o + 16);
    out.push(oneCtx(b, o, len, base + BigInt(o), c));
    if (entryLen < BigInt(HEADER) || BigInt(len) <= entryLen) break;
    len -= Number(entryLen);
    o += Number(entryLen);
  }
  return `[${out.join(', ')}]`;
}

/** lsm_get_self_attr's context */
function getCtx(_b: Buffer, c: StructCtx): string {
  const single = (Number(BigInt.asUintN(32, BigInt(c.args[3] ?? 0))) & 1) !== 0;
  const before = c.other(1, 'entry');
  // at entry: the size (and with LSM_FLAG_SINGLE the context's header) could not be read
  if (sizeAt(c, 2, 'entry') === undefined || (single && (!before || before.length < HEADER))) return c.addr;
  const id = single ? `{id=${styledId(before!.readBigUInt64LE(0))}} => ` : '';
  const size = sizeAt(c, 2, 'exit');
  if (size === undefined) return single ? `${id}${c.addr}` : c.addr;
  const after = c.ret >= 0 ? c.other(1, 'exit') : undefined;
  return id + (after ? ctxSequence(after, size, c) : c.addr);
}

/** lsm_set_self_attr's context: one struct, `size` (argument 2) bytes */
function setCtx(b: Buffer, c: StructCtx): string {
  const size = Number(BigInt.asUintN(32, BigInt(c.args[2] ?? 0)));
  if (size < HEADER || b.length < HEADER) return c.addr;
  return oneCtx(b, 0, size, BigInt(c.addr), c);
}

/** the size behind the pointer: [given], or [given => returned] */
function sizePtr(_b: Buffer, c: StructCtx): string {
  const given = sizeAt(c, c.caps[0]?.arg ?? 0, 'entry');
  if (given === undefined) return c.addr;
  const now = sizeAt(c, c.caps[0]?.arg ?? 0, 'exit');
  return now === undefined || now === given ? `[${given}]` : `[${given} => ${now}]`;
}

/** lsm_list_modules' ids: as many as the result, as -s; the first unreadable by address */
function ids(b: Buffer, c: StructCtx): string {
  if (sizeAt(c, 1, 'entry') === undefined || sizeAt(c, 1, 'exit') === undefined) return c.addr;
  const n = c.ret;
  if (n <= 0) return '[]';
  if (b.length < 8) return c.addr;
  const out: string[] = [];
  let i = 0;
  for (; i < n && (i + 1) * 8 <= b.length; i++) {
    if (!c.verbose && out.length >= c.stringSize) return `[${out.join(', ')}, ...]`;
    out.push(printEnum('lsm_id', b.readBigUInt64LE(i * 8), 64));
  }
  if (i < n) out.push(`... /* ${hex(BigInt(c.addr) + BigInt(i * 8))} */`);
  return `[${out.join(', ')}]`;
}

export const LSM_STRUCTS = {
  lsm_ctx_get: getCtx,
  lsm_ctx_set: setCtx,
  lsm_size: sizePtr,
  lsm_ids: ids,
};
