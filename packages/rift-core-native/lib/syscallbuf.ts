/**
 * The syscall buffer: the in-process engine beside ptrace (src/syscallbuf_abi.h tells how it
 * works). A launched program loads build/Release/rift_syscallbuf.so, which records the calls
 * listed here without a ptrace stop, following the same capture plan as the ptrace engine and
 * writing the same records; everything else still stops the tracer.
 *
 * The calls each new image's loader makes before the library is loaded are recorded in process
 * too, by the loader's early hook the tracer injects at the image's first stop (src/early.cc).
 *
 * Like rr's preload library it is not invisible: the loader opens and maps it in every image,
 * and the loader's own later allocations shift by what its link map took. A replay of such a
 * recording loads it too, passive (SYSCALLBUF_PASSIVE), so that the program makes the same calls.
 */
import { fileURLToPath } from 'node:url';
import { CaptureKind, PLAN_ROW, syscallNumber } from '@rift/events/core';

/**
 * Calls the library records: those whose libc wrapper it defines (src/syscallbuf.c), each
 * making the very syscall glibc's makes, and those libc makes at the syscall instructions the
 * library patches. Its captures must be C strings or plain buffers read once (no iovecs,
 * nothing both read before and written by the call); syscallBufferConfig checks that against
 * the plan. Never here: calls that must stop (execve, clone, fork, exit, rt_sigreturn, the
 * seccomp ones), calls that change which signals are delivered (rt_sigprocmask: a signal it
 * unblocks would come before the call's record) and calls that block for long (futex, wait4,
 * poll: a signal restarts them, which the ptrace engine records and the buffer cannot).
 */
export const BUFFERED_SYSCALLS: readonly string[] = [
  'read', 'write', 'pread64', 'pwrite64', 'lseek', 'close', 'openat', 'newfstatat', 'dup', 'dup2', 'dup3',
  'getpid', 'getppid', 'gettid', 'getuid', 'geteuid', 'getgid', 'getegid', 'getrandom',
  'sched_yield', 'umask', 'chdir', 'fchdir', 'unlink', 'mkdir', 'access', 'readlink',
  'fsync', 'fdatasync', 'ftruncate', 'munmap', 'mprotect', 'madvise', 'ioctl', 'connect', 'sendto',
  // made by libc for itself (readdir, stdio, stat, sigaction...) or through syscall(): caught
  // at libc's syscall instructions, which the library rewrites into calls of its own
  'getdents64', 'fcntl', 'statx', 'faccessat', 'faccessat2', 'readlinkat', 'unlinkat', 'mkdirat',
  'fchmod', 'fchown', 'fadvise64', 'rt_sigaction', 'uname', 'sysinfo', 'statfs', 'fstatfs',
  'getxattr', 'lgetxattr', 'fgetxattr', 'flistxattr', 'getcwd', 'sched_getaffinity', 'pipe2',
  'socket', 'getresuid', 'getresgid', 'getgroups', 'fstat', 'getrusage', 'times', 'mmap', 'brk',
  // a new thread's or image's set-up by the loader and libc (the loader's early hook, and
  // libc's patched sites, catch them)
  'set_tid_address', 'set_robust_list', 'rseq', 'arch_prctl', 'prlimit64',
  // time reads the vDSO answers: recorded flagged vdso (no syscall), so that a replay has them
  'clock_gettime', 'gettimeofday', 'time',
];

/** RIFT_SYSCALLBUF of a passive library: loaded, recording nothing (replay). */
export const SYSCALLBUF_PASSIVE = '';

/** Path of the library (built by `npm install` with the addon). */
export const SYSCALLBUF_LIBRARY = fileURLToPath(new URL('../build/Release/rift_syscallbuf.so', import.meta.url));

/**
 * The library's configuration (RIFT_SYSCALLBUF): the calls it records, then their plan rows.
 * `wanted`: the calls the trace records at all (a -e filter); undefined = every call. Returns
 * undefined when there is nothing for the library to do. `never`: calls left to the tracer (it
 * corrects their answers).
 */
export function syscallBufferConfig(plan: Int32Array, wanted?: readonly number[], never: readonly string[] = []): string | undefined {
  const only = wanted ? new Set(wanted) : undefined;
  const rows = new Map<number, number[]>();
  for (let i = 0; i + PLAN_ROW <= plan.length; i += PLAN_ROW) {
    const nr = plan[i]!;
    let r = rows.get(nr);
    if (!r) rows.set(nr, (r = []));
    r.push(...plan.subarray(i, i + PLAN_ROW));
  }
  const nrs: number[] = [];
  const out: number[] = [];
  for (const name of BUFFERED_SYSCALLS) {
    const nr = syscallNumber(name);
    if (nr === undefined || (only && !only.has(nr)) || never.includes(name)) continue;
    const r = rows.get(nr) ?? [];
    if (!rowsBufferable(r)) continue;
    nrs.push(nr);
    out.push(...r);
  }
  if (!nrs.length) return undefined;
  return `${nrs.join(',')};${out.join(',')}`;
}

// Plan rows the library follows: C strings and buffers, none read at entry and again at exit;
// and guards on an argument's value (a When row on the argument itself, equal) with the row
// after it, which the library reads for the calls the guard holds for when it can (a C string
// or a buffer not read both before and after the call), else leaves those calls to the tracer
// (syscallbuf.c's parse_config and to_tracer).
function rowsBufferable(rows: number[]): boolean {
  const entryArgs = new Set<number>();
  const exitArgs = new Set<number>();
  for (let i = 0; i < rows.length; i += PLAN_ROW) {
    const [, arg, atExit, kind] = rows.slice(i, i + 4) as [number, number, number, number];
    if (kind === CaptureKind.When) {
      const next = i + PLAN_ROW;
      if (rows[i + 5] !== 0 || rows[i + 6] !== 0 || next >= rows.length || rows[next + 3] === CaptureKind.When) return false;
      i = next;  // the guarded row: the tracer's
      continue;
    }
    if (kind !== CaptureKind.CString && kind !== CaptureKind.Buffer) return false;
    (atExit ? exitArgs : entryArgs).add(arg);
  }
  for (const a of entryArgs) if (exitArgs.has(a)) return false;
  return true;
}

