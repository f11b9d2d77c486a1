/**
 * Syscall signatures: one row per syscall, as data (strace's syscall entry tables are the model).
 *
 * An argument is a type name, optionally with a capture:
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
  utsname: 390,
  sysinfo: 112,
  sigaction: 32,
  sigset: 8,
  siginfo: 128,
  tms: 32,
  sched_param: 4,
  cap_user_header: 8,
  cap_user_data: 24,
  stack_t: 24,
  time_t: 8,
  u64: 8,
  u32: 4,
  int: 4,
  mmsghdr: 64,
  clone_args: 88,
  open_how: 24,
  rseq: 32,
  robust_list_head: 24,
  sockaddr: 1,
  wstatus: 4,
  remts: 16,
  statfs64: 120,
  buf: 1,
  dirents: 1,
  xattr: 1,
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
  readv: { args: ['fd', 'inout:iov(2)', 'int'], ret: 'size', classes: D, content: true },
  writev: { args: ['fd', 'in:iov(2)', 'int'], ret: 'size', classes: D },
  preadv: { args: ['fd', 'inout:iov(2)', 'int', 'off'], ret: 'size', classes: D, content: true },
  pwritev: { args: ['fd', 'in:iov(2)', 'int', 'off'], ret: 'size', classes: D },
  preadv2: { args: ['fd', 'inout:iov(2)', 'int', 'off', 'flags:rwf'], ret: 'size', classes: D, content: true },
  pwritev2: { args: ['fd', 'in:iov(2)', 'int', 'off', 'flags:rwf'], ret: 'size', classes: D },
  open: { args: ['path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat: { args: ['dirfd', 'path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat2: { args: ['dirfd', 'path', 'in:open_how(=1)', 'size'], ret: 'fd', classes: FD },
  creat: { args: ['path', 'mode'], ret: 'fd', classes: FD },
  close: { args: ['fd'], classes: D },
  close_range: { args: ['fd', 'fd', 'flags:close_range'], classes: D },
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
  getdents64: { args: ['fd', 'out:dirents(ret)', 'size'], classes: D },
  getdents: { args: ['fd', 'ptr', 'size'], classes: D },
  getcwd: { args: ['out:pathbuf(ret)', 'size'], classes: F },
  chdir: { args: ['path'], classes: F },
  fchdir: { args: ['fd'], classes: D },
  chroot: { args: ['path'], classes: F },
  mkdir: { args: ['path', 'mode'], classes: F },
  mkdirat: { args: ['dirfd', 'path', 'mode'], classes: FD },
  mknod: { args: ['path', 'mode', 'hex'], classes: F },
  mknodat: { args: ['dirfd', 'path', 'mode', 'hex'], classes: FD },
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
  utimensat: { args: ['dirfd', 'path', 'ptr', 'flags:at'], classes: FD },
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
  // shows sendfile's as `[5] => [1005]`, its value at entry and at exit)
  sendfile: { args: ['fd', 'fd', 'in:u64(=1)', 'size'], ret: 'size', classes: ND, moves: { from: 1, off: 2 } },
  splice: { args: ['fd', 'in:u64(=1)', 'fd', 'in:u64(=1)', 'size', 'flags:splice'], ret: 'size', classes: D, moves: { from: 0, off: 1 } },
  // tee's source is a pipe, whose bytes cannot be read again
  tee: { args: ['fd', 'fd', 'size', 'flags:splice'], ret: 'size', classes: D },
  vmsplice: { args: ['fd', 'in:iov(2)', 'ulong', 'flags:splice'], ret: 'size', classes: D },
  copy_file_range: { args: ['fd', 'in:u64(=1)', 'fd', 'in:u64(=1)', 'size', 'uint'], ret: 'size', classes: D, moves: { from: 0, off: 1 } },
  getxattr: { args: ['path', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: F },
  lgetxattr: { args: ['path', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: F },
  fgetxattr: { args: ['fd', 'str', 'out:xattr(ret)', 'size'], ret: 'size', classes: D },
  setxattr: { args: ['path', 'str', 'in:xattr(3)', 'size', 'flags:xattr'], classes: F },
  fsetxattr: { args: ['fd', 'str', 'in:xattr(3)', 'size', 'flags:xattr'], classes: D },
  listxattr: { args: ['path', 'out:buf(ret)', 'size'], ret: 'size', classes: F },
  flistxattr: { args: ['fd', 'out:buf(ret)', 'size'], ret: 'size', classes: D },
  removexattr: { args: ['path', 'str'], classes: F },
  inotify_init1: { args: ['flags:inotify_init'], ret: 'fd', classes: D },
  inotify_add_watch: { args: ['fd', 'path', 'flags:inotify_mask'], classes: FD },
  inotify_rm_watch: { args: ['fd', 'int'], classes: D },
  memfd_create: { args: ['str', 'flags:memfd'], ret: 'fd', classes: D },
  mount: { args: ['path', 'path', 'str', 'flags:mount', 'ptr'], classes: F },
  umount2: { args: ['path', 'flags:umount'], classes: F },
  // memory
  mmap: { args: ['ptr', 'size', 'flags:mmap_prot', 'flags:mmap', 'fd', 'hex'], ret: 'hex', classes: ['%memory', '%desc'] },
  munmap: { args: ['ptr', 'size'], classes: M },
  mprotect: { args: ['ptr', 'size', 'flags:mmap_prot'], classes: M },
  brk: { args: ['ptr'], ret: 'hex', classes: M },
  madvise: { args: ['ptr', 'size', 'enum:madvise'], classes: M },
  mremap: { args: ['ptr', 'size', 'size', 'flags:mremap', 'ptr'], ret: 'hex', classes: M },
  msync: { args: ['ptr', 'size', 'flags:msync'], classes: M },
  mincore: { args: ['ptr', 'size', 'ptr'], classes: M },
  mlock: { args: ['ptr', 'size'], classes: M },
  munlock: { args: ['ptr', 'size'], classes: M },
  mlock2: { args: ['ptr', 'size', 'flags:mlock2'], classes: M },
  mlockall: { args: ['flags:mlockall'], classes: M },
  munlockall: { args: [], classes: M },
  membarrier: { args: ['enum:membarrier', 'uint', 'int'] },
  // processes
  execve: { args: ['path', 'argv', 'envp'], classes: ['%file', '%process'] },
  execveat: { args: ['dirfd', 'path', 'argv', 'envp', 'flags:at'], classes: ['%file', '%desc', '%process'] },
  clone: { args: ['flags:clone', 'ptr', 'ptr', 'ptr', 'hex'], ret: 'pid', classes: P },
  clone3: { args: ['in:clone_args(=1)', 'size'], ret: 'pid', classes: P },
  fork: { args: [], ret: 'pid', classes: P },
  vfork: { args: [], ret: 'pid', classes: P },
  exit: { args: ['int'], classes: P },
  exit_group: { args: ['int'], classes: P },
  wait4: { args: ['pid', 'out:wstatus(=1)', 'flags:wait', 'out:rusage(=1)'], ret: 'pid', classes: P },
  waitid: { args: ['enum:idtype', 'int', 'out:siginfo(=1)', 'flags:wait', 'out:rusage(=1)'], classes: P },
  kill: { args: ['pid', 'signo'], classes: ['%signal', '%process'] },
  tkill: { args: ['pid', 'signo'], classes: ['%signal', '%process'] },
  tgkill: { args: ['pid', 'pid', 'signo'], classes: ['%signal', '%process'] },
  pidfd_open: { args: ['pid', 'flags:pidfd'], ret: 'fd', classes: ['%desc', '%process'] },
  pidfd_send_signal: { args: ['fd', 'signo', 'ptr', 'uint'], classes: ['%desc', '%signal', '%process'] },
  unshare: { args: ['flags:unshare'], classes: P },
  setns: { args: ['fd', 'flags:unshare'], classes: D },
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
  get_robust_list: { args: ['pid', 'ptr', 'ptr'] },
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
  sched_getscheduler: { args: ['pid'] },
  sched_setscheduler: { args: ['pid', 'enum:sched_policy', 'in:sched_param(=1)'] },
  sched_getparam: { args: ['pid', 'out:sched_param(=1)'] },
  sched_get_priority_max: { args: ['enum:sched_policy'] },
  sched_get_priority_min: { args: ['enum:sched_policy'] },
  uname: { args: ['out:utsname(=1)'] },
  sysinfo: { args: ['out:sysinfo(=1)'] },
  personality: { args: ['enum:personality'], ret: 'hex' },
  futex: { args: ['ptr', 'flags:futex', 'int', 'ptr', 'ptr', 'hex'] },
  sched_yield: { args: [] },
  sched_getaffinity: { args: ['pid', 'size', 'out:buf(ret)'] },
  sched_setaffinity: { args: ['pid', 'size', 'in:buf(1)'] },
  getrandom: { args: ['out:hexbuf(ret)', 'size', 'flags:getrandom'], ret: 'size', content: true },
  seccomp: { args: ['enum:seccomp_op', 'uint', 'ptr'] },
  ptrace: { args: ['enum:ptrace', 'pid', 'hex', 'hex'] },
  capget: { args: ['in:cap_user_header(=1)', 'ptr'], classes: C },
  capset: { args: ['in:cap_user_header(=1)', 'ptr'], classes: C },
  // signals
  rt_sigaction: { args: ['signo', 'in:sigaction(=1)', 'out:sigaction(=1)', 'size'], classes: S },
  rt_sigprocmask: { args: ['enum:sigprocmask', 'in:sigset(=1)', 'out:sigset(=1)', 'size'], classes: S },
  rt_sigreturn: { args: [], classes: S },
  rt_sigpending: { args: ['out:sigset(=1)', 'size'], classes: S },
  rt_sigsuspend: { args: ['in:sigset(=1)', 'size'], classes: S },
  rt_sigtimedwait: { args: ['in:sigset(=1)', 'out:siginfo(=1)', 'in:timespec(=1)', 'size'], classes: S },
  rt_sigqueueinfo: { args: ['pid', 'signo', 'in:siginfo(=1)'], classes: S },
  sigaltstack: { args: ['in:stack_t(=1)', 'out:stack_t(=1)'], classes: S },
  pause: { args: [], classes: S },
  alarm: { args: ['uint'], ret: 'uint' },
  signalfd4: { args: ['fd', 'in:sigset(=1)', 'size', 'flags:signalfd'], ret: 'fd', classes: ['%desc', '%signal'] },
  // time
  clock_gettime: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL, content: true },
  clock_settime: { args: ['enum:clock', 'in:timespec(=1)'], classes: CL },
  clock_getres: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL },
  gettimeofday: { args: ['out:timeval(=1)', 'out:timezone(=1)'], classes: CL, content: true },
  settimeofday: { args: ['in:timeval(=1)', 'in:timezone(=1)'], classes: CL },
  time: { args: ['out:time_t(=1)'], ret: 'int', classes: CL, content: true },
  nanosleep: { args: ['in:timespec(=1)', 'out:remts(=1)'] },
  clock_nanosleep: { args: ['enum:clock', 'flags:timer', 'in:timespec(=1)', 'out:remts(=1)'] },
  getitimer: { args: ['enum:itimer', 'out:itimerval(=1)'] },
  setitimer: { args: ['enum:itimer', 'in:itimerval(=1)', 'out:itimerval(=1)'] },
  timerfd_create: { args: ['enum:clock', 'flags:timerfd_create'], ret: 'fd', classes: D },
  timerfd_settime: { args: ['fd', 'flags:timerfd_settime', 'in:itimerspec(=1)', 'out:itimerspec(=1)'], classes: D },
  timerfd_gettime: { args: ['fd', 'out:itimerspec(=1)'], classes: D },
  // polling
  poll: { args: ['inout:pollfd(1)', 'uint', 'int'], ret: 'pollret', classes: D },
  ppoll: { args: ['inout:pollfd(1)', 'uint', 'in:timespec(=1)', 'in:sigset(=1)', 'size'], ret: 'pollret', classes: D },
  select: { args: ['int', 'ptr', 'ptr', 'ptr', 'in:timeval(=1)'], classes: D },
  pselect6: { args: ['int', 'ptr', 'ptr', 'ptr', 'in:timespec(=1)', 'ptr'], classes: D },
  epoll_create: { args: ['int'], ret: 'fd', classes: D },
  epoll_create1: { args: ['flags:epoll_create'], ret: 'fd', classes: D },
  epoll_ctl: { args: ['fd', 'enum:epoll_ctl', 'fd', 'in:epoll_event(=1)'], classes: D },
  epoll_wait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int'], classes: D },
  epoll_pwait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int', 'in:sigset(=1)', 'size'], classes: D },
  epoll_pwait2: { args: ['fd', 'out:epoll_event(ret)', 'int', 'in:timespec(=1)', 'in:sigset(=1)', 'size'], classes: D },
  eventfd: { args: ['uint'], ret: 'fd', classes: D },
  eventfd2: { args: ['uint', 'flags:eventfd'], ret: 'fd', classes: D },
  // sockets
  socket: { args: ['enum:socket_domain', 'flags:socket_type', 'int'], ret: 'fd', classes: N },
  socketpair: { args: ['enum:socket_domain', 'flags:socket_type', 'int', 'out:int2(=1)'], classes: N },
  connect: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  bind: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  listen: { args: ['fd', 'int'], classes: ND },
  accept: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], ret: 'fd', classes: ND },
  accept4: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)', 'flags:socket_flags'], ret: 'fd', classes: ND },
  getsockname: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], classes: ND },
  getpeername: { args: ['fd', 'out:sockaddr(*2)', 'inout:int(=1)'], classes: ND },
  sendto: { args: ['fd', 'in:buf(2)', 'size', 'flags:msg', 'in:sockaddr(5)', 'uint'], ret: 'size', classes: ND },
  recvfrom: { args: ['fd', 'out:buf(ret)', 'size', 'flags:msg', 'out:sockaddr(*5)', 'inout:int(=1)'], ret: 'size', classes: ND, content: true },
  sendmsg: { args: ['fd', 'in:msghdr', 'flags:msg'], ret: 'size', classes: ND },
  recvmsg: { args: ['fd', 'out:msghdr', 'flags:msg'], ret: 'size', classes: ND, content: true },
  sendmmsg: { args: ['fd', 'ptr', 'uint', 'flags:msg'], classes: ND },
  recvmmsg: { args: ['fd', 'ptr', 'uint', 'flags:msg', 'in:timespec(=1)'], classes: ND },
  shutdown: { args: ['fd', 'enum:shutdown'], classes: ND },
  setsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'in:sockopt(4)', 'uint'], classes: ND },
  getsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'out:sockopt(*4)', 'inout:int(=1)'], classes: ND },
  // IPC
  shmget: { args: ['int', 'size', 'flags:ipc_flags'], classes: I },
  shmat: { args: ['int', 'ptr', 'flags:shmat'], ret: 'hex', classes: ['%ipc', '%memory'] },
  shmdt: { args: ['ptr'], classes: ['%ipc', '%memory'] },
  shmctl: { args: ['int', 'enum:ipc_cmd', 'ptr'], classes: I },
  semget: { args: ['int', 'int', 'flags:ipc_flags'], classes: I },
  semop: { args: ['int', 'ptr', 'uint'], classes: I },
  semctl: { args: ['int', 'int', 'enum:ipc_cmd', 'hex'], classes: I },
  msgget: { args: ['int', 'flags:ipc_flags'], classes: I },
  msgsnd: { args: ['int', 'ptr', 'size', 'flags:msg_ipc'], classes: I },
  msgrcv: { args: ['int', 'ptr', 'size', 'long', 'flags:msg_ipc'], ret: 'size', classes: I },
  msgctl: { args: ['int', 'enum:ipc_cmd', 'ptr'], classes: I },
  mq_open: { args: ['str', 'flags:open', 'mode', 'ptr'], ret: 'fd', classes: D },
  mq_unlink: { args: ['str'] },
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
  setgroups: { args: ['int', 'in:u32(0)'], classes: C },
  setfsuid: { args: ['uid'], classes: C },
  setfsgid: { args: ['gid'], classes: C },
  sethostname: { args: ['str', 'int'] },
  setdomainname: { args: ['str', 'int'] },
};
