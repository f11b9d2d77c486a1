/**
 * kexec_load's segments and flags as strace prints them: at most KEXEC_SEGMENT_MAX (16)
 * segments (more: the address), each {buf, bufsz, mem, memsz}; the flags as the architecture
 * (the high 16 bits of the low word, KEXEC_ARCH_*) then the KEXEC_* flags.
 */
import type { StructCtx } from './structs.js';
import { hex, printEnum, printFlags, ptr } from './values.js';

const SEGMENT_MAX = 16n;
const ARCH_MASK = 0xffff0000n;

function segments(b: Buffer, c: StructCtx): string {
  const n = BigInt.asUintN(64, BigInt(c.args[1] ?? 0));
  if (n > SEGMENT_MAX) return c.addr;
  if (n === 0n) return '[]';
  if (b.length < 32) return c.addr;
  const out: string[] = [];
  let i = 0;
  for (; i < Number(n) && (i + 1) * 32 <= b.length; i++) {
    if (!c.verbose && out.length >= c.stringSize) return `[${out.join(', ')}, ...]`;
    const o = i * 32;
    out.push(`{buf=${ptr(b.readBigUInt64LE(o))}, bufsz=${b.readBigUInt64LE(o + 8)}, mem=${ptr(b.readBigUInt64LE(o + 16))}, memsz=${b.readBigUInt64LE(o + 24)}}`);
  }
  if (i < Number(n)) out.push(`... /* ${hex(BigInt(c.addr) + BigInt(i * 32))} */`);
  return `[${out.join(', ')}]`;
}

/** the flags argument: KEXEC_ARCH_X|KEXEC_FLAG... */
export function kexecFlags(v: number | string | bigint): string {
  const n = BigInt.asUintN(64, BigInt(v));
  const arch = printEnum('kexec_arch', n & ARCH_MASK, 64);
  const rest = n & ~ARCH_MASK;
  return rest ? `${arch}|${printFlags('kexec_load', rest)}` : arch;
}

export const KEXEC_STRUCTS = { kexec_segments: segments };
