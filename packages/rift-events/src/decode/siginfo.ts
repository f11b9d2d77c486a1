/**
 * siginfo_t as strace's printsiginfo prints it: the signal, its code by the signal's own table
 * (SEGV_MAPERR, TRAP_BRKPT, POLL_IN...) after the generic one (SI_USER, SI_TKILL...), then the
 * union member the code and signal select (the sender, a timer, a faulting address with its
 * bounds or protection key, a descriptor's band, a seccomp trap's call), every number in the
 * call's -X style. x86-64's layout; the glibc strace's tests are built with has no si_perf_*
 * or si_trapno (strace prints those only where its build has them).
 */
import type { SignalEvent } from '../events.js';
import { errnoName, SIGINFO_SIZE, syscallName } from '../syscalls.js';
import type { StructCtx } from './structs.js';
import { RAW, getCallStyle, hex, ptr, signalName, styledText } from './values.js';

const SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGFPE = 8, SIGSEGV = 11, SIGCHLD = 17, SIGPROF = 27, SIGIO = 29, SIGSYS = 31;

type Codes = ReadonlyMap<number, string>;
const codes = (names: readonly (readonly [string, number])[]): Codes => new Map(names.map(([n, v]) => [v, n]));

/** the codes any signal may have (si_code <= 0 are a process's, SI_KERNEL the kernel's) */
const GENERIC: Codes = codes([
  ['SI_USER', 0], ['SI_KERNEL', 0x80], ['SI_QUEUE', -1], ['SI_TIMER', -2], ['SI_MESGQ', -3], ['SI_ASYNCIO', -4], ['SI_SIGIO', -5],
  ['SI_TKILL', -6], ['SI_DETHREAD', -7], ['SI_ASYNCNL', -60], ['SI_NOINFO', 32767],
]);
/** each signal's own codes (asm-generic/siginfo.h, x86-64's) */
const BY_SIGNAL: ReadonlyMap<number, Codes> = new Map([
  [SIGTRAP, codes([['TRAP_BRKPT', 1], ['TRAP_TRACE', 2], ['TRAP_BRANCH', 3], ['TRAP_HWBKPT', 4], ['TRAP_UNK', 5], ['TRAP_PERF', 6]])],
  [SIGCHLD, codes([['CLD_EXITED', 1], ['CLD_KILLED', 2], ['CLD_DUMPED', 3], ['CLD_TRAPPED', 4], ['CLD_STOPPED', 5], ['CLD_CONTINUED', 6]])],
  [SIGIO, codes([['POLL_IN', 1], ['POLL_OUT', 2], ['POLL_MSG', 3], ['POLL_ERR', 4], ['POLL_PRI', 5], ['POLL_HUP', 6]])],
  [SIGPROF, codes([])],
  [SIGILL, codes([['ILL_ILLOPC', 1], ['ILL_ILLOPN', 2], ['ILL_ILLADR', 3], ['ILL_ILLTRP', 4], ['ILL_PRVOPC', 5], ['ILL_PRVREG', 6], ['ILL_COPROC', 7], ['ILL_BADSTK', 8]])],
  [SIGFPE, codes([
    ['FPE_INTDIV', 1], ['FPE_INTOVF', 2], ['FPE_FLTDIV', 3], ['FPE_FLTOVF', 4], ['FPE_FLTUND', 5], ['FPE_FLTRES', 6], ['FPE_FLTINV', 7], ['FPE_FLTSUB', 8],
    ['FPE_FLTUNK', 14], ['FPE_CONDTRAP', 15],
  ])],
  [SIGSEGV, codes([
    ['SEGV_MAPERR', 1], ['SEGV_ACCERR', 2], ['SEGV_BNDERR', 3], ['SEGV_PKUERR', 4], ['SEGV_ACCADI', 5], ['SEGV_ADIDERR', 6], ['SEGV_ADIPERR', 7],
    ['SEGV_MTEAERR', 8], ['SEGV_MTESERR', 9], ['SEGV_CPERR', 10],
  ])],
  [SIGBUS, codes([['BUS_ADRALN', 1], ['BUS_ADRERR', 2], ['BUS_OBJERR', 3], ['BUS_MCEERR_AR', 4], ['BUS_MCEERR_AO', 5]])],
  [SIGSYS, codes([['SYS_SECCOMP', 1], ['SYS_USER_DISPATCH', 2]])],
]);
const SI_TKILL = -6, SI_TIMER = -2, SI_SIGIO = -5, SI_USER = 0, SI_NOINFO = 32767;
const CLD_EXITED = 1, CLD_CONTINUED = 6, BUS_MCEERR_AR = 4, BUS_MCEERR_AO = 5, SEGV_BNDERR = 3, SEGV_PKUERR = 4;
const AUDIT_ARCH_X86_64 = 0xc000003e;
/** the audit architectures a seccomp trap names (linux/audit.h): x86's own */
const AUDIT_ARCHES: ReadonlyMap<number, string> = new Map([[AUDIT_ARCH_X86_64, 'AUDIT_ARCH_X86_64'], [0x40000003, 'AUDIT_ARCH_I386']]);

/** a signal number: SIGIO, 29, `29 /* SIGIO *\/` */
export function signalText(n: number): string {
  const name = signalName(n);
  return name === String(n) ? name : styledText(String(n), name);
}

/** si_code: its name (the generic table first), the number in hex as an unsigned int */
function codeText(code: number, signo: number): string {
  const name = GENERIC.get(code) ?? BY_SIGNAL.get(signo)?.get(code);
  const num = code === 0 ? '0' : hex(code >>> 0);
  return name === undefined ? num : styledText(num, name);
}

/** an errno value, unsigned: its name when it has one */
function errText(v: number): string {
  const name = v > 0 ? errnoName(v) : undefined;
  return name === undefined || /^E\d+$/.test(name) ? String(v >>> 0) : styledText(String(v), name);
}

/** clock ticks (USER_HZ), unsigned, with their seconds, as strace's PRINT_FIELD_CLOCK_T */
function clockText(t: bigint): string {
  if (getCallStyle() === RAW || t === 0n) return String(t);
  return `${t} /* ${t / 100n}.${String(t % 100n).padStart(2, '0')} s */`;
}

/** a seccomp trap's syscall number: named when it is this architecture's */
function syscallText(nr: number, arch: number): string {
  if (arch === AUDIT_ARCH_X86_64) {
    const name = syscallName(nr);
    if (!name.startsWith('syscall_')) return styledText(String(nr), `__NR_${name}`);
  }
  return String(nr);
}

/**
 * 128 bytes of a siginfo_t (fewer: the caller prints the address). `c.fdText` prints si_fd
 * (with -y its path).
 */
export function siginfoText(b: Buffer, c: Pick<StructCtx, 'fdText'>): string {
  const signo = b.readInt32LE(0);
  if (!signo) return '{}';
  const errno = b.readInt32LE(4);
  const code = b.readInt32LE(8);
  const out = [`si_signo=${signalText(signo)}`, `si_code=${codeText(code, signo)}`];
  if (code !== SI_NOINFO) info(b, c, signo, errno, code, out);
  return `{${out.join(', ')}}`;
}

function info(b: Buffer, c: Pick<StructCtx, 'fdText'>, signo: number, errno: number, code: number, out: string[]): void {
  if (errno) out.push(`si_errno=${errText(errno)}`);
  const uid = b.readUInt32LE(20);
  const source = () => out.push(`si_pid=${b.readInt32LE(16)}`, `si_uid=${uid === 0xffffffff ? -1 : uid}`);
  const value = () => out.push(`si_int=${b.readInt32LE(24)}`, `si_ptr=${ptr(b.readBigUInt64LE(24))}`);
  const fd = (at: number) => {
    const n = b.readInt32LE(at);
    return c.fdText ? c.fdText(n) : String(n);
  };
  const addr = () => out.push(`si_addr=${ptr(b.readBigUInt64LE(16))}`);
  if (code <= 0) {
    // sent by a process
    switch (code) {
      case SI_USER:
      case SI_TKILL:
        source();
        return;
      case SI_TIMER:
        out.push(`si_timerid=${hex(b.readUInt32LE(16))}`, `si_overrun=${b.readInt32LE(20)}`);
        value();
        return;
      case SI_SIGIO:
        out.push(`si_band=${b.readBigInt64LE(16)}`, `si_fd=${fd(24)}`);
        return;
      default:
        source();
        if (b.readBigUInt64LE(24)) value();
        return;
    }
  }
  switch (signo) {
    case SIGCHLD: {
      source();
      const status = b.readInt32LE(24);
      out.push(`si_status=${code === CLD_EXITED ? status : signalText(status)}`);
      out.push(`si_utime=${clockText(b.readBigUInt64LE(32))}`, `si_stime=${clockText(b.readBigUInt64LE(40))}`);
      return;
    }
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
      addr();
      return;
    case SIGBUS:
      addr();
      if (code === BUS_MCEERR_AR || code === BUS_MCEERR_AO) {
        const lsb = b.readUInt16LE(24);
        out.push(`si_addr_lsb=${lsb ? hex(lsb) : '0'}`);
      }
      return;
    case SIGSEGV:
      addr();
      if (code === SEGV_BNDERR) out.push(`si_lower=${ptr(b.readBigUInt64LE(32))}`, `si_upper=${ptr(b.readBigUInt64LE(40))}`);
      else if (code === SEGV_PKUERR) out.push(`si_pkey=${b.readUInt32LE(32)}`);
      return;
    case SIGIO:
      // the poll codes only
      if (code >= 1 && code <= 6) out.push(`si_band=${b.readBigInt64LE(16)}`, `si_fd=${fd(24)}`);
      return;
    case SIGSYS: {
      const arch = b.readUInt32LE(28);
      const name = AUDIT_ARCHES.get(arch);
      const archText = name !== undefined ? styledText(hex(arch), name) : getCallStyle() === RAW ? hex(arch) : `${hex(arch)} /* AUDIT_ARCH_??? */`;
      out.push(`si_call_addr=${ptr(b.readBigUInt64LE(16))}`, `si_syscall=${syscallText(b.readUInt32LE(24), arch)}`, `si_arch=${archText}`);
      return;
    }
    default:
      if (b.readInt32LE(16) || uid) source();
      if (b.readBigUInt64LE(24)) value();
  }
}

/** A siginfo_t argument: whole, or its address. */
export function siginfo(b: Buffer, c: StructCtx): string {
  if (b.length < SIGINFO_SIZE) return c.addr;
  return siginfoText(b, c);
}

/** `n` siginfo_t's in a row (PTRACE_PEEKSIGINFO's answer), -s of them unless -v */
export function siginfoArray(b: Buffer, n: number, c: StructCtx): string {
  if (n === 0) return '[]';
  const have = Math.floor(b.length / SIGINFO_SIZE);
  if (have === 0) return c.addr;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!c.verbose && i >= c.stringSize) {
      out.push('...');
      break;
    }
    if (i >= have) {
      out.push(`... /* ${hex(BigInt(c.addr) + BigInt(i * SIGINFO_SIZE))} */`);
      break;
    }
    out.push(siginfoText(b.subarray(i * SIGINFO_SIZE, (i + 1) * SIGINFO_SIZE), c));
  }
  return `[${out.join(', ')}]`;
}

/**
 * The siginfo_t (x86-64, SIGINFO_SIZE bytes) a signal event describes, for the kinds whose every
 * field the event holds: a child's SIGCHLD (CLD_EXITED..CLD_CONTINUED: pid, uid, status, CPU
 * times) and a signal kill() or tgkill() sent (SI_USER, SI_TKILL: pid, uid). Others (a timer's,
 * a fault's, sigqueue's value): undefined. `senderPid` stands for the event's (replay gives a
 * replayed sender's pid as it is in the replay). The layout siginfoText reads.
 */
export function siginfoOfEvent(sig: SignalEvent, senderPid = sig.senderPid): Buffer | undefined {
  const code = sig.code;
  if (code === undefined || senderPid === undefined || sig.senderUid === undefined) return undefined;
  const child = sig.signo === SIGCHLD && code >= CLD_EXITED && code <= CLD_CONTINUED;
  if (!child && code !== SI_USER && code !== SI_TKILL) return undefined;
  const b = Buffer.alloc(SIGINFO_SIZE);
  b.writeInt32LE(sig.signo, 0);
  b.writeInt32LE(code, 8);
  b.writeInt32LE(senderPid, 16);
  b.writeUInt32LE(sig.senderUid, 20);
  if (child) {
    b.writeInt32LE(sig.status ?? 0, 24);
    b.writeBigInt64LE(BigInt(sig.utime ?? 0), 32);
    b.writeBigInt64LE(BigInt(sig.stime ?? 0), 40);
  }
  return b;
}
