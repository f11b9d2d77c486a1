// strace's conventions at the edges, held without strace's source: a C fixture (test/fixtures/
// decode_edges.c) makes calls with odd values, unknown bits and bad pointers, as strace's own
// test programs do; strace and rift-trace trace it, and every line of its own calls must match.
import t from 'tap';
import { fixture, record, syscalls, tmp } from './helpers.mjs';
import { calls, normalise, straceText, riftTraceRun } from './20.trace-helpers.mjs';

const bin = fixture('decode_edges');

/** the fixture's own calls: from its chdir("/nonexistent-rift-dir") to its exit */
function section(text, raw = false) {
  const lines = calls(text).map((c) => (raw ? c.text : normalise(c.text)));
  const from = lines.findIndex((l) => l.startsWith('chdir("/nonexistent-rift-dir")'));
  const to = lines.findIndex((l) => l.startsWith('exit_group('));
  return lines.slice(from, to);
}

t.test('odd values, unknown bits, bad pointers: the lines strace prints', async (t) => {
  const cwd = tmp();
  // (strace 6.1 predates SO_PEERPIDFD's name: the option's number, 77, is the same)
  const s = section(straceText([bin], { cwd })).map((l) => l.replace('SOL_SOCKET, 0x4d /* SO_??? */', 'SOL_SOCKET, SO_PEERPIDFD'));
  const text = riftTraceRun([bin], { cwd }).text;
  const r = section(text);
  t.ok(s.length >= 20, `strace printed ${s.length} lines`);
  t.same(r, s);
  // mmap's base is randomised over 2^40 bytes below the stack: 0x7e... as well as 0x7f...
  const raw = section(text, true).map((l) => l.replace(/0x[0-9a-f]{9,}/g, 'ADDR'));
  // the conventions each line holds, spelled out (these hold whatever strace's version)
  const want = [
    'creat("/nonexistent-rift-dir/x", 000) = -1 ENOENT (No such file or directory)',
    'umask(042) = 022',
    'mknod("/nonexistent-rift-dir/x", S_IFREG|0600) = -1 ENOENT (No such file or directory)',
    'mknod("/nonexistent-rift-dir/x", S_IFCHR|024, makedev(0x1, 0x7)) = -1 ENOENT (No such file or directory)',
    'close_range(4294967294, 4294967295, 0x1 /* CLOSE_RANGE_??? */) = -1 EINVAL (Invalid argument)',
    'getrlimit(0x10 /* RLIMIT_??? */, NULL) = -1 EINVAL (Invalid argument)',
    'getitimer(0xdeadbeef /* ITIMER_??? */, NULL) = -1 EINVAL (Invalid argument)',
    'inotify_init1(IN_NONBLOCK|IN_CLOEXEC|0x1000000) = -1 EINVAL (Invalid argument)',
    'chdir(ADDR) = -1 EFAULT (Bad address)',
    'chdir(NULL) = -1 EFAULT (Bad address)',
    'sched_rr_get_interval(0, NULL) = -1 EFAULT (Bad address)',
    'getcpu(NULL, NULL, NULL) = 0',
    'utimensat(AT_FDCWD, "/nonexistent-rift-dir/x", [UTIME_NOW, UTIME_OMIT], 0) = -1 ENOENT (No such file or directory)',
    'rt_sigpending([], 4) = 0',
    'mincore(ADDR, 4096, [1]) = 0',
    'quotactl(QCMD(Q_SYNC, USRQUOTA), NULL) = 0',
    'connect(-1, {sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4277009102, sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=6, sll_addr=[0xa, 0xb, 0xc, 0xd, 0xe, 0xf]}, 20) = -1 EBADF (Bad file descriptor)',
    'setsockopt(-1, SOL_IPV6, IPV6_ADD_MEMBERSHIP, {inet_pton(AF_INET6, "ff01::c", &ipv6mr_multiaddr), ipv6mr_interface=57005}, 20) = -1 EBADF (Bad file descriptor)',
    'setsockopt(-1, SOL_IPV6, IPV6_ADD_MEMBERSHIP, ADDR, 19) = -1 EBADF (Bad file descriptor)',
    'setsockopt(-1, SOL_RAW, ICMP_FILTER, ~[ICMP_ECHOREPLY ICMP_DEST_UNREACH ICMP_ECHO], 4) = -1 EBADF (Bad file descriptor)',
    'bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=0, max_entries=0}, 8) = -1 EINVAL (Invalid argument)',
    'connect(-1, {sa_family=AF_VSOCK, svm_cid=VMADDR_CID_HOST, svm_port=0x1, svm_flags=VMADDR_FLAG_TO_HOST}, 16) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=AF_QIPCRTR, sq_node=0xfeedfade, sq_port=QRTR_PORT_CTRL}, 12) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=AF_ALG, salg_type="hash", salg_feat=0, salg_mask=0, salg_name="sha1"}, 88) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=AF_NETLINK, nl_pad=0xffff, nl_pid=1234567890, nl_groups=0xfacefeed}, 12) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=AF_IPX, sipx_port=htons(12345), sipx_network=htonl(0xfacefeed), sipx_node=[0x41, 0x42, 0x43, 0x44, 0x45, 0x46], sipx_type=0xff}, 16) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=AF_X25, sx25_addr={x25_addr="0123456789"}}, 18) = -1 EBADF (Bad file descriptor)',
    'connect(-1, {sa_family=0x2e /* AF_??? */, sa_data="\\1\\2\\3"}, 5) = -1 EBADF (Bad file descriptor)',
    'recvmsg(-1, {msg_namelen=7}, MSG_DONTWAIT) = -1 EBADF (Bad file descriptor)',
    // a count with garbage in its register's high half: its low half's elements read (a
    // negative descriptor's events not printed)
    'ppoll([{fd=-1}], 1, {tv_sec=0, tv_nsec=0}, NULL, 8) = 0 (Timeout)',
    // ptrace's data by request: a sigset only when the address (its size) is 8, a fault's
    // siginfo with its bounds, PTRACE_PEEKSIGINFO's arguments, registers without the address
    // argument, a register set as far as the iovec's length reaches (not a whole number of
    // registers: the address), the registers a failed PTRACE_GETREGSET did not write: the address
    'ptrace(PTRACE_SETSIGMASK, 0, 8, [USR1]) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SETSIGMASK, 0, 4, ADDR) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SETSIGINFO, 0, NULL, {si_signo=SIGSEGV, si_code=SEGV_BNDERR, si_addr=0x1000, si_lower=NULL, si_upper=0x2000}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_PEEKSIGINFO, 0, {off=1, flags=PTRACE_PEEKSIGINFO_SHARED, nr=2}, ADDR) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SECCOMP_GET_METADATA, 0, 16, {filter_off=3}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SETREGS, 0, {r15=0, r14=0x1, r13=0x2, r12=0x3, rbp=0x4, rbx=0x5, r11=0x6, r10=0x7, r9=0x8, r8=0x9, rax=0xa, rcx=0xb, rdx=0xc, rsi=0xd, rdi=0xe, orig_rax=0xf, rip=0x10, cs=0x11, eflags=0x12, rsp=0x13, ss=0x14, fs_base=0x15, gs_base=0x16, ds=0x17, es=0x18, fs=0x19, gs=0x1a}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SETREGSET, 0, NT_PRSTATUS, {iov_base={r15=0x1, r14=0x2}, iov_len=16}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_SETREGSET, 0, NT_PRSTATUS, {iov_base=ADDR, iov_len=12}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_GETREGSET, 0, NT_FPREGSET, {iov_base=ADDR, iov_len=12}) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_PEEKUSER, 0, 8*SS+12, NULL) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_POKEUSER, 0, 0x391, 0x5) = -1 ESRCH (No such process)',
    'ptrace(PTRACE_OLDSETOPTIONS, 0, NULL, PTRACE_O_TRACESYSGOOD|PTRACE_O_EXITKILL) = -1 ESRCH (No such process)',
    // keyctl's arguments by operation, only those it has; fcntl's lock by command (read at entry
    // for F_OFD_SETLK, although the syscall buffer records fcntl: its lock commands go to the
    // tracer); name_to_handle_at's room; perf_event_attr up to wakeup_events without -v
    'keyctl(KEYCTL_UPDATE, KEY_SPEC_REQUESTOR_KEYRING, "payload", 7) = -1 ENOKEY (Required key not available)',
    'keyctl(KEYCTL_SETPERM, 32429, KEY_POS_VIEW|KEY_POS_READ|KEY_POS_WRITE|KEY_POS_SEARCH|KEY_POS_LINK|KEY_POS_SETATTR|KEY_USR_VIEW|0xc0c0c0c0) = -1 EINVAL (Invalid argument)',
    'keyctl(KEYCTL_MOVE, 32429, KEY_SPEC_THREAD_KEYRING, KEY_SPEC_PROCESS_KEYRING, 0xfffffffe /* KEYCTL_MOVE_??? */) = -1 EINVAL (Invalid argument)',
    'fcntl(-1, F_OFD_SETLK, {l_type=F_WRLCK, l_whence=SEEK_END, l_start=-5, l_len=10}) = -1 EBADF (Bad file descriptor)',
    'fcntl(-1, F_GETLK, ADDR) = -1 EBADF (Bad file descriptor)',
    'name_to_handle_at(AT_FDCWD, "/nonexistent-rift-dir", {handle_bytes=0}, ADDR, AT_SYMLINK_FOLLOW) = -1 ENOENT (No such file or directory)',
    'perf_event_open({type=PERF_TYPE_SOFTWARE, size=PERF_ATTR_SIZE_VER0, config=PERF_COUNT_SW_DUMMY, sample_freq=4000, sample_type=0, read_format=0, exclude_kernel=1, freq=1, precise_ip=2 /* requested to have 0 skid */, ...}, 0, -1, -1, 0x10 /* PERF_FLAG_??? */) = -1 EINVAL (Invalid argument)',
  ];
  // recvmsg's name length as given => as the kernel wrote it, a descriptor received
  t.ok(raw.some((l) => /^recvmsg\(\d+, \{msg_name=ADDR, msg_namelen=110 => 0, msg_iov=\[\{iov_base="hi", iov_len=8\}\], msg_iovlen=1, msg_control=\[\{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[\d+\]\}\], msg_controllen=24, msg_flags=0\}, 0\) = 2$/.test(l)), 'recvmsg: msg_namelen=110 => 0, SCM_RIGHTS');
  for (const w of want) t.ok(raw.includes(w), w);
  // io_uring_register's argument by opcode: an iovec array's bases and lengths, descriptors, the
  // element past the mapped page by its address, a restriction; io_uring_enter's mask only when
  // its size is the kernel's 8 (no ring: EBADF, or EINVAL where the kernel checks the arguments
  // first)
  const failing = [
    'io_uring_register(-1, IORING_REGISTER_BUFFERS, [{iov_base=ADDR, iov_len=16}, {iov_base=NULL, iov_len=0}], 2)',
    'io_uring_register(-1, IORING_REGISTER_FILES, [0, -1], 2)',
    'io_uring_register(-1, IORING_REGISTER_FILES, [1, ... /* ADDR */], 2)',
    'io_uring_register(-1, IORING_REGISTER_RESTRICTIONS, [{opcode=IORING_RESTRICTION_SQE_OP, sqe_op=IORING_OP_READV}], 1)',
    'io_uring_enter(-1, 0, 0, IORING_ENTER_GETEVENTS, [USR1], 8)',
    'io_uring_enter(-1, 0, 0, IORING_ENTER_GETEVENTS, ADDR, 4)',
  ];
  for (const w of failing) t.ok(raw.some((l) => l.startsWith(`${w} = -1 E`)), w);
});

t.test('-y: a socket as /proc names it, socket:[INODE] (socket(), each end of socketpair())', async (t) => {
  const cwd = tmp();
  const ino = (l) => l.replace(/socket:\[\d+\]/g, 'socket:[INO]');
  // the calls on a socket the program made (not socketpair's own line, whose array rift prints
  // without paths, nor recvmsg's, which receives a descriptor rift does not know, nor the
  // SO_PEERPIDFD getsockopt strace 6.1 does not know: the next test's)
  const mine = (l) => l.includes('<socket:') && !/^(socketpair|recvmsg)\(/.test(l) && !l.includes('0x4d /* SO_??? */') && !l.includes('SO_PEERPIDFD');
  const s = section(straceText([bin], { cwd, extra: ['-y'] })).filter(mine);
  const text = riftTraceRun([bin], { cwd, extra: ['-y'] }).text;
  const r = section(text).filter(mine);
  t.ok(s.length >= 4, `strace printed ${s.length} lines with a socket`);
  t.same(r.map(ino), s.map(ino));
  // a number /proc gave each socket: the pair's two ends differ
  const inodes = new Set(r.flatMap((l) => [...l.matchAll(/socket:\[(\d+)\]/g)].map((m) => m[1])));
  t.ok(inodes.size >= 2, `${inodes.size} sockets`);
});

// strace 6.1 does not know SO_PEERPIDFD (it prints `0x4d /* SO_??? */, [5]`): the descriptor's
// number is checked against its line, its name against what the kernel made (a pidfd), as
// strace's tree prints it (its so_peerpidfd test), and the tracker knows it from then on
t.test('-y: the pidfd SO_PEERPIDFD hands the program, anon_inode:[pidfd]', async (t) => {
  const cwd = tmp();
  const s = section(straceText([bin], { cwd, extra: ['-y'] })).find((l) => l.startsWith('getsockopt(') && l.includes('0x4d'));
  const r = section(riftTraceRun([bin], { cwd, extra: ['-y'] }).text);
  const got = r.find((l) => l.startsWith('getsockopt(') && l.includes('SO_PEERPIDFD'));
  const m = /SO_PEERPIDFD, \[(\d+)<anon_inode:\[pidfd\]>\], \[4\]\) += 0$/.exec(got ?? '');
  t.ok(m, got);
  t.match(s, new RegExp(`, \\[${m?.[1]}\\], \\[4\\]\\) += 0$`), 'the number strace printed');
  t.ok(r.some((l) => l.startsWith(`close(${m?.[1]}<anon_inode:[pidfd]>)`)), 'its close names it');
});

t.test('-X raw and -X verbose print the same calls as strace -X', async (t) => {
  for (const x of ['raw', 'verbose']) {
    const cwd = tmp();
    const s = section(straceText([bin], { cwd, extra: ['-X', x] }));
    const r = section(riftTraceRun([bin], { cwd, extra: ['-X', x] }).text);
    // lines whose text strace 6 and rift agree on in every style: the enums and flag sets
    const pick = (l) => /^(getrlimit|getitimer|lseek|close_range|inotify_init1|umask|ptrace)\(/.test(l);
    t.same(r.filter(pick), s.filter(pick), `-X ${x}`);
  }
});

t.test('-v: the memory a struct points to (filter programs, bpf instructions, strings, mmsghdr vectors), as strace -v', async (t) => {
  const cwd = tmp();
  const s = section(straceText([bin], { cwd, extra: ['-v'] }));
  const text = riftTraceRun([bin], { cwd, extra: ['-v'] }).text;
  const r = section(text);
  const pick = (l) => /^(setsockopt\(\d+, SOL_SOCKET, SO_ATTACH_FILTER|getsockopt\(\d+, SOL_SOCKET, SO_GET_FILTER|seccomp|bpf|sendmmsg|recvmmsg)\(?/.test(l);
  t.same(r.filter(pick), s.filter(pick));
  const raw = section(text, true).map((l) => l.replace(/0x[0-9a-f]{9,}/g, 'ADDR'));
  const want = [
    // the program given, and as the kernel gives it back: the count given => the kernel's
    /^setsockopt\(\d+, SOL_SOCKET, SO_ATTACH_FILTER, \{len=2, filter=\[BPF_STMT\(BPF_LD\|BPF_W\|BPF_ABS, SKF_AD_OFF\+SKF_AD_PROTOCOL\), BPF_STMT\(BPF_RET\|BPF_K, 0xffff\)\]\}, 16\) = 0$/,
    /^getsockopt\(\d+, SOL_SOCKET, SO_GET_FILTER, \[BPF_STMT\(BPF_LD\|BPF_W\|BPF_ABS, SKF_AD_OFF\+SKF_AD_PROTOCOL\), BPF_STMT\(BPF_RET\|BPF_K, 0xffff\)\], \[4 => 2\]\) = 0$/,
    // the instruction that could be read, then where the rest would have been
    /^seccomp\(SECCOMP_SET_MODE_FILTER, 0x80000000 \/\* SECCOMP_FILTER_FLAG_\?\?\? \*\/, \{len=2, filter=\[BPF_STMT\(BPF_RET\|BPF_K, SECCOMP_RET_KILL_THREAD\|0xffff\), \.\.\. \/\* ADDR \*\/\]\}\) = -1 EINVAL/,
    /^bpf\(BPF_PROG_LOAD, \{prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=1, insns=\[\{code=BPF_JMP\|BPF_K\|BPF_EXIT, dst_reg=BPF_REG_0, src_reg=BPF_REG_0, off=0, imm=0\}\], license="GPL"\}, 24\) = -1 /,
    /^bpf\(BPF_OBJ_PIN, \{pathname="\/nonexistent-rift-dir\/pin", bpf_fd=-1\}, 12\) = -1 /,
    // each message of the vector, msg_len for those the call moved; received: the names' lengths
    // given => the kernel's, the data as long as each message; an element that cannot be read
    /^sendmmsg\(\d+, \[\{msg_hdr=\{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="ab", iov_len=2\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}, msg_len=2\}, \{msg_hdr=\{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="cde", iov_len=3\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}, msg_len=3\}\], 2, 0\) = 2$/,
    /^recvmmsg\(\d+, \[\{msg_hdr=\{msg_name=ADDR, msg_namelen=110 => 0, msg_iov=\[\{iov_base="ab", iov_len=4\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}, msg_len=2\}, \{msg_hdr=\{msg_name=ADDR, msg_namelen=110 => 0, msg_iov=\[\{iov_base="cde", iov_len=8\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}, msg_len=3\}\], 2, MSG_DONTWAIT, NULL\) = 2$/,
    /^sendmmsg\(-1, \[\{msg_hdr=\{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="ab", iov_len=2\}\], msg_iovlen=1, msg_controllen=0, msg_flags=0\}\}, \.\.\. \/\* ADDR \*\/\], 2, MSG_DONTWAIT\) = -1 EBADF/,
  ];
  for (const w of want) t.ok(raw.some((l) => w.test(l)), String(w));
});

t.test('the engine follows the plan to the memory a struct points to, and records it by index', async (t) => {
  const cwd = tmp();
  const r = record([bin], [], { cwd });
  t.equal(r.status, 0, 'rift-record exit status');
  const ev = syscalls(r.events);
  const caps = (e, arg, at) => (e?.mem ?? []).filter((m) => m.arg === arg && m.at === at);
  // the socket filter: the sock_fprog (no index), its 2 instructions (index 1, 16 bytes)
  const attach = ev.find((e) => e.name === 'setsockopt' && e.args[1] === 1 && e.args[2] === 26);
  t.same(caps(attach, 3, 'entry').map((m) => [m.index, m.len]), [[undefined, 16], [1, 16]], 'setsockopt(SO_ATTACH_FILTER): the struct, then its program');
  // rows the syscall buffer does not follow: their calls take the ptrace stop
  t.notOk(ev.some((e) => (e.name === 'setsockopt' || e.name === 'sendmmsg' || e.name === 'recvmmsg') && e.buffered), 'none of those calls recorded by the syscall buffer');
  // another option of the same call: no row follows its pointer
  const other = ev.find((e) => e.name === 'setsockopt' && e.args[1] !== 1);
  t.ok(other && caps(other, 3, 'entry').every((m) => m.index === undefined), 'setsockopt of another option: the struct alone');
  // getsockopt(SO_GET_FILTER): the argument itself, *optlen instructions at exit
  const get = ev.find((e) => e.name === 'getsockopt' && e.args[2] === 26);
  t.same(caps(get, 3, 'exit').filter((m) => m.index === 1).map((m) => m.len), [16], 'getsockopt(SO_GET_FILTER): 2 instructions at exit');
  // the seccomp filter whose second instruction is in the unmapped page: 8 of 16 bytes
  const sec = ev.find((e) => e.name === 'seccomp');
  const prog = caps(sec, 2, 'entry').find((m) => m.index === 1);
  t.same(prog && [prog.len, prog.full], [8, 16], 'seccomp: the instruction that could be read, of 16 bytes');
  // bpf PROG_LOAD: instructions (index 1) and licence (index 2); OBJ_PIN: the path (index 1)
  const load = ev.find((e) => e.name === 'bpf' && e.args[0] === 5 && e.args[2] === 24);
  t.same(caps(load, 1, 'entry').filter((m) => m.index).map((m) => [m.index, m.len]), [[1, 8], [2, 3]], 'bpf(BPF_PROG_LOAD): its instruction and licence');
  const pin = ev.find((e) => e.name === 'bpf' && e.args[0] === 6);
  t.equal(caps(pin, 1, 'entry').find((m) => m.index === 1)?.data, '/nonexistent-rift-dir/pin', 'bpf(BPF_OBJ_PIN): its path');
  // sendmmsg: element j's parts as j << 16 | part (0 the mmsghdr, 3 its one iovec), at exit
  const send = ev.find((e) => e.name === 'sendmmsg' && e.ret === 2);
  t.same(caps(send, 1, 'exit').map((m) => [m.index, m.len]), [[0, 64], [3, 2], [65536, 64], [65539, 3]], 'sendmmsg: both messages, at exit');
  // recvmmsg: the lengths given at entry (no bytes of the buffers), the data received at exit
  const recv = ev.find((e) => e.name === 'recvmmsg');
  t.same(caps(recv, 1, 'entry').filter((m) => (m.index & 0xffff) === 3).map((m) => [m.index, m.len, m.full]), [[3, 0, 4], [65539, 0, 8]], 'recvmmsg at entry: the buffers\' lengths');
  t.same(caps(recv, 1, 'exit').filter((m) => (m.index & 0xffff) === 3).map((m) => [m.index, m.data]), [[3, 'ab'], [65539, 'cde']], 'recvmmsg at exit: each message as long as its msg_len');
});
