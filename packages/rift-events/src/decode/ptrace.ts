/**
 * ptrace(2) as strace prints it: what the address and data arguments are depends on the request
 * (PTRACE_VARIANTS, the formatter's variant rule), and struct ptrace_syscall_info
 * (PTRACE_GET_SYSCALL_INFO's answer, PTRACE_SET_SYSCALL_INFO's request) is printed as far as
 * its size reaches, field by field, as strace's print_ptrace_syscall_info.
 *
 * The data argument is captured at entry and at exit as 512 bytes (as many as can be read): the
 * largest structure a request reads or writes there that is printed (a user_fpregs_struct);
 * each request's decoder looks at its own part of them.
 */
import { errnoName, syscallName } from '../syscalls.js';
import type { StructCtx } from './structs.js';
import type { Variant, VariantRule } from './format.js';
import { RAW, getCallStyle, hex, ptr, styledText } from './values.js';

/** ELF machine numbers and audit's flags (linux/audit.h, elf.h) */
const BIT64 = 0x80000000, LE = 0x40000000, N32 = 0x20000000;
const AUDIT_ARCH: ReadonlyArray<readonly [string, number]> = [
  ['AARCH64', 183 | BIT64 | LE], ['ALPHA', 0x9026 | BIT64 | LE], ['ARCOMPACT', 93 | LE], ['ARCOMPACTBE', 93], ['ARCV2', 195 | LE], ['ARCV2BE', 195],
  ['ARM', 40 | LE], ['ARMEB', 40], ['C6X', 140 | LE], ['C6XBE', 140], ['CRIS', 76 | LE], ['CSKY', 252 | LE], ['FRV', 0x5441], ['H8300', 46],
  ['HEXAGON', 164], ['I386', 3 | LE], ['IA64', 50 | BIT64 | LE], ['LOONGARCH32', 258 | LE], ['LOONGARCH64', 258 | BIT64 | LE], ['M32R', 88],
  ['M68K', 4], ['MICROBLAZE', 189], ['MIPS', 8], ['MIPS64', 8 | BIT64], ['MIPS64N32', 8 | BIT64 | N32], ['MIPSEL', 8 | LE], ['MIPSEL64', 8 | BIT64 | LE],
  ['MIPSEL64N32', 8 | BIT64 | LE | N32], ['NDS32', 167 | LE], ['NDS32BE', 167], ['NIOS2', 113 | LE], ['OPENRISC', 92], ['PARISC', 15], ['PARISC64', 15 | BIT64],
  ['PPC', 20], ['PPC64', 21 | BIT64], ['PPC64LE', 21 | BIT64 | LE], ['RISCV32', 243 | LE], ['RISCV64', 243 | BIT64 | LE], ['S390', 22], ['S390X', 22 | BIT64],
  ['SH', 42], ['SH64', 42 | BIT64], ['SHEL', 42 | LE], ['SHEL64', 42 | BIT64 | LE], ['SPARC', 2], ['SPARC64', 43 | BIT64], ['TILEGX', 191 | BIT64 | LE],
  ['TILEGX32', 191 | LE], ['TILEPRO', 188 | LE], ['UNICORE', 110 | LE], ['V850', 87 | LE], ['X86_64', 62 | BIT64 | LE], ['XTENSA', 94],
];
const ARCH_NAMES = new Map(AUDIT_ARCH.map(([n, v]) => [v >>> 0, `AUDIT_ARCH_${n}`]));
export const AUDIT_ARCH_X86_64 = (62 | BIT64 | LE) >>> 0;

const PSI_OPS = ['PTRACE_SYSCALL_INFO_NONE', 'PTRACE_SYSCALL_INFO_ENTRY', 'PTRACE_SYSCALL_INFO_EXIT', 'PTRACE_SYSCALL_INFO_SECCOMP'];

/** A value with its name, in the call's -X style: `NAME`, `0x1`, `0x1 /* NAME *\/`; unknown: `0x4 /* DFLT *\/` */
function xval(v: number | bigint, name: string | undefined, dflt: string): string {
  const num = v === 0 || v === 0n ? '0' : hex(v);
  if (name === undefined) return getCallStyle() === RAW ? num : `${num} /* ${dflt} */`;
  return styledText(num, name);
}

/** an errno-range value as -ENOENT (the -X style's), others as numbers */
function errValue(v: bigint): string {
  if (v < 0n && v > -4096n) {
    const name = errnoName(Number(-v));
    if (!/^E\d+$/.test(name)) return styledText(String(v), `-${name}`);
  }
  return String(v);
}

/** struct ptrace_syscall_info's size (x86-64) and the ends of its parts */
const PSI_SIZE = 88;
const EXIT_SIZE = 33;
const SECCOMP_SIZE = 84;

/** a syscall number: its name where the architecture is this one's */
function nrText(nr: bigint, arch: number): string {
  if (arch === AUDIT_ARCH_X86_64 && nr < 1024n) {
    const name = syscallName(Number(nr));
    if (!name.startsWith('syscall_')) return styledText(String(nr), `__NR_${name}`);
  }
  return String(nr);
}

/**
 * struct ptrace_syscall_info: for PTRACE_GET_SYSCALL_INFO (read at exit) as much as the size the
 * program gave (the address argument) and the kernel wrote (the result) both reach; for
 * PTRACE_SET_SYSCALL_INFO (at entry) as much as the size given.
 */
export function ptraceSyscallInfo(raw: Buffer, c: StructCtx): string {
  const get = c.caps[0]?.at === 'exit';
  let len = BigInt.asUintN(64, BigInt(c.args[2] ?? 0));
  if (get && c.ret >= 0 && BigInt(c.ret) < len) len = BigInt(c.ret);
  const fetch = Number(len < BigInt(PSI_SIZE) ? len : BigInt(PSI_SIZE));
  if (!fetch || raw.length < fetch) return c.addr;
  // the part read, the rest zero (as strace's zeroed struct)
  const b = Buffer.alloc(PSI_SIZE);
  raw.copy(b, 0, 0, fetch);
  const op = b[0]!;
  const out: string[] = [`op=${xval(op, PSI_OPS[op], 'PTRACE_SYSCALL_INFO_???')}`];
  const done = () => `{${out.join(', ')}}`;
  if (fetch <= 1) return done();
  if (b[1]) out.push(`reserved=${hex(b[1])}`);
  if (fetch <= 2) return done();
  const flags = b.readUInt16LE(2);
  if (flags) out.push(`flags=${hex(flags)}`);
  if (fetch < 8) return done();
  const arch = b.readUInt32LE(4);
  out.push(`arch=${xval(arch, ARCH_NAMES.get(arch), 'AUDIT_ARCH_???')}`);
  if (fetch < 16) return done();
  out.push(`instruction_pointer=${ptr(b.readBigUInt64LE(8))}`);
  if (fetch < 24) return done();
  out.push(`stack_pointer=${ptr(b.readBigUInt64LE(16))}`);
  if (fetch < 32) return done();
  const args = (): string => {
    const n = Math.min(Math.floor((fetch - 32) / 8), 6);
    const a: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = b.readBigUInt64LE(32 + 8 * i);
      a.push(v ? hex(v) : '0');
    }
    return n ? `, args=[${a.join(', ')}]` : '';
  };
  if (op === 1) out.push(`entry={nr=${nrText(b.readBigUInt64LE(24), arch)}${args()}}`);
  else if (op === 3) out.push(`seccomp={nr=${nrText(b.readBigUInt64LE(24), arch)}${args()}${fetch >= SECCOMP_SIZE ? `, ret_data=${b.readUInt32LE(80)}` : ''}}`);
  else if (op === 2) {
    const rval = b.readBigInt64LE(24);
    const isError = fetch >= EXIT_SIZE ? b[32]! : 0;
    out.push(`exit={rval=${isError ? errValue(rval) : String(rval)}${fetch >= EXIT_SIZE ? `, is_error=${b[32]}` : ''}}`);
  }
  return done();
}

// ---- what each request's address and data are ----------------------------------------------

/** requests whose data is a signal to deliver */
const RESUME = ['PTRACE_CONT', 'PTRACE_DETACH', 'PTRACE_SYSCALL', 'PTRACE_SINGLESTEP', 'PTRACE_SINGLEBLOCK', 'PTRACE_SYSEMU', 'PTRACE_SYSEMU_SINGLESTEP'];
const ADDR_ONLY: Variant = { args: { 2: 'ptr', 3: 'ptr' } };

export const PTRACE_VARIANTS: VariantRule = {
  by: 0,
  table: 'ptrace',
  cases: {
    // the other arguments are ignored
    PTRACE_TRACEME: { show: [0] },
    PTRACE_ATTACH: { show: [0, 1] }, PTRACE_INTERRUPT: { show: [0, 1] }, PTRACE_KILL: { show: [0, 1] }, PTRACE_LISTEN: { show: [0, 1] },
    ...Object.fromEntries(RESUME.map((r) => [r, { args: { 2: 'ptr', 3: 'signo' } }])),
    PTRACE_SEIZE: { args: { 2: 'ptr', 3: 'flags:ptrace_options' } },
    PTRACE_SETOPTIONS: { args: { 2: 'ptr', 3: 'flags:ptrace_options' } },
    // the word read, at exit
    PTRACE_PEEKDATA: { args: { 2: 'ptr', 3: 'out:hexptr(=1)' } },
    PTRACE_PEEKTEXT: { args: { 2: 'ptr', 3: 'out:hexptr(=1)' } },
    PTRACE_GETEVENTMSG: { args: { 2: 'ptr', 3: 'out:u64(=1)' } },
    PTRACE_GET_SYSCALL_INFO: { args: { 2: 'ulong', 3: 'out:ptrace_syscall_info(=1)' } },
    PTRACE_SET_SYSCALL_INFO: { args: { 2: 'ulong', 3: 'in:ptrace_syscall_info(=1)' } },
  },
  default: ADDR_ONLY,
};
