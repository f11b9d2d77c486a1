/**
 * What each descriptor refers to, tracked from the stream alone (for -y): opens, dups, pipes,
 * sockets, closes, close-on-exec, fork (copy) and threads (shared table).
 */
import { captureBytes, int32, type Event, type FdPaths, type SyscallEvent } from '@rift/events';

interface Entry {
  path: string;
  cloexec: boolean;
}
type Table = Map<number, Entry>;

const O_CLOEXEC = 0o2000000;

function memText(ev: SyscallEvent, arg: number, at: 'entry' | 'exit' = 'entry'): string | undefined {
  const c = ev.mem?.find((m) => m.arg === arg && m.at === at && !m.fault);
  return c ? captureBytes(c).toString('utf8').replace(/\0.*$/s, '') : undefined;
}

export class FdTracker implements FdPaths {
  private tables = new Map<number, Table>();
  private cwd = new Map<number, string>();

  private table(pid: number): Table {
    let t = this.tables.get(pid);
    if (!t) {
      t = new Map();  // inherited descriptors are unknown until the stream names them
      this.tables.set(pid, t);
    }
    return t;
  }

  path(pid: number, fd: number): string | undefined {
    return this.tables.get(pid)?.get(fd)?.path;
  }

  private abs(pid: number, dirfd: number | undefined, p: string): string {
    if (p.startsWith('/')) return p;
    const base = dirfd === undefined || dirfd === -100 ? this.cwd.get(pid) : this.path(pid, dirfd);
    if (!base || !base.startsWith('/')) return p;
    return (base.endsWith('/') ? base : base + '/') + p;
  }

  /** The path the descriptor returned by `ev` refers to. */
  opened(ev: SyscallEvent): string | undefined {
    if (ev.errno || ev.ret === null) return undefined;
    const a = (i: number) => int32(ev.args[i] ?? 0);
    switch (ev.name) {
      case 'open':
      case 'creat': {
        const p = memText(ev, 0);
        return p === undefined ? undefined : this.abs(ev.pid, undefined, p);
      }
      case 'openat':
      case 'openat2': {
        const p = memText(ev, 1);
        return p === undefined ? undefined : this.abs(ev.pid, a(0), p);
      }
      case 'dup':
      case 'dup2':
      case 'dup3':
        return this.path(ev.pid, a(0));
      case 'fcntl':
        return a(1) === 0 || a(1) === 1030 ? this.path(ev.pid, a(0)) : undefined;
      case 'socket':
      case 'accept':
      case 'accept4':
        return 'socket:';
      case 'epoll_create':
      case 'epoll_create1':
        return 'anon_inode:[eventpoll]';
      case 'eventfd':
      case 'eventfd2':
        return 'anon_inode:[eventfd]';
      case 'timerfd_create':
        return 'anon_inode:[timerfd]';
      case 'signalfd4':
        return 'anon_inode:[signalfd]';
      case 'memfd_create':
        return `/memfd:${memText(ev, 0) ?? ''}`;
      case 'pidfd_open':
        return 'anon_inode:[pidfd]';
      case 'inotify_init1':
        return 'anon_inode:inotify';
    }
    return undefined;
  }

  /** Updates the tables after `ev` (call after formatting it). */
  update(ev: Event): void {
    if (ev.type === 'spawn') {
      if (ev.kind !== 'thread' && ev.childPid !== ev.pid) {
        const t = this.tables.get(ev.pid);
        if (t) this.tables.set(ev.childPid, new Map(t));
        const c = this.cwd.get(ev.pid);
        if (c) this.cwd.set(ev.childPid, c);
      }
      return;
    }
    if (ev.type === 'exec') {
      const t = this.tables.get(ev.pid);
      if (t) for (const [fd, e] of t) if (e.cloexec) t.delete(fd);
      return;
    }
    if (ev.type !== 'syscall' || ev.errno || ev.ret === null) return;
    const a = (i: number) => int32(ev.args[i] ?? 0);
    const t = this.table(ev.pid);
    const ret = Number(ev.ret);
    switch (ev.name) {
      case 'close':
        t.delete(a(0));
        return;
      case 'close_range':
        for (const fd of [...t.keys()]) if (fd >= a(0) && fd <= (a(1) >>> 0)) t.delete(fd);
        return;
      case 'chdir': {
        const p = memText(ev, 0);
        if (p !== undefined) this.cwd.set(ev.pid, this.abs(ev.pid, undefined, p));
        return;
      }
      case 'fchdir': {
        const p = this.path(ev.pid, a(0));
        if (p) this.cwd.set(ev.pid, p);
        return;
      }
      case 'getcwd': {
        const p = memText(ev, 0, 'exit');
        if (p) this.cwd.set(ev.pid, p);
        return;
      }
      case 'pipe':
      case 'pipe2':
      case 'socketpair': {
        const c = ev.mem?.find((m) => m.arg === (ev.name === 'socketpair' ? 3 : 0) && m.at === 'exit' && !m.fault);
        if (!c) return;
        const b = captureBytes(c);
        if (b.length < 8) return;
        const kind = ev.name === 'socketpair' ? 'socket:' : 'pipe:';
        const cloexec = ev.name === 'pipe2' ? (a(1) & O_CLOEXEC) !== 0 : false;
        t.set(b.readInt32LE(0), { path: kind, cloexec });
        t.set(b.readInt32LE(4), { path: kind, cloexec });
        return;
      }
    }
    const p = this.opened(ev);
    if (p === undefined) return;
    let cloexec = false;
    if (ev.name === 'open' || ev.name === 'openat') cloexec = (a(ev.name === 'open' ? 1 : 2) & O_CLOEXEC) !== 0;
    else if (ev.name === 'dup3') cloexec = (a(2) & O_CLOEXEC) !== 0;
    else if (ev.name === 'fcntl') cloexec = a(1) === 1030;
    t.set(ret, { path: p, cloexec });
  }
}
