/**
 * Syscall signatures: one row per syscall, as data (strace's syscall entry tables are the model).
 *
 * An argument is a type name, optionally with a capture ('skip': a register the call takes but
 * strace does not print, as preadv's high half of the offset):
 *   'fd' 'dirfd' 'int' 'uint' 'long' 'ulong' 'hex' 'ptr' 'size' 'off' 'pid' 'uid' 'gid'
 *   'signo' 'mode' 'flags:TABLE' (OR of flag names) 'enum:TABLE' (one name)
 *   'path'                      C string read at entry, up to PATH_MAX
 *   'str'                       C string read at entry, bounded by -s
 *   'argv'                      NULL-terminated array of C strings, read at entry
 *   'envp'                      the same, counted only (no bytes): execve's environment
 *   'DIR:TYPE(LEN)'             memory at the pointer, DIR = in (entry) | out (exit) | inout
 *        LEN = N (the value of argument N), ret (the return value), *N (a u32 that argument N
 *        points to, as socklen_t), =BYTES (fixed size); multiplied by STRUCT_SIZES[TYPE]
 *   'DIR:iov(N)'                iovec array of N elements (argument N), each buffer captured;
 *                               inout: the entry side keeps only each iov_len (no bytes), as
 *                               the buffers are filled by the call
 *   'DIR:msghdr'                struct msghdr with its name, control and iovecs
 * Memory types print through the struct decoders of decode/structs.ts ('buf' and 'hexbuf' as
 * bounded strings, 'pathbuf' as a C string, 'sockopt' as [int] or bytes).
 * `ret` is the return value's type (default 'int'; also 'hex', 'fd', 'mode', 'flags:TABLE',
 * 'pollret'); `content` marks syscalls whose output
 * buffers are the program's input (captured whole so replay can reproduce them); `classes`
 * are strace's trace classes (%file, %desc, ...). `moves` marks calls that move bytes inside
 * the kernel from a file (copy_file_range, sendfile, splice): at exit the bytes moved are read
 * back from that file and kept as a capture of its descriptor argument (see Signature.moves).
 */

export interface Signature {
  args: readonly string[];
  ret?: string;
  classes?: readonly string[];
  content?: boolean;
  /**
   * The call moves bytes inside the kernel from the descriptor in argument `from`: at exit the
   * `ret` bytes it moved are read back from that file, from where the call started (the value
   * behind the loff_t pointer in argument `off` minus ret when it is not NULL, which the kernel
   * advanced; else the file position minus ret), and recorded as an exit capture of argument
   * `from`. Regular files only: a pipe's or a socket's bytes cannot be read again. Kept whole
   * like content data unless --no-data.
   */
  moves?: { from: number; off: number };
  /**
   * The call makes descriptors: at exit, what /proc/PID/fd/N links to for each (socket:[INODE],
   * what strace's -y prints) is kept as an exit capture of an argument that has none of its
   * own: for the return value ('ret', on argument 0), or for the two ints behind argument
   * `at` (socketpair's; on arguments 0 and 1).
   */
  links?: 'ret' | { at: number };
}

/** Element sizes for capture types, in bytes (x86-64). 'buf' and unlisted types are bytes. */
export const STRUCT_SIZES: Readonly<Record<string, number>> = {
  pollfd: 8,
  epoll_event: 12,
  int2: 8,
  fd_set: 128,
  stat: 144,
  statx: 256,
  statfs: 120,
  timespec: 16,
  timeval: 16,
  timezone: 8,
  itimerspec: 32,
  itimerval: 32,
  rlimit: 16,
  rusage: 144,
  wrusage: 144,
  utsname: 390,
  sysinfo: 112,
  sigaction: 32,
  // a sigset's capture is as long as the call's sigsetsize argument says: decoded when that is 8
  sigset: 1,
  siginfo: 128,
  tms: 32,
  sched_param: 4,
  cap_user_header: 8,
  cap_user_data: 24,
  stack_t: 24,
  time_t: 8,
  mpol_int: 4,
  dirents_old: 1,
  mq_attr: 64,
  cpuset: 1,
  hexptr: 8,
  u64: 8,
  loff: 8,
  u32: 4,
  int: 4,
  optlen: 4,
  mmsghdr: 64,
  clone_args: 88,
  // openat2's struct open_how: as long as its size argument says (an extensible struct)
  open_how: 1,
  rseq: 32,
  robust_list_head: 24,
  sockaddr: 1,
  wstatus: 4,
  utimbuf: 16,
  timeval2: 32,
  seltimeval: 16,
  seltimespec: 16,
  utimens: 32,
  remts: 16,
  statfs64: 120,
  buf: 1,
  dirents: 1,
  xattr: 1,
  iovaddr: 16,
  sembuf: 6,
  sigevent: 64,
  ptrarr: 8,
  intarr: 4,
  statusarr: 4,
  sock_fprog: 16,
  seccomp_fprog: 16,
  seccomp_action: 4,
  notif_sizes: 6,
  cachestat_range: 16,
  cachestat: 40,
  futex_waitv: 24,
  file_attr: 1,
  // bpf(2)'s attribute: as long as the call's size argument says
  bpf_attr: 1,
  // ptrace's data: as much as the largest structure a request reads or writes there
  ptrace_data: 512,
  ptrace_syscall_info: 88,
  id_array: 8,
  futex_waiters: 24,
  lsm_ids: 8,
  kexec_segments: 32,
  // struct io_event, struct iocb (decode/aio.ts)
  io_events: 32,
  io_event: 32,
  iocb_head: 64,
};

type Table = Record<string, Signature>;

const F = ['%file'];
const D = ['%desc'];
const FD = ['%file', '%desc'];
const N = ['%network'];
const ND = ['%network', '%desc'];
const P = ['%process'];
const S = ['%signal'];
const M = ['%memory'];
const I = ['%ipc'];
const C = ['%creds'];
const CL = ['%clock'];

export const SIGNATURES: Table = {
  // files and descriptors
  read: { args: ['fd', 'out:buf(ret)', 'size'], ret: 'size', classes: D, content: true },
  write: { args: ['fd', 'in:buf(2)', 'size'], ret: 'size', classes: D },
  pread64: { args: ['fd', 'out:buf(ret)', 'size', 'off'], ret: 'size', classes: D, content: true },
  pwrite64: { args: ['fd', 'in:buf(2)', 'size', 'off'], ret: 'size', classes: D },
  readv: { args: ['fd', 'inout:iov(2)', 'ulong'], ret: 'size', classes: D, content: true },
  writev: { args: ['fd', 'in:iov(2)', 'ulong'], ret: 'size', classes: D },
  preadv: { args: ['fd', 'inout:iov(2)', 'ulong', 'off', 'skip'], ret: 'size', classes: D, content: true },
  pwritev: { args: ['fd', 'in:iov(2)', 'ulong', 'off', 'skip'], ret: 'size', classes: D },
  preadv2: { args: ['fd', 'inout:iov(2)', 'ulong', 'off', 'skip', 'flags:rwf'], ret: 'size', classes: D, content: true },
  pwritev2: { args: ['fd', 'in:iov(2)', 'ulong', 'off', 'skip', 'flags:rwf'], ret: 'size', classes: D },
  open: { args: ['path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat: { args: ['dirfd', 'path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat2: { args: ['dirfd', 'path', 'in:open_how(3)', 'size'], ret: 'fd', classes: FD },
  creat: { args: ['path', 'mode'], ret: 'fd', classes: FD },
  close: { args: ['fd'], classes: D },
  close_range: { args: ['uint', 'uint', 'flags:close_range'], classes: D },
  lseek: { args: ['fd', 'off', 'enum:seek'], ret: 'off', classes: D },
  dup: { args: ['fd'], ret: 'fd', classes: D },
  dup2: { args: ['fd', 'fd'], ret: 'fd', classes: D },
  dup3: { args: ['fd', 'fd', 'flags:o_flags'], ret: 'fd', classes: D },
  pipe: { args: ['out:int2(=1)'], classes: D },
  pipe2: { args: ['out:int2(=1)', 'flags:o_flags'], classes: D },
  fcntl: { args: ['fd', 'enum:fcntl', 'hex'], classes: D },
  // the third argument's type depends on the request (VARIANTS in decode/format.ts); the exit
  // capture is sized for the largest structure decoded there (the kernel's termios, 36 bytes).
  // None at entry: for the get requests that would be uninitialised memory, which differs from
  // run to run (and rift-diff compares captures); so set requests print as addresses.
  ioctl: { args: ['fd', 'enum:ioctl', 'out:ioctl_arg(=36)'], classes: D },
  flock: { args: ['fd', 'flags:flock'], classes: D },
  stat: { args: ['path', 'out:stat(=1)'], classes: F },
  lstat: { args: ['path', 'out:stat(=1)'], classes: F },
  fstat: { args: ['fd', 'out:stat(=1)'], classes: D },
  newfstatat: { args: ['dirfd', 'path', 'out:stat(=1)', 'flags:at'], classes: FD },
  statx: { args: ['dirfd', 'path', 'flags:statx_at', 'flags:statx_mask', 'out:statx(=1)'], classes: FD },
  statfs: { args: ['path', 'out:statfs(=1)'], classes: F },
  fstatfs: { args: ['fd', 'out:statfs(=1)'], classes: D },
  access: { args: ['path', 'flags:access'], classes: F },
  faccessat: { args: ['dirfd', 'path', 'flags:access'], classes: FD },
  faccessat2: { args: ['dirfd', 'path', 'flags:access', 'flags:at_eaccess'], classes: FD },
  getdents64: { args: ['fd', 'out:dirents(ret)', 'uint'], classes: D },
  getdents: { args: ['fd', 'out:dirents_old(ret)', 'uint'], classes: D },
  getcwd: { args: ['out:pathbuf(ret)', 'size'], classes: F },
  chdir: { args: ['path'], classes: F },
  fchdir: { args: ['fd'], classes: D },
  chroot: { args: ['path'], classes: F },
  mkdir: { args: ['path', 'mode'], classes: F },
  mkdirat: { args: ['dirfd', 'path', 'mode'], classes: FD },
  mknod: { args: ['path', 'smode', 'dev32'], classes: F },
  mknodat: { args: ['dirfd', 'path', 'smode', 'dev32'], classes: FD },
  rmdir: { args: ['path'], classes: F },
  unlink: { args: ['path'], classes: F },
  unlinkat: { args: ['dirfd', 'path', 'flags:at'], classes: FD },
  rename: { args: ['path', 'path'], classes: F },
  renameat: { args: ['dirfd', 'path', 'dirfd', 'path'], classes: FD },
  renameat2: { args: ['dirfd', 'path', 'dirfd', 'path', 'flags:rename'], classes: FD },
  link: { args: ['path', 'path'], classes: F },
  linkat: { args: ['dirfd', 'path', 'dirfd', 'path', 'flags:at'], classes: FD },
  readlink: { args: ['path', 'out:buf(ret)', 'size'], classes: F },
  readlinkat: { args: ['dirfd', 'path', 'out:buf(ret)', 'size'], classes: FD },
  symlink: { args: ['path', 'path'], classes: F },
  symlinkat: { args: ['path', 'dirfd', 'path'], classes: FD },
  chmod: { args: ['path', 'mode'], classes: F },
  fchmod: { args: ['fd', 'mode'], classes: D },
  fchmodat: { args: ['dirfd', 'path', 'mode'], classes: FD },
  chown: { args: ['path', 'uid', 'gid'], classes: F },
  fchown: { args: ['fd', 'uid', 'gid'], classes: D },
  lchown: { args: ['path', 'uid', 'gid'], classes: F },
  fchownat: { args: ['dirfd', 'path', 'uid', 'gid', 'flags:at'], classes: FD },
  utimensat: { args: ['dirfd', 'path', 'in:utimens(=1)', 'flags:at'], classes: FD },
  truncate: { args: ['path', 'off'], classes: F },
  umask: { args: ['mode'], ret: 'mode' },
  fsync: { args: ['fd'], classes: D },
  fdatasync: { args: ['fd'], classes: D },
  sync: { args: [] },
  syncfs: { args: ['fd'], classes: D },
  ftruncate: { args: ['fd', 'off'], classes: D },
  fallocate: { args: ['fd', 'flags:fallocate', 'off', 'off'], classes: D },
  fadvise64: { args: ['fd', 'off', 'size', 'enum:fadvise'], classes: D },
  // data moved inside the kernel: the bytes a call took from a regular file are read back from
  // it at exit (`moves`); the loff_t offsets are read at entry, as strace prints them (strace
  // shows sendfile's with its value at exit too: `[5] => [1005]` in strace 6, `[5 => 1005]` in
  // strace 7, whose test suite is the yardstick: the u64 decoder prints the latter for an inout
  // capture)
  sendfile: { args: ['fd', 'fd', 'inout:u64(=1)', 'size'], ret: 'size', classes: ND, moves: { from: 1, off: 2 } },
  splice: { args: ['fd', 'in:loff(=1)', 'fd', 'in:loff(=1)', 'size', 'flags:splice'], ret: 'size', classes: D, moves: { from: 0, off: 1 } },
  // tee's source is a pipe, whose bytes cannot be read again
  tee: { args: ['fd', 'fd', 'size', 'flags:splice'], ret: 'size', classes: D },
  vmsplice: { args: ['fd', 'in:iov(2)', 'ulong', 'flags:splice'], ret: 'size', classes: D },
  copy_file_range: { args: ['fd', 'in:loff(=1)', 'fd', 'in:loff(=1)', 'size', 'uint'], ret: 'size', classes: D, moves: { from: 0, off: 1 } },
  getxattr: { args: ['path', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: F },
  lgetxattr: { args: ['path', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: F },
  fgetxattr: { args: ['fd', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: D },
  setxattr: { args: ['path', 'str', 'in:xattr(3)', 'size', 'flags:xattr'], classes: F },
  fsetxattr: { args: ['fd', 'str', 'in:xattr(3)', 'size', 'flags:xattr'], classes: D },
  listxattr: { args: ['path', 'out:xattr_list_at(ret)', 'size'], ret: 'size', classes: F },
  flistxattr: { args: ['fd', 'out:xattr_list_at(ret)', 'size'], ret: 'size', classes: D },
  removexattr: { args: ['path', 'str'], classes: F },
  inotify_init1: { args: ['flags:inotify_init'], ret: 'fd', classes: D },
  inotify_add_watch: { args: ['fd', 'path', 'flags:inotify_mask'], classes: FD },
  inotify_rm_watch: { args: ['fd', 'int'], classes: D },
  memfd_create: { args: ['in:mfdname(=250)', 'mfdflags'], ret: 'fd', classes: D },
  mount: { args: ['path', 'path', 'str', 'mountflags', 'str'], classes: F },
  umount2: { args: ['path', 'flags:umount'], classes: F },
  // memory
  mmap: { args: ['ptr', 'size', 'flags:mmap_prot', 'flags:mmap', 'fd', 'hex'], ret: 'hex', classes: ['%memory', '%desc'] },
  munmap: { args: ['ptr', 'size'], classes: M },
  mprotect: { args: ['ptr', 'size', 'flags:mmap_prot'], classes: M },
  brk: { args: ['ptr'], ret: 'hex', classes: M },
  madvise: { args: ['ptr', 'size', 'enum:madvise'], classes: M },
  mremap: { args: ['ptr', 'size', 'size', 'flags:mremap', 'ptr'], ret: 'hex', classes: M },
  msync: { args: ['ptr', 'size', 'flags:msync'], classes: M },
  // the vector: a byte a page, at most 4096 of them read
  mincore: { args: ['ptr', 'size', 'out:mincore_vec(=4096)'], classes: M },
  mlock: { args: ['ptr', 'size'], classes: M },
  munlock: { args: ['ptr', 'size'], classes: M },
  mlock2: { args: ['ptr', 'size', 'flags:mlock2'], classes: M },
  mlockall: { args: ['flags:mlockall'], classes: M },
  munlockall: { args: [], classes: M },
  membarrier: { args: ['enum:membarrier', 'flags:membarrier_flags', 'int'] },
  // processes
  execve: { args: ['path', 'argv', 'envp'], classes: ['%file', '%process'] },
  execveat: { args: ['dirfd', 'path', 'argv', 'envp', 'flags:at'], classes: ['%file', '%desc', '%process'] },
  clone: { args: ['flags:clone', 'ptr', 'ptr', 'ptr', 'hex'], ret: 'pid', classes: P },
  // struct clone_args as long as the size says (decode/clone3.ts; set_tid: pointees.ts)
  clone3: { args: ['inout:clone3_args(1)', 'size'], ret: 'pid', classes: P },
  fork: { args: [], ret: 'pid', classes: P },
  vfork: { args: [], ret: 'pid', classes: P },
  exit: { args: ['int'], classes: P },
  exit_group: { args: ['int'], classes: P },
  wait4: { args: ['pid', 'out:wstatus(=1)', 'flags:wait', 'out:wrusage(=1)'], ret: 'pid', classes: P },
  waitid: { args: ['enum:idtype', 'int', 'out:siginfo(=1)', 'flags:wait', 'out:rusage(=1)'], classes: P },
  kill: { args: ['pid', 'signo'], classes: ['%signal', '%process'] },
  tkill: { args: ['pid', 'signo'], classes: ['%signal', '%process'] },
  tgkill: { args: ['pid', 'pid', 'signo'], classes: ['%signal', '%process'] },
  pidfd_open: { args: ['pid', 'flags:pidfd'], ret: 'fd', classes: ['%desc', '%process'] },
  pidfd_send_signal: { args: ['fd', 'signo', 'in:siginfo(=1)', 'flags:pidfd_send_signal'], classes: ['%desc', '%signal', '%process'] },
  unshare: { args: ['flags:unshare'], classes: P },
  setns: { args: ['fd', 'flags:setns'], classes: D },
  getpid: { args: [], ret: 'pid' },
  getppid: { args: [], ret: 'pid' },
  gettid: { args: [], ret: 'pid' },
  getpgrp: { args: [], ret: 'pid' },
  getpgid: { args: ['pid'], ret: 'pid' },
  setpgid: { args: ['pid', 'pid'] },
  getsid: { args: ['pid'], ret: 'pid' },
  setsid: { args: [], ret: 'pid' },
  set_tid_address: { args: ['ptr'], ret: 'pid' },
  set_robust_list: { args: ['ptr', 'size'] },
  get_robust_list: { args: ['pid', 'out:hexptr(=1)', 'out:u64(=1)'] },
  rseq: { args: ['ptr', 'hex', 'int', 'hex'] },
  arch_prctl: { args: ['enum:arch_prctl', 'hex'], classes: P },
  prctl: { args: ['enum:prctl', 'hex', 'hex', 'hex', 'hex'] },
  prlimit64: { args: ['pid', 'enum:rlimit', 'in:rlimit(=1)', 'out:rlimit(=1)'] },
  getrlimit: { args: ['enum:rlimit', 'out:rlimit(=1)'] },
  setrlimit: { args: ['enum:rlimit', 'in:rlimit(=1)'] },
  getrusage: { args: ['enum:rusage_who', 'out:rusage(=1)'] },
  times: { args: ['out:tms(=1)'], ret: 'ulong' },
  getpriority: { args: ['enum:priority_which', 'int'] },
  setpriority: { args: ['enum:priority_which', 'int', 'int'] },
  sched_getscheduler: { args: ['pid'], ret: 'policy' },
  sched_setscheduler: { args: ['pid', 'policy', 'in:sched_param(=1)'] },
  sched_getparam: { args: ['pid', 'out:sched_param(=1)'] },
  sched_get_priority_max: { args: ['enum:sched_policy'] },
  sched_get_priority_min: { args: ['enum:sched_policy'] },
  uname: { args: ['out:utsname(=1)'] },
  sysinfo: { args: ['out:sysinfo(=1)'] },
  personality: { args: ['enum:personality'], ret: 'hex' },
  futex: { args: ['ptr', 'flags:futex', 'int', 'ptr', 'ptr', 'hex'] },
  sched_yield: { args: [] },
  sched_getaffinity: { args: ['pid', 'uint', 'out:cpuset(ret)'] },
  sched_setaffinity: { args: ['pid', 'uint', 'in:cpuset(1)'] },
  getrandom: { args: ['out:hexbuf(ret)', 'size', 'flags:getrandom'], ret: 'size', content: true },
  // the third argument's bytes, at entry and exit, for the operations that point to something
  // (VARIANTS: a filter program, an action, the notification sizes); the others, an address
  seccomp: { args: ['enum:seccomp_op', 'hex32', 'inout:seccomp_args(=16)'] },
  // the address and data by request (decode/ptrace.ts): the data's bytes at entry and exit
  ptrace: { args: ['enum:ptrace', 'pid', 'hex', 'inout:ptrace_data(=1)'] },
  capget: { args: ['in:cap_user_header(=1)', 'ptr'], classes: C },
  capset: { args: ['in:cap_user_header(=1)', 'ptr'], classes: C },
  // signals
  rt_sigaction: { args: ['signo', 'in:sigaction(=1)', 'out:sigaction(=1)', 'size'], classes: S },
  rt_sigprocmask: { args: ['enum:sigprocmask', 'in:sigset(3)', 'out:sigset(3)', 'size'], classes: S },
  rt_sigreturn: { args: [], classes: S },
  rt_sigpending: { args: ['out:pendset(1)', 'size'], classes: S },
  rt_sigsuspend: { args: ['in:sigset(1)', 'size'], classes: S },
  rt_sigtimedwait: { args: ['in:sigset(3)', 'out:siginfo(=1)', 'in:timespec(=1)', 'size'], ret: 'signo', classes: S },
  rt_sigqueueinfo: { args: ['pid', 'signo', 'in:siginfo(=1)'], classes: S },
  sigaltstack: { args: ['in:stack_t(=1)', 'out:stack_t(=1)'], classes: S },
  pause: { args: [], classes: S },
  alarm: { args: ['uint'], ret: 'uint' },
  signalfd4: { args: ['fd', 'in:sigset(2)', 'size', 'flags:signalfd'], ret: 'fd', classes: ['%desc', '%signal'] },
  // time
  clock_gettime: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL, content: true },
  clock_settime: { args: ['enum:clock', 'in:timespec(=1)'], classes: CL },
  clock_getres: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL },
  gettimeofday: { args: ['out:timeval(=1)', 'out:timezone(=1)'], classes: CL, content: true },
  settimeofday: { args: ['in:timeval(=1)', 'in:timezone(=1)'], classes: CL },
  time: { args: ['out:time_t(=1)'], ret: 'time', classes: CL, content: true },
  nanosleep: { args: ['in:timespec(=1)', 'out:remts(=1)'] },
  clock_nanosleep: { args: ['enum:clock', 'flags:timer', 'in:timespec(=1)', 'out:remts(=1)'] },
  getitimer: { args: ['enum:itimer', 'out:itimerval(=1)'] },
  setitimer: { args: ['enum:itimer', 'in:itimerval(=1)', 'out:itimerval(=1)'] },
  timerfd_create: { args: ['enum:clock', 'flags:timerfd_create'], ret: 'fd', classes: D },
  timerfd_settime: { args: ['fd', 'flags:timerfd_settime', 'in:itimerspec(=1)', 'out:itimerspec(=1)'], classes: D },
  timerfd_gettime: { args: ['fd', 'out:itimerspec(=1)'], classes: D },
  // polling
  // the counts are the registers' low halves (iN: garbage above them does not count)
  poll: { args: ['inout:pollfd(i1)', 'uint', 'int'], ret: 'pollret', classes: D },
  // (the timeout as given; the time left after the result)
  ppoll: { args: ['inout:pollfd(i1)', 'uint', 'inout:seltimespec(=1)', 'in:sigset(4)', 'size'], ret: 'pollret', classes: D },
  // fd sets: nfds bytes read (at least the (nfds + 7) / 8 the bits take), at entry and exit; the
  // timeout also at exit, for the time left
  select: { args: ['int', 'inout:fdset(i0)', 'inout:fdset(i0)', 'inout:fdset(i0)', 'inout:seltimeval(=1)'], ret: 'selret', classes: D },
  pselect6: { args: ['int', 'inout:fdset(i0)', 'inout:fdset(i0)', 'inout:fdset(i0)', 'inout:seltimespec(=1)', 'in:sigset_pair(=16)'], ret: 'selret', classes: D },
  epoll_create: { args: ['int'], ret: 'fd', classes: D },
  epoll_create1: { args: ['flags:epoll_create'], ret: 'fd', classes: D },
  epoll_ctl: { args: ['fd', 'enum:epoll_ctl', 'fd', 'in:epoll_event(=1)'], classes: D },
  epoll_wait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int'], classes: D },
  // strace reads the timeout and the mask at exit: a failed call's print as addresses
  epoll_pwait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int', 'out:sigset(5)', 'size'], classes: D },
  epoll_pwait2: { args: ['fd', 'out:epoll_event(ret)', 'int', 'out:timespec(=1)', 'out:sigset(5)', 'size'], classes: D },
  eventfd: { args: ['uint'], ret: 'fd', classes: D },
  eventfd2: { args: ['uint', 'flags:eventfd'], ret: 'fd', classes: D },
  // sockets
  socket: { args: ['enum:socket_domain', 'flags:socket_type', 'int'], ret: 'fd', classes: N, links: 'ret' },
  socketpair: { args: ['enum:socket_domain', 'flags:socket_type', 'int', 'out:int2(=1)'], classes: N, links: { at: 3 } },
  connect: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  bind: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  listen: { args: ['fd', 'int'], classes: ND },
  accept: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], ret: 'fd', classes: ND, links: 'ret' },
  accept4: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)', 'flags:socket_flags'], ret: 'fd', classes: ND, links: 'ret' },
  getsockname: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], classes: ND },
  getpeername: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], classes: ND },
  sendto: { args: ['fd', 'in:buf(2)', 'size', 'flags:msg', 'in:sockaddr(5)', 'uint'], ret: 'size', classes: ND },
  recvfrom: { args: ['fd', 'out:buf(ret)', 'size', 'flags:msg', 'out:sockaddr(*5)', 'inout:int(=1)'], ret: 'size', classes: ND, content: true },
  sendmsg: { args: ['fd', 'in:msghdr', 'flags:msg'], ret: 'size', classes: ND },
  recvmsg: { args: ['fd', 'inout:msghdr', 'flags:msg'], ret: 'size', classes: ND, content: true },
  sendmmsg: { args: ['fd', 'out:mmsgsend(2)', 'uint', 'flags:msg'], classes: ND },
  // the timeout as given, and as the kernel left it (`= 1 (left {...})`)
  recvmmsg: { args: ['fd', 'inout:mmsgrecv(2)', 'uint', 'flags:msg', 'inout:seltimespec(=1)'], ret: 'mmsgret', classes: ND },
  shutdown: { args: ['fd', 'enum:shutdown'], classes: ND },
  setsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'in:sockopt(4)', 'int'], classes: ND },
  getsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'out:sockopt(*4)', 'inout:optlen(=1)'], classes: ND },
  // IPC
  shmget: { args: ['int', 'size', 'flags:ipc_flags'], classes: I },
  shmat: { args: ['int', 'ptr', 'flags:shmat'], ret: 'hex', classes: ['%ipc', '%memory'] },
  shmdt: { args: ['ptr'], classes: ['%ipc', '%memory'] },
  shmctl: { args: ['int', 'enum:ipc_cmd', 'ptr'], classes: I },
  semget: { args: ['int', 'int', 'flags:ipc_flags'], classes: I },
  semop: { args: ['int', 'in:sembuf(2)', 'uint'], classes: I },
  semctl: { args: ['int', 'int', 'enum:ipc_cmd', 'hex'], classes: I },
  msgget: { args: ['int', 'flags:ipc_flags'], classes: I },
  msgsnd: { args: ['int', 'ptr', 'size', 'flags:msg_ipc'], classes: I },
  msgrcv: { args: ['int', 'ptr', 'size', 'long', 'flags:msg_ipc'], ret: 'size', classes: I },
  msgctl: { args: ['int', 'enum:ipc_cmd', 'ptr'], classes: I },
  mq_open: { args: ['path', 'flags:open', 'mode', 'in:mq_attr(=1)'], ret: 'fd', classes: D },
  mq_unlink: { args: ['path'] },
  // identity
  getuid: { args: [], ret: 'uid', classes: C },
  geteuid: { args: [], ret: 'uid', classes: C },
  getgid: { args: [], ret: 'gid', classes: C },
  getegid: { args: [], ret: 'gid', classes: C },
  setuid: { args: ['uid'], classes: C },
  setgid: { args: ['gid'], classes: C },
  setreuid: { args: ['uid', 'uid'], classes: C },
  setregid: { args: ['gid', 'gid'], classes: C },
  setresuid: { args: ['uid', 'uid', 'uid'], classes: C },
  setresgid: { args: ['gid', 'gid', 'gid'], classes: C },
  getresuid: { args: ['out:int(=1)', 'out:int(=1)', 'out:int(=1)'], classes: C },
  getresgid: { args: ['out:int(=1)', 'out:int(=1)', 'out:int(=1)'], classes: C },
  getgroups: { args: ['int', 'out:u32(ret)'], classes: C },
  setgroups: { args: ['int', 'in:u32(i0)'], classes: C },
  setfsuid: { args: ['uid'], classes: C },
  setfsgid: { args: ['gid'], classes: C },
  sethostname: { args: ['in:utsname_field(1)', 'int'] },
  setdomainname: { args: ['in:utsname_field(1)', 'int'] },

  // ---- the rest of the x86-64 table: every syscall has a row, none prints as raw registers ----
  // files
  utime: { args: ['path', 'in:utimbuf(=1)'], classes: F },
  utimes: { args: ['path', 'in:timeval2(=1)'], classes: F },
  futimesat: { args: ['dirfd', 'path', 'in:timeval2(=1)'], classes: FD },
  uselib: { args: ['path'], classes: F },
  ustat: { args: ['dev32', 'ptr'] },
  sysfs: { args: ['int', 'hex', 'hex'] },
  pivot_root: { args: ['path', 'path'], classes: F },
  acct: { args: ['path'], classes: F },
  swapon: { args: ['path', 'swapflags'], classes: F },
  swapoff: { args: ['path'], classes: F },
  // the fourth argument's bytes at entry and exit, read as each command's data (VARIANTS)
  quotactl: { args: ['qcmd', 'path', 'uid', 'inout:quota_data(=160)'], classes: F },
  quotactl_fd: { args: ['fd', 'qcmd', 'uid', 'inout:quota_data(=160)'], classes: D },
  readahead: { args: ['fd', 'off', 'size'], classes: D },
  lsetxattr: { args: ['path', 'str', 'in:xattr(3)', 'size', 'flags:xattr'], classes: F },
  llistxattr: { args: ['path', 'out:xattr_list_at(ret)', 'size'], ret: 'size', classes: F },
  lremovexattr: { args: ['path', 'str'], classes: F },
  fremovexattr: { args: ['fd', 'str'], classes: D },
  lookup_dcookie: { args: ['u64', 'ptr', 'size'] },
  sync_file_range: { args: ['fd', 'off', 'off', 'flags:sync_file_range'], classes: D },
  inotify_init: { args: [], ret: 'fd', classes: D },
  fanotify_init: { args: ['flags:fan_init', 'flags:open'], ret: 'fd', classes: D },
  fanotify_mark: { args: ['fd', 'flags:fan_mark', 'flags:fan_event', 'fanfd', 'path'], classes: FD },
  // struct file_handle: its header and 128 bytes of the handle (decode/file_handle.ts; the
  // kernel's answer at exit: FILE_HANDLE_CAPTURES)
  name_to_handle_at: { args: ['dirfd', 'path', 'in:file_handle_out(=136)', 'out:int(=1)', 'flags:name_to_handle_at'], classes: FD },
  open_by_handle_at: { args: ['fd', 'in:file_handle(=136)', 'flags:open'], ret: 'fd', classes: D },
  open_tree: { args: ['dirfd', 'path', 'flags:open_tree'], ret: 'fd', classes: FD },
  move_mount: { args: ['dirfd', 'path', 'dirfd', 'path', 'flags:move_mount'], classes: FD },
  fsopen: { args: ['str', 'flags:fsopen'], ret: 'fd', classes: D },
  // the key and value as each command has them (decode/kstr.ts; aux: VARIANTS)
  fsconfig: { args: ['fd', 'enum:fsconfig', 'in:fsconfig_key(=256)', 'in:fsconfig_value(=4096)', 'int'], classes: FD },
  fsmount: { args: ['fd', 'flags:fsmount', 'flags:fsmount_attr'], ret: 'fd', classes: D },
  fspick: { args: ['dirfd', 'path', 'flags:fspick'], ret: 'fd', classes: FD },
  // struct mount_attr as long as the size says (decode/mount_attr.ts)
  mount_setattr: { args: ['dirfd', 'path', 'flags:mount_setattr_flags', 'in:mount_attr(4)', 'size'], classes: FD },
  signalfd: { args: ['fd', 'in:sigset(2)', 'size'], ret: 'fd', classes: ['%desc', '%signal'] },
  // memory
  remap_file_pages: { args: ['ptr', 'size', 'flags:mmap_prot64', 'size', 'mapflags'], classes: M },
  // node masks: 512 bytes at most are read (strace prints -s words of them, 32 by default)
  mbind: { args: ['ptr', 'size', 'mpol', 'in:nodemask(=512)', 'ulong', 'flags:mbind'], classes: M },
  set_mempolicy: { args: ['mpol32', 'in:nodemask(=512)', 'ulong'], classes: M },
  get_mempolicy: { args: ['out:mpol_int(=1)', 'out:nodemask(=512)', 'ulong', 'ptr', 'flags:get_mempolicy'], classes: M },
  set_mempolicy_home_node: { args: ['ptr', 'size', 'ulong', 'hex'], classes: M },
  migrate_pages: { args: ['pid', 'ulong', 'in:nodemask1(=512)', 'in:nodemask1(=512)'], classes: M },
  move_pages: { args: ['pid', 'ulong', 'in:ptrarr(1)', 'in:intarr(1)', 'out:statusarr(1)', 'flags:move_pages'], classes: M },
  pkey_mprotect: { args: ['ptr', 'size', 'flags:pkey_prot', 'int'], classes: M },
  pkey_alloc: { args: ['hex', 'flags:pkey_access'] },
  pkey_free: { args: ['int'] },
  memfd_secret: { args: ['flags:memfd_secret'], ret: 'fd', classes: D },
  process_madvise: { args: ['fd', 'in:iovaddr(2)', 'size', 'enum:madvise', 'hex32'], classes: D },
  process_mrelease: { args: ['fd', 'hex32'], classes: D },
  // the kernel's result is an int: -errno in the register's low half (ret 'ldtret')
  modify_ldt: { args: ['int', 'in:user_desc(=16)', 'ulong'], ret: 'ldtret' },
  set_thread_area: { args: ['ptr'] },
  get_thread_area: { args: ['ptr'] },
  // processes, scheduling
  sched_setparam: { args: ['pid', 'in:sched_param(=1)'] },
  sched_rr_get_interval: { args: ['pid', 'out:timespec(=1)'] },
  // struct sched_attr (decode/sched_attr.ts): setattr's read also after an E2BIG, which writes the
  // size the kernel wants
  sched_setattr: { args: ['pid', 'inout:sched_attr_set(=56)', 'hex32'] },
  sched_getattr: { args: ['pid', 'out:sched_attr_get(=56)', 'uint', 'flags:sched_getattr'] },
  getcpu: { args: ['out:u32(=1)', 'out:u32(=1)', 'ptr'] },
  // the second index points to a slot for KCMP_EPOLL_TFD (VARIANTS: what each type takes)
  kcmp: { args: ['pid', 'pid', 'enum:kcmp', 'hex', 'in:kcmp_epoll_slot(=12)'] },
  ioprio_set: { args: ['enum:ioprio_who', 'int', 'ioprio'] },
  ioprio_get: { args: ['enum:ioprio_who', 'int'], ret: 'ioprio' },
  process_vm_readv: { args: ['pid', 'in:iovaddr(2)', 'ulong', 'in:iovaddr(4)', 'ulong', 'ulong'] },
  process_vm_writev: { args: ['pid', 'in:iovaddr(2)', 'ulong', 'in:iovaddr(4)', 'ulong', 'ulong'] },
  pidfd_getfd: { args: ['fd', 'pidfd_target', 'hex32'], ret: 'fd', classes: D },
  restart_syscall: { args: [] },
  vhangup: { args: [] },
  // struct perf_event_attr: the 144 bytes strace knows, at entry (decode/perf_event.ts)
  perf_event_open: { args: ['in:perf_attr(=144)', 'pid', 'int', 'fd', 'flags:perf_event_open'], ret: 'fd', classes: D },
  userfaultfd: { args: ['flags:uffd'], ret: 'fd', classes: D },
  bpf: { args: ['enum:bpf_cmd', 'inout:bpf_attr(2)', 'uint'], classes: D },
  landlock_create_ruleset: { args: ['in:landlock_attr(1)', 'size', 'flags:landlock_create'], ret: 'fd', classes: D },
  // the rule's bytes, read as its type says (VARIANTS)
  landlock_add_rule: { args: ['fd', 'enum:landlock_rule', 'in:landlock_rule_attr(=16)', 'flags:landlock_add_rule'], classes: D },
  landlock_restrict_self: { args: ['fd', 'hex32'], classes: D },
  // system
  syslog: { args: ['enum:syslog', 'ptr', 'int'] },
  _sysctl: { args: ['in:sysctl_args(=80)'] },
  // the struct as the kernel left it, and the clock's state (decode/time_misc.ts)
  adjtimex: { args: ['out:timex(=208)'], ret: 'state:adjtimex_state', classes: CL },
  clock_adjtime: { args: ['enum:clock', 'ptr'], classes: CL },
  // (the restart command's string as the kernel copies it: 255 bytes at most; decode/kstr.ts)
  reboot: { args: ['enum:reboot_magic', 'enum:reboot_magic2', 'enum:reboot_cmd', 'in:reboot_arg(=255)'] },
  iopl: { args: ['int'] },
  ioperm: { args: ['hex', 'hex', 'int'] },
  create_module: { args: ['str', 'size'] },
  init_module: { args: ['ptr', 'ulong', 'str'] },
  finit_module: { args: ['fd', 'str', 'flags:module_init'], classes: D },
  delete_module: { args: ['str', 'flags:delete_module'] },
  get_kernel_syms: { args: ['ptr'] },
  query_module: { args: ['str', 'int', 'ptr', 'size', 'ptr'] },
  kexec_load: { args: ['ptr', 'ulong', 'in:kexec_segments(1)', 'kexec_flags'] },
  kexec_file_load: { args: ['fd', 'fd', 'ulong', 'in:buf(2)', 'flags:kexec_file_load'], classes: D },
  add_key: { args: ['str', 'str', 'in:buf(3)', 'size', 'enum:keyspec'] },
  request_key: { args: ['str', 'str', 'str', 'enum:keyspec'] },
  keyctl: { args: ['enum:keyctl', 'hex', 'hex', 'hex', 'hex'] },
  // asynchronous I/O
  io_setup: { args: ['uint', 'out:hexptr(=1)'] },
  io_destroy: { args: ['hex'] },
  // the events as many as returned, 32 bytes each; io_cancel's iocb and result (decode/aio.ts)
  io_getevents: { args: ['hex', 'long', 'long', 'out:io_events(ret)', 'in:timespec(=1)'] },
  io_pgetevents: { args: ['hex', 'long', 'long', 'out:io_events(ret)', 'in:timespec(=1)', 'in:sigset_pair(=16)'] },
  io_submit: { args: ['hex', 'long', 'ptr'] },
  io_cancel: { args: ['hex', 'in:iocb_head(=1)', 'out:io_event(=1)'] },
  // struct io_uring_params: the program's part at entry, the kernel's at exit (decode/io_uring.ts)
  io_uring_setup: { args: ['uint', 'inout:uring_params(=120)'], ret: 'fd', classes: D },
  // the signal mask (sigsetsize bytes, decoded when 8), or with IORING_ENTER_EXT_ARG a struct
  // io_uring_getevents_arg (VARIANTS): 24 bytes read either way, the struct's mask and timeout
  // through pointees.ts
  io_uring_enter: { args: ['fd', 'uint', 'uint', 'flags:uring_enter', 'in:uring_sigset(=24)', 'size'], classes: D },
  // the argument by opcode (decode/io_uring.ts): its first bytes (a page and an element) at
  // entry; what its structs point to and what the kernel writes back, pointees.ts (an exit
  // capture there: replay writes nothing back, as before)
  io_uring_register: { args: ['fd', 'uring_op', 'in:uring_reg(=4112)', 'uint'], classes: D },
  // IPC, timers, signals
  semtimedop: { args: ['int', 'in:sembuf(2)', 'uint', 'in:timespec(=1)'], classes: I },
  mq_timedsend: { args: ['fd', 'in:buf(2)', 'size', 'uint', 'in:timespec(=1)'], classes: D },
  mq_timedreceive: { args: ['fd', 'out:buf(ret)', 'size', 'out:u32(=1)', 'in:timespec(=1)'], classes: D },
  mq_notify: { args: ['fd', 'in:sigevent(=1)'], classes: D },
  mq_getsetattr: { args: ['fd', 'in:mq_attr(=1)', 'out:mq_attr(=1)'], classes: D },
  timer_create: { args: ['enum:clock', 'in:sigevent(=1)', 'out:int(=1)'] },
  timer_settime: { args: ['int', 'flags:timer', 'in:itimerspec(=1)', 'out:itimerspec(=1)'] },
  timer_gettime: { args: ['int', 'out:itimerspec(=1)'] },
  timer_getoverrun: { args: ['int'] },
  timer_delete: { args: ['int'] },
  rt_tgsigqueueinfo: { args: ['pid', 'pid', 'signo', 'in:siginfo(=1)'], classes: S },
  futex_waitv: { args: ['in:futex_waiters(i1)', 'uint', 'hex32', 'in:timespec(=1)', 'enum:clock'] },
  // ---- newer than the installed headers (syscall-names.ts) ----
  cachestat: { args: ['fd', 'in:cachestat_range(=1)', 'out:cachestat(=1)', 'hex32'], classes: D },
  fchmodat2: { args: ['dirfd', 'path', 'mode', 'flags:at_xattr'], classes: FD },
  map_shadow_stack: { args: ['ptr', 'size', 'flags:shadow_stack'], ret: 'hex', classes: M },
  futex_wake: { args: ['ptr', 'enum:futex2_mask', 'int', 'flags:futex2'] },
  futex_wait: { args: ['ptr', 'ulong', 'enum:futex2_mask', 'flags:futex2', 'in:timespec(=1)', 'enum:clock'] },
  futex_requeue: { args: ['in:futex_waitv(=2)', 'hex32', 'int', 'int'] },
  mseal: { args: ['hex', 'size', 'hex'], classes: M },
  listxattrat: { args: ['dirfd', 'path', 'flags:at_xattr', 'out:xattr_list_at(ret)', 'uint'], ret: 'size', classes: FD },
  removexattrat: { args: ['dirfd', 'path', 'flags:at_xattr', 'str'], classes: FD },
  // the struct's size is the fourth argument: strace prints the address when it is below the
  // first version's (24) or above a page, and the bytes past the struct it knows when not zero
  file_getattr: { args: ['dirfd', 'path', 'out:file_attr(3)', 'size', 'flags:at_xattr'], classes: FD },
  file_setattr: { args: ['dirfd', 'path', 'in:file_attr(3)', 'size', 'flags:at_xattr'], classes: FD },
  rseq_slice_yield: { args: [] },
  // their structures are printed as addresses for now (a request's size field, a value pointer
  // inside xattr_args need captures this table cannot say)
  // the requests as long as their first field says (decode/mount_req.ts)
  // the answer as long as the size argument says (decode/statmount.ts)
  statmount: { args: ['in:mnt_id_req_stat(*0)', 'out:statmount_buf(2)', 'size', 'flags:statmount'] },
  listmount: { args: ['in:mnt_id_req_list(*0)', 'out:id_array(ret)', 'size', 'flags:listmount'] },
  listns: { args: ['in:ns_id_req(*0)', 'out:id_array(ret)', 'size', 'hex32'] },
  // the contexts (a page: the header is read whatever the size) and the ids as long as the size
  // behind the pointer says (decode/lsm.ts)
  lsm_get_self_attr: { args: ['enum:lsm_attr', 'inout:lsm_ctx_get(=4096)', 'inout:lsm_size(=4)', 'flags:lsm_flags'] },
  lsm_set_self_attr: { args: ['enum:lsm_attr', 'in:lsm_ctx_set(2)', 'uint', 'hex32'] },
  lsm_list_modules: { args: ['out:lsm_ids(ret)', 'inout:lsm_size(=4)', 'hex32'] },
  // struct xattr_args as long as the size says, and its value (decode/xattr_args.ts; pointees.ts)
  setxattrat: { args: ['dirfd', 'path', 'flags:at_xattr', 'str', 'in:xattr_args_set(5)', 'size'], classes: FD },
  getxattrat: { args: ['dirfd', 'path', 'flags:at_xattr', 'str', 'inout:xattr_args_get(5)', 'size'], classes: FD },
  open_tree_attr: { args: ['dirfd', 'path', 'flags:open_tree', 'in:mount_attr(4)', 'size'], ret: 'fd', classes: FD },
  // not implemented by the kernel: strace prints their registers as they are
  nfsservctl: { args: ['hex', 'hex', 'hex'] },
  getpmsg: { args: ['hex', 'hex', 'hex', 'hex', 'hex'] },
  putpmsg: { args: ['hex', 'hex', 'hex', 'hex', 'hex'] },
  afs_syscall: { args: ['hex', 'hex', 'hex', 'hex', 'hex'] },
  tuxcall: { args: ['hex', 'hex', 'hex'] },
  security: { args: ['hex', 'hex', 'hex'] },
  vserver: { args: ['hex', 'hex', 'hex', 'hex', 'hex'] },
  epoll_ctl_old: { args: ['hex', 'hex', 'hex', 'hex'] },
  epoll_wait_old: { args: ['hex', 'hex', 'hex', 'hex'] },
};
