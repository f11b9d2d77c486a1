/**
 * The syscall buffer: the in-process engine beside ptrace (src/syscallbuf_abi.h tells how it
 * works). A launched program loads build/Release/rift_syscallbuf.so, which records the calls
 * listed here without a ptrace stop, following the same capture plan as the ptrace engine and
 * writing the same records; everything else still stops the tracer.
 */
import { fileURLToPath } from 'node:url';
import { CaptureKind, PLAN_ROW, syscallNumber, type Event } from '@rift/events';

/**
 * Calls the library records: those whose libc wrapper it defines (src/syscallbuf.c), each
 * making the very syscall glibc's makes. Its captures must be C strings or plain buffers read
 * once (no iovecs, nothing both read before and written by the call); syscallBufferConfig
 * checks that against the plan.
 */
export const BUFFERED_SYSCALLS: readonly string[] = [
  'read', 'write', 'pread64', 'pwrite64', 'lseek', 'close', 'openat', 'dup', 'dup2', 'dup3',
  'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getrandom',
  'sched_yield', 'umask', 'chdir', 'fchdir', 'unlink', 'mkdir', 'access', 'readlink',
  'fsync', 'fdatasync', 'ftruncate', 'munmap', 'mprotect', 'madvise', 'ioctl', 'connect', 'sendto',
];

/** Path of the library (built by `npm install` with the addon). */
export const SYSCALLBUF_LIBRARY = fileURLToPath(new URL('../build/Release/rift_syscallbuf.so', import.meta.url));

/**
 * The library's configuration (RIFT_SYSCALLBUF): the calls it records, then their plan rows.
 * `wanted`: the calls the trace records at all (a -e filter); undefined = every call. Returns
 * undefined when there is nothing for the library to do.
 */
export function syscallBufferConfig(plan: Int32Array, wanted?: readonly number[]): string | undefined {
  const only = wanted ? new Set(wanted) : undefined;
  const rows = new Map<number, number[]>();
  for (let i = 0; i + PLAN_ROW <= plan.length; i += PLAN_ROW) {
    const nr = plan[i]!;
    const row = Array.from(plan.subarray(i, i + PLAN_ROW));
    rows.set(nr, [...(rows.get(nr) ?? []), ...row]);
  }
  const nrs: number[] = [];
  const out: number[] = [];
  for (const name of BUFFERED_SYSCALLS) {
    const nr = syscallNumber(name);
    if (nr === undefined || (only && !only.has(nr))) continue;
    const r = rows.get(nr) ?? [];
    if (!rowsBufferable(r)) continue;
    nrs.push(nr);
    out.push(...r);
  }
  if (!nrs.length) return undefined;
  return `${nrs.join(',')};${out.join(',')}`;
}

// Plan rows the library follows: C strings and buffers, none read at entry and again at exit.
function rowsBufferable(rows: number[]): boolean {
  const entryArgs = new Set<number>();
  const exitArgs = new Set<number>();
  for (let i = 0; i < rows.length; i += PLAN_ROW) {
    const [, arg, atExit, kind] = rows.slice(i, i + 4) as [number, number, number, number];
    if (kind !== CaptureKind.CString && kind !== CaptureKind.Buffer) return false;
    (atExit ? exitArgs : entryArgs).add(arg);
  }
  for (const a of entryArgs) if (exitArgs.has(a)) return false;
  return true;
}

const MAP_FIXED = 0x10n, MAP_ANONYMOUS = 0x20n;
const big = (v: number | string | undefined): bigint => BigInt(v ?? 0);

/**
 * Hides the dynamic loader's calls that load the library into each image: the program did not
 * make them, and without them a recording with the buffer lists the calls one without it does
 * (what strace shows). They are the open of the library's path, the reads, stats and maps of
 * that descriptor and its close, the anonymous fixed maps and the mprotects inside what was
 * mapped from it.
 */
export class LibraryLoadFilter {
  /** tid -> the descriptor the loader opened the library on */
  private readonly open = new Map<number, bigint>();
  /** pid -> address ranges mapped from the library */
  private readonly mapped = new Map<number, [bigint, bigint][]>();

  constructor(private readonly path: string = SYSCALLBUF_LIBRARY) {}

  /** true: leave the event out of the stream */
  hides(ev: Event): boolean {
    if (ev.type === 'exec') {
      this.mapped.delete(ev.pid);
      this.open.delete(ev.tid);
      return false;
    }
    if (ev.type !== 'syscall' || ev.ret === null) return false;
    const ret = big(ev.ret);
    const fd = this.open.get(ev.tid);
    switch (ev.name) {
      case 'openat':
        if (ret >= 0n && ev.mem?.[0]?.data === this.path) {
          this.open.set(ev.tid, ret);
          return true;
        }
        return false;
      case 'read':
      case 'pread64':
      case 'fstat':
      case 'newfstatat':
        return fd !== undefined && big(ev.args[0]) === fd;
      case 'close':
        if (fd === undefined || big(ev.args[0]) !== fd) return false;
        this.open.delete(ev.tid);
        return true;
      case 'mmap': {
        const flags = big(ev.args[3]);
        if (fd !== undefined && big(ev.args[4]) === fd && !(flags & MAP_ANONYMOUS)) {
          const ranges = this.mapped.get(ev.pid) ?? [];
          ranges.push([ret, ret + big(ev.args[1])]);
          this.mapped.set(ev.pid, ranges);
          return true;
        }
        return (flags & MAP_FIXED) !== 0n && (flags & MAP_ANONYMOUS) !== 0n && this.inside(ev.pid, big(ev.args[0]));
      }
      case 'mprotect':
        return this.inside(ev.pid, big(ev.args[0]));
      default:
        return false;
    }
  }

  private inside(pid: number, addr: bigint): boolean {
    return this.mapped.get(pid)?.some(([lo, hi]) => addr >= lo && addr < hi) ?? false;
  }
}
