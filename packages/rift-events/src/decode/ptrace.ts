/**
 * ptrace(2) as strace prints it: what the address and data arguments are depends on the request
 * (PTRACE_VARIANTS, the formatter's variant rule), and struct ptrace_syscall_info
 * (PTRACE_GET_SYSCALL_INFO's answer, PTRACE_SET_SYSCALL_INFO's request) is printed as far as
 * its size reaches, field by field, as strace's print_ptrace_syscall_info.
 *
 * The data argument is captured at entry and at exit as 512 bytes (as many as can be read): the
 * largest structure a request reads or writes there that is printed (a user_fpregs_struct);
 * each request's decoder looks at its own part of them. What lies behind a pointer in it is
 * captured by pointees.ts's rows for the requests that have one (PTRACE_GETREGSET's and
 * PTRACE_SETREGSET's registers at the iovec's iov_base; PTRACE_PEEKSIGINFO's siginfos, and
 * its arguments, which the address argument points to), as capture index 1.
 */
import type { Capture } from '../events.js';
import { capturedBytes } from '../events.js';
import { errnoName, syscallName } from '../syscalls.js';
import type { StructCtx, StructDecoder } from './structs.js';
import type { Variant, VariantRule } from './format.js';
import { bpfProgram, seccompFilterK } from './bpf-filter.js';
import { siginfo, siginfoArray } from './siginfo.js';
import { RAW, VERBOSE, getCallStyle, hex, hex0, printFlags, ptr, signalName, styledText } from './values.js';

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
  const num = hex0(v);
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
/** the registers' requests: the address is not printed, the data is the registers (or where) */
const regs = (type: string): Variant => ({ show: [0, 1, 3], args: { 3: type } });

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
    PTRACE_OLDSETOPTIONS: { args: { 2: 'ptr', 3: 'flags:ptrace_options' } },
    // the word read, at exit
    PTRACE_PEEKDATA: { args: { 2: 'ptr', 3: 'out:hexptr(=1)' } },
    PTRACE_PEEKTEXT: { args: { 2: 'ptr', 3: 'out:hexptr(=1)' } },
    PTRACE_GETEVENTMSG: { args: { 2: 'ptr', 3: 'out:u64(=1)' } },
    // the address is an offset in struct user
    PTRACE_PEEKUSER: { args: { 2: 'user_offset', 3: 'out:hexptr(=1)' } },
    PTRACE_POKEUSER: { args: { 2: 'user_offset', 3: 'ptr' } },
    PTRACE_GET_SYSCALL_INFO: { args: { 2: 'ulong', 3: 'out:ptrace_syscall_info(=1)' } },
    PTRACE_SET_SYSCALL_INFO: { args: { 2: 'ulong', 3: 'in:ptrace_syscall_info(=1)' } },
    // the address is the sigset's size
    PTRACE_GETSIGMASK: { args: { 2: 'ulong', 3: 'out:ptrace_sigmask(=1)' } },
    PTRACE_SETSIGMASK: { args: { 2: 'ulong', 3: 'in:ptrace_sigmask(=1)' } },
    PTRACE_GETSIGINFO: { args: { 2: 'ptr', 3: 'out:ptrace_siginfo(=1)' } },
    PTRACE_SETSIGINFO: { args: { 2: 'ptr', 3: 'in:ptrace_siginfo(=1)' } },
    PTRACE_PEEKSIGINFO: { args: { 2: 'in:peeksiginfo_args(=1)', 3: 'out:ptrace_siginfos(=1)' } },
    // the address is the filter's index, or the metadata's size
    PTRACE_SECCOMP_GET_FILTER: { args: { 2: 'ulong', 3: 'out:ptrace_fprog(=1)' } },
    PTRACE_SECCOMP_GET_METADATA: { args: { 2: 'ulong', 3: 'inout:seccomp_metadata(=1)' } },
    // the address is the register set's note type, the data an iovec of them
    PTRACE_GETREGSET: { args: { 2: 'enum:nt_type', 3: 'inout:regset_get(=1)' } },
    PTRACE_SETREGSET: { args: { 2: 'enum:nt_type', 3: 'inout:regset_set(=1)' } },
    PTRACE_GETREGS: regs('out:user_regs(=1)'),
    PTRACE_SETREGS: regs('in:user_regs(=1)'),
    PTRACE_GETFPREGS: regs('out:user_fpregs(=1)'),
    PTRACE_SETFPREGS: regs('in:user_fpregs(=1)'),
  },
  default: ADDR_ONLY,
};

// ---- the data of each request --------------------------------------------------------------

const u64 = (v: number | string | undefined): bigint => BigInt.asUintN(64, BigInt(v ?? 0));

/** the capture of the data itself (the signature's row) and what it points to (index 1) */
const mainOf = (caps: readonly Capture[] | undefined): Buffer | undefined => {
  const c = caps?.find((x) => x.index === undefined);
  return capturedBytes(c);
};
const pointeeOf = (caps: readonly Capture[] | undefined): Buffer | undefined => {
  const c = caps?.find((x) => x.index === 1);
  return capturedBytes(c);
};

/** struct user_regs_struct (NT_PRSTATUS, PTRACE_GETREGS): 27 registers of 8 bytes */
const USER_REGS = ['r15', 'r14', 'r13', 'r12', 'rbp', 'rbx', 'r11', 'r10', 'r9', 'r8', 'rax', 'rcx', 'rdx', 'rsi', 'rdi', 'orig_rax',
  'rip', 'cs', 'eflags', 'rsp', 'ss', 'fs_base', 'gs_base', 'ds', 'es', 'fs', 'gs'];
const USER_REGS_SIZE = USER_REGS.length * 8;

/**
 * A register set of `size` bytes at `base` (`b`: what could be read of it, as much as the
 * struct's size at most): each field the size reaches into, `...` when it goes on past the
 * struct; a size that is not a whole number of registers, or bytes that could not be read, the
 * address.
 */
function prstatus(b: Buffer | undefined, size: bigint, base: bigint): string {
  if (!size || size % 8n) return ptr(base);
  const fetch = Number(size < BigInt(USER_REGS_SIZE) ? size : BigInt(USER_REGS_SIZE));
  if (!b || b.length < fetch) return ptr(base);
  const out: string[] = [];
  for (let i = 0; i === 0 || fetch > 8 * i; i++) out.push(`${USER_REGS[i]}=${hex0(b.readBigUInt64LE(8 * i))}`);
  if (size > BigInt(USER_REGS_SIZE)) out.push('...');
  return `{${out.join(', ')}}`;
}

/** struct user_fpregs_struct (NT_FPREGSET, PTRACE_GETFPREGS): its scalars, then its u32 arrays */
const FPREGS_SCALARS: ReadonlyArray<readonly [string, number, 2 | 4 | 8]> = [
  ['cwd', 0, 2], ['swd', 2, 2], ['ftw', 4, 2], ['fop', 6, 2], ['rip', 8, 8], ['rdp', 16, 8], ['mxcsr', 24, 4], ['mxcr_mask', 28, 4],
];
const FPREGS_ARRAYS: ReadonlyArray<readonly [string, number, number]> = [['st_space', 32, 32], ['xmm_space', 160, 64], ['padding', 416, 24]];
const FPREGS_SIZE = 512;

/** as prstatus, an array field with as many elements as the size reaches (-s of them, unless -v) */
function fpregs(b: Buffer | undefined, size: bigint, base: bigint, c: StructCtx): string {
  if (!size || size % 8n) return ptr(base);
  const fetch = Number(size < BigInt(FPREGS_SIZE) ? size : BigInt(FPREGS_SIZE));
  if (!b || b.length < fetch) return ptr(base);
  const out: string[] = [];
  for (const [name, at, width] of FPREGS_SCALARS) {
    if (at && fetch <= at) break;
    const v = width === 2 ? b.readUInt16LE(at) : width === 4 ? b.readUInt32LE(at) : b.readBigUInt64LE(at);
    out.push(`${name}=${hex0(v)}`);
  }
  for (const [name, at, count] of FPREGS_ARRAYS) {
    if (fetch <= at) break;
    const n = Math.min(Math.floor((fetch - at) / 4), count);
    const items: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!c.verbose && i >= c.stringSize) {
        items.push('...');
        break;
      }
      items.push(hex0(b.readUInt32LE(at + 4 * i)));
    }
    out.push(`${name}=[${items.join(', ')}]`);
  }
  if (size > BigInt(FPREGS_SIZE)) out.push('...');
  return `{${out.join(', ')}}`;
}

/** a register set by its note type (the address argument); the other types as an address */
function regset(nt: bigint, b: Buffer | undefined, size: bigint, base: bigint, c: StructCtx): string {
  if (nt === 1n) return prstatus(b, size, base);
  if (nt === 2n) return fpregs(b, size, base, c);
  return ptr(base);
}

/** the signal set's size is the address argument: the kernel's 8 bytes only, else the address */
function sigmask(b: Buffer, c: StructCtx): string {
  if (u64(c.args[2]) !== 8n || b.length < 8) return c.addr;
  const style = getCallStyle();
  const lo = b.readUInt32LE(0), hi = b.readUInt32LE(4);
  const bits = (n: number) => ((n <= 32 ? lo >>> (n - 1) : hi >>> (n - 33)) & 1) === 1;
  let count = 0;
  for (let n = 1; n <= 64; n++) if (bits(n)) count++;
  // two thirds or more of the bits set: those that are not, after a ~ (as strace)
  const invert = count >= 42;
  const out: string[] = [];
  for (let n = 1; n <= 64; n++) {
    if (bits(n) === invert) continue;
    const name = signalName(n).replace(/^SIG/, '');
    out.push(style === RAW ? String(n) : style === VERBOSE ? `${n} /* ${name} */` : name);
  }
  return `${invert ? '~' : ''}[${out.join(' ')}]`;
}

/**
 * PTRACE_SECCOMP_GET_METADATA's struct seccomp_metadata, as long as the address argument says:
 * filter_off as given, and at exit (when the call succeeded) the flags the kernel wrote.
 */
function seccompMetadata(b: Buffer, c: StructCtx): string {
  const size = u64(c.args[2]);
  if (size < 8n) return c.addr;
  const atExit = c.caps[0]?.at === 'exit';
  const given = atExit ? mainOf(c.entryCaps) : b;
  if (!given || given.length < 8) return c.addr;
  let s = `{filter_off=${given.readBigUInt64LE(0)}`;
  if (atExit && size > 8n) {
    if (size < 16n || b.length < 16) s += ', ???';
    else s += `, flags=${printFlags('seccomp_filter', b.readBigUInt64LE(8))}${size > 16n ? ', ...' : ''}`;
  }
  return s + '}';
}

/**
 * PTRACE_GETREGSET's iovec: the registers the kernel wrote (when the call succeeded), the length
 * given and, when the kernel changed it, the one it left (`iov_len=224 => 216`).
 */
function regsetGet(b: Buffer, c: StructCtx): string {
  const atExit = c.caps[0]?.at === 'exit';
  const given = atExit ? mainOf(c.entryCaps) : b;
  if (!given || given.length < 16) return c.addr;
  const iov = atExit && b.length >= 16 ? b : given;
  const base = iov.readBigUInt64LE(0), len = iov.readBigUInt64LE(8), before = given.readBigUInt64LE(8);
  const regs = atExit ? regset(u64(c.args[2]), pointeeOf(c.caps), len, base, c) : ptr(base);
  return `{iov_base=${regs}, iov_len=${before === len ? len : `${before} => ${len}`}}`;
}

/** PTRACE_SETREGSET's iovec: the registers given, and the length the kernel left when it changed it */
function regsetSet(b: Buffer, c: StructCtx): string {
  const atExit = c.caps[0]?.at === 'exit';
  const entry = atExit ? c.entryCaps : c.caps;
  const given = atExit ? mainOf(entry) : b;
  if (!given || given.length < 16) return c.addr;
  const base = given.readBigUInt64LE(0), len = given.readBigUInt64LE(8);
  const after = atExit && b.length >= 16 ? b.readBigUInt64LE(8) : len;
  return `{iov_base=${regset(u64(c.args[2]), pointeeOf(entry), len, base, c)}, iov_len=${len}${after !== len ? ` => ${after}` : ''}}`;
}

/** PTRACE_PEEKSIGINFO's arguments: struct { u64 off; u32 flags; u32 nr; } */
function peeksiginfoArgs(b: Buffer, c: StructCtx): string {
  if (b.length < 16) return c.addr;
  return `{off=${b.readBigUInt64LE(0)}, flags=${printFlags('peeksiginfo_flags', b.readUInt32LE(8), 32)}, nr=${b.readUInt32LE(12)}}`;
}

/** The decoders of the variants' types (merged into structs.ts's STRUCTS). */
export const PTRACE_STRUCTS: Readonly<Record<string, StructDecoder>> = {
  ptrace_syscall_info: ptraceSyscallInfo,
  ptrace_sigmask: sigmask,
  ptrace_siginfo: siginfo,
  // the `ret` siginfos it copied (the pointee capture: nr of them were read)
  ptrace_siginfos: (b, c) => siginfoArray(pointeeOf(c.caps) ?? b, c.ret, c),
  peeksiginfo_args: peeksiginfoArgs,
  // the classic BPF program of `ret` instructions (64 of them at most captured), with -v only
  ptrace_fprog: (b, c) => (c.verbose ? bpfProgram(b, c.ret & 0xffff, BigInt(c.addr), seccompFilterK) : c.addr),
  seccomp_metadata: seccompMetadata,
  regset_get: regsetGet,
  regset_set: regsetSet,
  user_regs: (b, c) => prstatus(b, BigInt(USER_REGS_SIZE), BigInt(c.addr)),
  user_fpregs: (b, c) => fpregs(b, BigInt(FPREGS_SIZE), BigInt(c.addr), c),
};

// ---- PTRACE_PEEKUSER's and PTRACE_POKEUSER's offset ----------------------------------------

/**
 * The offsets in x86-64's struct user that strace names (its userent.h): the registers by the
 * kernel's ptrace-abi.h index (8*RAX), then the other fields, then the struct's end.
 */
const USER_OFFSETS: ReadonlyArray<readonly [number, string]> = [
  ...['R15', 'R14', 'R13', 'R12', 'RBP', 'RBX', 'R11', 'R10', 'R9', 'R8', 'RAX', 'RCX', 'RDX', 'RSI', 'RDI', 'ORIG_RAX', 'RIP', 'CS', 'EFL', 'RSP', 'SS']
    .map((r, i): [number, string] => [8 * i, `8*${r}`]),
  ...([['u_fpvalid', 216], ['i387', 224], ['u_tsize', 736], ['u_dsize', 744], ['u_ssize', 752], ['start_code', 760], ['start_stack', 768],
    ['signal', 776], ['reserved', 784], ['u_ar0', 792], ['u_fpstate', 800], ['magic', 808], ['u_comm', 816], ['u_debugreg', 848]] as const)
    .map(([f, o]): [number, string] => [o, `offsetof(struct user, ${f})`]),
  [912, 'sizeof(struct user)'],
];

/**
 * An offset in struct user as strace's print_user_offset_addr: the field at or below it by name,
 * `+N` into it (-X abbrev: the name alone; raw: the number; verbose: both); past the struct's end,
 * the number.
 */
export function userOffsetText(v: number | string): string {
  const off = u64(v);
  let name: string | undefined;
  let base = 0;
  for (const [o, n] of USER_OFFSETS) {
    if (BigInt(o) > off) break;
    [base, name] = [o, n];
  }
  const last = USER_OFFSETS[USER_OFFSETS.length - 1]![0];
  const style = getCallStyle();
  if (name === undefined || (base === last && off > BigInt(last)) || style === RAW) return ptr(off);
  const text = off > BigInt(base) ? `${name}+${off - BigInt(base)}` : name;
  return style === VERBOSE ? `${ptr(off)} /* ${text} */` : text;
}
