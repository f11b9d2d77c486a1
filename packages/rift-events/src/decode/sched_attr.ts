/**
 * struct sched_attr (sched_setattr, sched_getattr) as strace's print_sched_attr: an extensible
 * struct whose size is its first field (setattr: 0 means the first version's 48 bytes) or,
 * for getattr, the call's size argument; the policy and the parameters are left out where
 * setattr's SCHED_FLAG_KEEP_POLICY / SCHED_FLAG_KEEP_PARAMS say the kernel ignores them;
 * `...` when the struct is larger than strace knows. A setattr that failed with E2BIG shows the
 * size the kernel wrote back (` => {size=N}`).
 */
import type { StructCtx } from './structs.js';
import { printEnum, printFlags } from './values.js';

const VER0 = 48, VER1 = 56;
const KEEP_POLICY = 0x08n, KEEP_PARAMS = 0x10n;

function attrText(a: Buffer, size: number, declared: number, isSet: boolean): string {
  const out = [`size=${a.readUInt32LE(0)}`];
  if (size >= VER0) {
    const policy = a.readUInt32LE(4);
    const flags = a.readBigUInt64LE(8);
    if (!isSet || policy >= 0x80000000 || !(flags & (KEEP_POLICY | KEEP_PARAMS))) out.push(`sched_policy=${printEnum('sched_policy', policy)}`);
    out.push(`sched_flags=${printFlags('sched_attr_flags', flags)}`);
    if (!isSet || !(flags & KEEP_PARAMS)) {
      out.push(`sched_nice=${a.readInt32LE(16)}`, `sched_priority=${a.readUInt32LE(20)}`, `sched_runtime=${a.readBigUInt64LE(24)}`,
        `sched_deadline=${a.readBigUInt64LE(32)}`, `sched_period=${a.readBigUInt64LE(40)}`);
    }
    if (size >= VER1) out.push(`sched_util_min=${a.readUInt32LE(48)}`, `sched_util_max=${a.readUInt32LE(52)}`);
  }
  if (declared > size) out.push('...');
  return `{${out.join(', ')}}`;
}

/** the struct's bytes, zero past the `n` read */
function padded(b: Buffer, n: number): Buffer {
  const a = Buffer.alloc(VER1);
  b.copy(a, 0, 0, Math.min(n, VER1));
  return a;
}

function setAttr(b: Buffer, c: StructCtx): string {
  if (b.length < 4) return c.addr;
  const usize = b.readUInt32LE(0) || VER0;
  const size = Math.min(usize, VER1);
  if (size >= VER0 && b.length < size) return c.addr;
  let text = attrText(padded(b, size >= VER0 ? size : 4), size, usize, true);
  const after = c.errno === 'E2BIG' ? c.other(1, 'exit') : undefined;
  if (after && after.length >= 4) text += ` => {size=${after.readUInt32LE(0)}}`;
  return text;
}

function getAttr(b: Buffer, c: StructCtx): string {
  const usize = Number(BigInt.asUintN(32, BigInt(c.args[2] ?? 0)));
  if (!usize) return c.addr;
  const n = Math.min(usize, VER1);
  if (b.length < n) return c.addr;
  const a = padded(b, n);
  const size = a.readUInt32LE(0);
  return attrText(a, size, size, false);
}

export const SCHED_ATTR_STRUCTS = { sched_attr_set: setAttr, sched_attr_get: getAttr };
