/**
 * The strace-style formatter: one generic printer that walks a syscall's signature row
 * (signatures.ts), its variant row when the meaning of an argument depends on another (VARIANTS
 * below: fcntl's third argument, futex's operation, open's mode), the xlat tables (xlat.ts) and
 * the struct decoders (structs.ts).
 *
 *   formatSyscall(ev)  'openat(AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC) = 3'
 *   formatEvent(ev)    the same for a syscall; '--- SIGCHLD {...} ---', '+++ exited with 0 +++' for others
 *   decodeSyscall(ev)  the parts (name, argument texts, return text) for other layouts
 */
import type { Capture, Event, Int64, SignalEvent, SyscallEvent, ExitEvent } from '../events.js';
import { captureBytes, capturedBytes } from '../events.js';
import { SIGNATURES, type Signature } from '../signatures.js';
import { errnoMessage, errnoName, errnoNumber, LengthFrom, parseArgSpec, signatureOf, type ArgSpec } from '../syscalls.js';
import { msghdrFailed } from './msghdr.js';
import { PTRACE_VARIANTS, userOffsetText } from './ptrace.js';
import { KEYCTL_VARIANTS } from './keyctl.js';
import { FCNTL_CASES } from './fcntl.js';
import { kexecFlags } from './kexec.js';
import { bufText, clockTicks, fdsetBits, selectNfds, fileMode, makedev, pollRevents, sigsetText, STRUCTS, timeComment, type StructCtx, type StructDecoder } from './structs.js';
import { ABBREV, setCallStyle, enumName, enumPrinter, flagsPrinter, hex, int32, isZero, lo32, octal, printEnum, printFlags, ptr, quote, s64str, signalName, u64str, type XlatStyle } from './values.js';

export interface Paint {
  name(s: string): string;
  str(s: string): string;
  err(s: string): string;
}
const PLAIN: Paint = { name: (s) => s, str: (s) => s, err: (s) => s };

export interface FdPaths {
  /** what descriptor `fd` of process `pid` refers to, before this call */
  path(pid: number, fd: number): string | undefined;
  /** what the descriptor this call returns refers to (open, socket, dup...) */
  opened?(ev: SyscallEvent): string | undefined;
  /** the working directory of process `pid` (printed after AT_FDCWD), when known */
  cwdText?(pid: number): string | undefined;
  /** whether the file descriptor `fd` of `pid` refers to was unlinked (printed `<path>(deleted)`) */
  deleted?(pid: number, fd: number): boolean;
  /** descriptor `fd` of the process that pidfd `pidfd` of process `pid` refers to (pidfd_getfd) */
  remotePath?(pid: number, pidfd: number, fd: number): string | undefined;
}

export interface FormatOptions {
  /** -s: bytes of strings and buffers shown (default 32) */
  stringSize?: number;
  /** -x (1) / -xx (2) */
  hex?: 0 | 1 | 2;
  /** -v: structures whole */
  verbose?: boolean;
  /** -y: descriptor paths */
  fds?: FdPaths;
  /** colours */
  paint?: Partial<Paint>;
  /** column the " = ret" is aligned to, as strace's default 40; 0 = no padding */
  column?: number;
  /** -X raw|abbrev|verbose: flags and enums as names (0), numbers (1), numbers and names (2) */
  style?: XlatStyle;
  /** -e abbrev=SET: the syscalls whose structures are abbreviated (default all; -v: none) */
  abbrev?: ReadonlySet<string>;
  /** -e verbose=SET: the syscalls whose structures are decoded (default all; others: addresses) */
  deref?: ReadonlySet<string>;
  /** -e raw=SET: the syscalls printed undecoded (arguments and return value in hex) */
  raw?: ReadonlySet<string>;
}

interface Resolved {
  stringSize: number;
  hex: 0 | 1 | 2;
  verbose: boolean;
  fds?: FdPaths;
  paint: Paint;
  column: number;
  style: XlatStyle;
  abbrev?: ReadonlySet<string>;
  deref?: ReadonlySet<string>;
  raw?: ReadonlySet<string>;
}
const resolvedCache = new WeakMap<FormatOptions, Resolved>();
/** the options last resolved: a renderer passes the same object for every call */
let lastOptions: FormatOptions | undefined;
let lastResolved: Resolved | undefined;
function resolve(o: FormatOptions = {}): Resolved {
  if (o === lastOptions) return lastResolved!;
  let r = resolvedCache.get(o);
  if (!r) {
    r = {
      stringSize: o.stringSize ?? 32,
      hex: o.hex ?? 0,
      verbose: o.verbose ?? false,
      fds: o.fds,
      paint: { ...PLAIN, ...o.paint },
      column: o.column ?? 40,
      style: o.style ?? ABBREV,
      abbrev: o.abbrev,
      deref: o.deref,
      raw: o.raw,
    };
    resolvedCache.set(o, r);
  }
  lastOptions = o;
  lastResolved = r;
  return r;
}

// ---- variants: when one argument decides how others read (data) ------------------------------

interface Shown {
  /** argument index */
  a: number;
  /** printed as label=value (clone) */
  label?: string;
  /** only when argument `bits[0]` has some bit of `bits[1]` set */
  bits?: readonly [number, number];
}
export interface Variant {
  /** argument types replacing the signature's, by index */
  args?: Readonly<Record<number, string>>;
  /** which arguments print, in order (default: all) */
  show?: readonly (number | Shown)[];
  /** return value type */
  ret?: string;
  /** a second choice, by another argument (a socket option's name within its level) */
  then?: VariantRule;
}
export interface VariantRule {
  /** the deciding argument */
  by: number;
  /** its value is masked first */
  mask?: number;
  /** [mask, value]: bits that, when they hold exactly this value, are a magic number and are
   * cleared before masking (mount's MS_MGC_VAL in MS_MGC_MSK) */
  magic?: readonly [number, number];
  /** cases are keyed by the value's name in this enum table (else by the number) */
  table?: string;
  cases: Readonly<Record<string, Variant>>;
  default?: Variant;
}

const FCNTL_NOARG: Variant = { show: [0, 1] };
const IOCTL_NOARG: Variant = { show: [0, 1] };
/** ioctls whose third argument points to what the call fills in (captured at exit) */
const ioctlOut = (type: string): Variant => ({ args: { 2: `out:${type}` } });
const sockopt = (level: string): Variant => ({ args: { 2: `enum:${level}` } });
/** each socket option level's table of option names */
const SOCKOPT_LEVELS: Readonly<Record<string, Variant>> = {
  SOL_SOCKET: sockopt('so'), SOL_TCP: sockopt('tcp_opt'), SOL_IP: sockopt('ip_opt'), SOL_IPV6: sockopt('ipv6_opt'),
  SOL_RAW: sockopt('raw_opt'), SOL_PACKET: sockopt('packet_opt'),
  // these levels' options are ints, whatever the length
  SOL_NETLINK: { args: { 2: 'enum:netlink_opt', 3: 'in:socknum(4)' } }, SOL_TIPC: { args: { 2: 'enum:tipc_opt', 3: 'in:socknum(4)' } },
};
/** SOL_SOCKET's options strace knows to be ints (net.c's "int-like" lists) */
const SO_INTS = ['SO_ACCEPTCONN', 'SO_BROADCAST', 'SO_BSDCOMPAT', 'SO_BUSY_POLL', 'SO_BUSY_POLL_BUDGET', 'SO_CNX_ADVICE', 'SO_DEBUG', 'SO_DETACH_FILTER', 'SO_DETACH_REUSEPORT_BPF', 'SO_DONTROUTE', 'SO_INCOMING_CPU', 'SO_INCOMING_NAPI_ID', 'SO_INQ', 'SO_KEEPALIVE', 'SO_LOCK_FILTER', 'SO_MARK', 'SO_NOFCS', 'SO_NO_CHECK', 'SO_OOBINLINE', 'SO_PASSCRED', 'SO_PASSPIDFD', 'SO_PASSRIGHTS', 'SO_PASSSEC', 'SO_PEEK_OFF', 'SO_PREFER_BUSY_POLL', 'SO_PRIORITY', 'SO_RCVBUF', 'SO_RCVBUFFORCE', 'SO_RCVLOWAT', 'SO_RCVMARK', 'SO_RCVPRIORITY', 'SO_RESERVE_MEM', 'SO_REUSEADDR', 'SO_REUSEPORT', 'SO_RXQ_OVFL', 'SO_SELECT_ERR_QUEUE', 'SO_SNDBUF', 'SO_SNDBUFFORCE', 'SO_SNDLOWAT', 'SO_TIMESTAMPING_NEW', 'SO_TIMESTAMPING_OLD', 'SO_TIMESTAMPNS_NEW', 'SO_TIMESTAMPNS_OLD', 'SO_TIMESTAMP_NEW', 'SO_TIMESTAMP_OLD', 'SO_WIFI_STATUS', 'SO_ZEROCOPY'];
const soInts = (type: string): Record<string, Variant> => Object.fromEntries(SO_INTS.map((n) => [n, { args: { 3: type } }]));
/** getsockopt: the same, and the options whose value strace decodes as more than an int */
const value = (type: string): Variant => ({ args: { 3: `out:${type}(*4)` } });
const SETSOCKOPT_LEVELS: Readonly<Record<string, Variant>> = {
  ...SOCKOPT_LEVELS,
  SOL_SOCKET: {
    ...sockopt('so'),
    then: {
      by: 2,
      table: 'so',
      cases: {
        ...soInts('in:sockint(4)'), SO_LINGER: { args: { 3: 'in:linger(4)' } }, SO_TXREHASH: { args: { 3: 'in:txrehash(4)' } },
        SO_ATTACH_FILTER: { args: { 3: 'in:sock_fprog(4)' } }, SO_ATTACH_REUSEPORT_CBPF: { args: { 3: 'in:sock_fprog(4)' } },
      },
    },
  },
  SOL_IP: {
    ...sockopt('ip_opt'),
    then: {
      by: 2,
      table: 'ip_opt',
      cases: {
        IP_ADD_MEMBERSHIP: { args: { 3: 'in:ip_mreq(4)' } }, IP_DROP_MEMBERSHIP: { args: { 3: 'in:ip_mreq(4)' } }, IP_LOCAL_PORT_RANGE: { args: { 3: 'in:port_range(4)' } },
        MCAST_JOIN_GROUP: { args: { 3: 'in:group_req(4)' } }, MCAST_LEAVE_GROUP: { args: { 3: 'in:group_req(4)' } },
      },
    },
  },
  SOL_IPV6: {
    ...sockopt('ipv6_opt'),
    then: {
      by: 2,
      table: 'ipv6_opt',
      cases: {
        IPV6_ADD_MEMBERSHIP: { args: { 3: 'in:ipv6_mreq(4)' } }, IPV6_DROP_MEMBERSHIP: { args: { 3: 'in:ipv6_mreq(4)' } },
        IPV6_JOIN_ANYCAST: { args: { 3: 'in:ipv6_mreq(4)' } }, IPV6_LEAVE_ANYCAST: { args: { 3: 'in:ipv6_mreq(4)' } },
        MCAST_JOIN_GROUP: { args: { 3: 'in:group_req(4)' } }, MCAST_LEAVE_GROUP: { args: { 3: 'in:group_req(4)' } },
      },
    },
  },
  SOL_RAW: { ...sockopt('raw_opt'), then: { by: 2, table: 'raw_opt', cases: { ICMP_FILTER: { args: { 3: 'in:icmp_filter(4)' } } } } },
  SOL_TCP: { ...sockopt('tcp_opt'), then: { by: 2, table: 'tcp_opt', cases: { TCP_AO_ADD_KEY: { args: { 3: 'in:tcp_ao_add(4)' } } } } },
  SOL_PACKET: {
    ...sockopt('packet_opt'),
    then: {
      by: 2,
      table: 'packet_opt',
      cases: {
        PACKET_ADD_MEMBERSHIP: { args: { 3: 'in:packet_mreq(4)' } }, PACKET_DROP_MEMBERSHIP: { args: { 3: 'in:packet_mreq(4)' } },
        PACKET_RX_RING: { args: { 3: 'in:tpacket_req(4)' } }, PACKET_TX_RING: { args: { 3: 'in:tpacket_req(4)' } },
      },
    },
  },
  SOL_TIPC: { ...SOCKOPT_LEVELS.SOL_TIPC, then: { by: 2, table: 'tipc_opt', cases: { TIPC_IMPORTANCE: { args: { 3: 'in:tipc_importance(4)' } }, TIPC_GROUP_JOIN: { args: { 3: 'in:tipc_group(4)' } } } } },
};
const GETSOCKOPT_LEVELS: Readonly<Record<string, Variant>> = {
  ...SOCKOPT_LEVELS,
  // option 26 is SO_GET_FILTER when read
  SOL_SOCKET: { ...sockopt('so_get'), then: { by: 2, table: 'so', cases: { ...soInts('out:sockint(*4)'), SO_ERROR: value('sockerr'), SO_PEERCRED: value('ucred'), SO_PEERPIDFD: value('sockpidfd'), SO_LINGER: value('linger'), SO_TXREHASH: value('txrehash'), SO_ATTACH_FILTER: value('sock_filter_got') } } },
  SOL_NETLINK: { args: { 2: 'enum:netlink_opt', 3: 'out:socknum(*4)' }, then: { by: 2, table: 'netlink_opt', cases: { NETLINK_LIST_MEMBERSHIPS: value('nl_memberships') } } },
  SOL_PACKET: { ...sockopt('packet_opt'), then: { by: 2, table: 'packet_opt', cases: { PACKET_STATISTICS: value('tpacket_stats') } } },
  SOL_TIPC: { args: { 2: 'enum:tipc_opt', 3: 'out:socknum(*4)' }, then: { by: 2, table: 'tipc_opt', cases: { TIPC_IMPORTANCE: value('tipc_importance'), TIPC_GROUP_JOIN: value('tipc_group') } } },
  SOL_IP: { ...sockopt('ip_opt'), then: { by: 2, table: 'ip_opt', cases: { IP_PROTOCOL: value('ipproto_int'), IP_LOCAL_PORT_RANGE: value('port_range') } } },
  SOL_RAW: { ...sockopt('raw_opt'), then: { by: 2, table: 'raw_opt', cases: { ICMP_FILTER: value('icmp_filter') } } },
};

/** quotactl's commands (QCMD's upper 24 bits) and what their data is */
const qcase = (cmd: number): number => (cmd << 8) >>> 0;
const QUOTA_CASES: Readonly<Record<string, Variant>> = {
  [qcase(0x800001)]: { show: [0, 1] },  // Q_SYNC
  [qcase(0x800003)]: { show: [0, 1] },  // Q_QUOTAOFF
  [qcase(0x5807)]: { show: [0, 1] },  // Q_XQUOTASYNC
  [qcase(0x800002)]: { args: { 2: 'enum:quota_format', 3: 'in:qpath(=80)' } },  // Q_QUOTAON
  [qcase(0x800007)]: { args: { 3: 'out:dqblk(=80)' } },  // Q_GETQUOTA
  [qcase(0x800008)]: { args: { 3: 'in:dqblk(=80)' } },  // Q_SETQUOTA
  [qcase(0x800009)]: { args: { 3: 'out:nextdqblk(=80)' } },  // Q_GETNEXTQUOTA
  [qcase(0x800004)]: { show: [0, 1, 3], args: { 3: 'out:qfmt(=80)' } },  // Q_GETFMT
  [qcase(0x800005)]: { show: [0, 1, 3], args: { 3: 'out:dqinfo(=80)' } },  // Q_GETINFO
  [qcase(0x800006)]: { show: [0, 1, 3], args: { 3: 'in:dqinfo(=80)' } },  // Q_SETINFO
  // XFS's (decode/quota_xfs.ts)
  [qcase(0x5801)]: { show: [0, 1, 3], args: { 3: 'in:xfs_quota_flags(=4)' } },  // Q_XQUOTAON
  [qcase(0x5802)]: { show: [0, 1, 3], args: { 3: 'in:xfs_quota_flags(=4)' } },  // Q_XQUOTAOFF
  [qcase(0x5806)]: { show: [0, 1, 3], args: { 3: 'in:xfs_quota_types(=4)' } },  // Q_XQUOTARM
  [qcase(0x5803)]: { args: { 3: 'out:xfs_disk_quota(=112)' } },  // Q_XGETQUOTA
  [qcase(0x5809)]: { args: { 3: 'out:xfs_disk_quota(=112)' } },  // Q_XGETNEXTQUOTA
  [qcase(0x5804)]: { args: { 3: 'in:xfs_disk_quota(=112)' } },  // Q_XSETQLIM
  [qcase(0x5805)]: { show: [0, 1, 3], args: { 3: 'out:xfs_quota_stat(=80)' } },  // Q_XGETQSTAT
  [qcase(0x5808)]: { show: [0, 1, 3], args: { 3: 'out:xfs_quota_statv(=160)' } },  // Q_XGETQSTATV
};

/** MS_REMOUNT, MS_BIND, MS_MOVE, MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED */
const MOUNT_IGNORES = 0x20 | 0x1000 | 0x2000 | 0x20000 | 0x40000 | 0x80000 | 0x100000;
/** each combination of MOUNT_IGNORES' bits: MS_REMOUNT alone decides when present */
function mountCases(): Record<string, Variant> {
  const out: Record<string, Variant> = {};
  for (let v = MOUNT_IGNORES; v; v = (v - 1) & MOUNT_IGNORES) out[v] = v & 0x20 ? { args: { 2: 'ptr' } } : { args: { 2: 'ptr', 4: 'ptr' } };
  return out;
}

export const VARIANTS: Readonly<Record<string, VariantRule>> = {
  open: { by: 1, mask: 0o20000100, cases: { 0: { show: [0, 1] } } },
  openat: { by: 2, mask: 0o20000100, cases: { 0: { show: [0, 1, 2] } } },
  // the actions that take no buffer print alone; the others with the buffer and its length
  // (SYSLOG_ACTION_CONSOLE_LEVEL's length is a log level)
  syslog: { by: 0, cases: { 0: { show: [0] }, 1: { show: [0] }, 5: { show: [0] }, 6: { show: [0] }, 7: { show: [0] }, 8: { args: { 2: 'enum:loglevel' } }, 9: { show: [0] }, 10: { show: [0] } } },
  // the mode and attributes only when it creates
  mq_open: { by: 1, mask: 0o100, cases: { 0: { show: [0, 1] } } },
  // quotactl's and quotactl_fd's data, by command (the command is the first argument, the second
  // for quotactl_fd; both print their first two arguments alone for Q_QUOTAOFF and Q_SYNC)
  quotactl: { by: 0, mask: 0xffffff00, cases: QUOTA_CASES },
  quotactl_fd: { by: 1, mask: 0xffffff00, cases: QUOTA_CASES },
  landlock_add_rule: {
    by: 1,
    table: 'landlock_rule',
    cases: { LANDLOCK_RULE_PATH_BENEATH: { args: { 2: 'in:landlock_path(=16)' } }, LANDLOCK_RULE_NET_PORT: { args: { 2: 'in:landlock_port(=16)' } } },
  },
  // with IORING_REGISTER_USE_REGISTERED_RING the first argument is a registered ring's index
  io_uring_register: { by: 1, mask: 0x80000000, cases: { [0x80000000]: { args: { 0: 'int' } } } },
  // io_uring_enter's fifth argument: a struct io_uring_getevents_arg with IORING_ENTER_EXT_ARG, an
  // offset in a registered region with IORING_ENTER_EXT_ARG_REG, a signal mask with neither or both
  io_uring_enter: { by: 3, mask: 0x48, cases: { [0x8]: { args: { 4: 'in:uring_getevents_arg(=24)' } }, [0x40]: { args: { 4: 'ulong' } } } },
  // MEMBARRIER_CMD_QUERY: the commands supported, as the return value's flags
  membarrier: { by: 0, table: 'membarrier', cases: { MEMBARRIER_CMD_QUERY: { show: [0, 1], ret: 'xflags:membarrier_cmds' } } },
  // mount ignores the type with MS_REMOUNT, the type and the data with MS_BIND, MS_MOVE and the
  // propagation flags: strace prints those as addresses
  mount: { by: 3, magic: [0xffff0000, 0xc0ed0000], mask: MOUNT_IGNORES, cases: mountCases() },
  // kcmp's indices are descriptors for KCMP_FILE
  // (the others name no index: pid1, pid2 and the type alone)
  kcmp: {
    by: 2,
    table: 'kcmp',
    cases: { KCMP_FILE: { args: { 3: 'fd', 4: 'fd' } }, KCMP_EPOLL_TFD: { args: { 3: 'fd' } }, KCMP_VM: { show: [0, 1, 2] }, KCMP_FILES: { show: [0, 1, 2] }, KCMP_FS: { show: [0, 1, 2] }, KCMP_SIGHAND: { show: [0, 1, 2] }, KCMP_IO: { show: [0, 1, 2] }, KCMP_SYSVSEM: { show: [0, 1, 2] } },
    default: { args: { 4: 'hex' } },
  },
  // the filter's flags and program, an action's number, the notification sizes the call fills
  seccomp: {
    by: 0,
    table: 'seccomp_op',
    cases: {
      SECCOMP_SET_MODE_FILTER: { args: { 1: 'flags:seccomp_filter', 2: 'in:seccomp_fprog(=1)' } },
      SECCOMP_GET_ACTION_AVAIL: { args: { 2: 'in:seccomp_action(=1)' } },
      SECCOMP_GET_NOTIF_SIZES: { args: { 2: 'out:notif_sizes(=1)' } },
    },
  },
  // the commands that return a new descriptor (-y prints what it is)
  bpf: {
    by: 0,
    table: 'bpf_cmd',
    cases: Object.fromEntries(['BPF_MAP_CREATE', 'BPF_PROG_LOAD', 'BPF_OBJ_GET', 'BPF_PROG_GET_FD_BY_ID', 'BPF_MAP_GET_FD_BY_ID', 'BPF_BTF_LOAD',
      'BPF_BTF_GET_FD_BY_ID', 'BPF_RAW_TRACEPOINT_OPEN', 'BPF_LINK_CREATE', 'BPF_LINK_GET_FD_BY_ID', 'BPF_ENABLE_STATS', 'BPF_ITER_CREATE',
      'BPF_TOKEN_CREATE'].map((n) => [n, { ret: 'fd' }])),
  },
  // the address and the data by request (decode/ptrace.ts)
  ptrace: PTRACE_VARIANTS,
  // the arguments each operation has (decode/keyctl.ts)
  keyctl: KEYCTL_VARIANTS,
  // fsconfig's aux: the directory of a path, a descriptor, else a number
  fsconfig: { by: 1, table: 'fsconfig', cases: { FSCONFIG_SET_PATH: { args: { 4: 'dirfd' } }, FSCONFIG_SET_PATH_EMPTY: { args: { 4: 'dirfd' } }, FSCONFIG_SET_FD: { args: { 4: 'fd' } } } },
  // the argument string only for LINUX_REBOOT_CMD_RESTART2
  reboot: { by: 2, table: 'reboot_cmd', cases: { LINUX_REBOOT_CMD_RESTART2: {} }, default: { show: [0, 1, 2] } },
  // the device number only for character and block devices
  mknod: { by: 1, mask: 0o170000, cases: { [0o20000]: {}, [0o60000]: {} }, default: { show: [0, 1] } },
  mknodat: { by: 2, mask: 0o170000, cases: { [0o20000]: {}, [0o60000]: {} }, default: { show: [0, 1, 2] } },
  fcntl: {
    by: 1,
    table: 'fcntl',
    cases: {
      F_GETFD: { ...FCNTL_NOARG, ret: 'flags:fd_flags' },
      F_GETFL: { ...FCNTL_NOARG, ret: 'flags:open' },
      F_GET_SEALS: { ...FCNTL_NOARG, ret: 'flags:f_seals' },
      F_GETOWN: FCNTL_NOARG, F_GETPIPE_SZ: FCNTL_NOARG,
      F_SETFD: { args: { 2: 'flags:fd_flags' } },
      F_SETFL: { args: { 2: 'flags:open' } },
      F_ADD_SEALS: { args: { 2: 'flags:f_seals' } },
      F_DUPFD: { args: { 2: 'int' }, ret: 'fd' },
      F_DUPFD_CLOEXEC: { args: { 2: 'int' }, ret: 'fd' },
      F_SETOWN: { args: { 2: 'int' } },
      F_SETSIG: { args: { 2: 'signo' } },
      F_SETPIPE_SZ: { args: { 2: 'int' } },
      // the structures, and the values with names (decode/fcntl.ts)
      ...FCNTL_CASES,
    },
  },
  ioctl: {
    by: 1,
    table: 'ioctl',
    cases: {
      FIOCLEX: IOCTL_NOARG, FIONCLEX: IOCTL_NOARG, TIOCNOTTY: IOCTL_NOARG, TIOCSCTTY: { args: { 2: 'int' } },
      TCGETS: ioctlOut('termios'), TIOCGWINSZ: ioctlOut('winsize'),
      TIOCGPTN: ioctlOut('int'), FIONREAD: ioctlOut('int'), TIOCOUTQ: ioctlOut('int'), TIOCGPGRP: ioctlOut('int'), TIOCGSID: ioctlOut('int'),
    },
    // other requests: the argument as a number (its bytes are captured but their type is unknown)
    default: { args: { 2: 'hex' } },
  },
  futex: {
    by: 1,
    mask: 0x7f,
    table: 'futex_op',
    cases: {
      FUTEX_WAIT: { show: [0, 1, 2, 3] },
      FUTEX_WAKE: { show: [0, 1, 2] },
      FUTEX_FD: { show: [0, 1, 2] },
      FUTEX_REQUEUE: { show: [0, 1, 2, 3, 4], args: { 3: 'uint' } },
      FUTEX_CMP_REQUEUE: { args: { 3: 'uint', 5: 'uint' } },
      FUTEX_CMP_REQUEUE_PI: { args: { 3: 'uint', 5: 'uint' } },
      FUTEX_WAKE_OP: { args: { 3: 'uint', 5: 'hex' } },
      FUTEX_LOCK_PI: { show: [0, 1, 3] },
      FUTEX_LOCK_PI2: { show: [0, 1, 3] },
      FUTEX_UNLOCK_PI: { show: [0, 1] },
      FUTEX_TRYLOCK_PI: { show: [0, 1] },
      FUTEX_WAIT_BITSET: { show: [0, 1, 2, 3, 5], args: { 5: 'enum:futex_bitset' } },
      FUTEX_WAKE_BITSET: { show: [0, 1, 2, 5], args: { 5: 'enum:futex_bitset' } },
      FUTEX_WAIT_REQUEUE_PI: { show: [0, 1, 2, 3, 4] },
    },
  },
  clone: {
    by: 0,
    mask: 0,
    cases: {},
    default: {
      show: [
        { a: 1, label: 'child_stack' },
        { a: 0, label: 'flags' },
        { a: 2, label: 'parent_tid', bits: [0, 0x100000] },
        { a: 3, label: 'child_tidptr', bits: [0, 0x1200000] },
        { a: 4, label: 'tls', bits: [0, 0x80000] },
      ],
    },
  },
  socket: { by: 0, table: 'socket_domain', cases: { AF_INET: { args: { 2: 'enum:ipproto' } }, AF_INET6: { args: { 2: 'enum:ipproto' } }, AF_NETLINK: { args: { 2: 'enum:netlink_proto' } } } },
  setsockopt: {
    by: 1,
    table: 'sockopt_level',
    cases: SETSOCKOPT_LEVELS,
  },
  getsockopt: {
    by: 1,
    table: 'sockopt_level',
    cases: GETSOCKOPT_LEVELS,
  },
  prctl: {
    by: 0,
    table: 'prctl',
    cases: {
      PR_SET_NAME: { show: [0, 1] }, PR_GET_NAME: { show: [0, 1] }, PR_GET_DUMPABLE: { show: [0] }, PR_SET_DUMPABLE: { show: [0, 1] },
      PR_SET_PDEATHSIG: { show: [0, 1], args: { 1: 'signo' } }, PR_GET_PDEATHSIG: { show: [0, 1] }, PR_SET_NO_NEW_PRIVS: { show: [0, 1, 2, 3, 4] },
      PR_GET_NO_NEW_PRIVS: { show: [0, 1, 2, 3, 4] }, PR_CAPBSET_READ: { show: [0, 1] }, PR_SET_CHILD_SUBREAPER: { show: [0, 1] },
      PR_GET_SECCOMP: { show: [0] }, PR_GET_KEEPCAPS: { show: [0] }, PR_SET_KEEPCAPS: { show: [0, 1] }, PR_GET_TIMERSLACK: { show: [0] },
    },
  },
};

/** A variant refined by its `then` rule: the two merged, each pair merged once. */
const refinedMemo = new WeakMap<VariantRule, Map<number, Variant | undefined>>();
const mergedMemo = new WeakMap<Variant, Map<Variant, Variant>>();
function refine(v: Variant, args: readonly Int64[]): Variant {
  const rule = v.then!;
  let memo = refinedMemo.get(rule);
  if (!memo) refinedMemo.set(rule, (memo = new Map()));
  const sub = variantOf(args, rule, memo);
  if (!sub) return v;
  let byV = mergedMemo.get(v);
  if (!byV) mergedMemo.set(v, (byV = new Map()));
  let m = byV.get(sub);
  if (!m) byV.set(sub, (m = { args: { ...v.args, ...sub.args }, show: sub.show ?? v.show, ret: sub.ret ?? v.ret }));
  return m;
}

/** Which variant of `rule` this call takes (undefined: the signature as it is). */
function variantOf(args: readonly Int64[], rule: VariantRule, memo: Map<number, Variant | undefined>): Variant | undefined {
  const raw = args[rule.by];
  if (raw === undefined) return rule.default;
  let v = lo32(raw);
  if (rule.magic && ((v & rule.magic[0]) >>> 0) === rule.magic[1]) v = (v & ~rule.magic[0]) >>> 0;
  if (rule.mask !== undefined) v = (v & rule.mask) >>> 0;
  // the few values a program passes (F_GETFL, FUTEX_WAKE...) are resolved once each
  const hit = memo.get(v);
  if (hit !== undefined || memo.has(v)) return hit;
  const key = rule.table ? (enumName(rule.table, v) ?? String(v)) : String(v);
  const variant = rule.cases[key] ?? rule.default;
  if (memo.size < 1024) memo.set(v, variant);
  return variant;
}

// ---- one argument ----------------------------------------------------------------------------

/**
 * One call being decoded. The event's fields are read into it once: events come in several
 * shapes (with or without errno, mem, status), so each read of them is a megamorphic lookup,
 * and the printers read args and mem again for every argument.
 */
interface Ctx {
  ev: SyscallEvent;
  o: Resolved;
  failed: boolean;
  ret: number;
  args: Int64[];
  mem: Capture[] | undefined;
  /** ev.ret */
  raw: Int64 | null;
  errno: string | undefined;
  /** structures whole (-v, or -e abbrev= without this call) */
  verbose: boolean;
  /** structures decoded (-e verbose= with this call) */
  deref: boolean;
  /** -X */
  style: XlatStyle;
}

/** capture types that are arrays whose decoders print [] for none, even where their memory faulted */
const EMPTY_ARRAYS: ReadonlySet<string> = new Set(['nodemask', 'nodemask1', 'nl_memberships', 'uring_reg']);

/** flag and enum tables of 64-bit C types; the others are an int and print their low 32 bits */
const WIDE = new Set(['ptrace', 'ptrace_options', 'nt_type', 'clone', 'clone3', 'mount', 'mmap', 'pkey_access', 'pkey_prot', 'fan_event', 'kexec_file_load', 'futex2_mask', 'perf_event_open', 'mmap_prot64', 'unshare']);

const SCALAR: Readonly<Record<string, (v: Int64, x: Ctx) => string>> = {
  fd: (v, x) => fdText(int32(v), x),
  kexec_flags: (v) => kexecFlags(v),
  // pidfd_getfd's descriptor: one of the process its pidfd (argument 0) refers to
  pidfd_target: (v, x) => {
    const fd = int32(v);
    const p = x.o.fds && fd >= 0 ? x.o.fds.remotePath?.(x.ev.pid, int32(x.args[0] ?? -1), fd) : undefined;
    return p === undefined ? String(fd) : `${fd}<${p}>`;
  },
  dirfd: (v, x) => (int32(v) === -100 ? atFdcwd(x) : fdText(int32(v), x)),
  int: (v) => String(int32(v)),
  uint: (v) => String(lo32(v)),
  long: (v) => s64str(v),
  ulong: (v) => u64str(v),
  size: (v) => u64str(v),
  off: (v) => s64str(v),
  hex: (v) => (isZero(v) ? '0' : hex(v)),
  // an I/O priority: IOPRIO_PRIO_VALUE(class, data) (decimal in -X raw, the macro in a comment with -X verbose)
  ioprio: (v, x) => ioprioText(lo32(v) | 0, x.style),
  // fanotify_mark's directory: AT_FDCWD, FAN_NOFD (-1) or a descriptor
  fanfd: (v, x) => (int32(v) === -1 ? (x.style === 0 ? 'FAN_NOFD' : x.style === 1 ? '-1' : '-1 /* FAN_NOFD */') : SCALAR.dirfd!(v, x)),
  u64: (v) => u64str(v),
  // a 32-bit flags word without a table: its low half in hex
  hex32: (v) => (lo32(v) === 0 ? '0' : hex(lo32(v))),
  ptr: (v) => ptr(v),
  // an offset in struct user (PTRACE_PEEKUSER's and PTRACE_POKEUSER's address, decode/ptrace.ts)
  user_offset: (v) => userOffsetText(v),
  pid: (v) => String(int32(v)),
  uid: (v) => String(int32(v) === -1 ? -1 : lo32(v)),
  gid: (v) => String(int32(v) === -1 ? -1 : lo32(v)),
  signo: (v, x) => {
    const n = int32(v);
    const name = signalName(n);
    if (x.style === 0 || name === String(n)) return name;
    return x.style === 1 ? String(n) : `${n} /* ${name} */`;
  },
  // mode_t as the kernel reads it: an umode_t, 16 bits
  mode: (v) => octal(lo32(v) & 0xffff),
  // a mode with its file type (mknod): S_IFCHR|0600, the number alone when the type is unknown
  smode: (v, x) => symbolicMode(lo32(v) & 0xffff, x.style),
  dev: (v) => makedev(BigInt(u64str(v))),
  // the kernel's 32-bit dev_t of mknod and ustat
  dev32: (v) => makedev(BigInt(lo32(v))),
  // a memory policy: mbind's (an unsigned long) and set_mempolicy's (an int)
  mpol: (v, x) => mpolText(BigInt(u64str(v)), x.style),
  mpol32: (v, x) => mpolText(BigInt(lo32(v)), x.style),
  // mount's flags: the magic number old programs put in the high half (MS_MGC_MSK) first, alone
  mountflags: (v, x) => mountFlagsText(BigInt(u64str(v)), x.style),
  // mmap flags as strace's print_mmap_flags: the type (unknown: 0xf /* MAP_??? */), the flags,
  // then the huge page size as N<<MAP_HUGE_SHIFT
  mapflags: (v, x) => {
    const f = BigInt(u64str(v));
    if (x.style === 1) return f ? hex(f) : '0';
    const type = printEnum('mmap_type', f & 0xfn, 64, ABBREV);
    const huge = (f >> 26n) & 0x3fn;
    const rest = f & ~0xfn & ~(0x3fn << 26n);
    let text = type;
    if (rest) text += `|${printFlags('mmap', rest, 64, ABBREV)}`;
    if (huge) text += `|${huge}<<MAP_HUGE_SHIFT`;
    return x.style === 0 ? text : `${hex(f)} /* ${text} */`;
  },
  // swapon's flags: the priority (the low 15 bits) last, in decimal
  swapflags: (v, x) => {
    const f = lo32(v);
    const prio = f & 0x7fff;
    const rest = (f & ~0x7fff) >>> 0;
    if (!rest || x.style === 1) return rest ? hex(f) : String(prio);
    const text = `${printFlags('swap', rest, 32, ABBREV)}|${prio}`;
    return x.style === 0 ? text : `${hex(f)} /* ${text} */`;
  },
  // quotactl's command: QCMD(Q_GETQUOTA, USRQUOTA) (-X raw: the number in decimal)
  qcmd: (v, x) => {
    const q = lo32(v);
    if (x.style === 1) return String(q);
    const text = `QCMD(${printEnum('quota_cmd', q >>> 8, 32, ABBREV)}, ${printEnum('quota_type', q & 0xff, 32, ABBREV)})`;
    return x.style === 0 ? text : `${q} /* ${text} */`;
  },
  // memfd_create's flags: the hugetlb page size (bits 26-31) last, as N<<MFD_HUGE_SHIFT
  mfdflags: (v, x) => {
    const f = lo32(v);
    if (f === 0 || x.style === 1) return f ? hex(f) : '0';
    const huge = f >>> 26;
    const rest = (f & 0x3ffffff) >>> 0;
    const parts = rest || !huge ? [printFlags('memfd', rest, 32, ABBREV)] : [];
    if (huge) parts.push(`${huge}<<MFD_HUGE_SHIFT`);
    const text = parts.join('|');
    return x.style === 0 ? text : `${hex(f)} /* ${text} */`;
  },
  // io_uring_register's opcode, then IORING_REGISTER_USE_REGISTERED_RING (each in the -X style)
  uring_op: (v, x) => {
    const op = lo32(v);
    const name = printEnum('uring_register', op & 0x7fffffff, 32, x.style);
    if (!(op & 0x80000000)) return name;
    return `${name}|${x.style === 0 ? 'IORING_REGISTER_USE_REGISTERED_RING' : x.style === 1 ? '0x80000000' : '0x80000000 /* IORING_REGISTER_USE_REGISTERED_RING */'}`;
  },
  // a scheduling policy, SCHED_RESET_ON_FORK|SCHED_FIFO
  policy: (v, x) => policyText(lo32(v), x.style),
};

/**
 * A memory policy's mode as strace's print_mode: the mode alone by name (unknown: the whole
 * value, `0xffff1fff /* MPOL_??? *\/`); with mode flags, the mode's name then the flags, or, when
 * the mode is unknown, the whole value as flags (`MPOL_F_STATIC_NODES|0x...`).
 */
function mpolText(m: bigint, style: XlatStyle): string {
  const flags = m & 0xe000n;
  const mode = m & ~0xe000n;
  if (!flags) return printEnum('mpol_mode', mode, 64, style);
  const name = mode <= 0xffffn ? enumName('mpol_mode', Number(mode)) : undefined;
  if (name === undefined) return printFlags('mpol_flags', m, 64, style);
  const text = `${name}|${printFlags('mpol_flags', flags, 64, ABBREV)}`;
  return style === ABBREV ? text : style === 1 ? hex(m) : `${hex(m)} /* ${text} */`;
}

function mountFlagsText(m: bigint, style: XlatStyle): string {
  if ((m & 0xffff0000n) !== 0xc0ed0000n) return printFlags('mount', m, 64, style);
  const rest = m & ~0xffff0000n;
  const magic = style === ABBREV ? 'MS_MGC_VAL' : style === 1 ? '0xc0ed0000' : '0xc0ed0000 /* MS_MGC_VAL */';
  return rest ? `${magic}|${printFlags('mount', rest, 64, style)}` : magic;
}

/** A scheduling policy with SCHED_RESET_ON_FORK (0x40000000) as a flag before it, as strace. */
function policyText(p: number, style: XlatStyle): string {
  if (!(p & 0x40000000) || p & 0x80000000) return printEnum('sched_policy', p, 32, style);
  const rest = (p & ~0x40000000) >>> 0;
  const text = `SCHED_RESET_ON_FORK|${enumName('sched_policy', rest) ?? hex(rest)}`;
  return style === ABBREV ? text : style === 1 ? hex(p) : `${hex(p)} /* ${text} */`;
}

/** An I/O priority as strace prints it: class << 13 | data. */
function ioprioText(v: number, style: XlatStyle): string {
  if (style === 1) return String(v);
  const cls = (v >>> 13) & 0x7ffff;
  const data = v & 0x1fff;
  const inner = `IOPRIO_PRIO_VALUE(${printEnum('ioprio_class', cls, 32, style)}, ${data})`;
  return style === 2 ? `${v} /* ${inner} */` : inner;
}

/** mknod's mode as strace prints it in each -X style. */
function symbolicMode(m: number, style: XlatStyle): string {
  const type = m & 0o170000;
  const known = type === 0 || enumName('file_type', type) !== undefined;
  // fileMode prints in the call's -X style
  return known && style !== 1 ? fileMode(m) : octal(m);
}

/** AT_FDCWD in the call's -X style; with -y the working directory after it, as strace */
function atFdcwd(x: Ctx): string {
  const name = x.style === 0 ? 'AT_FDCWD' : x.style === 1 ? '-100' : '-100 /* AT_FDCWD */';
  const dir = x.o.fds?.cwdText?.(x.ev.pid);
  return dir === undefined ? name : `${name}<${dir}>`;
}

function fdText(fd: number, x: Ctx): string {
  const p = x.o.fds && fd >= 0 ? x.o.fds.path(x.ev.pid, fd) : undefined;
  if (p === undefined) return String(fd);
  return x.o.fds!.deleted?.(x.ev.pid, fd) ? `${fd}<${p}>(deleted)` : `${fd}<${p}>`;
}

/**
 * A pidfd the kernel hands the program in memory (SO_PEERPIDFD's value, an SCM_PIDFD message):
 * as -y prints a descriptor; one the tracker does not know yet (it is new) is a pidfd, which
 * /proc names anon_inode:[pidfd].
 */
function pidfdText(fd: number, x: Ctx): string {
  if (!x.o.fds || fd < 0 || x.o.fds.path(x.ev.pid, fd) !== undefined) return fdText(fd, x);
  return `${fd}<anon_inode:[pidfd]>`;
}

function capsOf(mem: Capture[] | undefined, arg: number, at: 'entry' | 'exit'): Capture[] {
  const out: Capture[] = [];
  if (mem) for (const c of mem) if (c.arg === arg && c.at === at) out.push(c);
  return out;
}

function lengthOf(spec: ArgSpec, cap: Capture, x: Ctx): number {
  const c = spec.capture!;
  switch (c.lenFrom) {
    case LengthFrom.Arg: {
      const v = x.args[c.lenArg];
      if (v === undefined) return cap.len;
      // the common case: a small non-negative length, whatever its C type
      if (typeof v === 'number' && v >= 0 && v < 0x80000000) return v * c.scale;
      // a 32-bit length (socklen_t, an int count) is the register's low half
      const t = signatureOf(x.ev.name)?.args[c.lenArg];
      if (t === 'uint') return lo32(v) * c.scale;
      if (t === 'ulong') return Number(u64str(v)) * c.scale;
      if (t === 'int') return int32(v) * c.scale;
      if (t === 'size') return Number(u64str(v)) * c.scale;
      return Number(s64str(v)) * c.scale;
    }
    case LengthFrom.ArgI32:
      return Math.max(int32(x.args[c.lenArg] ?? 0), 0) * c.scale;
    case LengthFrom.Ret:
      return x.ret * c.scale;
    case LengthFrom.Fixed:
      return c.bytes ?? cap.len;
    default:
      return cap.full ?? cap.len;
  }
}

function firstCap(mem: Capture[] | undefined, arg: number, at: 'entry' | 'exit'): Capture | undefined {
  if (mem) for (const c of mem) if (c.arg === arg && c.at === at) return c;
  return undefined;
}

/**
 * The first min(limit, length) bytes of a capture when they are printable ASCII that quote()
 * prints as they are (no '"', '\\' or escape): then they are the first characters of its text,
 * and neither the whole capture (a read can hold megabytes) nor a Buffer need be decoded. When the
 * text is longer than what is returned, so are the bytes (a character is at least one byte).
 * undefined otherwise, and with -xx (every byte hex-escaped): the caller decodes the bytes.
 */
function plainHead(c: Capture, limit: number, hexMode: number): string | undefined {
  const s = c.data;
  if (typeof s !== 'string' || c.enc === 'base64' || hexMode === 2) return undefined;
  const n = s.length < limit ? s.length : limit;
  for (let k = 0; k < n; k++) {
    const ch = s.charCodeAt(k);
    if (ch < 0x20 || ch > 0x7e || ch === 0x22 || ch === 0x5c) return undefined;
  }
  return n === s.length ? s : s.slice(0, n);
}

/** What a struct decoder is given. The address text is made only when asked for (a decoder
 * prints it when the bytes are too few), not for every struct. */
class Struct implements StructCtx {
  readonly stringSize: number;
  readonly hex: 0 | 1 | 2;
  readonly verbose: boolean;
  private capList: Capture[] | undefined;
  private entryList: Capture[] | undefined;
  constructor(
    o: Resolved,
    verbose: boolean,
    private readonly mem: Capture[] | undefined,
    /** the argument and the side whose captures are decoded */
    private readonly i: number,
    private readonly at: 'entry' | 'exit',
    readonly ret: number,
    private readonly raw: Int64,
    /** whether entryCaps are given (inout, decoded at exit) */
    private readonly withEntry: boolean,
    readonly args: readonly (number | string)[],
  ) {
    this.stringSize = o.stringSize;
    this.hex = o.hex;
    this.verbose = verbose;
    this.style = o.style;
  }
  readonly style: XlatStyle;
  /** the call's errno name when it failed */
  errno?: string;
  get addr(): string {
    return hex(this.raw);
  }
  /** the captures, gathered when a decoder asks (most read only the bytes of the first) */
  get caps(): readonly Capture[] {
    return (this.capList ??= capsOf(this.mem, this.i, this.at));
  }
  other(arg: number, at: 'entry' | 'exit'): Buffer | undefined {
    const c = firstCap(this.mem, arg, at);
    return capturedBytes(c);
  }
  lenPtrArg?: number;
  /** the call being formatted: its process's descriptors for fdText */
  call?: Ctx;
  fdText(fd: number): string {
    return this.call ? fdText(fd, this.call) : String(fd);
  }
  pidfdText(fd: number): string {
    return this.call ? pidfdText(fd, this.call) : String(fd);
  }
  get entryCaps(): readonly Capture[] | undefined {
    return this.withEntry ? (this.entryList ??= capsOf(this.mem, this.i, 'entry')) : undefined;
  }
}

/**
 * A capture's bytes for memArg, which only reads them before it returns (they are quoted or
 * given to a struct decoder, which makes a string of them): decoded into one reused Buffer,
 * through a view of their length kept per length, instead of a new Buffer for every capture.
 * Captures too large for it get their own (captureBytes).
 */
const SCRATCH = 16384;
const scratch = Buffer.allocUnsafe(SCRATCH) as Buffer & { base64Write(s: string, offset: number): number; utf8Write(s: string, offset: number): number };
const views: (Buffer | undefined)[] = [];
function scratchBytes(c: Capture): Buffer {
  const d = c.data;
  if (d === undefined) return captureBytes(c);
  const base64 = c.enc === 'base64';
  // at most 3 bytes per 4 base64 digits (rounded up), 3 bytes of UTF-8 per UTF-16 unit
  if ((base64 ? Math.ceil(d.length / 4) * 3 : d.length * 3) > SCRATCH) return captureBytes(c);
  const n = base64 ? scratch.base64Write(d, 0) : scratch.utf8Write(d, 0);
  return (views[n] ??= scratch.subarray(0, n));
}

/** whether a UTF-16 unit is one of base64's 64 digits (A-Z a-z 0-9 + /) */
function isBase64Digit(ch: number): boolean {
  return (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2b || ch === 0x2f;
}

/**
 * The first `n` bytes of a base64 capture, decoding only the 4*ceil(n/3) characters that hold
 * them, when those are all base64 digits: then they decode to exactly those bytes, and the capture
 * has at least n bytes. undefined otherwise (the caller decodes the whole capture).
 */
function base64Head(c: Capture, n: number): Buffer | undefined {
  const s = c.data;
  if (typeof s !== 'string' || c.enc !== 'base64' || !Number.isInteger(n)) return undefined;
  const k = Math.ceil(n / 3) * 4;
  if (s.length < k) return undefined;
  for (let i = 0; i < k; i++) if (!isBase64Digit(s.charCodeAt(i))) return undefined;
  return Buffer.from(s.slice(0, k), 'base64').subarray(0, n);
}

/** execve's environment as strace shows it: its address, then the count as a C comment ("23
 * vars"); only the count is recorded. */
function envpText(mem: Capture[] | undefined, i: number, addr: Int64): string {
  // nothing read at all (the launching execve, before the tracer reads memory): the address
  if (!mem?.some((c) => c.at === 'entry')) return hex(addr);
  let n = 0;
  let more = false;
  for (const c of mem) {
    if (c.arg !== i || c.at !== 'entry') continue;
    if (c.fault) return hex(addr);
    if (c.more) more = true;
    else n++;
  }
  return `${hex(addr)} /* ${n}${more ? '+' : ''} vars */`;
}

function memArg(spec: ArgSpec, dec: StructDecoder | undefined, i: number, x: Ctx): string {
  const { o, mem } = x;
  const addr = x.args[i] ?? 0;
  if (isZero(addr)) return 'NULL';
  const dir = spec.dir!;
  // (getsockopt's optlen: the kernel's value also when the call failed, as strace reads it)
  const useExit = dir === 'out' || (dir === 'inout' && x.raw !== null && (!x.failed || ((spec.type === 'optlen' || spec.type === 'bpf_attr') && firstCap(x.mem, i, 'exit') !== undefined)));
  // an inout capture whose entry side keeps no bytes (readv's lengths) prints like an out one
  // until the call has returned
  const outOnly = dir === 'out' || (dir === 'inout' && spec.capture!.entryKeep === 0);
  // the time left of a sleep a signal interrupted: read at exit although the call failed
  const interrupted = spec.type === 'remts' && (x.errno === 'EINTR' || x.errno === 'ERESTART_RESTARTBLOCK');
  // recvmsg that failed: the name's length the program gave, as strace prints it
  if (spec.type === 'msghdr' && dir === 'inout' && x.failed && x.raw !== null) return x.deref ? msghdrFailed(capsOf(mem, i, 'entry'), hex(addr)) : hex(addr);
  // (listmount's and listns's ids: none asked for, whatever the call returned)
  if (spec.type === 'id_array' && isZero(x.args[2] ?? 1) && x.raw !== null) return '[]';
  // (sendmmsg's vector: strace reads it at exit whatever the call returned)
  if (outOnly && (x.failed || x.raw === null) && !interrupted && !(spec.type === 'mmsgsend' && x.raw !== null)) return hex(addr);
  if (spec.type === 'remts' && !interrupted) return hex(addr);
  if (spec.type === 'envp') return envpText(mem, i, addr);
  const at = useExit ? 'exit' : 'entry';
  const first = firstCap(mem, i, at);
  // an iovec array of no elements
  if (!first && spec.type === 'iov' && isZero(x.args[spec.capture!.lenArg] ?? 1)) return '[]';
  // an array the call filled with none (getgroups returning 0), or given with a count of 0 (setgroups)
  if (!first && spec.type === 'u32' && spec.capture!.lenFrom === LengthFrom.Ret && x.ret === 0) return '[]';
  if (!first && spec.type === 'u32' && spec.capture!.lenFrom === LengthFrom.Arg && isZero(x.args[spec.capture!.lenArg] ?? 1)) return '[]';
  if (!first && spec.type === 'u32' && spec.capture!.lenFrom === LengthFrom.ArgI32 && int32(x.args[spec.capture!.lenArg] ?? 1) === 0) return '[]';
  if (!first) return hex(addr);
  // (an array of no elements reads nothing: [] even where nothing can be read)
  if (first.fault && capsOf(mem, i, at).length === 1 && !(EMPTY_ARRAYS.has(spec.type) && x.deref)) return hex(addr);
  // a C string that ran into memory that cannot be read (the capture stops at the end of a page,
  // without its NUL): strace prints the address. (One whose NUL is the next page's first byte
  // reads the same: rare enough.)
  if (((spec.type === 'path' && first.len < 4096) || (spec.type === 'str' && first.len < o.stringSize)) && first.full === undefined && first.len > 0 && runsOffPage(addr, first.len)) return hex(addr);
  // plain text: straight from the capture's string (same result as the byte path below)
  switch (spec.type) {
    case 'path': {
      // strace reads a path into PATH_MAX bytes, its NUL included: a longer one prints 4095 and "..."
      if (first.len >= 4096) break;
      const h = plainHead(first, Infinity, o.hex);
      if (h !== undefined) return o.paint.str('"' + h + '"' + (first.full !== undefined ? '...' : ''));
      break;
    }
    case 'str': {
      const h = plainHead(first, o.stringSize, o.hex);
      if (h !== undefined) return o.paint.str('"' + h + '"' + (first.full !== undefined || first.data!.length > h.length ? '...' : ''));
      break;
    }
    case 'buf': {
      const total = bufTotal(spec, first, i, x);
      const limit = Math.min(o.stringSize, Math.max(total, 0));
      // fewer bytes than would print could be read: strace prints the address
      if (first.len < limit && (first.full === undefined || first.full > first.len)) return hex(addr);
      const h = plainHead(first, limit, o.hex);
      if (h !== undefined) return o.paint.str('"' + h + '"' + (total > h.length ? '...' : ''));
      const b = base64Head(first, limit);
      if (b !== undefined) return o.paint.str(quote(b, o) + (total > limit ? '...' : ''));
      break;
    }
  }
  const bytes = scratchBytes(first);
  switch (spec.type) {
    case 'path':
      if (bytes.length >= 4096) return o.paint.str(quote(bytes.subarray(0, 4095), o) + '...');
      return o.paint.str(quote(bytes, o) + (first.full !== undefined ? '...' : ''));
    case 'str': {
      const n = Math.min(bytes.length, o.stringSize);
      return o.paint.str(quote(bytes.subarray(0, n), o) + (first.full !== undefined || bytes.length > n ? '...' : ''));
    }
    case 'argv': {
      const parts: string[] = [];
      for (const c of capsOf(mem, i, at)) {
        if (c.more) parts.push('...');
        else if (c.fault) parts.push(ptr(0));
        else {
          const h = plainHead(c, o.stringSize, o.hex);
          if (h !== undefined) {
            parts.push('"' + h + '"' + (c.full !== undefined || c.data!.length > h.length ? '...' : ''));
            continue;
          }
          const b = captureBytes(c);
          const n = Math.min(b.length, o.stringSize);
          parts.push(quote(b.subarray(0, n), o) + (c.full !== undefined || b.length > n ? '...' : ''));
        }
      }
      return o.paint.str(`[${parts.join(', ')}]`);
    }
    case 'buf':
      return o.paint.str(bufText(bytes, bufTotal(spec, first, i, x), o));
    case 'sockopt': {
      // an int option as strace prints it: [N] from 4 bytes or more, the bytes in hex when
      // fewer, the address when none
      // socklen_t read as an int: a negative length is no buffer
      let total = lengthOf(spec, first, x) | 0;
      if (spec.capture!.lenFrom === LengthFrom.ArgPtrU32) {
        const l = firstCap(mem, spec.capture!.lenArg, 'exit') ?? firstCap(mem, spec.capture!.lenArg, 'entry');
        const lb = capturedBytes(l);
        if (lb && lb.length >= 4) total = Math.min(total, lb.readInt32LE(0));
      }
      if (spec.dir === 'in' && total === 0) return o.paint.str('""');
      if (total <= 0 || bytes.length === 0) return hex(addr);
      // strace's default for an option it does not know: an int when the length is an int's,
      // else the bytes as a string (the address when they cannot all be read)
      if (total === 4) return bytes.length >= 4 ? `[${bytes.readInt32LE(0)}]` : hex(addr);
      if (bytes.length < Math.min(total, 65536)) return hex(addr);
      return o.paint.str(bufText(bytes, total, o));
    }
    case 'sockint':
    case 'sockpidfd': {
      // SOL_SOCKET's int options: set, shorter than an int is an address; get, the bytes in hex
      // (sockpidfd: SO_PEERPIDFD's, a pidfd the kernel made)
      let total = lengthOf(spec, first, x) | 0;
      if (spec.capture!.lenFrom === LengthFrom.ArgPtrU32) {
        const l = firstCap(mem, spec.capture!.lenArg, 'exit');
        const lb = capturedBytes(l);
        if (lb && lb.length >= 4) total = lb.readInt32LE(0);
      }
      if (total <= 0 || (spec.dir === 'in' && total < 4) || bytes.length < Math.min(total, 4)) return hex(addr);
      if (total >= 4) return `[${spec.type === 'sockpidfd' ? pidfdText(bytes.readInt32LE(0), x) : bytes.readInt32LE(0)}]`;
      return o.paint.str(bufText(bytes, total, { stringSize: o.stringSize, hex: 2 }));
    }
    case 'socknum':
      // SOL_NETLINK's and SOL_TIPC's options: an int, whatever the length (not a negative one)
      if (spec.dir === 'in' && (lengthOf(spec, first, x) | 0) < 0) return hex(addr);
      return bytes.length >= 4 ? `[${bytes.readInt32LE(0)}]` : hex(addr);
    case 'hexbuf':
      return o.paint.str(bufText(bytes, lengthOf(spec, first, x), { stringSize: o.stringSize, hex: 2 }));
  }
  if (!dec) return hex(addr);
  if (!x.deref) return hex(addr);
  const st = new Struct(o, x.verbose, mem, i, at, x.ret, addr, dir === 'inout' && useExit, x.args);
  st.errno = x.errno;
  if (spec.capture!.lenFrom === LengthFrom.ArgPtrU32) st.lenPtrArg = spec.capture!.lenArg;
  st.call = x;
  return dec(bytes, st);
}

/**
 * How many bytes a buffer argument holds: its length, and for one the call filled (its length is
 * the return value) no more than the size the program gave, the argument after it (recvfrom with
 * MSG_TRUNC returns the datagram's whole length).
 */
function bufTotal(spec: ArgSpec, first: Capture, i: number, x: Ctx): number {
  const total = lengthOf(spec, first, x);
  if (spec.capture!.lenFrom !== LengthFrom.Ret) return total;
  const size = x.args[i + 1];
  if (size === undefined) return total;
  const n = typeof size === 'number' && size >= 0 ? size : Number(u64str(size));
  return n < total ? n : total;
}

/** Whether `len` bytes from `addr` end at a page boundary. */
function runsOffPage(addr: Int64, len: number): boolean {
  const a = typeof addr === 'number' ? addr : Number(BigInt(addr) & 0xfffffn);
  return (a + len) % 4096 === 0;
}

type Printer = (v: Int64, i: number, x: Ctx) => string;

/** How an argument of this signature type prints, decided once per type. */
function printerFor(type: string): Printer {
  const s = SCALAR[type];
  if (s) return (v, _i, x) => s(v, x);
  const spec = parseArgSpec(type);
  const table = spec.table!;
  if (spec.type === 'flags') {
    const f = flagsPrinter(table, WIDE.has(table) ? 64 : 32);
    return (v, _i, x) => f(v, x.style);
  }
  if (spec.type === 'enum') {
    const e = enumPrinter(table, WIDE.has(table) ? 64 : 32);
    return (v, _i, x) => e(v, x.style);
  }
  if (spec.capture) {
    const dec = STRUCTS[spec.type];
    return (_v, i, x) => memArg(spec, dec, i, x);
  }
  return (v) => s64str(v);
}

// ---- return value ----------------------------------------------------------------------------

const RESTART: Readonly<Record<string, string>> = {
  ERESTARTSYS: 'To be restarted if SA_RESTART is set',
  ERESTARTNOINTR: 'To be restarted',
  ERESTARTNOHAND: 'To be restarted if no handler',
  ERESTART_RESTARTBLOCK: 'Interrupted by signal',
};

const errnoTexts = new Map<string, string>();
/** "-1 ENOENT (No such file or directory)", once per errno name */
function errnoText(e: string): string {
  let t = errnoTexts.get(e);
  if (t === undefined) {
    const r = RESTART[e];
    if (r) t = `? ${e} (${r})`;
    else {
      const n = errnoNumber(e);
      t = `-1 ${e} (${n === undefined ? e : errnoMessage(n)})`;
    }
    if (errnoTexts.size < 1024) errnoTexts.set(e, t);
  }
  return t;
}

/**
 * What select and pselect6 returned, as strace appends it: the ready descriptors of each set
 * (`in [3], out [4]`, as many as the call counted), then `left` and the time left.
 */
function selectReady(x: Ctx): string {
  const nfds = selectNfds(x.args[0] ?? 0);
  let ready = x.ret;
  let out = '';
  let sep = '';
  const names = ['in', 'out', 'except'];
  for (let i = 0; i < 3 && ready > 0; i++) {
    const c = firstCap(x.mem, i + 1, 'exit');
    if (isZero(x.args[i + 1] ?? 0) || !c || c.fault) continue;
    let first = true;
    for (const fd of fdsetBits(captureBytes(c), nfds)) {
      out += first ? `${sep}${names[i]} [${fd}` : ` ${fd}`;
      first = false;
      sep = ', ';
      if (--ready === 0) break;
    }
    if (out) out += ']';
  }
  if (!isZero(x.args[4] ?? 0)) {
    const c = firstCap(x.mem, 4, 'exit');
    const b = capturedBytes(c);
    const t = b && b.length >= 16 ? `{tv_sec=${s64str(b.readBigInt64LE(0).toString())}, ${x.ev.name === 'select' ? 'tv_usec' : 'tv_nsec'}=${b.readBigUInt64LE(8)}}` : hex(x.args[4]!);
    out += `${sep}left ${t}`;
  }
  return out;
}

function retText(type: string, x: Ctx): string {
  const { ev, o } = x;
  const v = x.raw;
  if (v === null) return '?';
  if (x.errno) return o.paint.err(errnoText(x.errno));
  switch (type) {
    case 'hex':
      return hex(v);
    case 'mode':
      return octal(lo32(v));
    case 'fd': {
      const p = o.fds?.opened?.(ev);
      return p === undefined ? s64str(v) : `${s64str(v)}<${p}>`;
    }
    case 'selret':
      return isZero(v) ? '0 (Timeout)' : `${s64str(v)} (${selectReady(x)})`;
    case 'time': {
      // the time with its date, as strace: 1796567142 (2026-12-06T14:25:42+0000)
      const c = timeComment(Number(s64str(v)));
      return c ? `${u64str(v)} (${c.slice(4, -3)})` : u64str(v);
    }
    case 'mmsgret': {
      // recvmmsg: 0 is a timeout; with one, the time it left (strace's sprint_ts at exit)
      if (isZero(v)) return '0 (Timeout)';
      if (!x.deref || isZero(x.args[4] ?? 0)) return s64str(v);
      const t = firstCap(x.mem, 4, 'exit');
      const tb = capturedBytes(t);
      return `${s64str(v)} (left ${tb && tb.length >= 16 ? `{tv_sec=${tb.readBigInt64LE(0)}, tv_nsec=${tb.readBigInt64LE(8)}}` : hex(x.args[4]!)})`;
    }
    case 'pollret': {
      if (isZero(v)) return '0 (Timeout)';
      const c = firstCap(x.mem, 0, 'exit');
      if (!c) return s64str(v);
      // ppoll: the time left, as the kernel wrote it back
      const t = ev.name === 'ppoll' && !isZero(x.args[2] ?? 0) ? firstCap(x.mem, 2, 'exit') : undefined;
      const tb = capturedBytes(t);
      const left = t === undefined ? '' : `, left ${tb && tb.length >= 16 ? `{tv_sec=${tb.readBigInt64LE(0)}, tv_nsec=${tb.readBigUInt64LE(8)}}` : hex(x.args[2]!)}`;
      return `${s64str(v)} (${pollRevents(captureBytes(c), x.verbose ? Infinity : o.stringSize)}${left})`;
    }
  }
  // modify_ldt's int result with -errno in the register's low half: the number, then the error
  if (type === 'ldtret') {
    const u = BigInt.asUintN(64, BigInt(v));
    if (u < 0xfffff000n || u > 0xffffffffn) return s64str(v);
    return `${u} ${errnoText(errnoName(Number(0x100000000n - u))).slice(3)}`;
  }
  // a return value with a name for some values: 5 (TIME_ERROR)
  if (type.startsWith('state:')) {
    const name = enumName(type.slice(6), Number(s64str(v)));
    return name === undefined ? s64str(v) : `${s64str(v)} (${name})`;
  }
  // a return value that is a flag set: 0x3ff (A|B)
  if (type.startsWith('xflags:')) return isZero(v) ? '0' : `${hex(v)} (${printFlags(type.slice(7), v, 64, ABBREV)})`;
  if (type.charCodeAt(0) === 0x66 && type.startsWith('flags:')) return isZero(v) ? '0' : `${hex(v)} (flags ${printFlags(type.slice(6), v)})`;
  if (type === 'ioprio') {
    if (x.o.style === 1) return s64str(v);
    const p = int32(v);
    return `${s64str(v)} (IOPRIO_PRIO_VALUE(${printEnum('ioprio_class', (p >>> 13) & 0x7ffff, 32, x.o.style)}, ${p & 0x1fff}))`;
  }
  if (type === 'policy') {
    const p = int32(v);
    // with SCHED_RESET_ON_FORK the number is in hex, as strace
    if (p >= 0 && p & 0x40000000) return `${hex(v)} (${policyText(p, ABBREV)})`;
    return enumName('sched_policy', p) !== undefined ? `${s64str(v)} (${policyText(p, ABBREV)})` : s64str(v);
  }
  // a value with its name after it: 14 (SIGALRM), 0 (SCHED_OTHER)
  if (type === 'signo') return isZero(v) ? '0' : `${s64str(v)} (${signalName(int32(v))})`;
  // an enum's value in hex with its name: 0x2 (F_UNLCK)
  if (type.startsWith('xenum:')) {
    const n = enumName(type.slice(6), int32(v));
    return `${isZero(v) ? '0' : hex(v)}${n === undefined ? '' : ` (${n})`}`;
  }
  if (type.startsWith('enum:')) {
    const n = enumName(type.slice(5), int32(v));
    return n === undefined ? s64str(v) : `${s64str(v)} (${n})`;
  }
  return s64str(v);
}

// ---- the call --------------------------------------------------------------------------------

export interface CallParts {
  name: string;
  /** argument texts in print order */
  args: string[];
  /** args[0..split) are known at entry; the rest are written by the call (for unfinished/resumed) */
  split: number;
  /** return text: "3", "-1 ENOENT (No such file or directory)", "?" */
  ret: string;
  failed: boolean;
}

/** One printed argument of a call, resolved from its signature (and variant) once. */
interface ArgPlan {
  /** argument index */
  a: number;
  label?: string;
  bits?: readonly [number, number];
  /** written by the call (out:/inout:): an unfinished line stops before the first such */
  out: boolean;
  print: Printer;
}
interface CallPlan {
  args: ArgPlan[];
  ret: string;
}
interface SyscallPlan {
  sig: Signature;
  rule?: VariantRule;
  /** the plan without a variant, and per variant */
  base?: CallPlan;
  variants: Map<Variant, CallPlan>;
  memo: Map<number, Variant | undefined>;
}

/**
 * Plans by syscall name, built on first use: walking the signature row and its variant, and
 * parsing argument types, is done once per syscall (and variant) instead of once per call.
 */
const plans = new Map<string, SyscallPlan | null>();
const printers = new Map<string, Printer>();

function planOf(name: string): SyscallPlan | null {
  let p = plans.get(name);
  if (p === undefined) {
    const sig = signatureOf(name);  // own keys only ("constructor" is a name a stream may hold)
    p = sig ? { sig, rule: Object.hasOwn(VARIANTS, name) ? VARIANTS[name] : undefined, variants: new Map(), memo: new Map() } : null;
    plans.set(name, p);
  }
  return p;
}

function callPlan(sp: SyscallPlan, variant: Variant | undefined): CallPlan {
  let plan = variant ? sp.variants.get(variant) : sp.base;
  if (plan) return plan;
  const sig = sp.sig;
  const types = variant?.args ? sig.args.map((t, i) => variant.args![i] ?? t) : sig.args;
  const show: readonly (number | Shown)[] = variant?.show ?? types.map((_, i) => i);
  const args: ArgPlan[] = [];
  for (const s of show) {
    const sh = typeof s === 'number' ? { a: s } : s;
    const t = types[sh.a];
    if (t === undefined || t === 'skip') continue;
    let print = printers.get(t);
    if (!print) printers.set(t, (print = printerFor(t)));
    args.push({ a: sh.a, label: sh.label, bits: sh.bits, out: t.startsWith('out:') || t.startsWith('inout:'), print });
  }
  plan = { args, ret: variant?.ret ?? sig.ret ?? 'int' };
  if (variant) sp.variants.set(variant, plan);
  else sp.base = plan;
  return plan;
}

/** The return register as a number (for lengths); -0 as 0, as Number(String(v)) gives. */
function retNumber(v: Int64): number {
  return typeof v === 'number' ? v || 0 : Number(s64str(v));
}

/**
 * Calls whose argument is not in a register but on the stack, printed as strace prints it from
 * the memory recorded there (a Pointee row at the stack pointer, pointees.ts): rt_sigreturn's
 * signal frame, by the mask it puts back. Nothing recorded: no argument, as before.
 */
const STACK_ARGS: Readonly<Record<string, (mem: readonly Capture[] | undefined) => string | undefined>> = {
  rt_sigreturn: (mem) => {
    const c = mem?.find((m) => m.arg === 0 && m.index === 1 && m.at === 'entry');
    const b = capturedBytes(c);
    return b && b.length >= 8 ? `{mask=${sigsetText(b)}}` : undefined;
  },
};

/** Decodes a syscall event into its printed parts. */
export function decodeSyscall(ev: SyscallEvent, opts?: FormatOptions): CallParts {
  const o = resolve(opts);
  const errno = ev.errno;
  const raw = ev.ret;
  const evArgs = ev.args;
  const failed = errno !== undefined;
  const evName = ev.name;
  const verbose = o.verbose || (o.abbrev !== undefined && !o.abbrev.has(evName));
  const deref = o.deref === undefined || o.deref.has(evName);
  const x: Ctx = { ev, o, failed, ret: raw === null || failed ? -1 : retNumber(raw), args: evArgs, mem: ev.mem, raw, errno, verbose, deref, style: o.style };
  const sp = planOf(evName);
  const name = o.paint.name(evName);
  setCallStyle(o.style);
  if (!sp || (o.raw !== undefined && o.raw.has(evName))) {
    // unknown: raw registers, as strace prints syscalls it cannot decode
    return { name, args: evArgs.map((a) => (isZero(a) ? '0' : hex(a))), split: evArgs.length, ret: retText('hex', x), failed };
  }
  let variant = sp.rule ? variantOf(evArgs, sp.rule, sp.memo) : undefined;
  if (variant?.then) variant = refine(variant, evArgs);
  const plan = callPlan(sp, variant);
  const args: string[] = [];
  let split = -1;
  for (const ap of plan.args) {
    if (ap.bits && (lo32(evArgs[ap.bits[0]] ?? 0) & ap.bits[1]) === 0) continue;
    if (split < 0 && ap.out) split = args.length;
    const v = evArgs[ap.a];
    const text = v === undefined ? '?' : ap.print(v, ap.a, x);
    args.push(ap.label ? `${ap.label}=${text}` : text);
  }
  const onStack = STACK_ARGS[evName]?.(ev.mem);
  if (onStack !== undefined) args.push(onStack);
  return { name, args, split: split < 0 ? args.length : split, ret: retText(plan.ret, x), failed };
}

function pad(line: string, column: number): string {
  if (!column) return line + ' ';
  const len = line.length;
  return len < column ? line + ' '.repeat(column - len) : line + ' ';
}

/** `name(args) = ret`, padded like strace (the = at column 40 when the call is short). */
export function formatSyscall(ev: SyscallEvent, opts?: FormatOptions): string {
  const p = decodeSyscall(ev, opts);
  const o = resolve(opts);
  return `${pad(`${p.name}(${p.args.join(', ')})`, o.column)}= ${p.ret}`;
}

/** The signal line: `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=2, ...} ---`. */
export function formatSignal(ev: SignalEvent): string {
  const name = signalName(ev.signo) || ev.sig;
  if (ev.stop) return `--- stopped by ${name} ---`;
  const f: string[] = [`si_signo=${name}`];
  const code = ev.code ?? 0;
  // a SIGCHLD a process sent (kill: SI_USER, sigqueue: SI_QUEUE...) has the generic codes and
  // no child's status
  const child = ev.signo === 17 && code > 0;
  if (child) f.push(`si_code=${printEnum('si_code_chld', code)}`);
  else if ((ev.signo === 11 || ev.signo === 7) && code > 0) f.push(`si_code=${ev.signo === 11 ? printEnum('si_code_segv', code) : String(code)}`);
  else f.push(`si_code=${printEnum('si_code', code)}`);
  if (ev.errno) f.push(`si_errno=${ev.errno}`);
  if (ev.addr !== undefined && (ev.signo === 11 || ev.signo === 7 || ev.signo === 4 || ev.signo === 8)) f.push(`si_addr=${ptr(ev.addr)}`);
  else if (code !== 0x80) {
    // SI_KERNEL: the kernel sent it, no sender to name
    if (ev.senderPid !== undefined) f.push(`si_pid=${ev.senderPid}`);
    if (ev.senderUid !== undefined) f.push(`si_uid=${ev.senderUid}`);
    if (child && ev.status !== undefined) {
      // an exit code, or the signal that killed, stopped or continued the child
      f.push(`si_status=${code === 1 ? ev.status : signalName(ev.status)}`);
      if (ev.utime !== undefined) f.push(`si_utime=${clockTicks(ev.utime)}`, `si_stime=${clockTicks(ev.stime ?? 0)}`);
    }
  }
  return `--- ${name} {${f.join(', ')}} ---`;
}

/** `+++ exited with 0 +++`, `+++ killed by SIGKILL (core dumped) +++` */
export function formatExit(ev: ExitEvent): string {
  if (ev.signal) return `+++ killed by ${ev.signal}${ev.core ? ' (core dumped)' : ''} +++`;
  return `+++ exited with ${ev.code ?? 0} +++`;
}

/**
 * Any event as one line of text: syscalls as formatSyscall, signals and exits as strace prints
 * them; spawn, exec and end events (which strace does not print) as comments in its style;
 * warnings as `rift: ...`. Returns undefined for nothing to print.
 */
export function formatEvent(ev: Event, opts?: FormatOptions): string | undefined {
  switch (ev.type) {
    case 'syscall':
      return formatSyscall(ev, opts);
    case 'signal':
      return formatSignal(ev);
    case 'exit':
      return formatExit(ev);
    case 'warning':
      return `rift: ${ev.message}`;
    default:
      return undefined;
  }
}

/** Exposed for tests and tools: how a quoted buffer prints. */
export { quote, printFlags, printEnum };
