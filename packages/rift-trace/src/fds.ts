/**
 * What each descriptor refers to, tracked from the stream alone (for -y): opens, dups, pipes,
 * sockets, closes, close-on-exec, fork (copy) and threads (shared table).
 *
 * Paths are kept as the bytes the program passed (a 'latin1' string: one character per byte),
 * and each descriptor's printed text is made from them once, when it is opened, escaped as
 * strace escapes it (fdPathText). Decoding the bytes as UTF-8 printed non-ASCII names, tabs,
 * quotes and '>' raw where strace escapes them.
 */
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { captureBytes, fdPathText, int32, sigsetText, type Event, type FdPaths, type StringStyle, type SyscallEvent } from '@rift/events';

interface Entry {
  /** the path's bytes, one character per byte */
  path: string;
  /** as printed between < and > */
  text: string;
  cloexec: boolean;
  /** a pidfd's process */
  pid?: number;
  /** its path was unlinked since it was opened (strace -y: `<path>(deleted)`) */
  deleted?: boolean;
}
type Table = Map<number, Entry>;

const O_CLOEXEC = 0o2000000;

/** bpf's commands that make an object, by number: the name of its anonymous inode */
const BPF_OBJECTS: Readonly<Record<number, string>> = {
  0: 'bpf-map', 5: 'bpf-prog', 13: 'bpf-prog', 14: 'bpf-map', 17: 'bpf_link', 18: 'btf', 19: 'btf', 28: 'bpf_link', 30: 'bpf_link',
  32: 'bpf-stats', 33: 'bpf_iter', 36: 'bpf-token',
};

/** The C string a capture holds, one character per byte. */
function memBytes(ev: SyscallEvent, arg: number, at: 'entry' | 'exit' = 'entry'): string | undefined {
  const c = ev.mem?.find((m) => m.arg === arg && m.at === at && !m.fault);
  if (!c) return undefined;
  const b = captureBytes(c);
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul);
}

const deviceTexts = new Map<string, string>();
/**
 * strace -yy's `<char 1:3>` after a device's path: what the device file at that path is on this
 * machine (the stream does not say; a recording read elsewhere may differ). '' for others.
 */
function deviceText(path: string): string {
  if (!path.startsWith('/dev/')) return '';
  let t = deviceTexts.get(path);
  if (t === undefined) {
    t = '';
    try {
      const st = statSync(path);
      if (st.isCharacterDevice() || st.isBlockDevice()) {
        const rdev = BigInt(st.rdev);
        const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
        const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
        t = `<${st.isCharacterDevice() ? 'char' : 'block'} ${major}:${minor}>`;
      }
    } catch {
      // gone, or not ours to look at
    }
    if (deviceTexts.size < 1024) deviceTexts.set(path, t);
  }
  return t;
}

export class FdTracker implements FdPaths {
  private tables = new Map<number, Table>();
  private cwd = new Map<number, string>();
  /** the first process's working directory and descriptors when the recording began (the
   * header's `cwd` and `fds`), given to the first process the stream names */
  private start: { cwd?: string; fds: Array<[number, string]> } | undefined;
  private cwdTexts = new Map<string, string>();
  /** the last event opened() was asked about and its answer: update() of the same event
   * (which follows the formatting of its return value) reuses it instead of decoding again */
  private lastEv: SyscallEvent | undefined;
  private lastOpened: Entry | undefined;

  constructor(
    private readonly style: StringStyle = { hex: 0 },
    /** -yy: a device file's type and numbers after its path, read from this machine's /dev */
    private readonly devices = false,
  ) {}

  private entry(path: string, cloexec = false): Entry {
    const text = fdPathText(Buffer.from(path, 'latin1'), this.style);
    return { path, text: this.devices ? text + deviceText(path) : text, cloexec };
  }

  /**
   * The stream's header fields `cwd` and `fds` (rift-record's): what the first process's
   * working directory and descriptors were when the recording began. Values of another type
   * are not used.
   */
  seed(header: { cwd?: unknown; fds?: unknown }): void {
    const fds: Array<[number, string]> = [];
    if (header.fds && typeof header.fds === 'object' && !Array.isArray(header.fds)) {
      for (const [k, v] of Object.entries(header.fds)) if (/^\d{1,9}$/.test(k) && typeof v === 'string') fds.push([Number(k), v]);
    }
    this.start = { cwd: typeof header.cwd === 'string' && header.cwd.startsWith('/') ? header.cwd : undefined, fds };
  }

  /** The descriptors of `pid`; the first process named gets those the header gave. */
  private known(pid: number): Table | undefined {
    const t = this.tables.get(pid);
    if (t || !this.start) return t;
    const s = this.start;
    this.start = undefined;
    const seeded: Table = new Map(s.fds.map(([fd, p]) => [fd, this.entry(p)]));
    this.tables.set(pid, seeded);
    if (s.cwd) this.cwd.set(pid, s.cwd);
    return seeded;
  }

  private table(pid: number): Table {
    let t = this.known(pid);
    if (!t) {
      t = new Map();  // inherited descriptors are unknown until the stream names them
      this.tables.set(pid, t);
    }
    return t;
  }

  path(pid: number, fd: number): string | undefined {
    return this.known(pid)?.get(fd)?.text;
  }

  /** The working directory of `pid` as -y prints it after AT_FDCWD, when known. */
  cwdText(pid: number): string | undefined {
    this.known(pid);
    const c = this.cwd.get(pid);
    // strace reads it into PATH_MAX bytes: a longer one it does not print
    if (c === undefined || c.length >= 4096) return undefined;
    let t = this.cwdTexts.get(c);
    if (t === undefined) {
      t = fdPathText(Buffer.from(c, 'latin1'), this.style);
      if (this.cwdTexts.size < 1024) this.cwdTexts.set(c, t);
    }
    return t;
  }

  /**
   * The descriptors of `pid` as its header would give them (number -> the path's bytes, one
   * character per byte): what a stream cut at an exec starts from.
   */
  descriptors(pid: number): Array<[number, string]> {
    return [...(this.known(pid) ?? new Map()).entries()].map(([fd, e]) => [fd, e.path] as [number, string]);
  }

  /** Whether the file descriptor `fd` of `pid` refers to was unlinked since it was opened. */
  deleted(pid: number, fd: number): boolean {
    return this.known(pid)?.get(fd)?.deleted === true;
  }

  remotePath(pid: number, pidfd: number, fd: number): string | undefined {
    return this.remoteEntry(pid, pidfd, fd)?.text;
  }

  private remoteEntry(pid: number, pidfd: number, fd: number): Entry | undefined {
    const target = this.known(pid)?.get(pidfd)?.pid;
    return target === undefined ? undefined : this.known(target)?.get(fd);
  }

  private rawPath(pid: number, fd: number): string | undefined {
    return this.known(pid)?.get(fd)?.path;
  }

  private abs(pid: number, dirfd: number | undefined, p: string): string {
    if (p.startsWith('/')) return p;
    this.known(pid);
    const base = dirfd === undefined || dirfd === -100 ? this.cwd.get(pid) : this.rawPath(pid, dirfd);
    if (!base || !base.startsWith('/')) return p;
    // a relative path's . and .. resolved (lexically), as /proc names what it opened
    return posix.normalize((base.endsWith('/') ? base : base + '/') + p).replace(/(.)\/$/, '$1');
  }

  /** The path (as printed) the descriptor returned by `ev` refers to. */
  opened(ev: SyscallEvent): string | undefined {
    if (ev !== this.lastEv) {
      this.lastEv = ev;
      this.lastOpened = this.openedEntry(ev);
    }
    return this.lastOpened?.text;
  }

  private openedEntry(ev: SyscallEvent): Entry | undefined {
    if (ev.errno || ev.ret === null) return undefined;
    const a = (i: number) => int32(ev.args[i] ?? 0);
    const same = (fd: number) => this.known(ev.pid)?.get(fd);
    // an injected result opened nothing: it is whatever descriptor that number already is (as
    // strace reads it from /proc)
    // (landlock_create_ruleset asked for its ABI version or errata returns a number)
    if (ev.skipped) return ev.name === 'landlock_create_ruleset' && a(2) & 3 ? undefined : same(Number(ev.ret));
    switch (ev.name) {
      case 'open':
      case 'creat': {
        const p = memBytes(ev, 0);
        return p === undefined ? undefined : this.entry(this.abs(ev.pid, undefined, p));
      }
      case 'openat':
      case 'openat2': {
        const p = memBytes(ev, 1);
        return p === undefined ? undefined : this.entry(this.abs(ev.pid, a(0), p));
      }
      case 'open_tree':
      case 'open_tree_attr': {
        // a mount (or its clone) by its path; "" with AT_EMPTY_PATH: the directory descriptor's
        const p = memBytes(ev, 1);
        if (p === '') return a(0) === -100 ? undefined : same(a(0));
        return p === undefined ? undefined : this.entry(this.abs(ev.pid, a(0), p));
      }
      case 'dup':
      case 'dup2':
      case 'dup3':
        return same(a(0));
      case 'fcntl':
        return a(1) === 0 || a(1) === 1030 ? same(a(0)) : undefined;
      case 'socket':
      case 'accept':
      case 'accept4':
        // socket:[INODE], as /proc named it when recorded (Signature.links), where kept
        return this.entry(memBytes(ev, 0, 'exit') ?? 'socket:');
      case 'epoll_create':
      case 'epoll_create1':
        return this.entry('anon_inode:[eventpoll]');
      case 'eventfd':
      case 'eventfd2':
        return this.entry('anon_inode:[eventfd]');
      case 'io_uring_setup':
        return this.entry('anon_inode:[io_uring]');
      case 'timerfd_create':
        return this.entry('anon_inode:[timerfd]');
      case 'signalfd':
      case 'signalfd4': {
        // -yy: the mask, as /proc's fdinfo shows it (without SIGKILL and SIGSTOP, which the
        // kernel leaves out); a call on a signalfd changes that one's
        const c = ev.mem?.find((m) => m.arg === 1 && m.at === 'entry' && !m.fault);
        if (!this.devices || !c || captureBytes(c).length < 8 || Number(ev.args[2]) !== 8) return this.entry('anon_inode:[signalfd]');
        const mask = Buffer.from(captureBytes(c).subarray(0, 8));
        mask[1]! &= ~0x01;
        mask[2]! &= ~0x04;
        return { ...this.entry(''), text: `signalfd:${sigsetText(mask)}` };
      }
      case 'memfd_create':
        return this.entry(`/memfd:${memBytes(ev, 0) ?? ''}`);
      case 'landlock_create_ruleset':
        // a ruleset, unless the flags ask for the ABI version or errata (a number); an injected
        // result is whatever descriptor that number already is
        if (a(2) !== 0) return undefined;
        return ev.skipped ? same(Number(ev.ret)) : this.entry('anon_inode:[landlock-ruleset]');
      case 'pidfd_open':
        // -yy names the process, as strace reads it from /proc
        return { ...this.entry(this.devices ? `pid:${a(0)}` : 'anon_inode:[pidfd]'), pid: a(0) };
      case 'pidfd_getfd':
        return this.remoteEntry(ev.pid, a(0), a(1));
      case 'inotify_init1':
        return this.entry('anon_inode:inotify');
      case 'bpf': {
        // the object a bpf command makes, as its anonymous inode is named
        const kind = BPF_OBJECTS[a(0)];
        return kind === undefined ? undefined : this.entry(`anon_inode:${kind}`);
      }
    }
    return undefined;
  }

  /** Updates the tables after `ev` (call after formatting it). */
  update(ev: Event): void {
    // what opened() said of this event, if it was the last one asked about; forgotten now, as
    // the tables are about to change (a later decode of the same event must look again)
    const known = ev === this.lastEv;
    const memo = this.lastOpened;
    this.lastEv = undefined;
    this.lastOpened = undefined;
    if (ev.type === 'spawn') {
      if (ev.kind !== 'thread' && ev.childPid !== ev.pid) {
        const t = this.known(ev.pid);
        if (t) this.tables.set(ev.childPid, new Map(t));
        const c = this.cwd.get(ev.pid);
        if (c) this.cwd.set(ev.childPid, c);
      }
      return;
    }
    if (ev.type === 'exec') {
      const t = this.known(ev.pid);
      if (t) for (const [fd, e] of t) if (e.cloexec) t.delete(fd);
      return;
    }
    if (ev.type !== 'syscall' || ev.errno || ev.ret === null) return;
    const a = (i: number) => int32(ev.args[i] ?? 0);
    const t = this.table(ev.pid);
    const ret = Number(ev.ret);
    switch (ev.name) {
      case 'fork':
      case 'vfork':
      case 'clone':
        // a child the recording does not follow (--no-follow: no spawn event) starts with a
        // copy of the table; a thread (CLONE_THREAD) shares it
        if (ret > 0 && !this.tables.has(ret) && !(ev.name === 'clone' && Number(BigInt.asUintN(32, BigInt(ev.args[0] ?? 0)) & 0x10000n))) this.tables.set(ret, new Map(t));
        return;
      case 'close':
        t.delete(a(0));
        return;
      case 'unlink':
      case 'unlinkat': {
        // the open descriptors of that file (in every process) now name a deleted one
        const p = memBytes(ev, ev.name === 'unlink' ? 0 : 1);
        if (p === undefined) return;
        const gone = posix.normalize(this.abs(ev.pid, ev.name === 'unlink' ? undefined : a(0), p));
        for (const table of this.tables.values()) {
          for (const [fd, e] of table) if (e.path === gone && !e.deleted) table.set(fd, { ...e, deleted: true });
        }
        return;
      }
      case 'close_range':
        for (const fd of [...t.keys()]) if (fd >= a(0) && fd <= (a(1) >>> 0)) t.delete(fd);
        return;
      case 'chdir': {
        // the directory as /proc names it: without . and .. (lexically: a symlink's .. is
        // taken as its parent's)
        const p = memBytes(ev, 0);
        if (p !== undefined) this.cwd.set(ev.pid, posix.normalize(this.abs(ev.pid, undefined, p)).replace(/(.)\/$/, '$1'));
        return;
      }
      case 'fchdir': {
        const p = this.rawPath(ev.pid, a(0));
        if (p) this.cwd.set(ev.pid, p);
        return;
      }
      case 'getcwd': {
        const p = memBytes(ev, 0, 'exit');
        if (p) this.cwd.set(ev.pid, p);
        return;
      }
      case 'getsockopt': {
        // SO_PEERPIDFD (SOL_SOCKET): a pidfd for the peer, its number in the value
        const SOL_SOCKET = 1, SO_PEERPIDFD = 77;
        if (a(1) !== SOL_SOCKET || a(2) !== SO_PEERPIDFD) return;
        const c = ev.mem?.find((m) => m.arg === 3 && m.at === 'exit' && !m.fault);
        const b = c && captureBytes(c);
        if (b && b.length >= 4) t.set(b.readInt32LE(0), this.entry('anon_inode:[pidfd]'));
        return;
      }
      case 'pipe':
      case 'pipe2':
      case 'socketpair': {
        const c = ev.mem?.find((m) => m.arg === (ev.name === 'socketpair' ? 3 : 0) && m.at === 'exit' && !m.fault);
        if (!c) return;
        const b = captureBytes(c);
        if (b.length < 8) return;
        const cloexec = ev.name === 'pipe2' ? (a(1) & O_CLOEXEC) !== 0 : false;
        if (ev.name === 'socketpair') {
          // each end's socket:[INODE] as /proc named it (Signature.links: arguments 0 and 1), where kept
          t.set(b.readInt32LE(0), this.entry(memBytes(ev, 0, 'exit') ?? 'socket:', cloexec));
          t.set(b.readInt32LE(4), this.entry(memBytes(ev, 1, 'exit') ?? 'socket:', cloexec));
          return;
        }
        const e = this.entry('pipe:', cloexec);
        t.set(b.readInt32LE(0), e);
        t.set(b.readInt32LE(4), e);
        return;
      }
    }
    const e = known ? memo : this.openedEntry(ev);
    if (e === undefined) return;
    let cloexec = false;
    if (ev.name === 'open' || ev.name === 'openat') cloexec = (a(ev.name === 'open' ? 1 : 2) & O_CLOEXEC) !== 0;
    else if (ev.name === 'dup3') cloexec = (a(2) & O_CLOEXEC) !== 0;
    else if (ev.name === 'fcntl') cloexec = a(1) === 1030;
    t.set(ret, { ...e, cloexec });
  }
}
