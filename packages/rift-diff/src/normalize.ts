/**
 * Normalisation: each event becomes a plain value (`Norm`) from which the noise of a run has been
 * taken out (timestamps, addresses, pids, random bytes, clock readings...), and a `key` (its JSON)
 * that two events share exactly when they count as the same. One Normaliser per input stream: it
 * is stateful (pid and fd maps) and must see the events in stream order.
 */
import { captureBytes, parseArgSpec, signatureOf, type ArgSpec, type Capture, type Event, type Header, type Int64, type SyscallEvent } from '@rift/events';
import type { Field } from './fields.js';

export type NormValue = string | number | boolean | null | NormValue[] | { [k: string]: NormValue };
export type Norm = { [k: string]: NormValue };

export interface NormEvent {
  /** canonical thread name: the per-thread sequence this event belongs to */
  thread: string;
  /** what is compared */
  norm: Norm;
  /** JSON of norm: equal keys = same event */
  key: string;
  /** coarse identity (event type and syscall name): changed events pair up on it */
  id: string;
}

/** Syscalls whose output is a clock reading (clock field). */
const CLOCK_OUT = new Set(['clock_gettime', 'gettimeofday', 'time', 'sysinfo', 'times', 'getrusage', 'nanosleep', 'clock_nanosleep']);
/** Stat-like struct types (stat field). */
const STAT_TYPES = new Set(['stat', 'statx', 'statfs', 'dirents']);
/** capture types that hold bytes, not structs (no pointers to mask inside) */
const BYTES_TYPES = new Set(['buf', 'iov', 'msghdr', 'dirents', 'xattr', 'sockaddr', 'path', 'str', 'argv']);
/** pointer-like values an unknown syscall passes: above 4 GiB and in user space */
const ADDR_MIN = 0x1_0000_0000n;
const ADDR_MAX = 0x8000_0000_0000n;

function isZero(v: Int64): boolean {
  return v === 0 || v === '0';
}

function looksLikeAddress(v: Int64): boolean {
  const b = typeof v === 'number' ? (Number.isInteger(v) ? BigInt(v) : 0n) : BigInt(v);
  return b >= ADDR_MIN && b < ADDR_MAX;
}

function num(v: Int64): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

export class Normaliser {
  /** tid/pid number -> canonical name (1, 1.1, 1.2.1, ...) */
  private names = new Map<number, string>();
  private spawned = new Map<string, number>();
  private roots = 0;
  private outside = 0;
  /** per canonical pid: fd number -> order of first appearance (fd field ignored) */
  private fds = new Map<string, Map<number, number>>();

  constructor(
    private readonly ignore: ReadonlySet<Field>,
    header?: Header,
  ) {
    // attach mode: the attached pids are the roots, in the order given
    for (const p of header?.pids ?? []) this.names.set(p, String(++this.roots));
  }

  private has(f: Field): boolean {
    return this.ignore.has(f);
  }

  /** Canonical name of a thread or process seen as an event's tid/pid. */
  private who(n: number): string {
    if (!this.has('pid')) return String(n);
    let name = this.names.get(n);
    if (name === undefined) {
      name = String(++this.roots);
      this.names.set(n, name);
    }
    return name;
  }

  /** A pid value in an argument or result: 0 and -1 keep their meaning, a negative pid is a group. */
  private pidValue(v: Int64 | undefined | null): NormValue {
    if (v === undefined || v === null) return null;
    if (!this.has('pid')) return v;
    let n = Number(v);
    if (!Number.isSafeInteger(n)) return v;
    if (n >= 0x8000_0000 && n < 0x1_0000_0000) n = n | 0;  // a pid_t register read as unsigned
    if (n === 0 || n === -1) return n;
    const abs = Math.abs(n);
    let name = this.names.get(abs);
    if (name === undefined) {
      name = `x${++this.outside}`;  // a process outside the trace (the tracer, a parent, ...)
      this.names.set(abs, name);
    }
    return n < 0 ? `-p${name}` : `p${name}`;
  }

  private addr(v: Int64): NormValue {
    if (!this.has('addr')) return v;
    return isZero(v) ? 0 : '*';
  }

  private fd(proc: string, v: Int64): NormValue {
    if (!this.has('fd')) return v;
    const n = num(v);
    if (n === undefined || n < 3 || n > 0x7fffffff) return v;  // 0-2 by convention, AT_FDCWD, errors
    let m = this.fds.get(proc);
    if (!m) this.fds.set(proc, (m = new Map()));
    let i = m.get(n);
    if (i === undefined) {
      i = m.size + 3;
      m.set(n, i);
    }
    return `fd${i}`;
  }

  /** /proc/PID/... in paths names the pid's canonical name. */
  private procPaths(s: string): string {
    if (!this.has('pid') || !s.includes('/proc/')) return s;
    return s.replace(/\/proc\/(\d+)(?=\/|$)/g, (all, p: string) => {
      const name = this.names.get(Number(p));
      return name === undefined ? all : `/proc/<p${name}>`;
    }).replace(/\/task\/(\d+)(?=\/|$)/g, (all, p: string) => {
      const name = this.names.get(Number(p));
      return name === undefined ? all : `/task/<p${name}>`;
    });
  }

  /** Normalises one event; undefined when the event is not compared at all. */
  event(ev: Event): NormEvent | undefined {
    let thread: string;
    let norm: Norm;
    let id: string = ev.type;
    switch (ev.type) {
      case 'syscall':
        if (ev.name === 'futex' && this.has('futex')) return undefined;
        thread = this.who(ev.tid);
        norm = this.syscall(ev);
        id = `syscall:${ev.name}`;
        break;
      case 'spawn': {
        thread = this.who(ev.tid);
        if (this.has('pid')) {
          const n = (this.spawned.get(thread) ?? 0) + 1;
          this.spawned.set(thread, n);
          const child = `${thread}.${n}`;
          this.names.set(ev.child, child);
          if (ev.kind !== 'thread' && ev.childPid !== ev.child) this.names.set(ev.childPid, child);
        }
        norm = { t: 'spawn', kind: ev.kind, child: this.pidValue(ev.child), childPid: this.pidValue(ev.childPid) };
        id = `spawn:${ev.kind}`;
        break;
      }
      case 'exec':
        if (ev.oldTid !== undefined && this.has('pid')) {
          // a non-leader thread exec'd: it carries on as the leader, under its own name
          const old = this.names.get(ev.oldTid);
          if (old !== undefined) this.names.set(ev.tid, old);
        }
        thread = this.who(ev.tid);
        norm = { t: 'exec', path: this.procPaths(ev.path), argv: ev.argv.map((a) => this.procPaths(a)) };
        break;
      case 'signal':
        thread = this.who(ev.tid);
        norm = { t: 'signal', sig: ev.sig };
        if (ev.stop) norm.stop = true;
        if (ev.code !== undefined) norm.code = ev.code;
        if (ev.senderPid !== undefined) norm.sender = this.pidValue(ev.senderPid);
        if (ev.senderUid !== undefined) norm.uid = ev.senderUid;
        if (ev.status !== undefined) norm.status = ev.status;
        if (ev.addr !== undefined) norm.addr = this.addr(ev.addr);
        if (ev.errno !== undefined) norm.errno = ev.errno;
        id = `signal:${ev.sig}`;
        break;
      case 'exit':
        thread = this.who(ev.tid);
        norm = { t: 'exit' };
        if (ev.code !== undefined) norm.code = ev.code;
        if (ev.signal !== undefined) norm.signal = ev.signal;
        if (ev.core) norm.core = true;
        break;
      case 'warning':
        if (this.has('warning')) return undefined;
        thread = this.who(ev.tid);
        norm = { t: 'warning', message: ev.message };
        break;
      case 'end':
        thread = '*';
        norm = { t: 'end', reason: ev.reason };
        if (ev.exitCode !== undefined) norm.exitCode = ev.exitCode;
        break;
      default:
        thread = '?';
        norm = { t: String((ev as { type: unknown }).type), raw: JSON.stringify(ev) };
    }
    if (!this.has('ts')) norm.ts = ev.ts;
    if (!this.has('dur') && ev.type === 'syscall') norm.dur = ev.dur;
    return { thread, norm, key: JSON.stringify(norm), id };
  }

  private syscall(ev: SyscallEvent): Norm {
    const sig = signatureOf(ev.name);
    const specs: (ArgSpec | undefined)[] = ev.args.map((_, i) => (sig && i < sig.args.length ? parseArgSpec(sig.args[i]!) : undefined));
    const proc = this.who(ev.pid);
    const norm: Norm = { t: 'syscall', name: ev.name };
    // without a signature the argument count is unknown: the registers beyond it are garbage
    if (!this.has('args') && sig) {
      norm.args = ev.args.map((v, i): NormValue => {
        const spec = specs[i];
        const type = spec?.type;
        if (ev.name === 'mmap' && i === 5) return v;  // the file offset, not an address
        if (ev.name === 'futex' && i === 2 && this.has('pid') && this.names.has(Number(v))) return this.pidValue(v);  // a tid (pthread_join)
        if (spec?.capture || type === 'ptr' || type === 'hex') return this.addr(v);
        if (type === 'fd' || type === 'dirfd') return this.fd(proc, v);
        if (type === 'pid') return this.pidValue(v);
        if ((type === undefined || type === 'ulong') && looksLikeAddress(v)) return this.addr(v);
        return v;
      });
    }
    if (!this.has('ret')) {
      if (ev.ret === null) norm.ret = null;
      else if (ev.errno) norm.ret = ev.errno;
      else {
        const rt = sig?.ret ?? (sig ? 'int' : undefined);
        if (rt === 'hex') norm.ret = this.addr(ev.ret);
        else if (rt === 'fd') norm.ret = this.fd(proc, ev.ret);
        else if (rt === 'pid') norm.ret = this.pidValue(ev.ret);
        else if (ev.name === 'time' && this.has('clock')) norm.ret = '<clock>';
        else if (ev.name === 'rt_sigreturn') {
          // the interrupted code's rax: anything, a pid or an address included
          norm.ret = this.has('pid') && this.names.has(Number(ev.ret)) ? this.pidValue(ev.ret) : looksLikeAddress(ev.ret) ? this.addr(ev.ret) : ev.ret;
        }
        else if (rt === undefined && looksLikeAddress(ev.ret)) norm.ret = this.addr(ev.ret);
        else norm.ret = ev.ret;
      }
    }
    if (ev.status) norm.status = ev.status;
    if (ev.compat) norm.compat = true;
    if (!this.has('injected')) {
      if (ev.injected) norm.injected = true;
      if (ev.skipped) norm.skipped = true;
    }
    if (!this.has('mem') && ev.mem?.length) {
      norm.mem = ev.mem.map((c) => [memLabel(c), this.capture(ev, c, specs[c.arg], proc)]);
    }
    return norm;
  }

  private capture(ev: SyscallEvent, c: Capture, spec: ArgSpec | undefined, proc: string): NormValue {
    if (c.fault) return `!${c.fault}`;
    const type = spec?.type;
    const bytesOnly = (): NormValue => `<${c.full ?? c.len} bytes>`;
    if (ev.name === 'getrandom' && this.has('random')) return bytesOnly();
    if (this.has('clock') && c.at === 'exit' && (CLOCK_OUT.has(ev.name) || type === 'rusage')) return bytesOnly();
    if (type && STAT_TYPES.has(type) && this.has('stat') && c.at === 'exit') return statView(type, captureBytes(c), c);
    if (type === 'int2' && this.has('fd') && c.at === 'exit' && c.len === 8) {
      const b = captureBytes(c);
      return [this.fd(proc, b.readInt32LE(0)), this.fd(proc, b.readInt32LE(4))];
    }
    if (type === 'sockaddr') return sockaddrView(captureBytes(c));
    if (this.has('addr') && type && !BYTES_TYPES.has(type) && c.len >= 8) return maskPointers(captureBytes(c), c);
    let data: string = c.data ?? '';
    if (c.enc === 'base64') data = `b64:${data}`;
    else if (type === 'path' || type === 'str' || type === 'argv') data = this.procPaths(data);
    if (c.full !== undefined && c.full !== c.len) data += `…(${c.full})`;
    return data;
  }
}

/** A socket address without the bytes past its end (AF_UNIX paths end at their NUL). */
function sockaddrView(b: Buffer): NormValue {
  if (b.length >= 2 && b.readUInt16LE(0) === 1) {
    const path = b.subarray(2);
    const end = path[0] === 0 ? path.length : path.indexOf(0);
    return `unix:${path.subarray(0, end < 0 ? path.length : end).toString('latin1')}`;
  }
  return `b64:${b.toString('base64')}`;
}

/** A struct's bytes with the aligned 64-bit words that look like user-space addresses zeroed. */
function maskPointers(b: Buffer, c: Capture): NormValue {
  const m = Buffer.from(b);
  for (let o = 0; o + 8 <= m.length; o += 8) {
    const w = m.readBigUInt64LE(o);
    if (w >= ADDR_MIN && w < ADDR_MAX) m.writeBigUInt64LE(0xaaaa_aaaa_aaaa_aaaan, o);
  }
  return `b64:${m.toString('base64')}${c.full !== undefined && c.full !== c.len ? `…(${c.full})` : ''}`;
}

export function memLabel(c: Capture): string {
  return `${c.arg}${c.at === 'entry' ? '<' : '>'}${c.index ?? ''}`;
}

/**
 * The stable part of stat-like structs (x86-64 layouts): file type and mode, links, owner, size,
 * device number for device files; statfs's type and sizes; directory entries' types and names.
 */
function statView(type: string, b: Buffer, c: Capture): NormValue {
  const u32 = (o: number) => (o + 4 <= b.length ? b.readUInt32LE(o) : null);
  const u64 = (o: number) => (o + 8 <= b.length ? Number(b.readBigUInt64LE(o)) : null);
  switch (type) {
    case 'stat':
      if (b.length < 144) break;
      return { mode: u32(24), nlink: u64(16), uid: u32(28), gid: u32(32), rdev: u64(40), size: u64(48) };
    case 'statx':
      if (b.length < 256) break;
      return { nlink: u32(16), uid: u32(20), gid: u32(24), mode: b.readUInt16LE(28), size: u64(40), rdev: [u32(128), u32(132)] };
    case 'statfs':
      if (b.length < 120) break;
      return { type: u64(0), bsize: u64(8), namelen: u64(64), frsize: u64(72), flags: u64(80) };
    case 'dirents': {
      const out: NormValue[] = [];
      let o = 0;
      while (o + 19 <= b.length) {
        const reclen = b.readUInt16LE(o + 16);
        if (reclen < 20 || o + reclen > b.length) break;
        const dtype = b[o + 18]!;
        let end = b.indexOf(0, o + 19);
        if (end < 0 || end > o + reclen) end = o + reclen;
        out.push(`${dtype}:${b.subarray(o + 19, end).toString('latin1')}`);
        o += reclen;
      }
      if (o < b.length) out.push(`+${b.length - o} bytes`);
      if (c.full !== undefined && c.full !== c.len) out.push(`…(${c.full})`);
      return out;
    }
  }
  return `<${c.len} bytes>`;
}
