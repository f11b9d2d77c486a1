/**
 * Syscall signatures: one row per syscall, as data (strace's syscall entry tables are the model).
 *
 * An argument is a type name, optionally with a capture:
 *   'fd' 'dirfd' 'int' 'uint' 'long' 'ulong' 'hex' 'ptr' 'size' 'off' 'pid' 'uid' 'gid'
 *   'signo' 'mode' 'flags:TABLE' (OR of flag names) 'enum:TABLE' (one name)
 *   'path'                      C string read at entry, up to PATH_MAX
 *   'str'                       C string read at entry, bounded by -s
 *   'argv'                      NULL-terminated array of C strings, read at entry
 *   'DIR:TYPE(LEN)'             memory at the pointer, DIR = in (entry) | out (exit) | inout
 *        LEN = N (the value of argument N), ret (the return value), *N (a u32 that argument N
 *        points to, as socklen_t), =BYTES (fixed size); multiplied by STRUCT_SIZES[TYPE]
 *   'DIR:iov(N)'                iovec array of N elements (argument N), each buffer captured
 *   'DIR:msghdr'                struct msghdr with its name, control and iovecs
 * `ret` is the return value's type (default 'int'); `content` marks syscalls whose output
 * buffers are the program's input (captured whole so replay can reproduce them); `classes`
 * are strace's trace classes (%file, %desc, ...).
 */

export interface Signature {
  args: readonly string[];
  ret?: string;
  classes?: readonly string[];
  content?: boolean;
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
  readv: { args: ['fd', 'out:iov(2)', 'int'], ret: 'size', classes: D, content: true },
  writev: { args: ['fd', 'in:iov(2)', 'int'], ret: 'size', classes: D },
  preadv: { args: ['fd', 'out:iov(2)', 'int', 'off'], ret: 'size', classes: D, content: true },
  pwritev: { args: ['fd', 'in:iov(2)', 'int', 'off'], ret: 'size', classes: D },
  preadv2: { args: ['fd', 'out:iov(2)', 'int', 'off', 'flags:rwf'], ret: 'size', classes: D, content: true },
  pwritev2: { args: ['fd', 'in:iov(2)', 'int', 'off', 'flags:rwf'], ret: 'size', classes: D },
  open: { args: ['path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat: { args: ['dirfd', 'path', 'flags:open', 'mode'], ret: 'fd', classes: FD },
  openat2: { args: ['dirfd', 'path', 'in:open_how(=24)', 'size'], ret: 'fd', classes: FD },
  creat: { args: ['path', 'mode'], ret: 'fd', classes: FD },
  close: { args: ['fd'], classes: D },
  close_range: { args: ['fd', 'fd', 'flags:close_range'], classes: D },
  lseek: { args: ['fd', 'off', 'enum:seek'], ret: 'off', classes: D },
  dup: { args: ['fd'], ret: 'fd', classes: D },
  dup2: { args: ['fd', 'fd'], ret: 'fd', classes: D },
  dup3: { args: ['fd', 'fd', 'flags:open'], ret: 'fd', classes: D },
  pipe: { args: ['out:int2(=1)'], classes: D },
  pipe2: { args: ['out:int2(=1)', 'flags:open'], classes: D },
  fcntl: { args: ['fd', 'enum:fcntl', 'ulong'], classes: D },
  ioctl: { args: ['fd', 'enum:ioctl', 'hex'], classes: D },
  stat: { args: ['path', 'out:stat(=1)'], classes: F },
  lstat: { args: ['path', 'out:stat(=1)'], classes: F },
  fstat: { args: ['fd', 'out:stat(=1)'], classes: D },
  newfstatat: { args: ['dirfd', 'path', 'out:stat(=1)', 'flags:at'], classes: FD },
  statx: { args: ['dirfd', 'path', 'flags:at', 'flags:statx_mask', 'out:statx(=1)'], classes: FD },
  statfs: { args: ['path', 'out:statfs(=1)'], classes: F },
  fstatfs: { args: ['fd', 'out:statfs(=1)'], classes: D },
  access: { args: ['path', 'flags:access'], classes: F },
  faccessat: { args: ['dirfd', 'path', 'flags:access'], classes: FD },
  faccessat2: { args: ['dirfd', 'path', 'flags:access', 'flags:at'], classes: FD },
  getdents64: { args: ['fd', 'out:dirents(ret)', 'size'], classes: D },
  getcwd: { args: ['out:buf(ret)', 'size'], classes: F },
  chdir: { args: ['path'], classes: F },
  fchdir: { args: ['fd'], classes: D },
  mkdir: { args: ['path', 'mode'], classes: F },
  mkdirat: { args: ['dirfd', 'path', 'mode'], classes: FD },
  rmdir: { args: ['path'], classes: F },
  unlink: { args: ['path'], classes: F },
  unlinkat: { args: ['dirfd', 'path', 'flags:at'], classes: FD },
  rename: { args: ['path', 'path'], classes: F },
  renameat: { args: ['dirfd', 'path', 'dirfd', 'path'], classes: FD },
  renameat2: { args: ['dirfd', 'path', 'dirfd', 'path', 'flags:rename'], classes: FD },
  readlink: { args: ['path', 'out:buf(ret)', 'size'], classes: F },
  readlinkat: { args: ['dirfd', 'path', 'out:buf(ret)', 'size'], classes: FD },
  symlink: { args: ['path', 'path'], classes: F },
  chmod: { args: ['path', 'mode'], classes: F },
  fchmod: { args: ['fd', 'mode'], classes: D },
  umask: { args: ['mode'], ret: 'mode' },
  fsync: { args: ['fd'], classes: D },
  ftruncate: { args: ['fd', 'off'], classes: D },
  // memory
  mmap: { args: ['hex', 'size', 'flags:mmap_prot', 'flags:mmap', 'fd', 'hex'], ret: 'hex', classes: M },
  munmap: { args: ['hex', 'size'], classes: M },
  mprotect: { args: ['hex', 'size', 'flags:mmap_prot'], classes: M },
  brk: { args: ['hex'], ret: 'hex', classes: M },
  madvise: { args: ['hex', 'size', 'enum:madvise'], classes: M },
  mremap: { args: ['hex', 'size', 'size', 'flags:mremap', 'hex'], ret: 'hex', classes: M },
  // processes
  execve: { args: ['path', 'argv', 'ptr'], classes: ['%file', '%process'] },
  execveat: { args: ['dirfd', 'path', 'argv', 'ptr', 'flags:at'], classes: ['%file', '%desc', '%process'] },
  clone: { args: ['flags:clone', 'hex', 'ptr', 'ptr', 'hex'], ret: 'pid', classes: P },
  clone3: { args: ['in:clone_args(=1)', 'size'], ret: 'pid', classes: P },
  fork: { args: [], ret: 'pid', classes: P },
  vfork: { args: [], ret: 'pid', classes: P },
  exit: { args: ['int'], classes: P },
  exit_group: { args: ['int'], classes: P },
  wait4: { args: ['pid', 'out:int(=1)', 'flags:wait', 'out:rusage(=1)'], ret: 'pid', classes: P },
  kill: { args: ['pid', 'signo'], classes: ['%signal', '%process'] },
  tgkill: { args: ['pid', 'pid', 'signo'], classes: ['%signal', '%process'] },
  getpid: { args: [], ret: 'pid' },
  getppid: { args: [], ret: 'pid' },
  gettid: { args: [], ret: 'pid' },
  set_tid_address: { args: ['ptr'], ret: 'pid' },
  set_robust_list: { args: ['ptr', 'size'] },
  rseq: { args: ['ptr', 'uint', 'int', 'hex'] },
  arch_prctl: { args: ['enum:arch_prctl', 'hex'], classes: P },
  prlimit64: { args: ['pid', 'enum:rlimit', 'in:rlimit(=1)', 'out:rlimit(=1)'] },
  getrlimit: { args: ['enum:rlimit', 'out:rlimit(=1)'] },
  uname: { args: ['out:utsname(=1)'] },
  sysinfo: { args: ['out:sysinfo(=1)'] },
  futex: { args: ['ptr', 'enum:futex', 'int', 'ptr', 'ptr', 'int'] },
  sched_yield: { args: [] },
  sched_getaffinity: { args: ['pid', 'size', 'out:buf(ret)'] },
  getrandom: { args: ['out:buf(ret)', 'size', 'flags:getrandom'], ret: 'size', content: true },
  // signals
  rt_sigaction: { args: ['signo', 'in:sigaction(=1)', 'out:sigaction(=1)', 'size'], classes: S },
  rt_sigprocmask: { args: ['enum:sigprocmask', 'in:sigset(=1)', 'out:sigset(=1)', 'size'], classes: S },
  rt_sigreturn: { args: [], classes: S },
  sigaltstack: { args: ['in:stack_t(=1)', 'out:stack_t(=1)'], classes: S },
  // time
  clock_gettime: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL, content: true },
  clock_getres: { args: ['enum:clock', 'out:timespec(=1)'], classes: CL },
  gettimeofday: { args: ['out:timeval(=1)', 'out:timezone(=1)'], classes: CL, content: true },
  time: { args: ['out:time_t(=1)'], ret: 'int', classes: CL, content: true },
  nanosleep: { args: ['in:timespec(=1)', 'out:timespec(=1)'] },
  clock_nanosleep: { args: ['enum:clock', 'flags:timer', 'in:timespec(=1)', 'out:timespec(=1)'] },
  // polling
  poll: { args: ['inout:pollfd(1)', 'uint', 'int'], classes: D },
  ppoll: { args: ['inout:pollfd(1)', 'uint', 'in:timespec(=1)', 'in:sigset(=1)', 'size'], classes: D },
  epoll_create1: { args: ['flags:epoll_create'], ret: 'fd', classes: D },
  epoll_ctl: { args: ['fd', 'enum:epoll_ctl', 'fd', 'in:epoll_event(=1)'], classes: D },
  epoll_wait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int'], classes: D },
  epoll_pwait: { args: ['fd', 'out:epoll_event(ret)', 'int', 'int', 'in:sigset(=1)', 'size'], classes: D },
  eventfd2: { args: ['uint', 'flags:open'], ret: 'fd', classes: D },
  // sockets
  socket: { args: ['enum:socket_domain', 'flags:socket_type', 'int'], ret: 'fd', classes: N },
  socketpair: { args: ['enum:socket_domain', 'flags:socket_type', 'int', 'out:int2(=1)'], classes: N },
  connect: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  bind: { args: ['fd', 'in:sockaddr(2)', 'uint'], classes: ND },
  listen: { args: ['fd', 'int'], classes: ND },
  accept: { args: ['fd', 'out:sockaddr(*2)', 'ptr'], ret: 'fd', classes: ND },
  accept4: { args: ['fd', 'out:sockaddr(*2)', 'ptr', 'flags:socket_type'], ret: 'fd', classes: ND },
  getsockname: { args: ['fd', 'out:sockaddr(*2)', 'ptr'], classes: ND },
  getpeername: { args: ['fd', 'out:sockaddr(*2)', 'ptr'], classes: ND },
  sendto: { args: ['fd', 'in:buf(2)', 'size', 'flags:msg', 'in:sockaddr(5)', 'uint'], ret: 'size', classes: ND },
  recvfrom: { args: ['fd', 'out:buf(ret)', 'size', 'flags:msg', 'out:sockaddr(*5)', 'ptr'], ret: 'size', classes: ND, content: true },
  sendmsg: { args: ['fd', 'in:msghdr', 'flags:msg'], ret: 'size', classes: ND },
  recvmsg: { args: ['fd', 'out:msghdr', 'flags:msg'], ret: 'size', classes: ND, content: true },
  shutdown: { args: ['fd', 'enum:shutdown'], classes: ND },
  setsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'in:buf(4)', 'uint'], classes: ND },
  getsockopt: { args: ['fd', 'enum:sockopt_level', 'int', 'out:buf(*4)', 'ptr'], classes: ND },
  // identity
  getuid: { args: [], ret: 'uid', classes: C },
  geteuid: { args: [], ret: 'uid', classes: C },
  getgid: { args: [], ret: 'gid', classes: C },
  getegid: { args: [], ret: 'gid', classes: C },
};
