/**
 * What replay does with each recorded syscall, as data.
 *
 *   inject    neutralised at entry; the recorded return value and output bytes are put in
 *             place at exit. The program sees what it saw when it was recorded, whatever the
 *             files, clocks and entropy pool hold today.
 *   passthru  executed for real, so descriptors, mappings, threads and processes exist.
 *   free      never matched against the trace (its count depends on scheduling): run for real.
 *
 * `content: true` rows of @rift/events' SIGNATURES are injected, plus the pure queries listed
 * in QUERIES (no side effect, output captured whole by rift-record), plus the calls that move
 * data inside the kernel from a file whose bytes rift-record keeps (`moves` rows:
 * copy_file_range, sendfile, splice; their bytes are written to the destination for real, and
 * one whose bytes the recording lacks runs). Everything else is passthru. `--inject NAME,...`
 * and `--passthru NAME,...` move rows between the two.
 */
import { SIGNATURES, parseArgSpec, selectNames, SelectError } from '@rift/events';

/** Pure queries: no side effect, outputs captured whole. Injected by default. */
export const QUERIES: readonly string[] = [
  'stat', 'lstat', 'fstat', 'newfstatat', 'statx', 'statfs', 'fstatfs',
  'access', 'faccessat', 'faccessat2', 'readlink', 'readlinkat', 'getcwd', 'getdents64',
  'uname', 'sysinfo',
  // the signals pending: the engine holds some back for replay that were not pending when recorded
  'rt_sigpending',
];

/**
 * Calls whose number and order depend on scheduling or on where things landed: thread
 * scheduling (lock contention, spinning); for rt_sigreturn, when a signal arrived (a handler
 * may make no call of its own); for munmap, where ASLR put a mapping (a thread's malloc arena
 * is mapped at twice its size and trimmed to an aligned block by zero, one or two munmaps of
 * lengths that follow the address); for brk, where the heap began (ASLR) and at which
 * instruction between two calls a signal handler ran when recorded (its allocations, before or
 * after the program's, move the moment the heap must grow). Never matched, always run for
 * real. A recorded one is skipped over, not compared. (Anonymous mmaps of no given address,
 * malloc's large blocks and arenas, are matched loosely for the same reasons: see Replayer.)
 */
export const FREE: readonly string[] = ['futex', 'sched_yield', 'restart_syscall', 'membarrier', 'rt_sigreturn', 'munmap', 'brk'];
/**
 * FREE when a process's threads take their turns in the recorded order: futex waits and wakes
 * then come where they came, so they are matched (and ordered) like any call.
 */
export const FREE_ORDERED: readonly string[] = FREE.filter((n) => n !== 'futex');

/** Calls that create processes or threads: watched (at exit) to map replayed tids to recorded ones. */
export const SPAWNERS: readonly string[] = ['clone', 'clone3', 'fork', 'vfork'];

/** Calls that must run for real whatever the overrides say (the replay would fall apart). */
export const ALWAYS_PASSTHRU: readonly string[] = [
  'execve', 'execveat', 'clone', 'clone3', 'fork', 'vfork', 'exit', 'exit_group', 'rt_sigreturn',
  'mmap', 'munmap', 'mremap', 'mprotect', 'brk',
];

/**
 * Run for real, but the program sees the recorded return value. lseek: injected reads do not
 * move the kernel's file offset, so lseek(fd, -60, SEEK_CUR) after one would fail or land
 * elsewhere; running it still keeps the offset right for real writes. Changes to the file tree
 * whose result is a status: the recording's own run changed the tree already (`mkdir -p
 * build` made build; replayed, mkdir fails with EEXIST and mkdir -p goes another way; `rm f`
 * finds f gone), and what the tree holds after them is the same either way. (One that failed
 * when recorded is not run at all: a path call's recorded error is given back.)
 */
export const RECORDED_RESULT: readonly string[] = [
  'lseek',
  'mkdir', 'mkdirat', 'rmdir', 'unlink', 'unlinkat', 'rename', 'renameat', 'renameat2',
  'link', 'linkat', 'symlink', 'symlinkat', 'chmod', 'fchmodat', 'utimensat',
];

/**
 * Calls that create pipes. A read from a pipe created inside the replay runs for real (so it
 * waits for the replayed writer, as when recorded) and then gets the recorded result: injected
 * at once, a reader could finish before its writer wrote, which then dies of SIGPIPE.
 */
export const PIPE_CREATORS: readonly string[] = ['pipe', 'pipe2'];
/** The reads that wait on a pipe (run, then given the recorded result, when it is an inner pipe). */
export const PIPE_READS: readonly string[] = ['read', 'readv'];

/** Syscalls that return a new descriptor: when the recording has one and replay cannot open it, replay fakes it ("ghost" fd). */
export const FD_CREATORS: readonly string[] = ['open', 'openat', 'openat2', 'creat'];

export type Action = 'inject' | 'passthru' | 'free';

/** The calls whose content (data read, entropy, time, query results) replay gives by default. */
const CONTENT: ReadonlySet<string> = new Set([...Object.entries(SIGNATURES).filter(([, sig]) => sig.content || sig.moves).map(([n]) => n), ...QUERIES]);

export class Policy {
  private readonly inject = new Set<string>();

  /**
   * Some call whose content replay gives by default runs for real (--passthru read): the
   * program then reads what is there now, and may well write other bytes than when recorded.
   */
  contentRuns = false;

  /** the calls never matched (FREE, or fewer: futex when threads take turns) */
  readonly free: readonly string[];

  constructor(overrides: { inject?: string[]; passthru?: string[]; free?: readonly string[] } = {}) {
    this.free = overrides.free ?? FREE;
    for (const name of CONTENT) this.inject.add(name);
    for (const n of expand(overrides.inject, '--inject')) {
      if (ALWAYS_PASSTHRU.includes(n)) throw new SelectError(`--inject: ${n} always runs for real (replay needs it)`);
      if (!SIGNATURES[n] || !hasOutputsOrNone(n)) throw new SelectError(`--inject: ${n} has no signature rift records its outputs by; cannot be injected`);
      this.inject.add(n);
    }
    for (const n of expand(overrides.passthru, '--passthru')) if (this.inject.delete(n) && CONTENT.has(n)) this.contentRuns = true;
  }

  action(name: string): Action {
    if (this.free.includes(name)) return 'free';
    return this.inject.has(name) ? 'inject' : 'passthru';
  }

  /** Rows of the table for --help and the README. */
  injected(): string[] {
    return [...this.inject].sort();
  }
}

function expand(list: string[] | undefined, flag: string): Set<string> {
  const out = new Set<string>();
  for (const item of list ?? []) {
    try {
      for (const n of selectNames(item)) out.add(n);
    } catch (e) {
      throw new SelectError(`${flag}: ${(e as Error).message}`);
    }
  }
  return out;
}

function hasOutputsOrNone(name: string): boolean {
  const sig = SIGNATURES[name]!;
  // every pointer argument the kernel writes through must be described (out:/inout:)
  return sig.args.every((a) => parseArgSpec(a).type !== 'ptr');
}
