// Decoding tables as data: every signature row names a real syscall and real tables; the
// generic printers walk flag sets and quote strings the way strace does.
import t from 'tap';
import { SIGNATURES, XLAT, STRUCTS, parseArgSpec, syscallNumber, quote, printFlags, printEnum, formatSyscall, CLASSES, SYSCALL_NAMES, siginfoOfEvent } from '@rift/events';

t.test('at least 150 signatures, each a real x86-64 syscall with known types', async (t) => {
  const names = Object.keys(SIGNATURES);
  t.ok(names.length >= 150, `${names.length} signatures`);
  const scalar = new Set(['fd', 'dirfd', 'int', 'uint', 'long', 'ulong', 'hex', 'ptr', 'size', 'off', 'pid', 'uid', 'gid', 'signo', 'mode', 'smode', 'dev', 'dev32', 'hex32', 'skip', 'fanfd', 'ioprio', 'mpol', 'mpol32', 'policy', 'mountflags', 'uring_op', 'mfdflags', 'qcmd', 'swapflags', 'mapflags', 'pidfd_target', 'kexec_flags']);
  const memTypes = new Set(['buf', 'hexbuf', 'sockopt', 'path', 'str', 'argv', 'envp', ...Object.keys(STRUCTS)]);
  const bad = [];
  for (const [name, sig] of Object.entries(SIGNATURES)) {
    if (syscallNumber(name) === undefined) bad.push(`${name}: not a syscall`);
    for (const a of sig.args) {
      const spec = parseArgSpec(a);
      if (spec.type === 'flags' || spec.type === 'enum') {
        if (!XLAT[spec.table]) bad.push(`${name}: no table ${spec.table}`);
      } else if (!scalar.has(spec.type) && !memTypes.has(spec.type)) bad.push(`${name}: unknown type ${a}`);
    }
    for (const c of sig.classes ?? []) if (!CLASSES.includes(c)) bad.push(`${name}: class ${c}`);
  }
  t.same(bad, []);
});

t.test('every x86-64 syscall of the kernel headers has a signature: none prints as raw registers', async (t) => {
  const missing = SYSCALL_NAMES.filter((n) => n && !SIGNATURES[n]);
  t.same(missing, []);
});

t.test('flag sets: multi-bit entries first, leftovers in hex, zero names', async (t) => {
  t.equal(printFlags('open', 0o2000000 | 0o100 | 1), 'O_WRONLY|O_CREAT|O_CLOEXEC');
  t.equal(printFlags('open', 0o4010000), 'O_RDONLY|O_SYNC');
  t.equal(printFlags('open', 0o20200002), 'O_RDWR|O_TMPFILE');
  t.equal(printFlags('mmap_prot', 0), 'PROT_NONE');
  t.equal(printFlags('mmap', 0x22), 'MAP_PRIVATE|MAP_ANONYMOUS');
  t.equal(printFlags('access', 0), 'F_OK');
  t.equal(printFlags('clone', 0x1200000 | 17), 'CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD');
  t.equal(printFlags('socket_type', 0o2004001), 'SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK');
  t.equal(printFlags('wait', 0x40000000 | 1 | 0x100000), 'WNOHANG|__WALL|0x100000');
  t.equal(printFlags('futex', 0x189), 'FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME');
  t.equal(printEnum('fcntl', 1030), 'F_DUPFD_CLOEXEC');
  t.equal(printEnum('ioctl', 0x5401), 'TCGETS');
  t.equal(printEnum('ioctl', 0x1234), '0x1234');
  // an unknown value as strace prints it: the number and the table's X_??? (strace 6 agrees)
  t.equal(printEnum('madvise', 999), '0x3e7 /* MADV_??? */');
  t.equal(printFlags('close_range', 1, 32), '0x1 /* CLOSE_RANGE_??? */');
  t.equal(printFlags('close_range', 3, 32), 'CLOSE_RANGE_UNSHARE|0x1');
  t.equal(printFlags('close_range', 0, 32), '0');
});

t.test('strings are quoted like strace: octal, short when no digit follows, -x and -xx', async (t) => {
  const b = Buffer.from('\x7fELF\x02\x01\x01\x00\x00\x31 "q"\\\n\t');
  t.equal(quote(b, { hex: 0 }), '"\\177ELF\\2\\1\\1\\0\\0001 \\"q\\"\\\\\\n\\t"');
  t.equal(quote(Buffer.from('ab\n'), { hex: 1 }), '"ab\\n"');
  t.equal(quote(Buffer.from('a\x01'), { hex: 1 }), '"\\x61\\x01"');
  t.equal(quote(Buffer.from('ab'), { hex: 2 }), '"\\x61\\x62"');
  t.equal(quote(Buffer.from([0xc3, 0xa9]), { hex: 0 }), '"\\303\\251"');
});

t.test('raw registers are cast to the C type: AT_FDCWD, -1 fds, 64-bit values as strings', async (t) => {
  const ev = (name, args, ret, extra = {}) => ({ type: 'syscall', seq: 1, pid: 1, tid: 1, ts: 0, nr: syscallNumber(name), name, args, ret, dur: 1, ...extra });
  t.equal(formatSyscall(ev('close', [4294967295], -9, { errno: 'EBADF' }), { column: 0 }), 'close(-1) = -1 EBADF (Bad file descriptor)');
  t.equal(formatSyscall(ev('mmap', [0, 4096, 3, 34, 4294967295, 0], 140737353973760), { column: 0 }),
    'mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7ffff7fd8000');
  t.equal(formatSyscall(ev('lseek', [3, -60, 1], 54), { column: 0 }), 'lseek(3, -60, SEEK_CUR) = 54');
  t.equal(formatSyscall(ev('munmap', ['9007199254740993', 4096], 0), { column: 0 }), 'munmap(0x20000000000001, 4096) = 0', 'beyond 2^53: decimal strings');
  t.equal(formatSyscall(ev('read', [0, 1000, 10], null, { status: 'unfinished', dur: null }), { column: 0 }), 'read(0, 0x3e8, 10) = ?');
  t.equal(formatSyscall(ev('close', [3], -512, { errno: 'ERESTARTSYS' }), { column: 0 }), 'close(3) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)');
  t.equal(formatSyscall(ev('fcntl', [3, 3, 0], 0x8002), { column: 0 }), 'fcntl(3, F_GETFL) = 0x8002 (flags O_RDWR|O_LARGEFILE)');
  t.equal(formatSyscall(ev('close', [3], 0)), 'close(3)                                = 0', 'the = sits at column 40');
});

// The siginfo replay gives a delivered signal (siginfoOfEvent) is the layout the decoder reads:
// each field a signal event holds comes back as strace prints it.
t.test('siginfoOfEvent: the bytes the siginfo printer reads back', async (t) => {
  const queued = (signo, b) => formatSyscall({ type: 'syscall', seq: 1, pid: 1, tid: 1, ts: 0, nr: syscallNumber('rt_sigqueueinfo'), name: 'rt_sigqueueinfo', args: [1, signo, 4096], ret: 0, mem: [{ arg: 2, at: 'entry', len: b.length, enc: 'base64', data: b.toString('base64') }] });
  const chld = siginfoOfEvent({ type: 'signal', signo: 17, sig: 'SIGCHLD', code: 1, senderPid: 42, senderUid: 7, status: 3, utime: 5, stime: 6 });
  t.equal(queued(17, chld), 'rt_sigqueueinfo(1, SIGCHLD, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=42, si_uid=7, si_status=3, si_utime=5 /* 0.05 s */, si_stime=6 /* 0.06 s */}) = 0');
  const killed = siginfoOfEvent({ type: 'signal', signo: 12, sig: 'SIGUSR2', code: -6, senderPid: 9, senderUid: 0 }, 1234);
  t.equal(queued(12, killed), 'rt_sigqueueinfo(1, SIGUSR2, {si_signo=SIGUSR2, si_code=SI_TKILL, si_pid=1234, si_uid=0}) = 0', 'a sender pid given in its stead');
  t.equal(siginfoOfEvent({ type: 'signal', signo: 14, sig: 'SIGALRM', code: 0x80, senderPid: 0, senderUid: 0 }), undefined, "a kernel timer's: the event does not hold it whole");
});
