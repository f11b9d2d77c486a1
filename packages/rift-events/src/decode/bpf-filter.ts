/**
 * Classic BPF programs (struct sock_fprog: a socket filter, a seccomp filter) as strace prints
 * them with -v: {len=N, filter=[BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 0), BPF_JUMP(...), ...]}, the
 * constant of a packet load by its SKF_* base, a seccomp return by its action; without -v the
 * filter is its address.
 *
 * The instructions are the capture of index 1 of the fprog's argument (index 0, or no index: the
 * fprog itself), len * 8 bytes read at entry, fewer when the program runs into memory that cannot
 * be read. A recording without it (an engine that does not follow the fprog's pointer) prints
 * the address.
 */
import type { Capture } from '../events.js';
import { capturedBytes } from '../events.js';
import type { StructCtx } from './structs.js';
import { ABBREV, RAW, getCallStyle, hex, printEnum, ptr } from './values.js';

/** BPF_MAXINSNS: strace prints no more instructions than a program may hold */
const MAX_INSNS = 4096;

/** a value in the -X style: its name, its number, or both */
function named(v: number, name: string | undefined, dflt: string): string {
  const num = v ? hex(v) : '0';
  const style = getCallStyle();
  if (style === RAW) return num;
  if (name === undefined) return `${num} /* ${dflt} */`;
  return style === ABBREV ? name : `${num} /* ${name} */`;
}
const CLASS = ['BPF_LD', 'BPF_LDX', 'BPF_ST', 'BPF_STX', 'BPF_ALU', 'BPF_JMP', 'BPF_RET', 'BPF_MISC'];
const SIZE: Record<number, string> = { 0x00: 'BPF_W', 0x08: 'BPF_H', 0x10: 'BPF_B', 0x18: 'BPF_DW' };
const MODE: Record<number, string> = { 0x00: 'BPF_IMM', 0x20: 'BPF_ABS', 0x40: 'BPF_IND', 0x60: 'BPF_MEM', 0x80: 'BPF_LEN', 0xa0: 'BPF_MSH', 0xc0: 'BPF_XADD' };
const MISCOP: Record<number, string> = { 0x00: 'BPF_TAX', 0x80: 'BPF_TXA' };
const SRC: Record<number, string> = { 0x00: 'BPF_K', 0x08: 'BPF_X' };
const OP_ALU: Record<number, string> = {
  0x00: 'BPF_ADD', 0x10: 'BPF_SUB', 0x20: 'BPF_MUL', 0x30: 'BPF_DIV', 0x40: 'BPF_OR', 0x50: 'BPF_AND', 0x60: 'BPF_LSH', 0x70: 'BPF_RSH',
  0x80: 'BPF_NEG', 0x90: 'BPF_MOD', 0xa0: 'BPF_XOR',
};
const OP_JMP: Record<number, string> = { 0x00: 'BPF_JA', 0x10: 'BPF_JEQ', 0x20: 'BPF_JGT', 0x30: 'BPF_JGE', 0x40: 'BPF_JSET' };
const RVAL: Record<number, string> = { 0x00: 'BPF_K', 0x08: 'BPF_X', 0x10: 'BPF_A' };
// eBPF's names where they differ: classes 6 and 7, modes, and the operations it adds
const ECLASS = [...CLASS.slice(0, 6), 'BPF_JMP32', 'BPF_ALU64'];
const EMODE: Record<number, string> = { 0x00: 'BPF_IMM', 0x20: 'BPF_ABS', 0x40: 'BPF_IND', 0x60: 'BPF_MEM', 0x80: 'BPF_MEMSX', 0xc0: 'BPF_ATOMIC' };
const EOP_ALU: Record<number, string> = { ...OP_ALU, 0xb0: 'BPF_MOV', 0xc0: 'BPF_ARSH', 0xd0: 'BPF_END' };
const EOP_JMP: Record<number, string> = {
  ...OP_JMP, 0x50: 'BPF_JNE', 0x60: 'BPF_JSGT', 0x70: 'BPF_JSGE', 0x80: 'BPF_CALL', 0x90: 'BPF_EXIT', 0xa0: 'BPF_JLT', 0xb0: 'BPF_JLE', 0xc0: 'BPF_JSLT', 0xd0: 'BPF_JSLE',
};

/**
 * an instruction's code: its class, then the fields that class has, OR-ed; `extended`: an eBPF
 * code, whose classes 6 and 7 are JMP32 and ALU64 (strace prints JMP32's bits as unknown)
 */
function codeText(code: number, extended = false): string {
  const cls = code & 7;
  let rest = code & ~7;
  const parts = [named(cls, (extended ? ECLASS : CLASS)[cls], 'BPF_???')];
  const unknown = (v: number) => `${hex(v)} /* BPF_??? */`;
  const sizeMode = () => parts.push(named(code & 0x18, SIZE[code & 0x18], 'BPF_???'), named(code & 0xe0, (extended ? EMODE : MODE)[code & 0xe0], 'BPF_???'));
  const alu = () => parts.push(named(code & 0x08, SRC[code & 0x08], 'BPF_???'), named(code & 0xf0, (extended ? EOP_ALU : OP_ALU)[code & 0xf0], 'BPF_???'));
  switch (cls) {
    case 2: case 3:  // BPF_ST, BPF_STX
      if (extended) sizeMode();
      else if (rest) parts.push(unknown(rest));
      break;
    case 0: case 1:  // BPF_LD, BPF_LDX
      sizeMode();
      break;
    case 7:  // BPF_MISC, eBPF's BPF_ALU64
      if (extended) {
        alu();
        break;
      }
      parts.push(named(code & 0xf8, MISCOP[code & 0xf8], 'BPF_???'));
      rest &= ~0xf8;
      if (rest) parts.push(unknown(rest));
      break;
    case 4:  // BPF_ALU
      alu();
      break;
    case 5:  // BPF_JMP
      parts.push(named(code & 0x08, SRC[code & 0x08], 'BPF_???'), named(code & 0xf0, (extended ? EOP_JMP : OP_JMP)[code & 0xf0], 'BPF_???'));
      break;
    case 6:  // BPF_RET, reserved in eBPF
      if (!extended) {
        parts.push(named(code & 0x18, RVAL[code & 0x18], 'BPF_???'));
        rest &= ~0x18;
      }
      if (rest) parts.push(unknown(rest));
      break;
  }
  return parts.join('|');
}

/** a socket filter's packet load: its constant as SKF_AD_OFF+SKF_AD_..., SKF_NET_OFF+N, SKF_LL_OFF+N */
const SKF_AD: Record<number, string> = {
  0: 'SKF_AD_PROTOCOL', 4: 'SKF_AD_PKTTYPE', 8: 'SKF_AD_IFINDEX', 12: 'SKF_AD_NLATTR', 16: 'SKF_AD_NLATTR_NEST', 20: 'SKF_AD_MARK', 24: 'SKF_AD_QUEUE',
  28: 'SKF_AD_HATYPE', 32: 'SKF_AD_RXHASH', 36: 'SKF_AD_CPU', 40: 'SKF_AD_ALU_XOR_X', 44: 'SKF_AD_VLAN_TAG', 48: 'SKF_AD_VLAN_TAG_PRESENT',
  52: 'SKF_AD_PAY_OFFSET', 56: 'SKF_AD_RANDOM', 60: 'SKF_AD_VLAN_TPID',
};
const SKF_AD_OFF = 0xfffff000, SKF_NET_OFF = 0xfff00000, SKF_LL_OFF = 0xffe00000;
export type KPrinter = (code: number, k: number) => string | undefined;
export const sockFilterK: KPrinter = (code, k) => {
  if ((code & 7) !== 0 || (code & 0xe0) !== 0x20) return undefined;  // BPF_LD|BPF_ABS only
  if (k >= SKF_AD_OFF) return `${named(SKF_AD_OFF, 'SKF_AD_OFF', '')}+${named(k - SKF_AD_OFF, SKF_AD[k - SKF_AD_OFF], 'SKF_AD_???')}`;
  if (k >= SKF_NET_OFF) return `${named(SKF_NET_OFF, 'SKF_NET_OFF', '')}+${k - SKF_NET_OFF}`;
  if (k >= SKF_LL_OFF) return `${named(SKF_LL_OFF, 'SKF_LL_OFF', '')}+${k - SKF_LL_OFF}`;
  return undefined;
};
/** a seccomp filter's return: its action by name, and the data OR-ed */
export const seccompFilterK: KPrinter = (code, k) => {
  if ((code & 7) !== 6) return undefined;
  // SECCOMP_RET_ACTION_FULL
  const action = (k & 0xffff0000) >>> 0;
  const data = (k & 0xffff) >>> 0;
  const a = printEnum('seccomp_ret_action', action);
  return data ? `${a}|${hex(data)}` : a;
};

/** one instruction: BPF_JUMP when it has a jump offset, else BPF_STMT */
function insn(b: Buffer, o: number, k: KPrinter): string {
  const code = b.readUInt16LE(o), jt = b[o + 2]!, jf = b[o + 3]!, kv = b.readUInt32LE(o + 4);
  const x = (v: number) => (v ? hex(v) : '0');
  if (jt || jf) return `BPF_JUMP(${codeText(code)}, ${x(kv)}, ${x(jt)}, ${x(jf)})`;
  return `BPF_STMT(${codeText(code)}, ${k(code, kv) ?? x(kv)})`;
}

/**
 * A program of `len` instructions at `addr`, from the bytes captured of it: those that could be
 * read, then `... /* where the rest begins *\/`; none readable, the address.
 */
export function bpfProgram(bytes: Buffer | undefined, len: number, addr: bigint, k: KPrinter): string {
  return program(bytes, len, addr, (o) => insn(bytes!, o, k));
}

const EBPF_REGS = ['BPF_REG_0', 'BPF_REG_1', 'BPF_REG_2', 'BPF_REG_3', 'BPF_REG_4', 'BPF_REG_5', 'BPF_REG_6', 'BPF_REG_7', 'BPF_REG_8', 'BPF_REG_9', 'BPF_REG_10'];
/** one eBPF instruction (struct bpf_insn: u8 code, dst_reg:4, src_reg:4, s16 off, s32 imm) */
function ebpfInsn(b: Buffer, o: number): string {
  const regs = b[o + 1]!, imm = b.readUInt32LE(o + 4);
  const reg = (r: number) => named(r, EBPF_REGS[r], 'BPF_REG_???');
  return `{code=${codeText(b[o]!, true)}, dst_reg=${reg(regs & 15)}, src_reg=${reg(regs >> 4)}, off=${b.readInt16LE(o + 2)}, imm=${imm ? hex(imm) : '0'}}`;
}

/** bpf(BPF_PROG_LOAD)'s program of `len` eBPF instructions at `addr`, as bpfProgram */
export function ebpfProgram(bytes: Buffer | undefined, len: number, addr: bigint): string {
  return program(bytes, len, addr, (o) => ebpfInsn(bytes!, o));
}

function program(bytes: Buffer | undefined, len: number, addr: bigint, one: (offset: number) => string): string {
  if (len === 0) return '[]';
  if (!bytes || bytes.length < 8) return ptr(addr);
  const out: string[] = [];
  const n = Math.min(len, Math.floor(bytes.length / 8));
  for (let i = 0; i < n; i++) {
    if (i >= MAX_INSNS) {
      out.push('...');
      return `[${out.join(', ')}]`;
    }
    out.push(one(8 * i));
  }
  if (n < len && n < MAX_INSNS) out.push(`... /* ${hex(addr + BigInt(8 * n))} */`);
  return `[${out.join(', ')}]`;
}

/** the capture of the instructions (index 1 of the fprog's argument) */
function instructions(caps: readonly Capture[]): Buffer | undefined {
  const c = caps.find((x) => x.index === 1);
  return capturedBytes(c);
}

function fprog(b: Buffer, c: StructCtx, k: KPrinter): string {
  if (b.length < 16) return c.addr;
  const len = b.readUInt16LE(0);
  const addr = b.readBigUInt64LE(8);
  // strace prints the program with -v only
  const filter = c.verbose ? bpfProgram(instructions(c.caps), len, addr, k) : ptr(addr);
  return `{len=${len}, filter=${filter}}`;
}

/** SO_ATTACH_FILTER's and SO_ATTACH_REUSEPORT_CBPF's struct sock_fprog: of any other length than its own, an address */
export function sockFprog(b: Buffer, c: StructCtx): string {
  const want = c.lenPtrArg === undefined ? Number(BigInt.asIntN(32, BigInt(c.args[4] ?? b.length))) : b.length;
  if (want !== 16) return c.addr;
  return fprog(b, c, sockFilterK);
}

/** seccomp(SECCOMP_SET_MODE_FILTER)'s and prctl(PR_SET_SECCOMP)'s filter */
export function seccompFprog(b: Buffer, c: StructCtx): string {
  return fprog(b, c, seccompFilterK);
}

/**
 * getsockopt(SO_GET_FILTER)'s program: as many instructions as the kernel wrote in *optlen (a
 * u16 count: anything else was the program's own doing, an address), read at exit as capture
 * index 1; without -v the address
 */
export function sockFilterGot(_b: Buffer, c: StructCtx): string {
  const n = c.other(4, 'exit');
  if (!n || n.length < 4) return c.addr;
  const rlen = n.readUInt32LE(0);
  if (rlen > 0xffff || !c.verbose) return c.addr;
  return bpfProgram(instructions(c.caps), rlen, BigInt(c.addr), sockFilterK);
}
