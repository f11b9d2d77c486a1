/**
 * Flag and enum tables ("xlat" in strace's words), as data. Values are the x86-64 ones from the
 * kernel and libc headers. One generic printer (printFlags / printEnum in format.ts) walks them.
 *
 * A table is either
 *   - an enum: value -> name; an unknown value prints as a number;
 *   - a flag set: entries are tried in order and each one whose bits are all present is printed
 *     and its bits removed (so multi-bit entries such as O_SYNC go before their parts); what is
 *     left prints as hex. `field` is a sub-field decoded as an enum first (O_ACCMODE, MAP_TYPE,
 *     the socket type); `low` is a sub-field printed last (clone's exit signal).
 */

import { NET_XLAT } from './xlat-net.js';
import { URING_XLAT } from './xlat-uring.js';
import { PTRACE_XLAT } from './xlat-ptrace.js';
import { KEYS_XLAT } from './xlat-keys.js';
import { PERF_XLAT } from './xlat-perf.js';
import { HANDLE_XLAT } from './xlat-handle.js';
import { FCNTL_XLAT } from './xlat-fcntl.js';
import { STATMOUNT_XLAT } from './xlat-statmount.js';
import { AIO_XLAT } from './xlat-aio.js';

export interface Xlat {
  kind: 'flags' | 'enum';
  /** [name, value]; values are unsigned (bigint when above 2^31) */
  values: ReadonlyArray<readonly [string, number | bigint]>;
  /** name printed for 0 (flags), if any */
  zero?: string;
  /** enum printed as hex when unknown (the default now; kept for the tables that say so) */
  hex?: boolean;
  /** enum whose numbers print in decimal */
  dec?: boolean;
  /** printed as -X verbose prints it whatever the style (number, then the name in a comment) */
  verboseAlways?: boolean;
  /** the comment after an unknown value ("RLIMIT_???"); default: the names' common prefix + "???"; '' for none */
  dflt?: string;
  /** a sub-field printed first as an enum: mask and table */
  field?: { mask: number; table: string; always?: boolean };
  /** an unknown sub-field makes the whole value unknown: `0xffff1fff /* MPOL_??? *\/` */
  fieldWhole?: boolean;
  /** the bits past the sub-field are a flag set of their own: unknown bits alone there take the
   * `/* X_??? *\/` comment (fanotify_init's `FAN_CLASS_CONTENT|0xefac8000 /* FAN_??? *\/`) */
  fieldApart?: boolean;
  /** low bits printed last: mask and how ('signal') */
  low?: { mask: number; as: 'signal' };
  /** the value is a signed int (enum): negative values print as numbers */
  signed?: boolean;
}

const E = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'enum', values, ...extra });
const F = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'flags', values, ...extra });
const seq = (names: string[], from = 0): Array<[string, number]> => names.map((n, i) => [n, from + i]);

const O_FLAGS: Array<[string, number]> = [
  ['O_CREAT', 0o100], ['O_EXCL', 0o200], ['O_NOCTTY', 0o400], ['O_TRUNC', 0o1000], ['O_APPEND', 0o2000],
  ['O_NONBLOCK', 0o4000], ['O_SYNC', 0o4010000], ['__O_SYNC', 0o4000000], ['O_DSYNC', 0o10000], ['O_DIRECT', 0o40000], ['O_LARGEFILE', 0o100000],
  ['O_NOFOLLOW', 0o400000], ['O_NOATIME', 0o1000000], ['O_CLOEXEC', 0o2000000], ['O_PATH', 0o10000000],
  ['O_TMPFILE', 0o20200000], ['__O_TMPFILE', 0o20000000], ['O_DIRECTORY', 0o200000], ['O_EMPTYPATH', 0x4000000], ['FASYNC', 0o20000],
];

const MEMBARRIER_CMDS: Array<readonly [string, number]> = [
  ['MEMBARRIER_CMD_GLOBAL', 1], ['MEMBARRIER_CMD_GLOBAL_EXPEDITED', 2], ['MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED', 4], ['MEMBARRIER_CMD_PRIVATE_EXPEDITED', 8], ['MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED', 16], ['MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE', 32], ['MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE', 64], ['MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ', 128], ['MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ', 256], ['MEMBARRIER_CMD_GET_REGISTRATIONS', 512],
];

const SO_OPTIONS: Array<readonly [string, number]> = [
  ['SO_DEBUG', 1], ['SO_REUSEADDR', 2], ['SO_TYPE', 3], ['SO_ERROR', 4], ['SO_DONTROUTE', 5], ['SO_BROADCAST', 6], ['SO_SNDBUF', 7],
  ['SO_RCVBUF', 8], ['SO_KEEPALIVE', 9], ['SO_OOBINLINE', 10], ['SO_NO_CHECK', 11], ['SO_PRIORITY', 12], ['SO_LINGER', 13],
  ['SO_BSDCOMPAT', 14], ['SO_REUSEPORT', 15], ['SO_PASSCRED', 16], ['SO_PEERCRED', 17], ['SO_RCVLOWAT', 18], ['SO_SNDLOWAT', 19],
  ['SO_RCVTIMEO_OLD', 20], ['SO_SNDTIMEO_OLD', 21], ['SO_SECURITY_AUTHENTICATION', 22], ['SO_SECURITY_ENCRYPTION_TRANSPORT', 23],
  ['SO_SECURITY_ENCRYPTION_NETWORK', 24], ['SO_BINDTODEVICE', 25], ['SO_ATTACH_FILTER', 26], ['SO_DETACH_FILTER', 27], ['SO_PEERNAME', 28],
  ['SO_TIMESTAMP_OLD', 29], ['SO_ACCEPTCONN', 30], ['SO_PEERSEC', 31], ['SO_SNDBUFFORCE', 32], ['SO_RCVBUFFORCE', 33], ['SO_PASSSEC', 34],
  ['SO_TIMESTAMPNS_OLD', 35], ['SO_MARK', 36], ['SO_TIMESTAMPING_OLD', 37], ['SO_PROTOCOL', 38], ['SO_DOMAIN', 39], ['SO_RXQ_OVFL', 40],
  ['SO_WIFI_STATUS', 41], ['SO_PEEK_OFF', 42], ['SO_NOFCS', 43], ['SO_LOCK_FILTER', 44], ['SO_SELECT_ERR_QUEUE', 45], ['SO_BUSY_POLL', 46],
  ['SO_MAX_PACING_RATE', 47], ['SO_BPF_EXTENSIONS', 48], ['SO_INCOMING_CPU', 49], ['SO_ATTACH_BPF', 50], ['SO_ATTACH_REUSEPORT_CBPF', 51],
  ['SO_ATTACH_REUSEPORT_EBPF', 52], ['SO_CNX_ADVICE', 53], ['SO_MEMINFO', 55], ['SO_INCOMING_NAPI_ID', 56], ['SO_COOKIE', 57],
  ['SO_PEERGROUPS', 59], ['SO_ZEROCOPY', 60], ['SO_TXTIME', 61], ['SO_BINDTOIFINDEX', 62], ['SO_TIMESTAMP_NEW', 63],
  ['SO_TIMESTAMPNS_NEW', 64], ['SO_TIMESTAMPING_NEW', 65], ['SO_RCVTIMEO_NEW', 66], ['SO_SNDTIMEO_NEW', 67],
  ['SO_DETACH_REUSEPORT_BPF', 68], ['SO_PREFER_BUSY_POLL', 69], ['SO_BUSY_POLL_BUDGET', 70], ['SO_NETNS_COOKIE', 71], ['SO_BUF_LOCK', 72],
  ['SO_RESERVE_MEM', 73], ['SO_TXREHASH', 74], ['SO_RCVMARK', 75], ['SO_PASSPIDFD', 76], ['SO_PEERPIDFD', 77], ['SO_RCVPRIORITY', 82],
  ['SO_PASSRIGHTS', 83], ['SO_INQ', 84],
];

export const XLAT: Readonly<Record<string, Xlat>> = {
  // networking tables (decode/xlat-net.ts)
  ...NET_XLAT,
  // io_uring's (decode/xlat-uring.ts)
  ...URING_XLAT,
  // ptrace's (decode/xlat-ptrace.ts)
  ...PTRACE_XLAT,
  // keyctl's (decode/xlat-keys.ts)
  ...KEYS_XLAT,
  // perf_event_open's (decode/xlat-perf.ts)
  ...PERF_XLAT,
  // name_to_handle_at's (decode/xlat-handle.ts)
  ...HANDLE_XLAT,
  // fcntl's structures' (decode/xlat-fcntl.ts)
  ...FCNTL_XLAT,
  // struct statmount's (decode/xlat-statmount.ts)
  ...STATMOUNT_XLAT,
  // aio's (decode/xlat-aio.ts)
  ...AIO_XLAT,
  // ---- files ----
  open_accmode: E([['O_RDONLY', 0], ['O_WRONLY', 1], ['O_RDWR', 2], ['O_ACCMODE', 3]]),
  open: F(O_FLAGS, { field: { mask: 3, table: 'open_accmode', always: true } }),
  /** openat2's 64-bit flags: open's and its own */
  open_how: F([...O_FLAGS, ['OPENAT2_REGULAR', 0x100000000n]], { field: { mask: 3, table: 'open_accmode', always: true } }),
  /** pipe2, dup3, inotify_init1, signalfd4, timerfd_create, ... : open flags without O_ACCMODE */
  o_flags: F(O_FLAGS, { zero: '0', dflt: 'O_???' }),
  at: F([['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_REMOVEDIR', 0x200], ['AT_SYMLINK_FOLLOW', 0x400], ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_RECURSIVE', 0x8000]], { zero: '0' }),
  at_eaccess: F([['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_EACCESS', 0x200], ['AT_EMPTY_PATH', 0x1000]], { zero: '0' }),
  statx_sync: E([['AT_STATX_SYNC_AS_STAT', 0], ['AT_STATX_FORCE_SYNC', 0x2000], ['AT_STATX_DONT_SYNC', 0x4000], ['AT_STATX_SYNC_TYPE', 0x6000]]),
  statx_at: F([['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_SYMLINK_FOLLOW', 0x400], ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000]], { field: { mask: 0x6000, table: 'statx_sync', always: true } }),
  statx_mask: F([
    ['STATX_ALL', 0xfff], ['STATX_BASIC_STATS', 0x7ff], ['STATX_TYPE', 0x1], ['STATX_MODE', 0x2], ['STATX_NLINK', 0x4], ['STATX_UID', 0x8],
    ['STATX_GID', 0x10], ['STATX_ATIME', 0x20], ['STATX_MTIME', 0x40], ['STATX_CTIME', 0x80], ['STATX_INO', 0x100], ['STATX_SIZE', 0x200],
    ['STATX_BLOCKS', 0x400], ['STATX_BTIME', 0x800], ['STATX_MNT_ID', 0x1000], ['STATX_DIOALIGN', 0x2000], ['STATX_MNT_ID_UNIQUE', 0x4000],
    ['STATX_SUBVOL', 0x8000], ['STATX_WRITE_ATOMIC', 0x10000],
  ], { zero: '0' }),
  statx_attrs: F([
    ['STATX_ATTR_COMPRESSED', 0x4], ['STATX_ATTR_IMMUTABLE', 0x10], ['STATX_ATTR_APPEND', 0x20], ['STATX_ATTR_NODUMP', 0x40],
    ['STATX_ATTR_ENCRYPTED', 0x800], ['STATX_ATTR_AUTOMOUNT', 0x1000], ['STATX_ATTR_MOUNT_ROOT', 0x2000], ['STATX_ATTR_VERITY', 0x100000], ['STATX_ATTR_DAX', 0x200000],
  ], { zero: '0' }),
  access: F([['R_OK', 4], ['W_OK', 2], ['X_OK', 1]], { zero: 'F_OK', dflt: '?_OK' }),
  seek: E(seq(['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'])),
  rename: F([['RENAME_NOREPLACE', 1], ['RENAME_EXCHANGE', 2], ['RENAME_WHITEOUT', 4]], { zero: '0' }),
  close_range: F([['CLOSE_RANGE_UNSHARE', 2], ['CLOSE_RANGE_CLOEXEC', 4]], { zero: '0' }),
  rwf: F([['RWF_HIPRI', 1], ['RWF_DSYNC', 2], ['RWF_SYNC', 4], ['RWF_NOWAIT', 8], ['RWF_APPEND', 0x10]], { zero: '0' }),
  fcntl: E([
    ['F_DUPFD', 0], ['F_GETFD', 1], ['F_SETFD', 2], ['F_GETFL', 3], ['F_SETFL', 4], ['F_GETLK', 5], ['F_SETLK', 6], ['F_SETLKW', 7],
    ['F_SETOWN', 8], ['F_GETOWN', 9], ['F_SETSIG', 10], ['F_GETSIG', 11], ['F_SETOWN_EX', 15], ['F_GETOWN_EX', 16],
    ['F_GETLK64', 12], ['F_SETLK64', 13], ['F_SETLKW64', 14], ['F_GETOWNER_UIDS', 17],
    ['F_OFD_GETLK', 36], ['F_OFD_SETLK', 37], ['F_OFD_SETLKW', 38], ['F_SETLEASE', 1024], ['F_GETLEASE', 1025], ['F_NOTIFY', 1026],
    ['F_DUPFD_QUERY', 1027], ['F_CREATED_QUERY', 1028], ['F_CANCELLK', 1029],
    ['F_DUPFD_CLOEXEC', 1030], ['F_SETPIPE_SZ', 1031], ['F_GETPIPE_SZ', 1032], ['F_ADD_SEALS', 1033], ['F_GET_SEALS', 1034],
    ['F_GET_RW_HINT', 1035], ['F_SET_RW_HINT', 1036], ['F_GET_FILE_RW_HINT', 1037], ['F_SET_FILE_RW_HINT', 1038], ['F_GETDELEG', 1039], ['F_SETDELEG', 1040],
  ]),
  fd_flags: F([['FD_CLOEXEC', 1]], { zero: '0' }),
  f_seals: F([['F_SEAL_SEAL', 1], ['F_SEAL_SHRINK', 2], ['F_SEAL_GROW', 4], ['F_SEAL_WRITE', 8], ['F_SEAL_FUTURE_WRITE', 0x10], ['F_SEAL_EXEC', 0x20]], { zero: '0' }),
  flock: F([['LOCK_SH', 1], ['LOCK_EX', 2], ['LOCK_NB', 4], ['LOCK_UN', 8]], { zero: '0' }),
  ioctl: E([
    // 0x5402-0x5404 are also the OSS sequencer's timer requests: strace names both meanings
    ['TCGETS', 0x5401], ['SNDCTL_TMR_START or TCSETS', 0x5402], ['SNDCTL_TMR_STOP or TCSETSW', 0x5403], ['SNDCTL_TMR_CONTINUE or TCSETSF', 0x5404], ['TCGETA', 0x5405], ['TCSETA', 0x5406],
    ['TCSBRK', 0x5409], ['TCXONC', 0x540a], ['TCFLSH', 0x540b], ['TIOCEXCL', 0x540c], ['TIOCNXCL', 0x540d], ['TIOCSCTTY', 0x540e],
    ['TIOCGPGRP', 0x540f], ['TIOCSPGRP', 0x5410], ['TIOCOUTQ', 0x5411], ['TIOCSTI', 0x5412], ['TIOCGWINSZ', 0x5413], ['TIOCSWINSZ', 0x5414],
    ['TIOCMGET', 0x5415], ['FIONREAD', 0x541b], ['TIOCLINUX', 0x541c], ['TIOCCONS', 0x541d], ['FIONBIO', 0x5421], ['TIOCNOTTY', 0x5422],
    ['TIOCSETD', 0x5423], ['TIOCGETD', 0x5424], ['TIOCGSID', 0x5429], ['TCGETS2', 0x802c542a], ['TCSETS2', 0x402c542b],
    ['TIOCGPTN', 0x80045430], ['TIOCSPTLCK', 0x40045431], ['TIOCGPTPEER', 0x5441], ['FIONCLEX', 0x5450], ['FIOCLEX', 0x5451], ['FIOASYNC', 0x5452],
    ['FS_IOC_GETFLAGS', 0x80086601], ['FS_IOC_SETFLAGS', 0x40086602], ['FICLONE', 0x40049409], ['FIGETBSZ', 0x2], ['FIBMAP', 0x1],
    ['BLKGETSIZE64', 0x80081272], ['BLKSSZGET', 0x1268], ['SIOCGIFNAME', 0x8910], ['SIOCGIFCONF', 0x8912], ['SIOCGIFFLAGS', 0x8913],
    ['SIOCGIFADDR', 0x8915], ['SIOCGIFMTU', 0x8921], ['SIOCGIFHWADDR', 0x8927], ['SIOCGIFINDEX', 0x8933], ['SIOCGSTAMP', 0x8906],
    ['RNDGETENTCNT', 0x80045200], ['PERF_EVENT_IOC_ENABLE', 0x2400], ['PERF_EVENT_IOC_DISABLE', 0x2401],
  ], { hex: true }),
  // ---- memory ----
  mmap_prot: F([['PROT_READ', 1], ['PROT_WRITE', 2], ['PROT_EXEC', 4], ['PROT_SEM', 8], ['PROT_GROWSDOWN', 0x1000000], ['PROT_GROWSUP', 0x2000000]], { zero: 'PROT_NONE' }),
  /** remap_file_pages' prot: an unsigned long */
  mmap_prot64: F([['PROT_READ', 1], ['PROT_WRITE', 2], ['PROT_EXEC', 4], ['PROT_SEM', 8], ['PROT_GROWSDOWN', 0x1000000], ['PROT_GROWSUP', 0x2000000]], { zero: 'PROT_NONE' }),
  mmap_type: E([['MAP_FILE', 0], ['MAP_SHARED', 1], ['MAP_PRIVATE', 2], ['MAP_SHARED_VALIDATE', 3]], { hex: true }),
  mmap: F([
    ['MAP_FIXED', 0x10], ['MAP_ANONYMOUS', 0x20], ['MAP_32BIT', 0x40], ['MAP_GROWSDOWN', 0x100], ['MAP_DENYWRITE', 0x800],
    ['MAP_EXECUTABLE', 0x1000], ['MAP_LOCKED', 0x2000], ['MAP_NORESERVE', 0x4000], ['MAP_POPULATE', 0x8000], ['MAP_NONBLOCK', 0x10000],
    ['MAP_STACK', 0x20000], ['MAP_HUGETLB', 0x40000], ['MAP_SYNC', 0x80000], ['MAP_FIXED_NOREPLACE', 0x100000], ['MAP_UNINITIALIZED', 0x4000000],
  ], { field: { mask: 0xf, table: 'mmap_type' } }),
  mremap: F([['MREMAP_MAYMOVE', 1], ['MREMAP_FIXED', 2], ['MREMAP_DONTUNMAP', 4]], { zero: '0' }),
  madvise: E([
    ['MADV_NORMAL', 0], ['MADV_RANDOM', 1], ['MADV_SEQUENTIAL', 2], ['MADV_WILLNEED', 3], ['MADV_DONTNEED', 4], ['MADV_FREE', 8],
    ['MADV_REMOVE', 9], ['MADV_DONTFORK', 10], ['MADV_DOFORK', 11], ['MADV_MERGEABLE', 12], ['MADV_UNMERGEABLE', 13], ['MADV_HUGEPAGE', 14],
    ['MADV_NOHUGEPAGE', 15], ['MADV_DONTDUMP', 16], ['MADV_DODUMP', 17], ['MADV_WIPEONFORK', 18], ['MADV_KEEPONFORK', 19], ['MADV_COLD', 20],
    ['MADV_PAGEOUT', 21], ['MADV_POPULATE_READ', 22], ['MADV_POPULATE_WRITE', 23], ['MADV_DONTNEED_LOCKED', 24], ['MADV_COLLAPSE', 25],
    ['MADV_HWPOISON', 100], ['MADV_SOFT_OFFLINE', 101], ['MADV_GUARD_INSTALL', 102], ['MADV_GUARD_REMOVE', 103],
  ]),
  msync: F([['MS_ASYNC', 1], ['MS_INVALIDATE', 2], ['MS_SYNC', 4]], { zero: '0' }),
  mlockall: F([['MCL_CURRENT', 1], ['MCL_FUTURE', 2], ['MCL_ONFAULT', 4]], { zero: '0' }),
  mlock2: F([['MLOCK_ONFAULT', 1]], { zero: '0' }),
  memfd: F([['MFD_CLOEXEC', 1], ['MFD_ALLOW_SEALING', 2], ['MFD_HUGETLB', 4], ['MFD_NOEXEC_SEAL', 8], ['MFD_EXEC', 0x10]], { zero: '0' }),
  // ---- processes ----
  clone: F([
    ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800], ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000],
    ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000], ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000],
    ['CLONE_SETTLS', 0x80000], ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_DETACHED', 0x400000],
    ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000],
    ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000n],
  ], { low: { mask: 0xff, as: 'signal' }, zero: '0' }),
  /** clone3's flags: 64 bits, no exit signal byte */
  // clone3's flags in strace's order (clone_flags, then clone3_flags; CLONE_DETACHED is not one)
  clone3_flags: F([['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800], ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000], ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000], ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000n], ['CLONE_NEWTIME', 0x80], ['CLONE_CLEAR_SIGHAND', 0x100000000n], ['CLONE_INTO_CGROUP', 0x200000000n], ['CLONE_AUTOREAP', 0x400000000n], ['CLONE_NNP', 0x800000000n], ['CLONE_PIDFD_AUTOKILL', 0x1000000000n], ['CLONE_EMPTY_MNTNS', 0x2000000000n]], { zero: '0', dflt: 'CLONE_???' }),
  clone3: F([
    ['CLONE_NEWTIME', 0x80], ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800], ['CLONE_PIDFD', 0x1000],
    ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000], ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000],
    ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000], ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000],
    ['CLONE_DETACHED', 0x400000], ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000],
    ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000],
    ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000n], ['CLONE_CLEAR_SIGHAND', 0x100000000n], ['CLONE_INTO_CGROUP', 0x200000000n],
  ], { zero: '0' }),
  /** unshare/setns: clone flags without the signal byte */
  // strace's unshare_flags, in its order
  unshare: F([
    ['CLONE_NEWTIME', 0x80], ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800], ['CLONE_THREAD', 0x10000],
    ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000],
    ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000],
  ], { zero: '0' }),
  wait: F([
    // strace's order
    ['WNOHANG', 1], ['WEXITED', 4], ['WSTOPPED', 2], ['WCONTINUED', 8], ['WNOWAIT', 0x1000000], ['__WCLONE', 0x80000000n], ['__WALL', 0x40000000], ['__WNOTHREAD', 0x20000000],
  ], { zero: '0' }),
  idtype: E(seq(['P_ALL', 'P_PID', 'P_PGID', 'P_PIDFD'])),
  arch_prctl: E([
    ['ARCH_SET_GS', 0x1001], ['ARCH_SET_FS', 0x1002], ['ARCH_GET_FS', 0x1003], ['ARCH_GET_GS', 0x1004], ['ARCH_GET_CPUID', 0x1011],
    ['ARCH_SET_CPUID', 0x1012], ['ARCH_GET_XCOMP_SUPP', 0x1021], ['ARCH_GET_XCOMP_PERM', 0x1022], ['ARCH_REQ_XCOMP_PERM', 0x1023],
    ['ARCH_MAP_VDSO_X32', 0x2001], ['ARCH_MAP_VDSO_32', 0x2002], ['ARCH_MAP_VDSO_64', 0x2003], ['ARCH_SHSTK_ENABLE', 0x5001],
    ['ARCH_SHSTK_DISABLE', 0x5002], ['ARCH_SHSTK_LOCK', 0x5003], ['ARCH_SHSTK_UNLOCK', 0x5004], ['ARCH_SHSTK_STATUS', 0x5005],
  ], { hex: true }),
  prctl: E([
    ['PR_SET_PDEATHSIG', 1], ['PR_GET_PDEATHSIG', 2], ['PR_GET_DUMPABLE', 3], ['PR_SET_DUMPABLE', 4], ['PR_GET_UNALIGN', 5], ['PR_SET_UNALIGN', 6],
    ['PR_GET_KEEPCAPS', 7], ['PR_SET_KEEPCAPS', 8], ['PR_GET_FPEMU', 9], ['PR_SET_FPEMU', 10], ['PR_GET_FPEXC', 11], ['PR_SET_FPEXC', 12],
    ['PR_GET_TIMING', 13], ['PR_SET_TIMING', 14], ['PR_SET_NAME', 15], ['PR_GET_NAME', 16], ['PR_GET_ENDIAN', 19], ['PR_SET_ENDIAN', 20],
    ['PR_GET_SECCOMP', 21], ['PR_SET_SECCOMP', 22], ['PR_CAPBSET_READ', 23], ['PR_CAPBSET_DROP', 24], ['PR_GET_TSC', 25], ['PR_SET_TSC', 26],
    ['PR_GET_SECUREBITS', 27], ['PR_SET_SECUREBITS', 28], ['PR_SET_TIMERSLACK', 29], ['PR_GET_TIMERSLACK', 30], ['PR_TASK_PERF_EVENTS_DISABLE', 31],
    ['PR_TASK_PERF_EVENTS_ENABLE', 32], ['PR_MCE_KILL', 33], ['PR_MCE_KILL_GET', 34], ['PR_SET_MM', 35], ['PR_SET_CHILD_SUBREAPER', 36],
    ['PR_GET_CHILD_SUBREAPER', 37], ['PR_SET_NO_NEW_PRIVS', 38], ['PR_GET_NO_NEW_PRIVS', 39], ['PR_GET_TID_ADDRESS', 40], ['PR_SET_THP_DISABLE', 41],
    ['PR_GET_THP_DISABLE', 42], ['PR_SET_FP_MODE', 45], ['PR_GET_FP_MODE', 46], ['PR_CAP_AMBIENT', 47], ['PR_SET_SPECULATION_CTRL', 53],
    ['PR_GET_SPECULATION_CTRL', 52], ['PR_SET_IO_FLUSHER', 57], ['PR_GET_IO_FLUSHER', 58], ['PR_SET_SYSCALL_USER_DISPATCH', 59],
    ['PR_SCHED_CORE', 62], ['PR_SET_MDWE', 65], ['PR_GET_MDWE', 66], ['PR_SET_VMA', 0x53564d41], ['PR_GET_AUXV', 0x41555856],
  ]),
  rlimit: E(seq(['RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_DATA', 'RLIMIT_STACK', 'RLIMIT_CORE', 'RLIMIT_RSS', 'RLIMIT_NPROC', 'RLIMIT_NOFILE',
    'RLIMIT_MEMLOCK', 'RLIMIT_AS', 'RLIMIT_LOCKS', 'RLIMIT_SIGPENDING', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_RTPRIO', 'RLIMIT_RTTIME'])),
  rusage_who: E([['RUSAGE_SELF', 0], ['RUSAGE_CHILDREN', -1], ['RUSAGE_THREAD', 1]], { signed: true }),
  priority_which: E(seq(['PRIO_PROCESS', 'PRIO_PGRP', 'PRIO_USER'])),
  sched_policy: E([['SCHED_OTHER', 0], ['SCHED_FIFO', 1], ['SCHED_RR', 2], ['SCHED_BATCH', 3], ['SCHED_IDLE', 5], ['SCHED_DEADLINE', 6], ['SCHED_EXT', 7]]),
  futex_op: E([
    ['FUTEX_WAIT', 0], ['FUTEX_WAKE', 1], ['FUTEX_FD', 2], ['FUTEX_REQUEUE', 3], ['FUTEX_CMP_REQUEUE', 4], ['FUTEX_WAKE_OP', 5],
    ['FUTEX_LOCK_PI', 6], ['FUTEX_UNLOCK_PI', 7], ['FUTEX_TRYLOCK_PI', 8], ['FUTEX_WAIT_BITSET', 9], ['FUTEX_WAKE_BITSET', 10],
    ['FUTEX_WAIT_REQUEUE_PI', 11], ['FUTEX_CMP_REQUEUE_PI', 12], ['FUTEX_LOCK_PI2', 13],
    ['FUTEX_WAIT_PRIVATE', 128], ['FUTEX_WAKE_PRIVATE', 129], ['FUTEX_REQUEUE_PRIVATE', 131], ['FUTEX_CMP_REQUEUE_PRIVATE', 132],
    ['FUTEX_WAKE_OP_PRIVATE', 133], ['FUTEX_LOCK_PI_PRIVATE', 134], ['FUTEX_UNLOCK_PI_PRIVATE', 135], ['FUTEX_TRYLOCK_PI_PRIVATE', 136],
    ['FUTEX_WAIT_BITSET_PRIVATE', 137], ['FUTEX_WAKE_BITSET_PRIVATE', 138], ['FUTEX_WAIT_REQUEUE_PI_PRIVATE', 139],
    ['FUTEX_CMP_REQUEUE_PI_PRIVATE', 140], ['FUTEX_LOCK_PI2_PRIVATE', 141],
  ]),
  futex: F([['FUTEX_CLOCK_REALTIME', 256]], { field: { mask: 0xff, table: 'futex_op', always: true } }),
  ptrace: E([
    ['PTRACE_TRACEME', 0], ['PTRACE_PEEKTEXT', 1], ['PTRACE_PEEKDATA', 2], ['PTRACE_PEEKUSER', 3], ['PTRACE_POKETEXT', 4], ['PTRACE_POKEDATA', 5],
    ['PTRACE_POKEUSER', 6], ['PTRACE_CONT', 7], ['PTRACE_KILL', 8], ['PTRACE_SINGLESTEP', 9], ['PTRACE_GETREGS', 12], ['PTRACE_SETREGS', 13],
    ['PTRACE_GETFPREGS', 14], ['PTRACE_SETFPREGS', 15], ['PTRACE_ATTACH', 16], ['PTRACE_DETACH', 17], ['PTRACE_SYSCALL', 24],
    ['PTRACE_SETOPTIONS', 0x4200], ['PTRACE_GETEVENTMSG', 0x4201], ['PTRACE_GETSIGINFO', 0x4202], ['PTRACE_SETSIGINFO', 0x4203],
    ['PTRACE_GETREGSET', 0x4204], ['PTRACE_SETREGSET', 0x4205], ['PTRACE_SEIZE', 0x4206], ['PTRACE_INTERRUPT', 0x4207], ['PTRACE_LISTEN', 0x4208],
    ['PTRACE_GET_SYSCALL_INFO', 0x420e], ['PTRACE_GET_RSEQ_CONFIGURATION', 0x420f], ['PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG', 0x4210],
    ['PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG', 0x4211], ['PTRACE_SET_SYSCALL_INFO', 0x4212],
    ['PTRACE_GETFPXREGS', 18], ['PTRACE_SETFPXREGS', 19], ['PTRACE_OLDSETOPTIONS', 21], ['PTRACE_GET_THREAD_AREA', 25], ['PTRACE_SET_THREAD_AREA', 26],
    ['PTRACE_ARCH_PRCTL', 30], ['PTRACE_SYSEMU', 31], ['PTRACE_SYSEMU_SINGLESTEP', 32], ['PTRACE_SINGLEBLOCK', 33],
    ['PTRACE_PEEKSIGINFO', 0x4209], ['PTRACE_GETSIGMASK', 0x420a], ['PTRACE_SETSIGMASK', 0x420b], ['PTRACE_SECCOMP_GET_FILTER', 0x420c],
    ['PTRACE_SECCOMP_GET_METADATA', 0x420d],
  ], { hex: true }),
  ptrace_options: F([
    ['PTRACE_O_TRACESYSGOOD', 1], ['PTRACE_O_TRACEFORK', 2], ['PTRACE_O_TRACEVFORK', 4], ['PTRACE_O_TRACECLONE', 8], ['PTRACE_O_TRACEEXEC', 0x10],
    ['PTRACE_O_TRACEVFORKDONE', 0x20], ['PTRACE_O_TRACEEXIT', 0x40], ['PTRACE_O_TRACESECCOMP', 0x80], ['PTRACE_O_EXITKILL', 0x100000],
    ['PTRACE_O_SUSPEND_SECCOMP', 0x200000],
  ], { zero: '0' }),
  seccomp_op: E(seq(['SECCOMP_SET_MODE_STRICT', 'SECCOMP_SET_MODE_FILTER', 'SECCOMP_GET_ACTION_AVAIL', 'SECCOMP_GET_NOTIF_SIZES'])),
  pidfd: F([['PIDFD_NONBLOCK', 0o4000], ['PIDFD_THREAD', 0o200], ['PIDFD_AUTOKILL', 0o1000]], { zero: '0' }),
  // ---- signals ----
  sa_flags: F([
    ['SA_RESTORER', 0x04000000], ['SA_ONSTACK', 0x08000000], ['SA_RESTART', 0x10000000], ['SA_NODEFER', 0x40000000], ['SA_RESETHAND', 0x80000000n],
    ['SA_SIGINFO', 4], ['SA_NOCLDSTOP', 1], ['SA_NOCLDWAIT', 2], ['SA_UNSUPPORTED', 0x400], ['SA_EXPOSE_TAGBITS', 0x800],
  ], { zero: '0' }),
  sigprocmask: E(seq(['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'])),
  ss_flags: F([['SS_ONSTACK', 1], ['SS_DISABLE', 2], ['SS_AUTODISARM', 0x80000000n]], { zero: '0' }),
  si_code_chld: E([['CLD_EXITED', 1], ['CLD_KILLED', 2], ['CLD_DUMPED', 3], ['CLD_TRAPPED', 4], ['CLD_STOPPED', 5], ['CLD_CONTINUED', 6]]),
  si_code: E([['SI_USER', 0], ['SI_KERNEL', 0x80], ['SI_QUEUE', -1], ['SI_TIMER', -2], ['SI_MESGQ', -3], ['SI_ASYNCIO', -4], ['SI_SIGIO', -5], ['SI_TKILL', -6]], { signed: true }),
  si_code_segv: E([['SEGV_MAPERR', 1], ['SEGV_ACCERR', 2], ['SEGV_BNDERR', 3], ['SEGV_PKUERR', 4]]),
  // ---- time ----
  clock: E([
    ['CLOCK_REALTIME', 0], ['CLOCK_MONOTONIC', 1], ['CLOCK_PROCESS_CPUTIME_ID', 2], ['CLOCK_THREAD_CPUTIME_ID', 3], ['CLOCK_MONOTONIC_RAW', 4],
    ['CLOCK_REALTIME_COARSE', 5], ['CLOCK_MONOTONIC_COARSE', 6], ['CLOCK_BOOTTIME', 7], ['CLOCK_REALTIME_ALARM', 8], ['CLOCK_BOOTTIME_ALARM', 9], ['CLOCK_SGI_CYCLE', 10], ['CLOCK_TAI', 11],
  ]),
  timer: F([['TIMER_ABSTIME', 1]], { zero: '0' }),
  timerfd_settime: F([['TFD_TIMER_ABSTIME', 1], ['TFD_TIMER_CANCEL_ON_SET', 2]], { zero: '0' }),
  timerfd_create: F([['TFD_CLOEXEC', 0o2000000], ['TFD_NONBLOCK', 0o4000]], { zero: '0' }),
  itimer: E(seq(['ITIMER_REAL', 'ITIMER_VIRTUAL', 'ITIMER_PROF'])),
  // ---- descriptors, polling ----
  eventfd: F([['EFD_SEMAPHORE', 1], ['EFD_CLOEXEC', 0o2000000], ['EFD_NONBLOCK', 0o4000]], { zero: '0' }),
  epoll_create: F([['EPOLL_CLOEXEC', 0o2000000]], { zero: '0' }),
  epoll_ctl: E([['EPOLL_CTL_ADD', 1], ['EPOLL_CTL_DEL', 2], ['EPOLL_CTL_MOD', 3]]),
  epoll_events: F([
    ['EPOLLIN', 1], ['EPOLLPRI', 2], ['EPOLLOUT', 4], ['EPOLLERR', 8], ['EPOLLHUP', 0x10], ['EPOLLNVAL', 0x20], ['EPOLLRDNORM', 0x40],
    ['EPOLLRDBAND', 0x80], ['EPOLLWRNORM', 0x100], ['EPOLLWRBAND', 0x200], ['EPOLLMSG', 0x400], ['EPOLLRDHUP', 0x2000],
    ['EPOLLEXCLUSIVE', 0x10000000], ['EPOLLWAKEUP', 0x20000000], ['EPOLLONESHOT', 0x40000000], ['EPOLLET', 0x80000000n],
  ], { zero: '0' }),
  poll_events: F([
    ['POLLIN', 1], ['POLLPRI', 2], ['POLLOUT', 4], ['POLLERR', 8], ['POLLHUP', 0x10], ['POLLNVAL', 0x20], ['POLLRDNORM', 0x40],
    ['POLLRDBAND', 0x80], ['POLLWRNORM', 0x100], ['POLLWRBAND', 0x200], ['POLLMSG', 0x400], ['POLLREMOVE', 0x1000], ['POLLRDHUP', 0x2000],
  ], { zero: '0' }),
  getrandom: F([['GRND_NONBLOCK', 1], ['GRND_RANDOM', 2], ['GRND_INSECURE', 4]], { zero: '0' }),
  inotify_init: F([['IN_NONBLOCK', 0o4000], ['IN_CLOEXEC', 0o2000000]], { zero: '0' }),
  inotify_mask: F([
    ['IN_ACCESS', 1], ['IN_MODIFY', 2], ['IN_ATTRIB', 4], ['IN_CLOSE_WRITE', 8], ['IN_CLOSE_NOWRITE', 0x10], ['IN_OPEN', 0x20],
    ['IN_MOVED_FROM', 0x40], ['IN_MOVED_TO', 0x80], ['IN_CREATE', 0x100], ['IN_DELETE', 0x200], ['IN_DELETE_SELF', 0x400], ['IN_MOVE_SELF', 0x800],
    ['IN_UNMOUNT', 0x2000], ['IN_Q_OVERFLOW', 0x4000], ['IN_IGNORED', 0x8000], ['IN_ONLYDIR', 0x1000000], ['IN_DONT_FOLLOW', 0x2000000],
    ['IN_EXCL_UNLINK', 0x4000000], ['IN_MASK_CREATE', 0x10000000], ['IN_MASK_ADD', 0x20000000], ['IN_ISDIR', 0x40000000], ['IN_ONESHOT', 0x80000000n],
  ], { zero: '0' }),
  signalfd: F([['SFD_CLOEXEC', 0o2000000], ['SFD_NONBLOCK', 0o4000]], { zero: '0' }),
  splice: F([['SPLICE_F_MOVE', 1], ['SPLICE_F_NONBLOCK', 2], ['SPLICE_F_MORE', 4], ['SPLICE_F_GIFT', 8]], { zero: '0' }),
  fadvise: E(seq(['POSIX_FADV_NORMAL', 'POSIX_FADV_RANDOM', 'POSIX_FADV_SEQUENTIAL', 'POSIX_FADV_WILLNEED', 'POSIX_FADV_DONTNEED', 'POSIX_FADV_NOREUSE'])),
  fallocate: F([
    ['FALLOC_FL_KEEP_SIZE', 1], ['FALLOC_FL_PUNCH_HOLE', 2], ['FALLOC_FL_NO_HIDE_STALE', 4], ['FALLOC_FL_COLLAPSE_RANGE', 8],
    ['FALLOC_FL_ZERO_RANGE', 0x10], ['FALLOC_FL_INSERT_RANGE', 0x20], ['FALLOC_FL_UNSHARE_RANGE', 0x40],
  ], { zero: '0' }),
  xattr: F([['XATTR_CREATE', 1], ['XATTR_REPLACE', 2]], { zero: '0' }),
  umount: F([['MNT_FORCE', 1], ['MNT_DETACH', 2], ['MNT_EXPIRE', 4], ['UMOUNT_NOFOLLOW', 8]], { zero: '0' }),
  mount: F([
    ['MS_RDONLY', 1], ['MS_NOSUID', 2], ['MS_NODEV', 4], ['MS_NOEXEC', 8], ['MS_SYNCHRONOUS', 16], ['MS_REMOUNT', 32], ['MS_MANDLOCK', 64],
    ['MS_DIRSYNC', 128], ['MS_NOSYMFOLLOW', 256], ['MS_NOATIME', 1024], ['MS_NODIRATIME', 2048], ['MS_BIND', 4096], ['MS_MOVE', 8192],
    ['MS_REC', 16384], ['MS_SILENT', 32768], ['MS_POSIXACL', 1 << 16], ['MS_UNBINDABLE', 1 << 17], ['MS_PRIVATE', 1 << 18], ['MS_SLAVE', 1 << 19],
    ['MS_SHARED', 1 << 20], ['MS_RELATIME', 1 << 21], ['MS_KERNMOUNT', 1 << 22], ['MS_I_VERSION', 1 << 23], ['MS_STRICTATIME', 1 << 24], ['MS_LAZYTIME', 1 << 25],
    ['MS_SUBMOUNT', 1 << 26], ['MS_NOREMOTELOCK', 1 << 27], ['MS_NOSEC', 1 << 28], ['MS_BORN', 1 << 29], ['MS_ACTIVE', 1 << 30], ['MS_NOUSER', 0x80000000n],
  ], { zero: '0' }),
  // ---- IPC ----
  ipc_flags: F([['IPC_CREAT', 0o1000], ['IPC_EXCL', 0o2000], ['IPC_NOWAIT', 0o4000]], { zero: '0' }),
  ipc_cmd: E([['IPC_RMID', 0], ['IPC_SET', 1], ['IPC_STAT', 2], ['IPC_INFO', 3], ['SHM_LOCK', 11], ['SHM_UNLOCK', 12], ['SHM_STAT', 13], ['SHM_INFO', 14],
    ['GETPID', 11 + 100], ['GETVAL', 12 + 100], ['GETALL', 13 + 100], ['GETNCNT', 14 + 100], ['GETZCNT', 15 + 100], ['SETVAL', 16 + 100], ['SETALL', 17 + 100]]),
  shmat: F([['SHM_RDONLY', 0o10000], ['SHM_RND', 0o20000], ['SHM_REMAP', 0o40000], ['SHM_EXEC', 0o100000]], { zero: '0' }),
  msg_ipc: F([['IPC_NOWAIT', 0o4000], ['MSG_NOERROR', 0o10000], ['MSG_EXCEPT', 0o20000], ['MSG_COPY', 0o40000]], { zero: '0' }),
  // ---- sockets ----
  socket_domain: E([
    ['AF_UNSPEC', 0], ['AF_UNIX', 1], ['AF_INET', 2], ['AF_AX25', 3], ['AF_IPX', 4], ['AF_APPLETALK', 5], ['AF_NETROM', 6], ['AF_BRIDGE', 7],
    ['AF_ATMPVC', 8], ['AF_X25', 9], ['AF_INET6', 10], ['AF_ROSE', 11], ['AF_DECnet', 12], ['AF_NETBEUI', 13], ['AF_SECURITY', 14], ['AF_KEY', 15],
    ['AF_NETLINK', 16], ['AF_PACKET', 17], ['AF_ASH', 18], ['AF_ECONET', 19], ['AF_ATMSVC', 20], ['AF_RDS', 21], ['AF_SNA', 22], ['AF_IRDA', 23],
    ['AF_PPPOX', 24], ['AF_WANPIPE', 25], ['AF_LLC', 26], ['AF_IB', 27], ['AF_MPLS', 28], ['AF_CAN', 29], ['AF_TIPC', 30], ['AF_BLUETOOTH', 31],
    ['AF_IUCV', 32], ['AF_RXRPC', 33], ['AF_ISDN', 34], ['AF_PHONET', 35], ['AF_IEEE802154', 36], ['AF_CAIF', 37], ['AF_ALG', 38], ['AF_NFC', 39],
    ['AF_VSOCK', 40], ['AF_KCM', 41], ['AF_QIPCRTR', 42], ['AF_SMC', 43], ['AF_XDP', 44], ['AF_MCTP', 45],
  ]),
  socket_kind: E([['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_RDM', 4], ['SOCK_SEQPACKET', 5], ['SOCK_DCCP', 6], ['SOCK_PACKET', 10]]),
  socket_type: F([['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]], { field: { mask: 0xf, table: 'socket_kind', always: true } }),
  socket_flags: F([['SOCK_CLOEXEC', 0o2000000], ['SOCK_NONBLOCK', 0o4000]], { zero: '0' }),
  ipproto: E([
    ['IPPROTO_IP', 0], ['IPPROTO_ICMP', 1], ['IPPROTO_IGMP', 2], ['IPPROTO_IPIP', 4], ['IPPROTO_TCP', 6], ['IPPROTO_EGP', 8], ['IPPROTO_PUP', 12],
    ['IPPROTO_UDP', 17], ['IPPROTO_IDP', 22], ['IPPROTO_TP', 29], ['IPPROTO_DCCP', 33], ['IPPROTO_IPV6', 41], ['IPPROTO_RSVP', 46], ['IPPROTO_GRE', 47],
    ['IPPROTO_ESP', 50], ['IPPROTO_AH', 51], ['IPPROTO_ICMPV6', 58], ['IPPROTO_MTP', 92], ['IPPROTO_BEETPH', 94], ['IPPROTO_ENCAP', 98],
    ['IPPROTO_PIM', 103], ['IPPROTO_COMP', 108], ['IPPROTO_L2TP', 115], ['IPPROTO_SCTP', 132], ['IPPROTO_UDPLITE', 136], ['IPPROTO_MPLS', 137],
    ['IPPROTO_ETHERNET', 143], ['IPPROTO_RAW', 255], ['IPPROTO_MPTCP', 262],
  ]),
  netlink_proto: E([
    ['NETLINK_ROUTE', 0], ['NETLINK_UNUSED', 1], ['NETLINK_USERSOCK', 2], ['NETLINK_FIREWALL', 3], ['NETLINK_SOCK_DIAG', 4], ['NETLINK_NFLOG', 5],
    ['NETLINK_XFRM', 6], ['NETLINK_SELINUX', 7], ['NETLINK_ISCSI', 8], ['NETLINK_AUDIT', 9], ['NETLINK_FIB_LOOKUP', 10], ['NETLINK_CONNECTOR', 11],
    ['NETLINK_NETFILTER', 12], ['NETLINK_IP6_FW', 13], ['NETLINK_DNRTMSG', 14], ['NETLINK_KOBJECT_UEVENT', 15], ['NETLINK_GENERIC', 16],
    ['NETLINK_SCSITRANSPORT', 18], ['NETLINK_ECRYPTFS', 19], ['NETLINK_RDMA', 20], ['NETLINK_CRYPTO', 21], ['NETLINK_SMC', 22],
  ]),
  sockopt_level: E([['SOL_IP', 0], ['SOL_SOCKET', 1], ['SOL_TCP', 6], ['SOL_UDP', 17], ['SOL_IPV6', 41], ['SOL_ICMPV6', 58], ['SOL_SCTP', 132],
    ['SOL_UDPLITE', 136], ['SOL_RAW', 255], ['SOL_IPX', 256], ['SOL_AX25', 257], ['SOL_ATALK', 258], ['SOL_NETROM', 259], ['SOL_ROSE', 260],
    ['SOL_DECNET', 261], ['SOL_X25', 262], ['SOL_PACKET', 263], ['SOL_ATM', 264], ['SOL_AAL', 265], ['SOL_IRDA', 266], ['SOL_NETBEUI', 267],
    ['SOL_LLC', 268], ['SOL_DCCP', 269], ['SOL_NETLINK', 270], ['SOL_TIPC', 271], ['SOL_RXRPC', 272], ['SOL_PPPOL2TP', 273], ['SOL_BLUETOOTH', 274],
    ['SOL_PNPIPE', 275], ['SOL_RDS', 276], ['SOL_IUCV', 277], ['SOL_CAIF', 278], ['SOL_ALG', 279], ['SOL_NFC', 280], ['SOL_KCM', 281], ['SOL_TLS', 282],
    ['SOL_XDP', 283], ['SOL_MPTCP', 284], ['SOL_MCTP', 285], ['SOL_SMC', 286], ['SOL_VSOCK', 287]]),
  raw_opt: E([['ICMP_FILTER', 1]]),
  packet_opt: E(seq(['PACKET_ADD_MEMBERSHIP', 'PACKET_DROP_MEMBERSHIP', 'PACKET_RECV_OUTPUT', 'PACKET_RX_RING_OLD', 'PACKET_RX_RING', 'PACKET_STATISTICS',
    'PACKET_COPY_THRESH', 'PACKET_AUXDATA', 'PACKET_ORIGDEV', 'PACKET_VERSION', 'PACKET_HDRLEN', 'PACKET_RESERVE', 'PACKET_TX_RING', 'PACKET_LOSS',
    'PACKET_VNET_HDR', 'PACKET_TX_TIMESTAMP', 'PACKET_TIMESTAMP', 'PACKET_FANOUT', 'PACKET_TX_HAS_OFF', 'PACKET_QDISC_BYPASS', 'PACKET_ROLLOVER_STATS',
    'PACKET_FANOUT_DATA', 'PACKET_IGNORE_OUTGOING', 'PACKET_VNET_HDR_SZ'], 1).filter(([n]) => n !== 'PACKET_RX_RING_OLD')),
  netlink_opt: E(seq(['NETLINK_ADD_MEMBERSHIP', 'NETLINK_DROP_MEMBERSHIP', 'NETLINK_PKTINFO', 'NETLINK_BROADCAST_ERROR', 'NETLINK_NO_ENOBUFS',
    'NETLINK_RX_RING', 'NETLINK_TX_RING', 'NETLINK_LISTEN_ALL_NSID', 'NETLINK_LIST_MEMBERSHIPS', 'NETLINK_CAP_ACK', 'NETLINK_EXT_ACK', 'NETLINK_GET_STRICT_CHK'], 1)),
  tipc_opt: E(seq(['TIPC_IMPORTANCE', 'TIPC_SRC_DROPPABLE', 'TIPC_DEST_DROPPABLE', 'TIPC_CONN_TIMEOUT', 'TIPC_NODE_RECVQ_DEPTH', 'TIPC_SOCK_RECVQ_DEPTH',
    'TIPC_MCAST_BROADCAST', 'TIPC_MCAST_REPLICAST', 'TIPC_GROUP_JOIN', 'TIPC_GROUP_LEAVE', 'TIPC_SOCK_RECVQ_USED', 'TIPC_NODELAY'], 127)),
  // strace's sock_options (x86-64 values); getsockopt names 26 SO_GET_FILTER
  so: E(SO_OPTIONS),
  so_get: E(SO_OPTIONS.map(([n, v]) => [n === 'SO_ATTACH_FILTER' ? 'SO_GET_FILTER' : n, v] as const)),
  txrehash: E([['SOCK_TXREHASH_DISABLED', 0], ['SOCK_TXREHASH_ENABLED', 1], ['SOCK_TXREHASH_DEFAULT', 255]], { dec: true, signed: true }),
  tipc_scope: E([['TIPC_CLUSTER_SCOPE', 2], ['TIPC_NODE_SCOPE', 3]], { dflt: 'TIPC_???_SCOPE' }),
  tipc_group_flags: F([['TIPC_GROUP_LOOPBACK', 1], ['TIPC_GROUP_MEMBER_EVTS', 2]], { zero: '0', dflt: 'TIPC_GROUP_???' }),
  packet_mr: E(seq(['PACKET_MR_MULTICAST', 'PACKET_MR_PROMISC', 'PACKET_MR_ALLMULTI', 'PACKET_MR_UNICAST']), { dflt: 'PACKET_MR_???' }),
  sem_flg: F([['SEM_UNDO', 0x1000], ['IPC_NOWAIT', 0x800]], { zero: '0' }),
  tipc_importance: E(seq(['TIPC_LOW_IMPORTANCE', 'TIPC_MEDIUM_IMPORTANCE', 'TIPC_HIGH_IMPORTANCE', 'TIPC_CRITICAL_IMPORTANCE']), { dflt: 'TIPC_???_IMPORTANCE' }),
  // strace's sock_tcp_options: 1..46
  tcp_opt: E([
    ['TCP_NODELAY', 1], ['TCP_MAXSEG', 2], ['TCP_CORK', 3], ['TCP_KEEPIDLE', 4], ['TCP_KEEPINTVL', 5], ['TCP_KEEPCNT', 6],
    ['TCP_SYNCNT', 7], ['TCP_LINGER2', 8], ['TCP_DEFER_ACCEPT', 9], ['TCP_WINDOW_CLAMP', 10], ['TCP_INFO', 11], ['TCP_QUICKACK', 12],
    ['TCP_CONGESTION', 13], ['TCP_MD5SIG', 14], ['TCP_COOKIE_TRANSACTIONS', 15], ['TCP_THIN_LINEAR_TIMEOUTS', 16], ['TCP_THIN_DUPACK', 17],
    ['TCP_USER_TIMEOUT', 18], ['TCP_REPAIR', 19], ['TCP_REPAIR_QUEUE', 20], ['TCP_QUEUE_SEQ', 21], ['TCP_REPAIR_OPTIONS', 22],
    ['TCP_FASTOPEN', 23], ['TCP_TIMESTAMP', 24], ['TCP_NOTSENT_LOWAT', 25], ['TCP_CC_INFO', 26], ['TCP_SAVE_SYN', 27],
    ['TCP_SAVED_SYN', 28], ['TCP_REPAIR_WINDOW', 29], ['TCP_FASTOPEN_CONNECT', 30], ['TCP_ULP', 31], ['TCP_MD5SIG_EXT', 32],
    ['TCP_FASTOPEN_KEY', 33], ['TCP_FASTOPEN_NO_COOKIE', 34], ['TCP_ZEROCOPY_RECEIVE', 35], ['TCP_INQ', 36], ['TCP_TX_DELAY', 37],
    ['TCP_AO_ADD_KEY', 38], ['TCP_AO_DEL_KEY', 39], ['TCP_AO_INFO', 40], ['TCP_AO_GET_KEYS', 41], ['TCP_AO_REPAIR', 42],
    ['TCP_IS_MPTCP', 43], ['TCP_RTO_MAX_MS', 44], ['TCP_RTO_MIN_US', 45], ['TCP_DELACK_MAX_US', 46],
  ]),
  ip_opt: E([
    ['IP_TOS', 1], ['IP_TTL', 2], ['IP_HDRINCL', 3], ['IP_OPTIONS', 4], ['IP_ROUTER_ALERT', 5], ['IP_RECVOPTS', 6], ['IP_RETOPTS', 7], ['IP_PKTINFO', 8],
    ['IP_PKTOPTIONS', 9], ['IP_MTU_DISCOVER', 10], ['IP_RECVERR', 11], ['IP_RECVTTL', 12], ['IP_RECVTOS', 13], ['IP_MTU', 14], ['IP_FREEBIND', 15],
    ['IP_IPSEC_POLICY', 16], ['IP_XFRM_POLICY', 17], ['IP_PASSSEC', 18], ['IP_TRANSPARENT', 19], ['IP_ORIGDSTADDR', 20], ['IP_MINTTL', 21],
    ['IP_NODEFRAG', 22], ['IP_CHECKSUM', 23], ['IP_BIND_ADDRESS_NO_PORT', 24], ['IP_RECVFRAGSIZE', 25], ['IP_RECVERR_RFC4884', 26],
    ['IP_MULTICAST_IF', 32], ['IP_MULTICAST_TTL', 33], ['IP_MULTICAST_LOOP', 34], ['IP_ADD_MEMBERSHIP', 35], ['IP_DROP_MEMBERSHIP', 36],
    ['IP_UNBLOCK_SOURCE', 37], ['IP_BLOCK_SOURCE', 38], ['IP_ADD_SOURCE_MEMBERSHIP', 39], ['IP_DROP_SOURCE_MEMBERSHIP', 40], ['IP_MSFILTER', 41],
    ['MCAST_JOIN_GROUP', 42], ['MCAST_BLOCK_SOURCE', 43], ['MCAST_UNBLOCK_SOURCE', 44], ['MCAST_LEAVE_GROUP', 45], ['MCAST_JOIN_SOURCE_GROUP', 46],
    ['MCAST_LEAVE_SOURCE_GROUP', 47], ['MCAST_MSFILTER', 48], ['IP_MULTICAST_ALL', 49], ['IP_UNICAST_IF', 50], ['IP_LOCAL_PORT_RANGE', 51], ['IP_PROTOCOL', 52],
  ]),
  ipv6_opt: E([
    ['IPV6_ADDRFORM', 1], ['IPV6_2292PKTINFO', 2], ['IPV6_2292HOPOPTS', 3], ['IPV6_2292DSTOPTS', 4], ['IPV6_2292RTHDR', 5], ['IPV6_2292PKTOPTIONS', 6],
    ['IPV6_CHECKSUM', 7], ['IPV6_2292HOPLIMIT', 8], ['IPV6_NEXTHOP', 9], ['IPV6_AUTHHDR', 10], ['IPV6_FLOWINFO', 11], ['IPV6_UNICAST_HOPS', 16],
    ['IPV6_MULTICAST_IF', 17], ['IPV6_MULTICAST_HOPS', 18], ['IPV6_MULTICAST_LOOP', 19], ['IPV6_ADD_MEMBERSHIP', 20], ['IPV6_DROP_MEMBERSHIP', 21],
    ['IPV6_ROUTER_ALERT', 22], ['IPV6_MTU_DISCOVER', 23], ['IPV6_MTU', 24], ['IPV6_RECVERR', 25], ['IPV6_V6ONLY', 26], ['IPV6_JOIN_ANYCAST', 27],
    ['IPV6_LEAVE_ANYCAST', 28], ['IPV6_MULTICAST_ALL', 29], ['IPV6_ROUTER_ALERT_ISOLATE', 30], ['IPV6_RECVERR_RFC4884', 31], ['IPV6_FLOWLABEL_MGR', 32],
    ['IPV6_FLOWINFO_SEND', 33], ['IPV6_IPSEC_POLICY', 34], ['IPV6_XFRM_POLICY', 35], ['IPV6_HDRINCL', 36], ['MCAST_JOIN_GROUP', 42], ['MCAST_BLOCK_SOURCE', 43],
    ['MCAST_UNBLOCK_SOURCE', 44], ['MCAST_LEAVE_GROUP', 45], ['MCAST_JOIN_SOURCE_GROUP', 46], ['MCAST_LEAVE_SOURCE_GROUP', 47], ['MCAST_MSFILTER', 48],
    ['IPV6_RECVPKTINFO', 49], ['IPV6_PKTINFO', 50], ['IPV6_RECVHOPLIMIT', 51], ['IPV6_HOPLIMIT', 52], ['IPV6_RECVHOPOPTS', 53], ['IPV6_HOPOPTS', 54],
    ['IPV6_RTHDRDSTOPTS', 55], ['IPV6_RECVRTHDR', 56], ['IPV6_RTHDR', 57], ['IPV6_RECVDSTOPTS', 58], ['IPV6_DSTOPTS', 59], ['IPV6_RECVPATHMTU', 60],
    ['IPV6_PATHMTU', 61], ['IPV6_DONTFRAG', 62], ['IPV6_USE_MIN_MTU', 63], ['IPV6_RECVTCLASS', 66], ['IPV6_TCLASS', 67], ['IPV6_AUTOFLOWLABEL', 70],
    ['IPV6_ADDR_PREFERENCES', 72], ['IPV6_MINHOPCOUNT', 73], ['IPV6_ORIGDSTADDR', 74], ['IPV6_TRANSPARENT', 75], ['IPV6_UNICAST_IF', 76],
    ['IPV6_RECVFRAGSIZE', 77], ['IPV6_FREEBIND', 78],
  ], { dflt: 'IPV6_???' }),
  msg: F([
    ['MSG_OOB', 1], ['MSG_PEEK', 2], ['MSG_DONTROUTE', 4], ['MSG_CTRUNC', 8], ['MSG_PROXY', 0x10], ['MSG_TRUNC', 0x20], ['MSG_DONTWAIT', 0x40],
    ['MSG_EOR', 0x80], ['MSG_WAITALL', 0x100], ['MSG_FIN', 0x200], ['MSG_SYN', 0x400], ['MSG_CONFIRM', 0x800], ['MSG_RST', 0x1000],
    ['MSG_ERRQUEUE', 0x2000], ['MSG_NOSIGNAL', 0x4000], ['MSG_MORE', 0x8000], ['MSG_WAITFORONE', 0x10000], ['MSG_BATCH', 0x40000],
    ['MSG_ZEROCOPY', 0x4000000], ['MSG_FASTOPEN', 0x20000000], ['MSG_CMSG_CLOEXEC', 0x40000000],
  ], { zero: '0' }),
  shutdown: E(seq(['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'])),
  scm: E([['SCM_RIGHTS', 1], ['SCM_CREDENTIALS', 2], ['SCM_SECURITY', 3], ['SCM_PIDFD', 4]]),
  // ---- struct fields ----
  // termios (asm-generic/termbits.h): c_oflag and c_cflag hold enum fields, decoded by the
  // termios decoder in structs.ts before the remaining flags
  termios_iflag: F([
    ['IGNBRK', 0o1], ['BRKINT', 0o2], ['IGNPAR', 0o4], ['PARMRK', 0o10], ['INPCK', 0o20], ['ISTRIP', 0o40], ['INLCR', 0o100],
    ['IGNCR', 0o200], ['ICRNL', 0o400], ['IUCLC', 0o1000], ['IXON', 0o2000], ['IXANY', 0o4000], ['IXOFF', 0o10000],
    ['IMAXBEL', 0o20000], ['IUTF8', 0o40000],
  ]),
  termios_oflag: F([['OPOST', 0o1], ['OLCUC', 0o2], ['ONLCR', 0o4], ['OCRNL', 0o10], ['ONOCR', 0o20], ['ONLRET', 0o40], ['OFILL', 0o100], ['OFDEL', 0o200]]),
  termios_nldly: E([['NL0', 0], ['NL1', 0o400]]),
  termios_crdly: E([['CR0', 0], ['CR1', 0o1000], ['CR2', 0o2000], ['CR3', 0o3000]]),
  termios_tabdly: E([['TAB0', 0], ['TAB1', 0o4000], ['TAB2', 0o10000], ['TAB3', 0o14000]]),
  termios_bsdly: E([['BS0', 0], ['BS1', 0o20000]]),
  termios_vtdly: E([['VT0', 0], ['VT1', 0o40000]]),
  termios_ffdly: E([['FF0', 0], ['FF1', 0o100000]]),
  termios_baud: E([
    ['B0', 0], ['B50', 0o1], ['B75', 0o2], ['B110', 0o3], ['B134', 0o4], ['B150', 0o5], ['B200', 0o6], ['B300', 0o7], ['B600', 0o10],
    ['B1200', 0o11], ['B1800', 0o12], ['B2400', 0o13], ['B4800', 0o14], ['B9600', 0o15], ['B19200', 0o16], ['B38400', 0o17],
    ['BOTHER', 0o10000], ['B57600', 0o10001], ['B115200', 0o10002], ['B230400', 0o10003], ['B460800', 0o10004], ['B500000', 0o10005],
    ['B576000', 0o10006], ['B921600', 0o10007], ['B1000000', 0o10010], ['B1152000', 0o10011], ['B1500000', 0o10012],
    ['B2000000', 0o10013], ['B2500000', 0o10014], ['B3000000', 0o10015], ['B3500000', 0o10016], ['B4000000', 0o10017],
  ]),
  termios_csize: E([['CS5', 0], ['CS6', 0o20], ['CS7', 0o40], ['CS8', 0o60]]),
  termios_cflag: F([
    ['CSTOPB', 0o100], ['CREAD', 0o200], ['PARENB', 0o400], ['PARODD', 0o1000], ['HUPCL', 0o2000], ['CLOCAL', 0o4000],
    ['CMSPAR', 0o10000000000], ['CRTSCTS', 0o20000000000],
  ]),
  termios_lflag: F([
    // in the order strace prints them (not the header's)
    ['ISIG', 0o1], ['ICANON', 0o2], ['XCASE', 0o4], ['ECHO', 0o10], ['ECHOE', 0o20], ['ECHOK', 0o40], ['ECHONL', 0o100], ['NOFLSH', 0o200],
    ['IEXTEN', 0o100000], ['ECHOCTL', 0o1000], ['ECHOPRT', 0o2000], ['ECHOKE', 0o4000], ['FLUSHO', 0o10000], ['PENDIN', 0o40000],
    ['TOSTOP', 0o400], ['EXTPROC', 0o200000],
  ]),
  tty_ldisc: E(seq(['N_TTY', 'N_SLIP', 'N_MOUSE', 'N_PPP', 'N_STRIP', 'N_AX25', 'N_X25', 'N_6PACK', 'N_MASC', 'N_R3964', 'N_PROFIBUS_FDL', 'N_IRDA', 'N_SMSBLOCK', 'N_HDLC', 'N_SYNC_PPP', 'N_HCI'])),
  file_type: E([['S_IFIFO', 0o10000], ['S_IFCHR', 0o20000], ['S_IFDIR', 0o40000], ['S_IFBLK', 0o60000], ['S_IFREG', 0o100000], ['S_IFLNK', 0o120000], ['S_IFSOCK', 0o140000]]),
  dirent_type: E([['DT_UNKNOWN', 0], ['DT_FIFO', 1], ['DT_CHR', 2], ['DT_DIR', 4], ['DT_BLK', 6], ['DT_REG', 8], ['DT_LNK', 10], ['DT_SOCK', 12], ['DT_WHT', 14]]),
  futex_bitset: E([['FUTEX_BITSET_MATCH_ANY', 0xffffffff]], { hex: true }),
  // futex2 (futex_wake, futex_wait, futex_requeue, futex_waitv's waiters): the mask is 64-bit, an
  // unknown one plain hex; the flags' size field is always named
  futex2_mask: E([['FUTEX_BITSET_MATCH_ANY', 0xffffffff]], { dflt: '' }),
  futex2_size: E(seq(['FUTEX2_SIZE_U8', 'FUTEX2_SIZE_U16', 'FUTEX2_SIZE_U32', 'FUTEX2_SIZE_U64'])),
  futex2: F([['FUTEX2_NUMA', 0x4], ['FUTEX2_MPOL', 0x8], ['FUTEX2_PRIVATE', 0x80]], { field: { mask: 3, table: 'futex2_size', always: true } }),
  quota_cmd: E([
    ['Q_SYNC', 0x800001], ['Q_QUOTAON', 0x800002], ['Q_QUOTAOFF', 0x800003], ['Q_GETFMT', 0x800004], ['Q_GETINFO', 0x800005],
    ['Q_SETINFO', 0x800006], ['Q_GETQUOTA', 0x800007], ['Q_SETQUOTA', 0x800008], ['Q_GETNEXTQUOTA', 0x800009],
    ['Q_XQUOTAON', 0x5801], ['Q_XQUOTAOFF', 0x5802], ['Q_XGETQUOTA', 0x5803], ['Q_XSETQLIM', 0x5804], ['Q_XGETQSTAT', 0x5805],
    ['Q_XQUOTARM', 0x5806], ['Q_XQUOTASYNC', 0x5807], ['Q_XGETQSTATV', 0x5808], ['Q_XGETNEXTQUOTA', 0x5809],
  ], { dflt: 'Q_???' }),
  adjtimex_modes: F([['ADJ_OFFSET_SS_READ', 0xa001], ['ADJ_OFFSET_SINGLESHOT', 0x8001], ['ADJ_OFFSET', 1], ['ADJ_FREQUENCY', 2], ['ADJ_MAXERROR', 4],
    ['ADJ_ESTERROR', 8], ['ADJ_STATUS', 0x10], ['ADJ_TIMECONST', 0x20], ['ADJ_TAI', 0x80], ['ADJ_SETOFFSET', 0x100], ['ADJ_MICRO', 0x1000],
    ['ADJ_NANO', 0x2000], ['ADJ_TICK', 0x4000]], { zero: '0', dflt: 'ADJ_???' }),
  adjtimex_status: F([['STA_PLL', 1], ['STA_PPSFREQ', 2], ['STA_PPSTIME', 4], ['STA_FLL', 8], ['STA_INS', 0x10], ['STA_DEL', 0x20], ['STA_UNSYNC', 0x40],
    ['STA_FREQHOLD', 0x80], ['STA_PPSSIGNAL', 0x100], ['STA_PPSJITTER', 0x200], ['STA_PPSWANDER', 0x400], ['STA_PPSERROR', 0x800], ['STA_CLOCKERR', 0x1000],
    ['STA_NANO', 0x2000], ['STA_MODE', 0x4000], ['STA_CLK', 0x8000]], { zero: '0', dflt: 'STA_???' }),
  adjtimex_state: E([['TIME_OK', 0], ['TIME_INS', 1], ['TIME_DEL', 2], ['TIME_OOP', 3], ['TIME_WAIT', 4], ['TIME_ERROR', 5]]),
  xfs_quota_flags: F([['FS_QUOTA_UDQ_ACCT', 1], ['FS_QUOTA_UDQ_ENFD', 2], ['FS_QUOTA_GDQ_ACCT', 4], ['FS_QUOTA_GDQ_ENFD', 8], ['FS_QUOTA_PDQ_ACCT', 0x10],
    ['FS_QUOTA_PDQ_ENFD', 0x20]], { zero: '0', dflt: 'FS_QUOTA_???' }),
  xfs_dqblk_flags: F([['FS_USER_QUOTA', 1], ['FS_PROJ_QUOTA', 2], ['FS_GROUP_QUOTA', 4]], { zero: '0', dflt: 'FS_???_QUOTA' }),
  quota_type: E([['USRQUOTA', 0], ['GRPQUOTA', 1], ['PRJQUOTA', 2]], { dflt: '???QUOTA' }),
  quota_format: E([['QFMT_VFS_OLD', 1], ['QFMT_VFS_V0', 2], ['QFMT_OCFS2', 3], ['QFMT_VFS_V1', 4], ['QFMT_SHMEM', 5]], { dflt: 'QFMT_???' }),
  dqblk_valid: F([['QIF_BLIMITS', 1], ['QIF_SPACE', 2], ['QIF_ILIMITS', 4], ['QIF_INODES', 8], ['QIF_BTIME', 16], ['QIF_ITIME', 32]], { zero: '0', dflt: 'QIF_???' }),
  dqinfo_flags: F([['DQF_ROOT_SQUASH', 1], ['DQF_SYS_FILE', 0x10000]], { zero: '0', dflt: 'DQF_???' }),
  dqinfo_valid: F([['IIF_BGRACE', 1], ['IIF_IGRACE', 2], ['IIF_FLAGS', 4]], { zero: '0', dflt: 'IIF_???' }),
  loglevel: E([...seq(['LOGLEVEL_EMERG', 'LOGLEVEL_ALERT', 'LOGLEVEL_CRIT', 'LOGLEVEL_ERR', 'LOGLEVEL_WARNING', 'LOGLEVEL_NOTICE', 'LOGLEVEL_INFO', 'LOGLEVEL_DEBUG']), ['LOGLEVEL_DEBUG+1', 8]], { verboseAlways: true, dec: true, signed: true, dflt: 'LOGLEVEL_???' }),
  sigev_notify: E([['SIGEV_SIGNAL', 0], ['SIGEV_NONE', 1], ['SIGEV_THREAD', 2], ['SIGEV_THREAD_ID', 4]], { dflt: 'SIGEV_???' }),
  statmount: F([['STATMOUNT_BY_FD', 1]], { zero: '0' }),
  statmount_mask: F([
    ['STATMOUNT_SB_BASIC', 1], ['STATMOUNT_MNT_BASIC', 2], ['STATMOUNT_PROPAGATE_FROM', 4], ['STATMOUNT_MNT_ROOT', 8], ['STATMOUNT_MNT_POINT', 0x10],
    ['STATMOUNT_FS_TYPE', 0x20], ['STATMOUNT_MNT_NS_ID', 0x40], ['STATMOUNT_MNT_OPTS', 0x80], ['STATMOUNT_FS_SUBTYPE', 0x100], ['STATMOUNT_SB_SOURCE', 0x200],
    ['STATMOUNT_OPT_ARRAY', 0x400], ['STATMOUNT_OPT_SEC_ARRAY', 0x800], ['STATMOUNT_SUPPORTED_MASK', 0x1000], ['STATMOUNT_MNT_UIDMAP', 0x2000],
    ['STATMOUNT_MNT_GIDMAP', 0x4000],
  ], { zero: '0', dflt: 'STATMOUNT_???' }),
  ns_type: F([['TIME_NS', 0x80], ['MNT_NS', 0x20000], ['CGROUP_NS', 0x2000000], ['UTS_NS', 0x4000000], ['IPC_NS', 0x8000000], ['USER_NS', 0x10000000],
    ['PID_NS', 0x20000000], ['NET_NS', 0x40000000]], { zero: '0', dflt: '???_NS' }),
  listmount: F([['LISTMOUNT_REVERSE', 1]], { zero: '0' }),
  lsm_attr: E([['LSM_ATTR_UNDEF', 0], ['LSM_ATTR_CURRENT', 100], ['LSM_ATTR_EXEC', 101], ['LSM_ATTR_FSCREATE', 102], ['LSM_ATTR_KEYCREATE', 103], ['LSM_ATTR_PREV', 104], ['LSM_ATTR_SOCKCREATE', 105]]),
  lsm_id: E([['LSM_ID_UNDEF', 0], ['LSM_ID_CAPABILITY', 100], ['LSM_ID_SELINUX', 101], ['LSM_ID_SMACK', 102], ['LSM_ID_TOMOYO', 103], ['LSM_ID_APPARMOR', 104],
    ['LSM_ID_YAMA', 105], ['LSM_ID_LOADPIN', 106], ['LSM_ID_SAFESETID', 107], ['LSM_ID_LOCKDOWN', 108], ['LSM_ID_BPF', 109], ['LSM_ID_LANDLOCK', 110],
    ['LSM_ID_IMA', 111], ['LSM_ID_EVM', 112], ['LSM_ID_IPE', 113]], { dflt: 'LSM_ID_???' }),
  lsm_flags: F([['LSM_FLAG_SINGLE', 1]], { zero: '0', dflt: 'LSM_FLAG_???' }),
  shadow_stack: F([['SHADOW_STACK_SET_TOKEN', 1]], { zero: '0', dflt: 'SHADOW_STACK_???' }),
  /** the *xattrat calls' and fchmodat2's flags */
  at_xattr: F([['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_EMPTY_PATH', 0x1000]], { zero: '0' }),
  fs_xflag: F([
    ['FS_XFLAG_REALTIME', 0x1], ['FS_XFLAG_PREALLOC', 0x2], ['FS_XFLAG_IMMUTABLE', 0x8], ['FS_XFLAG_APPEND', 0x10], ['FS_XFLAG_SYNC', 0x20],
    ['FS_XFLAG_NOATIME', 0x40], ['FS_XFLAG_NODUMP', 0x80], ['FS_XFLAG_RTINHERIT', 0x100], ['FS_XFLAG_PROJINHERIT', 0x200],
    ['FS_XFLAG_NOSYMLINKS', 0x400], ['FS_XFLAG_EXTSIZE', 0x800], ['FS_XFLAG_EXTSZINHERIT', 0x1000], ['FS_XFLAG_NODEFRAG', 0x2000],
    ['FS_XFLAG_FILESTREAM', 0x4000], ['FS_XFLAG_DAX', 0x8000], ['FS_XFLAG_COWEXTSIZE', 0x10000], ['FS_XFLAG_VERITY', 0x20000],
    ['FS_XFLAG_HASATTR', 0x80000000], ['FS_XFLAG_CASEFOLD', 0x40000], ['FS_XFLAG_CASENONPRESERVING', 0x80000],
  ], { zero: '0' }),
  fs_magic: E([
    ['EXT2_SUPER_MAGIC', 0xef53], ['TMPFS_MAGIC', 0x01021994], ['PROC_SUPER_MAGIC', 0x9fa0], ['SYSFS_MAGIC', 0x62656572], ['BTRFS_SUPER_MAGIC', 0x9123683e],
    ['XFS_SUPER_MAGIC', 0x58465342], ['OVERLAYFS_SUPER_MAGIC', 0x794c7630], ['CGROUP2_SUPER_MAGIC', 0x63677270], ['DEVPTS_SUPER_MAGIC', 0x1cd1],
    ['NFS_SUPER_MAGIC', 0x6969], ['SQUASHFS_MAGIC', 0x73717368], ['FUSE_SUPER_MAGIC', 0x65735546], ['V9FS_MAGIC', 0x01021997], ['SELINUX_MAGIC', 0xf97cff8c],
  ], { hex: true }),
  statfs_flags: F([
    ['ST_VALID', 0x20], ['ST_RDONLY', 1], ['ST_NOSUID', 2], ['ST_NODEV', 4], ['ST_NOEXEC', 8], ['ST_SYNCHRONOUS', 16], ['ST_MANDLOCK', 64],
    ['ST_NOATIME', 1024], ['ST_NODIRATIME', 2048], ['ST_RELATIME', 4096], ['ST_NOSYMFOLLOW', 8192],
  ], { zero: '0' }),
  resolve: F([['RESOLVE_NO_XDEV', 1], ['RESOLVE_NO_MAGICLINKS', 2], ['RESOLVE_NO_SYMLINKS', 4], ['RESOLVE_BENEATH', 8], ['RESOLVE_IN_ROOT', 0x10], ['RESOLVE_CACHED', 0x20]], { zero: '0' }),
  membarrier: E([['MEMBARRIER_CMD_QUERY', 0], ...MEMBARRIER_CMDS]),
  /** what MEMBARRIER_CMD_QUERY returns: the commands supported */
  membarrier_cmds: F(MEMBARRIER_CMDS, { zero: '0' }),
  personality: E([['PER_LINUX', 0], ['PER_LINUX32', 8], ['ADDR_NO_RANDOMIZE|PER_LINUX', 0x40000], ['QUERY', 0xffffffff]], { hex: true }),
  // ---- the rest of the syscall table's arguments ----
  setns: F([['CLONE_NEWTIME', 0x80], ['CLONE_NEWNS', 0x20000], ['CLONE_NEWCGROUP', 0x2000000], ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000],
    ['CLONE_NEWUSER', 0x10000000], ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000]], { zero: '0', dflt: 'CLONE_NEW???' }),
  keyspec: E([['KEY_SPEC_THREAD_KEYRING', -1], ['KEY_SPEC_PROCESS_KEYRING', -2], ['KEY_SPEC_SESSION_KEYRING', -3], ['KEY_SPEC_USER_KEYRING', -4],
    ['KEY_SPEC_USER_SESSION_KEYRING', -5], ['KEY_SPEC_GROUP_KEYRING', -6], ['KEY_SPEC_REQKEY_AUTH_KEY', -7], ['KEY_SPEC_REQUESTOR_KEYRING', -8]], { signed: true, dec: true, dflt: '' }),
  swap: F([['SWAP_FLAG_PREFER', 0x8000], ['SWAP_FLAG_DISCARD', 0x10000], ['SWAP_FLAG_DISCARD_ONCE', 0x20000], ['SWAP_FLAG_DISCARD_PAGES', 0x40000]], { zero: '0' }),
  sync_file_range: F([['SYNC_FILE_RANGE_WAIT_BEFORE', 1], ['SYNC_FILE_RANGE_WRITE', 2], ['SYNC_FILE_RANGE_WAIT_AFTER', 4]], { zero: '0' }),
  fan_class: E([['FAN_CLASS_NOTIF', 0], ['FAN_CLASS_CONTENT', 4], ['FAN_CLASS_PRE_CONTENT', 8]]),
  fan_init: F([
    ['FAN_CLOEXEC', 1], ['FAN_NONBLOCK', 2], ['FAN_UNLIMITED_QUEUE', 0x10], ['FAN_UNLIMITED_MARKS', 0x20], ['FAN_ENABLE_AUDIT', 0x40],
    ['FAN_REPORT_PIDFD', 0x80], ['FAN_REPORT_TID', 0x100], ['FAN_REPORT_FID', 0x200], ['FAN_REPORT_DIR_FID', 0x400], ['FAN_REPORT_NAME', 0x800], ['FAN_REPORT_TARGET_FID', 0x1000],
    ['FAN_REPORT_FD_ERROR', 0x2000], ['FAN_REPORT_MNT', 0x4000],
  ], { field: { mask: 0xc, table: 'fan_class', always: true }, fieldApart: true, dflt: 'FAN_???' }),
  // in strace's order: the mark's type (MNTNS is MOUNT|FILESYSTEM) among the flags
  fan_mark: F([
    ['FAN_MARK_ADD', 1], ['FAN_MARK_REMOVE', 2], ['FAN_MARK_FLUSH', 0x80], ['FAN_MARK_DONT_FOLLOW', 4], ['FAN_MARK_ONLYDIR', 8],
    ['FAN_MARK_MNTNS', 0x110], ['FAN_MARK_MOUNT', 0x10], ['FAN_MARK_FILESYSTEM', 0x100], ['FAN_MARK_IGNORED_MASK', 0x20],
    ['FAN_MARK_IGNORED_SURV_MODIFY', 0x40], ['FAN_MARK_IGNORE', 0x400], ['FAN_MARK_EVICTABLE', 0x200],
  ], { zero: '0' }),
  fan_event: F([
    ['FAN_ACCESS', 1], ['FAN_MODIFY', 2], ['FAN_ATTRIB', 4], ['FAN_CLOSE_WRITE', 8], ['FAN_CLOSE_NOWRITE', 0x10], ['FAN_OPEN', 0x20], ['FAN_MOVED_FROM', 0x40],
    ['FAN_MOVED_TO', 0x80], ['FAN_CREATE', 0x100], ['FAN_DELETE', 0x200], ['FAN_DELETE_SELF', 0x400], ['FAN_MOVE_SELF', 0x800], ['FAN_OPEN_EXEC', 0x1000],
    ['FAN_Q_OVERFLOW', 0x4000], ['FAN_FS_ERROR', 0x8000], ['FAN_OPEN_PERM', 0x10000], ['FAN_ACCESS_PERM', 0x20000], ['FAN_OPEN_EXEC_PERM', 0x40000],
    ['FAN_DIR_MODIFY', 0x80000], ['FAN_PRE_ACCESS', 0x100000], ['FAN_MNT_ATTACH', 0x1000000], ['FAN_MNT_DETACH', 0x2000000],
    ['FAN_EVENT_ON_CHILD', 0x8000000], ['FAN_RENAME', 0x10000000], ['FAN_ONDIR', 0x40000000],
  ], { zero: '0' }),
  open_tree: F([['OPEN_TREE_CLONE', 1], ['OPEN_TREE_NAMESPACE', 2], ['OPEN_TREE_CLOEXEC', 0o2000000], ['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_RECURSIVE', 0x8000]], { zero: '0', dflt: 'OPEN_TREE_???' }),
  // mount_setattr's flags and struct mount_attr's (decode/mount_attr.ts), in strace's order
  mount_setattr_flags: F([['AT_SYMLINK_NOFOLLOW', 0x100], ['AT_NO_AUTOMOUNT', 0x800], ['AT_EMPTY_PATH', 0x1000], ['AT_RECURSIVE', 0x8000]], { zero: '0', dflt: 'AT_???' }),
  mount_attr_attr: F([
    ['MOUNT_ATTR_RDONLY', 1], ['MOUNT_ATTR_NOSUID', 2], ['MOUNT_ATTR_NODEV', 4], ['MOUNT_ATTR_NOEXEC', 8], ['MOUNT_ATTR__ATIME', 0x70],
    ['MOUNT_ATTR_NOATIME', 0x10], ['MOUNT_ATTR_STRICTATIME', 0x20], ['MOUNT_ATTR_NODIRATIME', 0x80], ['MOUNT_ATTR_IDMAP', 0x100000],
    ['MOUNT_ATTR_NOSYMFOLLOW', 0x200000],
  ], { zero: '0', dflt: 'MOUNT_ATTR_???' }),
  mount_attr_propagation: E([['MS_UNBINDABLE', 0x20000], ['MS_PRIVATE', 0x40000], ['MS_SLAVE', 0x80000], ['MS_SHARED', 0x100000]], { dflt: 'MS_???' }),
  move_mount: F([
    ['MOVE_MOUNT_F_SYMLINKS', 1], ['MOVE_MOUNT_F_AUTOMOUNTS', 2], ['MOVE_MOUNT_F_EMPTY_PATH', 4], ['MOVE_MOUNT_T_SYMLINKS', 0x10], ['MOVE_MOUNT_T_AUTOMOUNTS', 0x20],
    ['MOVE_MOUNT_T_EMPTY_PATH', 0x40], ['MOVE_MOUNT_SET_GROUP', 0x100], ['MOVE_MOUNT_BENEATH', 0x200],
  ], { zero: '0' }),
  fsopen: F([['FSOPEN_CLOEXEC', 1]], { zero: '0' }),
  fsmount: F([['FSMOUNT_CLOEXEC', 1], ['FSMOUNT_NAMESPACE', 2]], { zero: '0' }),
  /** fsmount's attributes, as strace names them: the access time bits as flags, all three (and
   * 0x40) as MOUNT_ATTR__ATIME */
  fsmount_attr: F([
    ['MOUNT_ATTR_RDONLY', 1], ['MOUNT_ATTR_NOSUID', 2], ['MOUNT_ATTR_NODEV', 4], ['MOUNT_ATTR_NOEXEC', 8], ['MOUNT_ATTR__ATIME', 0x70],
    ['MOUNT_ATTR_NOATIME', 0x10], ['MOUNT_ATTR_STRICTATIME', 0x20], ['MOUNT_ATTR_NODIRATIME', 0x80], ['MOUNT_ATTR_NOSYMFOLLOW', 0x200000],
  ], { zero: '0' }),
  fspick: F([['FSPICK_CLOEXEC', 1], ['FSPICK_SYMLINK_NOFOLLOW', 2], ['FSPICK_NO_AUTOMOUNT', 4], ['FSPICK_EMPTY_PATH', 8]], { zero: '0' }),
  fsconfig: E(seq(['FSCONFIG_SET_FLAG', 'FSCONFIG_SET_STRING', 'FSCONFIG_SET_BINARY', 'FSCONFIG_SET_PATH', 'FSCONFIG_SET_PATH_EMPTY', 'FSCONFIG_SET_FD', 'FSCONFIG_CMD_CREATE', 'FSCONFIG_CMD_RECONFIGURE', 'FSCONFIG_CMD_CREATE_EXCL'])),
  mount_attr_atime: E([['MOUNT_ATTR_RELATIME', 0], ['MOUNT_ATTR_NOATIME', 0x10], ['MOUNT_ATTR_STRICTATIME', 0x20]]),
  mount_attr: F([
    ['MOUNT_ATTR_RDONLY', 1], ['MOUNT_ATTR_NOSUID', 2], ['MOUNT_ATTR_NODEV', 4], ['MOUNT_ATTR_NOEXEC', 8], ['MOUNT_ATTR_NODIRATIME', 0x80],
    ['MOUNT_ATTR_IDMAP', 0x100000], ['MOUNT_ATTR_NOSYMFOLLOW', 0x200000],
  ], { field: { mask: 0x70, table: 'mount_attr_atime' }, zero: '0' }),
  mpol_mode: E(seq(['MPOL_DEFAULT', 'MPOL_PREFERRED', 'MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_LOCAL', 'MPOL_PREFERRED_MANY', 'MPOL_WEIGHTED_INTERLEAVE'])),
  mbind: F([['MPOL_MF_STRICT', 1], ['MPOL_MF_MOVE', 2], ['MPOL_MF_MOVE_ALL', 4]], { zero: '0' }),
  // a memory policy: its mode, then the mode flags
  /** a memory policy's mode flags alone (a mode strace does not know prints with them as flags) */
  mpol_flags: F([['MPOL_F_STATIC_NODES', 0x8000], ['MPOL_F_RELATIVE_NODES', 0x4000], ['MPOL_F_NUMA_BALANCING', 0x2000]], { zero: '0', dflt: 'MPOL_F_???' }),
  mpol: F([['MPOL_F_STATIC_NODES', 0x8000], ['MPOL_F_RELATIVE_NODES', 0x4000], ['MPOL_F_NUMA_BALANCING', 0x2000]], { field: { mask: 0x1fff, table: 'mpol_mode', always: true } }),
  membarrier_flags: F([['MEMBARRIER_CMD_FLAG_CPU', 1]], { zero: '0' }),
  get_mempolicy: F([['MPOL_F_NODE', 1], ['MPOL_F_ADDR', 2], ['MPOL_F_MEMS_ALLOWED', 4]], { zero: '0' }),
  move_pages: F([['MPOL_MF_MOVE', 2], ['MPOL_MF_MOVE_ALL', 4]], { zero: '0' }),
  pkey_access: F([['PKEY_DISABLE_ACCESS', 1], ['PKEY_DISABLE_WRITE', 2], ['PKEY_DISABLE_EXECUTE', 4]], { zero: 'PKEY_UNRESTRICTED', dflt: 'PKEY_???' }),
  pkey_prot: F([['PROT_READ', 1], ['PROT_WRITE', 2], ['PROT_EXEC', 4], ['PROT_SEM', 8], ['PROT_GROWSDOWN', 0x1000000], ['PROT_GROWSUP', 0x2000000]], { zero: 'PROT_NONE' }),
  memfd_secret: F([['O_CLOEXEC', 0o2000000]], { zero: '0', dflt: '' }),
  kcmp: E(seq(['KCMP_FILE', 'KCMP_VM', 'KCMP_FILES', 'KCMP_FS', 'KCMP_SIGHAND', 'KCMP_IO', 'KCMP_SYSVSEM', 'KCMP_EPOLL_TFD'])),
  ioprio_who: E([['IOPRIO_WHO_PROCESS', 1], ['IOPRIO_WHO_PGRP', 2], ['IOPRIO_WHO_USER', 3]]),
  ioprio_class: E(seq(['IOPRIO_CLASS_NONE', 'IOPRIO_CLASS_RT', 'IOPRIO_CLASS_BE', 'IOPRIO_CLASS_IDLE'])),
  perf_event_open: F([['PERF_FLAG_FD_NO_GROUP', 1], ['PERF_FLAG_FD_OUTPUT', 2], ['PERF_FLAG_PID_CGROUP', 4], ['PERF_FLAG_FD_CLOEXEC', 8]], { zero: '0' }),
  uffd: F([['UFFD_USER_MODE_ONLY', 1], ['O_NONBLOCK', 0o4000], ['O_CLOEXEC', 0o2000000]], { zero: '0' }),
  bpf_cmd: E(seq(['BPF_MAP_CREATE', 'BPF_MAP_LOOKUP_ELEM', 'BPF_MAP_UPDATE_ELEM', 'BPF_MAP_DELETE_ELEM', 'BPF_MAP_GET_NEXT_KEY', 'BPF_PROG_LOAD', 'BPF_OBJ_PIN',
    'BPF_OBJ_GET', 'BPF_PROG_ATTACH', 'BPF_PROG_DETACH', 'BPF_PROG_TEST_RUN', 'BPF_PROG_GET_NEXT_ID', 'BPF_MAP_GET_NEXT_ID', 'BPF_PROG_GET_FD_BY_ID',
    'BPF_MAP_GET_FD_BY_ID', 'BPF_OBJ_GET_INFO_BY_FD', 'BPF_PROG_QUERY', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_BTF_LOAD', 'BPF_BTF_GET_FD_BY_ID', 'BPF_TASK_FD_QUERY',
    'BPF_MAP_LOOKUP_AND_DELETE_ELEM', 'BPF_MAP_FREEZE', 'BPF_BTF_GET_NEXT_ID', 'BPF_MAP_LOOKUP_BATCH', 'BPF_MAP_LOOKUP_AND_DELETE_BATCH', 'BPF_MAP_UPDATE_BATCH',
    'BPF_MAP_DELETE_BATCH', 'BPF_LINK_CREATE', 'BPF_LINK_UPDATE', 'BPF_LINK_GET_FD_BY_ID', 'BPF_LINK_GET_NEXT_ID', 'BPF_ENABLE_STATS', 'BPF_ITER_CREATE',
    'BPF_LINK_DETACH', 'BPF_PROG_BIND_MAP', 'BPF_TOKEN_CREATE', 'BPF_PROG_STREAM_READ_BY_FD', 'BPF_PROG_ASSOC_STRUCT_OPS']), { dflt: 'BPF_???' }),
  landlock_create: F([['LANDLOCK_CREATE_RULESET_VERSION', 1], ['LANDLOCK_CREATE_RULESET_ERRATA', 2]], { zero: '0' }),
  landlock_access_fs: F([
    ['LANDLOCK_ACCESS_FS_EXECUTE', 0x1], ['LANDLOCK_ACCESS_FS_WRITE_FILE', 0x2], ['LANDLOCK_ACCESS_FS_READ_FILE', 0x4], ['LANDLOCK_ACCESS_FS_READ_DIR', 0x8], ['LANDLOCK_ACCESS_FS_REMOVE_DIR', 0x10], ['LANDLOCK_ACCESS_FS_REMOVE_FILE', 0x20], ['LANDLOCK_ACCESS_FS_MAKE_CHAR', 0x40], ['LANDLOCK_ACCESS_FS_MAKE_DIR', 0x80], ['LANDLOCK_ACCESS_FS_MAKE_REG', 0x100], ['LANDLOCK_ACCESS_FS_MAKE_SOCK', 0x200], ['LANDLOCK_ACCESS_FS_MAKE_FIFO', 0x400], ['LANDLOCK_ACCESS_FS_MAKE_BLOCK', 0x800], ['LANDLOCK_ACCESS_FS_MAKE_SYM', 0x1000], ['LANDLOCK_ACCESS_FS_REFER', 0x2000], ['LANDLOCK_ACCESS_FS_TRUNCATE', 0x4000], ['LANDLOCK_ACCESS_FS_IOCTL_DEV', 0x8000], ['LANDLOCK_ACCESS_FS_RESOLVE_UNIX', 0x10000],
  ], { zero: '0' }),
  landlock_access_net: F([['LANDLOCK_ACCESS_NET_BIND_TCP', 1], ['LANDLOCK_ACCESS_NET_CONNECT_TCP', 2], ['LANDLOCK_ACCESS_NET_BIND_UDP', 4], ['LANDLOCK_ACCESS_NET_CONNECT_SEND_UDP', 8]], { zero: '0' }),
  landlock_scope: F([['LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET', 1], ['LANDLOCK_SCOPE_SIGNAL', 2]], { zero: '0' }),
  pidfd_send_signal: F([['PIDFD_SIGNAL_THREAD', 1], ['PIDFD_SIGNAL_THREAD_GROUP', 2], ['PIDFD_SIGNAL_PROCESS_GROUP', 4]], { zero: '0' }),
  landlock_add_rule: F([['LANDLOCK_ADD_RULE_QUIET', 1]], { zero: '0' }),
  sched_attr_flags: F([['SCHED_FLAG_RESET_ON_FORK', 1], ['SCHED_FLAG_RECLAIM', 2], ['SCHED_FLAG_DL_OVERRUN', 4], ['SCHED_FLAG_KEEP_POLICY', 8],
    ['SCHED_FLAG_KEEP_PARAMS', 0x10], ['SCHED_FLAG_UTIL_CLAMP_MIN', 0x20], ['SCHED_FLAG_UTIL_CLAMP_MAX', 0x40]], { zero: '0', dflt: 'SCHED_FLAG_???' }),
  sched_getattr: F([['SCHED_GETATTR_FLAG_DL_DYNAMIC', 1]], { zero: '0', dflt: 'SCHED_GETATTR_FLAG_???' }),
  seccomp_filter: F([
    ['SECCOMP_FILTER_FLAG_TSYNC', 1], ['SECCOMP_FILTER_FLAG_LOG', 2], ['SECCOMP_FILTER_FLAG_SPEC_ALLOW', 4], ['SECCOMP_FILTER_FLAG_NEW_LISTENER', 8],
    ['SECCOMP_FILTER_FLAG_TSYNC_ESRCH', 16], ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV', 32],
  ], { zero: '0' }),
  seccomp_ret_action: E([
    ['SECCOMP_RET_KILL_PROCESS', 0x80000000], ['SECCOMP_RET_KILL_THREAD', 0], ['SECCOMP_RET_TRAP', 0x30000], ['SECCOMP_RET_ERRNO', 0x50000],
    ['SECCOMP_RET_USER_NOTIF', 0x7fc00000], ['SECCOMP_RET_TRACE', 0x7ff00000], ['SECCOMP_RET_LOG', 0x7ffc0000], ['SECCOMP_RET_ALLOW', 0x7fff0000],
  ]),
  landlock_rule: E([['LANDLOCK_RULE_PATH_BENEATH', 1], ['LANDLOCK_RULE_NET_PORT', 2]]),
  syslog: E(seq(['SYSLOG_ACTION_CLOSE', 'SYSLOG_ACTION_OPEN', 'SYSLOG_ACTION_READ', 'SYSLOG_ACTION_READ_ALL', 'SYSLOG_ACTION_READ_CLEAR', 'SYSLOG_ACTION_CLEAR',
    'SYSLOG_ACTION_CONSOLE_OFF', 'SYSLOG_ACTION_CONSOLE_ON', 'SYSLOG_ACTION_CONSOLE_LEVEL', 'SYSLOG_ACTION_SIZE_UNREAD', 'SYSLOG_ACTION_SIZE_BUFFER']), { dec: true, signed: true, verboseAlways: true }),
  reboot_magic: E([['LINUX_REBOOT_MAGIC1', 0xfee1dead]], { dflt: 'LINUX_REBOOT_MAGIC1???' }),
  reboot_magic2: E([['LINUX_REBOOT_MAGIC2', 672274793], ['LINUX_REBOOT_MAGIC2A', 85072278], ['LINUX_REBOOT_MAGIC2B', 369367448], ['LINUX_REBOOT_MAGIC2C', 537993216]], { dflt: 'LINUX_REBOOT_MAGIC2???' }),
  reboot_cmd: E([['LINUX_REBOOT_CMD_RESTART', 0x01234567], ['LINUX_REBOOT_CMD_HALT', 0xcdef0123], ['LINUX_REBOOT_CMD_CAD_ON', 0x89abcdef], ['LINUX_REBOOT_CMD_CAD_OFF', 0],
    ['LINUX_REBOOT_CMD_POWER_OFF', 0x4321fedc], ['LINUX_REBOOT_CMD_RESTART2', 0xa1b2c3d4], ['LINUX_REBOOT_CMD_SW_SUSPEND', 0xd000fce2], ['LINUX_REBOOT_CMD_KEXEC', 0x45584543]]),
  module_init: F([['MODULE_INIT_IGNORE_MODVERSIONS', 1], ['MODULE_INIT_IGNORE_VERMAGIC', 2], ['MODULE_INIT_COMPRESSED_FILE', 4]], { zero: '0' }),
  delete_module: F([['O_NONBLOCK', 0o4000], ['O_TRUNC', 0o1000]], { zero: '0' }),
  kexec_load: F([['KEXEC_ON_CRASH', 1], ['KEXEC_PRESERVE_CONTEXT', 2], ['KEXEC_UPDATE_ELFCOREHDR', 4], ['KEXEC_CRASH_HOTPLUG_SUPPORT', 8]], { zero: 'KEXEC_ARCH_DEFAULT', dflt: 'KEXEC_???' }),
  // kexec_load's architecture: the ELF machine number << 16 (decode/kexec.ts)
  kexec_arch: E([['KEXEC_ARCH_DEFAULT', 0], ['KEXEC_ARCH_386', 3 << 16], ['KEXEC_ARCH_68K', 4 << 16], ['KEXEC_ARCH_PARISC', 15 << 16], ['KEXEC_ARCH_X86_64', 62 << 16],
    ['KEXEC_ARCH_PPC', 20 << 16], ['KEXEC_ARCH_PPC64', 21 << 16], ['KEXEC_ARCH_IA_64', 50 << 16], ['KEXEC_ARCH_ARM', 40 << 16], ['KEXEC_ARCH_S390', 22 << 16],
    ['KEXEC_ARCH_SH', 42 << 16], ['KEXEC_ARCH_MIPS_LE', 10 << 16], ['KEXEC_ARCH_MIPS', 8 << 16], ['KEXEC_ARCH_AARCH64', 183 << 16], ['KEXEC_ARCH_RISCV', 243 << 16],
    ['KEXEC_ARCH_LOONGARCH', 258 << 16]], { dflt: 'KEXEC_ARCH_???' }),
  kexec_file_load: F([['KEXEC_FILE_UNLOAD', 1], ['KEXEC_FILE_ON_CRASH', 2], ['KEXEC_FILE_NO_INITRAMFS', 4], ['KEXEC_FILE_DEBUG', 8], ['KEXEC_FILE_NO_CMA', 0x10], ['KEXEC_FILE_FORCE_DTB', 0x20]], { zero: '0' }),
  keyctl: E(seq(['KEYCTL_GET_KEYRING_ID', 'KEYCTL_JOIN_SESSION_KEYRING', 'KEYCTL_UPDATE', 'KEYCTL_REVOKE', 'KEYCTL_CHOWN', 'KEYCTL_SETPERM', 'KEYCTL_DESCRIBE',
    'KEYCTL_CLEAR', 'KEYCTL_LINK', 'KEYCTL_UNLINK', 'KEYCTL_SEARCH', 'KEYCTL_READ', 'KEYCTL_INSTANTIATE', 'KEYCTL_NEGATE', 'KEYCTL_SET_REQKEY_KEYRING',
    'KEYCTL_SET_TIMEOUT', 'KEYCTL_ASSUME_AUTHORITY', 'KEYCTL_GET_SECURITY', 'KEYCTL_SESSION_TO_PARENT', 'KEYCTL_REJECT', 'KEYCTL_INSTANTIATE_IOV',
    'KEYCTL_INVALIDATE', 'KEYCTL_GET_PERSISTENT', 'KEYCTL_DH_COMPUTE', 'KEYCTL_PKEY_QUERY', 'KEYCTL_PKEY_ENCRYPT', 'KEYCTL_PKEY_DECRYPT', 'KEYCTL_PKEY_SIGN',
    'KEYCTL_PKEY_VERIFY', 'KEYCTL_RESTRICT_KEYRING', 'KEYCTL_MOVE', 'KEYCTL_CAPABILITIES', 'KEYCTL_WATCH_KEY'])),
};

/** Looks a table up; throws on a name the signatures use but no table defines (a bug). */
export function xlat(name: string): Xlat {
  const t = XLAT[name];
  if (!t) throw new Error(`no xlat table '${name}'`);
  return t;
}
