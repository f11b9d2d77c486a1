// Every struct decoder on real bytes from real syscalls, with strace as the oracle: the fixture
// makes the calls with fixed arguments, strace and rift-trace run it one after the other, and
// the decoded lines must be equal once run-dependent values (addresses, pids) are normalised.
import t from 'tap';
import { fixture, tmp } from './helpers.mjs';
import { pick, straceText, riftTraceRun } from './20.trace-helpers.mjs';

const bin = fixture('trace_structs');
// From the first call of the fixture to its last: the dynamic loader's calls are covered elsewhere.
function section(lines) {
  const from = lines.findIndex((l) => l.startsWith('newfstatat(AT_FDCWD, "/etc/passwd"'));
  const to = lines.findIndex((l) => l.startsWith('wait4('));
  // signals race with the calls around them from one run to the next: checked in 22
  return lines.slice(from, to + 1).filter((l) => !l.startsWith('---'));
}
// rift records the iovecs of recvmsg at exit with the bytes transferred but not each iov_len
// the program passed in (readv's are captured at entry); only those lengths are set aside.
const exitIovLen = (l) => (/^recvmsg\(/.test(l) ? l.replace(/iov_len=\d+/g, 'iov_len=N') : l);

// strace 6 prints an epoll_event's data as {u32=N, u64=M}, strace 7 (whose test suite is rift's
// yardstick, issue 17) as its hex value, as rift-trace
const epollData7 = (l) => l.replace(/data=\{u32=\d+, u64=(\d+)\}/g, (_, u64) => `data=${u64 === '0' ? '0' : '0x' + BigInt(u64).toString(16)}`);

const run = (extra) => {
  const s = section(pick(straceText([bin], { cwd: tmp(), extra }))).map(exitIovLen).map(epollData7);
  const r = section(pick(riftTraceRun([bin], { cwd: tmp(), extra }).text)).map(exitIovLen);
  return { s, r };
};

t.test('default (abbreviated) structures', async (t) => {
  const { s, r } = run([]);
  t.ok(s.length > 50, `strace printed ${s.length} lines`);
  t.same(r, s);
  // the decoders each of these lines goes through
  const want = [
    /^newfstatat\(AT_FDCWD, "\/etc\/passwd", \{st_mode=S_IFREG\|0644, st_size=\d+, \.\.\.\}, 0\) = 0$/,
    /^statx\(AT_FDCWD, "\/etc\/passwd", AT_STATX_SYNC_AS_STAT\|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, \{stx_mask=/,
    /^getdents64\(3, ADDR \/\* 4 entries \*\/, 4096\) = \d+$/,
    /^uname\(\{sysname="Linux", nodename="/,
    /^prlimit64\(0, RLIMIT_NOFILE, NULL, \{rlim_cur=/,
    /^rt_sigaction\(SIGUSR1, \{sa_handler=ADDR, sa_mask=\[TERM\], sa_flags=SA_RESTORER\|SA_RESTART, sa_restorer=ADDR\}, \{sa_handler=SIG_DFL/,
    /^rt_sigprocmask\(SIG_BLOCK, \[USR2 CHLD\], \[\], 8\) = 0$/,
    /^clock_nanosleep\(CLOCK_REALTIME, 0, \{tv_sec=0, tv_nsec=1000\}, NULL\) = 0$/,
    /^settimeofday\(\{tv_sec=12345, tv_usec=1000000\}, NULL\) = -1 EINVAL/,
    /^writev\(4, \[\{iov_base="hello", iov_len=5\}, \{iov_base=" world\\n", iov_len=7\}\], 2\) = 12$/,
    /^poll\(\[\{fd=3, events=POLLIN\}, \{fd=4, events=POLLOUT\}\], 2, 0\) = 2 \(\[\{fd=3, revents=POLLIN\}, \{fd=4, revents=POLLOUT\}\]\)$/,
    /^epoll_ctl\(5, EPOLL_CTL_ADD, 3, \{events=EPOLLIN\|EPOLLET, data=0x7\}\) = 0$/,
    /^epoll_wait\(5, \[\{events=EPOLLIN, data=0x7\}\], 4, 0\) = 1$/,
    /^connect\(5, \{sa_family=AF_INET, sin_port=htons\(9\), sin_addr=inet_addr\("127\.0\.0\.1"\)\}, 16\)/,
    /^sendto\(5, "q", 1, MSG_DONTWAIT, \{sa_family=AF_INET6, sin6_port=htons\(53\), sin6_flowinfo=htonl\(0\), inet_pton\(AF_INET6, "2001:db8::1", &sin6_addr\), sin6_scope_id=0\}, 28\)/,
    /^connect\(5, \{sa_family=AF_UNIX, sun_path="\/nonexistent\/rift\.sock"\}, 110\) = -1 ENOENT/,
    /^getsockname\(5, \{sa_family=AF_NETLINK, nl_pid=PID, nl_groups=00000000\}, \[12\]\) = 0$/,
    /^sendmsg\(5, \{msg_name=NULL, msg_namelen=0, msg_iov=\[\{iov_base="ping", iov_len=4\}\], msg_iovlen=1, msg_control=\[\{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=\[3\]\}\]/,
    /^wait4\(PID, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 3\}\], 0, NULL\) = PID$/,
  ];
  for (const re of want) t.ok(r.some((l) => re.test(l)), `rift printed ${re}`);
});

t.test('-v: whole structures (dirents, utsname, stat times)', async (t) => {
  const { s, r } = run(['-v']);
  const keep = (l) => /^(getdents64|uname|rt_sigaction|prlimit64|getrlimit|clock_getres)\(/.test(l);
  // inode numbers and offsets of the fresh directory differ from run to run
  const inode = (l) => l.replace(/d_ino=\d+, d_off=-?\d+/g, 'd_ino=N, d_off=N');
  t.same(r.filter(keep).map(inode), s.filter(keep).map(inode));
  t.ok(r.some((l) => /^getdents64\(3, \[\{d_ino=/.test(l) && l.includes('d_type=DT_REG, d_name="alpha"}') && l.includes('d_type=DT_DIR, d_name="beta"}')), 'dirents decoded');
  t.ok(r.some((l) => /^uname\(\{sysname="Linux", .*machine="x86_64", domainname=/.test(l)), 'utsname decoded whole');
});

t.test('-x and -xx on the same calls', async (t) => {
  for (const x of [['-x'], ['-xx']]) {
    const { s, r } = run(x);
    t.same(r, s, x[0]);
  }
});
