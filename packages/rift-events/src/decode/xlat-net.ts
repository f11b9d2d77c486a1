/**
 * Networking and BPF tables (socket address families' fields, control messages, socket filters,
 * bpf(2)'s attributes): the values of the kernel's UAPI headers, in the form of xlat.ts (merged
 * into its XLAT).
 */
import type { Xlat } from './xlat.js';

const E = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'enum', values, ...extra });
const F = (values: Xlat['values'], extra: Partial<Xlat> = {}): Xlat => ({ kind: 'flags', values, ...extra });

export const NET_XLAT: Readonly<Record<string, Xlat>> = {
  // <linux/if_ether.h>: sockaddr_ll's sll_protocol (in network order)
  eth_p: E([
    ['ETH_P_802_3', 0x0001], ['ETH_P_AX25', 0x0002], ['ETH_P_ALL', 0x0003], ['ETH_P_802_2', 0x0004], ['ETH_P_SNAP', 0x0005], ['ETH_P_DDCMP', 0x0006],
    ['ETH_P_WAN_PPP', 0x0007], ['ETH_P_PPP_MP', 0x0008], ['ETH_P_LOCALTALK', 0x0009], ['ETH_P_CAN', 0x000C], ['ETH_P_CANFD', 0x000D], ['ETH_P_CANXL', 0x000E],
    ['ETH_P_PPPTALK', 0x0010], ['ETH_P_TR_802_2', 0x0011], ['ETH_P_MOBITEX', 0x0015], ['ETH_P_CONTROL', 0x0016], ['ETH_P_IRDA', 0x0017], ['ETH_P_ECONET', 0x0018],
    ['ETH_P_HDLC', 0x0019], ['ETH_P_ARCNET', 0x001A], ['ETH_P_DSA', 0x001B], ['ETH_P_TRAILER', 0x001C], ['ETH_P_LOOP', 0x0060], ['ETH_P_PHONET', 0x00F5],
    ['ETH_P_IEEE802154', 0x00F6], ['ETH_P_CAIF', 0x00F7], ['ETH_P_XDSA', 0x00F8], ['ETH_P_MAP', 0x00F9], ['ETH_P_MCTP', 0x00FA], ['ETH_P_GRE_OSI', 0x00FE],
    ['ETH_P_PUP', 0x0200], ['ETH_P_PUPAT', 0x0201], ['ETH_P_802_3_MIN', 0x0600], ['ETH_P_IP', 0x0800], ['ETH_P_X25', 0x0805], ['ETH_P_ARP', 0x0806],
    ['ETH_P_BPQ', 0x08FF], ['ETH_P_IEEEPUP', 0x0a00], ['ETH_P_IEEEPUPAT', 0x0a01], ['ETH_P_ERSPAN2', 0x22EB], ['ETH_P_TSN', 0x22F0], ['ETH_P_BATMAN', 0x4305],
    ['ETH_P_DEC', 0x6000], ['ETH_P_DNA_DL', 0x6001], ['ETH_P_DNA_RC', 0x6002], ['ETH_P_DNA_RT', 0x6003], ['ETH_P_LAT', 0x6004], ['ETH_P_DIAG', 0x6005],
    ['ETH_P_CUST', 0x6006], ['ETH_P_SCA', 0x6007], ['ETH_P_TEB', 0x6558], ['ETH_P_RARP', 0x8035], ['ETH_P_ATALK', 0x809B], ['ETH_P_AARP', 0x80F3],
    ['ETH_P_8021Q', 0x8100], ['ETH_P_IPX', 0x8137], ['ETH_P_IPV6', 0x86DD], ['ETH_P_PAUSE', 0x8808], ['ETH_P_SLOW', 0x8809], ['ETH_P_WCCP', 0x883E],
    ['ETH_P_MPLS_UC', 0x8847], ['ETH_P_MPLS_MC', 0x8848], ['ETH_P_ATMMPOA', 0x884c], ['ETH_P_PPP_DISC', 0x8863], ['ETH_P_PPP_SES', 0x8864],
    ['ETH_P_LINK_CTL', 0x886c], ['ETH_P_8021AC', 0x8870], ['ETH_P_ATMFATE', 0x8884], ['ETH_P_PAE', 0x888E], ['ETH_P_REALTEK', 0x8899], ['ETH_P_AOE', 0x88A2],
    ['ETH_P_8021AD', 0x88A8], ['ETH_P_802_EX1', 0x88B5], ['ETH_P_ERSPAN', 0x88BE], ['ETH_P_MXLGSW', 0x88C3], ['ETH_P_PREAUTH', 0x88C7], ['ETH_P_TIPC', 0x88CA],
    ['ETH_P_LLDP', 0x88CC], ['ETH_P_MRP', 0x88E3], ['ETH_P_MACSEC', 0x88E5], ['ETH_P_8021AH', 0x88E7], ['ETH_P_MVRP', 0x88F5], ['ETH_P_1588', 0x88F7],
    ['ETH_P_NCSI', 0x88F8], ['ETH_P_PRP', 0x88FB], ['ETH_P_CFM', 0x8902], ['ETH_P_FCOE', 0x8906], ['ETH_P_TDLS', 0x890D], ['ETH_P_FIP', 0x8914],
    ['ETH_P_IBOE', 0x8915], ['ETH_P_80221', 0x8917], ['ETH_P_HSR', 0x892F], ['ETH_P_NSH', 0x894F], ['ETH_P_LOOPBACK', 0x9000], ['ETH_P_QINQ1', 0x9100],
    ['ETH_P_QINQ2', 0x9200], ['ETH_P_QINQ3', 0x9300], ['ETH_P_YT921X', 0x9988], ['ETH_P_EDSA', 0xDADA], ['ETH_P_DSA_8021Q', 0xDADB], ['ETH_P_DSA_A5PSW', 0xE001],
    ['ETH_P_IFE', 0xED3E], ['ETH_P_AF_IUCV', 0xFBFB], ['ETH_P_NXP_NETC', 0xFD3A],
  ], { dflt: 'ETH_P_???' }),
  // <linux/if_arp.h>
  arphrd: E([
    ['ARPHRD_NETROM', 0], ['ARPHRD_ETHER', 1], ['ARPHRD_EETHER', 2], ['ARPHRD_AX25', 3], ['ARPHRD_PRONET', 4], ['ARPHRD_CHAOS', 5], ['ARPHRD_IEEE802', 6],
    ['ARPHRD_ARCNET', 7], ['ARPHRD_APPLETLK', 8], ['ARPHRD_DLCI', 15], ['ARPHRD_ATM', 19], ['ARPHRD_METRICOM', 23], ['ARPHRD_IEEE1394', 24], ['ARPHRD_EUI64', 27],
    ['ARPHRD_INFINIBAND', 32], ['ARPHRD_SLIP', 256], ['ARPHRD_CSLIP', 257], ['ARPHRD_SLIP6', 258], ['ARPHRD_CSLIP6', 259], ['ARPHRD_RSRVD', 260],
    ['ARPHRD_ADAPT', 264], ['ARPHRD_ROSE', 270], ['ARPHRD_X25', 271], ['ARPHRD_HWX25', 272], ['ARPHRD_CAN', 280], ['ARPHRD_MCTP', 290], ['ARPHRD_PPP', 512],
    ['ARPHRD_CISCO', 513], ['ARPHRD_LAPB', 516], ['ARPHRD_DDCMP', 517], ['ARPHRD_RAWHDLC', 518], ['ARPHRD_RAWIP', 519], ['ARPHRD_TUNNEL', 768],
    ['ARPHRD_TUNNEL6', 769], ['ARPHRD_FRAD', 770], ['ARPHRD_SKIP', 771], ['ARPHRD_LOOPBACK', 772], ['ARPHRD_LOCALTLK', 773], ['ARPHRD_FDDI', 774],
    ['ARPHRD_BIF', 775], ['ARPHRD_SIT', 776], ['ARPHRD_IPDDP', 777], ['ARPHRD_IPGRE', 778], ['ARPHRD_PIMREG', 779], ['ARPHRD_HIPPI', 780], ['ARPHRD_ASH', 781],
    ['ARPHRD_ECONET', 782], ['ARPHRD_IRDA', 783], ['ARPHRD_FCPP', 784], ['ARPHRD_FCAL', 785], ['ARPHRD_FCPL', 786], ['ARPHRD_FCFABRIC', 787],
    ['ARPHRD_IEEE802_TR', 800], ['ARPHRD_IEEE80211', 801], ['ARPHRD_IEEE80211_PRISM', 802], ['ARPHRD_IEEE80211_RADIOTAP', 803], ['ARPHRD_IEEE802154', 804],
    ['ARPHRD_IEEE802154_MONITOR', 805], ['ARPHRD_PHONET', 820], ['ARPHRD_PHONET_PIPE', 821], ['ARPHRD_CAIF', 822], ['ARPHRD_IP6GRE', 823],
    ['ARPHRD_NETLINK', 824], ['ARPHRD_6LOWPAN', 825], ['ARPHRD_VSOCKMON', 826], ['ARPHRD_NONE', 0xFFFE], ['ARPHRD_VOID', 0xFFFF],
  ], { dflt: 'ARPHRD_???' }),
  // <linux/if_packet.h>
  packet_type: E([['PACKET_HOST', 0], ['PACKET_BROADCAST', 1], ['PACKET_MULTICAST', 2], ['PACKET_OTHERHOST', 3], ['PACKET_OUTGOING', 4], ['PACKET_LOOPBACK', 5],
    ['PACKET_USER', 6], ['PACKET_KERNEL', 7]], { dflt: 'PACKET_???' }),
  // <linux/tipc.h>
  tipc_addrtype: E([['TIPC_SERVICE_RANGE', 1], ['TIPC_SERVICE_ADDR', 2], ['TIPC_SOCKET_ADDR', 3]], { dflt: 'TIPC_???' }),
  // AFS's RxRPC services (fs/afs): printed with their number always
  rxrpc_service: E([['CM_SERVICE', 1], ['YFS_FS_SERVICE', 2500], ['YFS_CM_SERVICE', 2501], ['YFS_VL_SERVICE', 2503]], { dflt: '???_SERVICE', verboseAlways: true }),
  // <net/af_ieee802154.h>
  ieee802154_addr_type: E([['IEEE802154_ADDR_NONE', 0], ['IEEE802154_ADDR_SHORT', 2], ['IEEE802154_ADDR_LONG', 3]], { dflt: 'IEEE802154_ADDR_???', verboseAlways: true }),
  ieee802154_pan_id: E([['IEEE802154_PANID_BROADCAST', 0xffff]], { dflt: '', verboseAlways: true }),
  ieee802154_short_addr: E([['IEEE802154_ADDR_UNDEF', 0xfffe], ['IEEE802154_ADDR_BROADCAST', 0xffff]], { dflt: '', verboseAlways: true }),
  // <linux/crypto.h>: the flags an AF_ALG address may hold
  alg_flags: F([['CRYPTO_ALG_KERN_DRIVER_ONLY', 0x1000]], { dflt: 'CRYPTO_ALG_???' }),
  // <linux/nfc.h>
  nfc_proto: E([['NFC_PROTO_JEWEL', 1], ['NFC_PROTO_MIFARE', 2], ['NFC_PROTO_FELICA', 3], ['NFC_PROTO_ISO14443', 4], ['NFC_PROTO_NFC_DEP', 5],
    ['NFC_PROTO_ISO14443_B', 6], ['NFC_PROTO_ISO15693', 7]], { dflt: 'NFC_PROTO_???' }),
  nfc_sap: E([['LLCP_SAP_SDP', 0x1], ['LLCP_SAP_IP', 0x2], ['LLCP_SAP_OBEX', 0x3], ['LLCP_SAP_SNEP', 0x4], ['LLCP_SAP_MAX', 0xff]], { dflt: '', verboseAlways: true }),
  // <linux/vm_sockets.h>
  vsock_cid: E([['VMADDR_CID_HYPERVISOR', 0], ['VMADDR_CID_LOCAL', 1], ['VMADDR_CID_HOST', 2], ['VMADDR_CID_ANY', 0xffffffff]], { dflt: '' }),
  vsock_port: E([['VMADDR_PORT_ANY', 0xffffffff]], { dflt: '' }),
  vsock_flags: F([['VMADDR_FLAG_TO_HOST', 0x1]], { dflt: 'VMADDR_FLAG_???' }),
  // <linux/qrtr.h>
  qrtr_node: E([['QRTR_NODE_BCAST', 0xffffffff]], { dflt: '' }),
  qrtr_port: E([['QRTR_PORT_CTRL', 0xfffffffe]], { dflt: '' }),
  // <linux/if_xdp.h>
  xdp_flags: F([['XDP_SHARED_UMEM', 1], ['XDP_COPY', 2], ['XDP_ZEROCOPY', 4], ['XDP_USE_NEED_WAKEUP', 8], ['XDP_USE_SG', 16]], { dflt: 'XDP_???' }),
  // <linux/mctp.h>
  mctp_net: E([['MCTP_NET_ANY', 0]], { dflt: '' }),
  mctp_addr: E([['MCTP_ADDR_NULL', 0], ['MCTP_ADDR_ANY', 0xff]], { dflt: '' }),
  // control messages' types: SOL_SOCKET's (<asm-generic/socket.h>) and SOL_IP's (<linux/in.h>)
  scm_type: E([['SCM_RIGHTS', 1], ['SCM_CREDENTIALS', 2], ['SCM_SECURITY', 3], ['SCM_PIDFD', 4], ['SO_TIMESTAMP_OLD', 29], ['SO_TIMESTAMPNS_OLD', 35],
    ['SO_TIMESTAMPING_OLD', 37], ['SO_WIFI_STATUS', 41], ['SCM_TIMESTAMPING_OPT_STATS', 54], ['SCM_TIMESTAMPING_PKTINFO', 58], ['SO_TXTIME', 61],
    ['SO_TIMESTAMP_NEW', 63], ['SO_TIMESTAMPNS_NEW', 64], ['SO_TIMESTAMPING_NEW', 65], ['SCM_DEVMEM_LINEAR', 78], ['SCM_DEVMEM_DMABUF', 79]], { dflt: 'SCM_???' }),
  ip_cmsg_type: E([['IP_TOS', 1], ['IP_TTL', 2], ['SCM_SECURITY', 3], ['IP_RECVOPTS', 6], ['IP_RETOPTS', 7], ['IP_PKTINFO', 8], ['IP_RECVERR', 11],
    ['IP_ORIGDSTADDR', 20], ['IP_CHECKSUM', 23], ['IP_PROTOCOL', 52]], { dflt: 'IP_???' }),
  // <linux/tcp.h>: a TCP-AO key's flags
  tcp_ao_keyf: F([['TCP_AO_KEYF_IFINDEX', 1], ['TCP_AO_KEYF_EXCLUDE_OPT', 2]], { dflt: 'TCP_AO_KEYF_???' }),
  // ---- bpf(2) (<linux/bpf.h>) ----
  bpf_prog_type: E(['UNSPEC', 'SOCKET_FILTER', 'KPROBE', 'SCHED_CLS', 'SCHED_ACT', 'TRACEPOINT', 'XDP', 'PERF_EVENT', 'CGROUP_SKB', 'CGROUP_SOCK',
    'LWT_IN', 'LWT_OUT', 'LWT_XMIT', 'SOCK_OPS', 'SK_SKB', 'CGROUP_DEVICE', 'SK_MSG', 'RAW_TRACEPOINT', 'CGROUP_SOCK_ADDR', 'LWT_SEG6LOCAL', 'LIRC_MODE2',
    'SK_REUSEPORT', 'FLOW_DISSECTOR', 'CGROUP_SYSCTL', 'RAW_TRACEPOINT_WRITABLE', 'CGROUP_SOCKOPT', 'TRACING', 'STRUCT_OPS', 'EXT', 'LSM', 'SK_LOOKUP',
    'SYSCALL', 'NETFILTER'].map((n, i) => ['BPF_PROG_TYPE_' + n, i] as const), { dflt: 'BPF_PROG_TYPE_???' }),
  bpf_prog_flags: F(['STRICT_ALIGNMENT', 'ANY_ALIGNMENT', 'TEST_RND_HI32', 'TEST_STATE_FREQ', 'SLEEPABLE', 'XDP_HAS_FRAGS', 'XDP_DEV_BOUND_ONLY',
    'TEST_REG_INVARIANTS'].map((n, i) => ['BPF_F_' + n, 1 << i] as const), { dflt: 'BPF_F_???' }),
  bpf_attach_type: E(['CGROUP_INET_INGRESS', 'CGROUP_INET_EGRESS', 'CGROUP_INET_SOCK_CREATE', 'CGROUP_SOCK_OPS', 'SK_SKB_STREAM_PARSER',
    'SK_SKB_STREAM_VERDICT', 'CGROUP_DEVICE', 'SK_MSG_VERDICT', 'CGROUP_INET4_BIND', 'CGROUP_INET6_BIND', 'CGROUP_INET4_CONNECT', 'CGROUP_INET6_CONNECT',
    'CGROUP_INET4_POST_BIND', 'CGROUP_INET6_POST_BIND', 'CGROUP_UDP4_SENDMSG', 'CGROUP_UDP6_SENDMSG', 'LIRC_MODE2', 'FLOW_DISSECTOR', 'CGROUP_SYSCTL',
    'CGROUP_UDP4_RECVMSG', 'CGROUP_UDP6_RECVMSG', 'CGROUP_GETSOCKOPT', 'CGROUP_SETSOCKOPT', 'TRACE_RAW_TP', 'TRACE_FENTRY', 'TRACE_FEXIT',
    'MODIFY_RETURN', 'LSM_MAC', 'TRACE_ITER', 'CGROUP_INET4_GETPEERNAME', 'CGROUP_INET6_GETPEERNAME', 'CGROUP_INET4_GETSOCKNAME',
    'CGROUP_INET6_GETSOCKNAME', 'XDP_DEVMAP', 'CGROUP_INET_SOCK_RELEASE', 'XDP_CPUMAP', 'SK_LOOKUP', 'XDP', 'SK_SKB_VERDICT', 'SK_REUSEPORT_SELECT',
    'SK_REUSEPORT_SELECT_OR_MIGRATE', 'PERF_EVENT', 'TRACE_KPROBE_MULTI', 'LSM_CGROUP', 'STRUCT_OPS', 'NETFILTER', 'TCX_INGRESS', 'TCX_EGRESS',
    'TRACE_UPROBE_MULTI', 'CGROUP_UNIX_CONNECT', 'CGROUP_UNIX_SENDMSG', 'CGROUP_UNIX_RECVMSG', 'CGROUP_UNIX_GETPEERNAME', 'CGROUP_UNIX_GETSOCKNAME',
    'NETKIT_PRIMARY', 'NETKIT_PEER', 'TRACE_KPROBE_SESSION', 'TRACE_UPROBE_SESSION', 'TRACE_FSESSION', 'TRACE_FENTRY_MULTI', 'TRACE_FEXIT_MULTI',
    'TRACE_FSESSION_MULTI'].map((n, i) => ['BPF_' + n, i] as const), { dflt: 'BPF_???' }),
  bpf_map_type: E(['UNSPEC', 'HASH', 'ARRAY', 'PROG_ARRAY', 'PERF_EVENT_ARRAY', 'PERCPU_HASH', 'PERCPU_ARRAY', 'STACK_TRACE', 'CGROUP_ARRAY', 'LRU_HASH',
    'LRU_PERCPU_HASH', 'LPM_TRIE', 'ARRAY_OF_MAPS', 'HASH_OF_MAPS', 'DEVMAP', 'SOCKMAP', 'CPUMAP', 'XSKMAP', 'SOCKHASH', 'CGROUP_STORAGE',
    'REUSEPORT_SOCKARRAY', 'PERCPU_CGROUP_STORAGE', 'QUEUE', 'STACK', 'SK_STORAGE', 'DEVMAP_HASH', 'STRUCT_OPS', 'RINGBUF', 'INODE_STORAGE',
    'TASK_STORAGE', 'BLOOM_FILTER', 'USER_RINGBUF', 'CGRP_STORAGE', 'ARENA', 'INSN_ARRAY', 'RHASH'].map((n, i) => ['BPF_MAP_TYPE_' + n, i] as const),
  { dflt: 'BPF_MAP_TYPE_???' }),
  // map element flags: 0 is BPF_ANY
  bpf_lookup_flags: F([['BPF_F_ALL_CPUS', 16], ['BPF_F_CPU', 8], ['BPF_F_LOCK', 4]], { zero: 'BPF_ANY', dflt: 'BPF_???' }),
  bpf_update_flags: F([['BPF_F_ALL_CPUS', 16], ['BPF_F_CPU', 8], ['BPF_F_LOCK', 4], ['BPF_EXIST', 2], ['BPF_NOEXIST', 1]], { zero: 'BPF_ANY', dflt: 'BPF_???' }),
  bpf_file_flags: F([['BPF_F_RDONLY', 1 << 3], ['BPF_F_WRONLY', 1 << 4], ['BPF_F_PATH_FD', 1 << 14], ['BPF_F_VTYPE_BTF_OBJ_FD', 1 << 15], ['BPF_F_TOKEN_FD', 1 << 16],
    ['BPF_F_SEGV_ON_FAULT', 1 << 17], ['BPF_F_NO_USER_CONV', 1 << 18], ['BPF_F_RB_OVERWRITE', 1 << 19]], { dflt: 'BPF_F_???' }),
  bpf_file_mode_flags: F([['BPF_F_RDONLY', 1 << 3], ['BPF_F_WRONLY', 1 << 4]], { dflt: 'BPF_F_???' }),
  bpf_attach_flags: F([['BPF_F_ALLOW_OVERRIDE', 1], ['BPF_F_ALLOW_MULTI', 2], ['BPF_F_REPLACE', 4], ['BPF_F_BEFORE', 8], ['BPF_F_AFTER', 16], ['BPF_F_ID', 32],
    ['BPF_F_PREORDER', 64], ['BPF_F_LINK', 1 << 13]], { dflt: 'BPF_F_???' }),
  bpf_test_run_flags: F([['BPF_F_TEST_RUN_ON_CPU', 1], ['BPF_F_TEST_XDP_LIVE_FRAMES', 2]], { dflt: 'BPF_F_TEST_???' }),
  bpf_query_flags: F([['BPF_F_QUERY_EFFECTIVE', 1]], { dflt: 'BPF_F_QUERY_???' }),
  bpf_netfilter_flags: F([['BPF_F_NETFILTER_IP_DEFRAG', 1]], { dflt: 'BPF_F_NETFILTER_???' }),
  bpf_kprobe_multi_flags: F([['BPF_F_KPROBE_MULTI_RETURN', 1]], { dflt: 'BPF_F_KPROBE_MULTI_???' }),
  bpf_uprobe_multi_flags: F([['BPF_F_UPROBE_MULTI_RETURN', 1], ['BPF_F_UPROBE_MULTI_PATH_FD', 2]], { dflt: 'BPF_F_UPROBE_MULTI_???' }),
  bpf_stats_type: E([['BPF_STATS_RUN_TIME', 0]], { dflt: 'BPF_STATS_???' }),
  bpf_task_fd_type: E([['BPF_FD_TYPE_RAW_TRACEPOINT', 0], ['BPF_FD_TYPE_TRACEPOINT', 1], ['BPF_FD_TYPE_KPROBE', 2], ['BPF_FD_TYPE_KRETPROBE', 3],
    ['BPF_FD_TYPE_UPROBE', 4], ['BPF_FD_TYPE_URETPROBE', 5]], { dflt: 'BPF_FD_TYPE_???' }),
  bpf_map_flags: F(['NO_PREALLOC', 'NO_COMMON_LRU', 'NUMA_NODE', 'RDONLY', 'WRONLY', 'STACK_BUILD_ID', 'ZERO_SEED', 'RDONLY_PROG', 'WRONLY_PROG', 'CLONE',
    'MMAPABLE', 'PRESERVE_ELEMS', 'INNER_MAP', 'LINK'].map((n, i) => ['BPF_F_' + n, 1 << i] as const), { dflt: 'BPF_F_???' }),
};
