/**
 * Normalisation: each event becomes a plain value (`Norm`) from which the noise of a run has been
 * taken out (timestamps, addresses, pids, random bytes, clock readings...). Two events count as the
 * same exactly when their norms are equal (`sameNorm`), that is when their `key`s (the JSON of the
 * norm) are equal; the key is only built when asked for (the sequence diff after a mismatch needs
 * it, lock-step matching does not). One Normaliser per input stream: it is stateful (pid and fd
 * maps) and must see the events in stream order.
 *
 * This runs once per event of both inputs, so it avoids what does not need to be made per event:
 * the signature lookups are cached per syscall name, no key string unless asked for, struct bytes
 * are decoded into a scratch buffer.
 */
import { captureBytes, captureHoles, isFdLink, parseArgSpec, signatureOf, type ArgSpec, type Capture, type Event, type Header, type Int64, type Signature, type SyscallEvent } from '@rift/events';
import { FIELD_NAMES, type Field } from './fields.js';

export type NormValue = string | number | boolean | null | NormValue[] | { [k: string]: NormValue };
export type Norm = { [k: string]: NormValue };

export interface NormEvent {
  /** canonical thread name: the per-thread sequence this event belongs to */
  readonly thread: string;
  /** what is compared */
  readonly norm: Norm;
  /** JSON of norm: equal keys = same event (built on first use) */
  readonly key: string;
  /** coarse identity (event type and syscall name): changed events pair up on it */
  readonly id: string;
}

class NormEv implements NormEvent {
  private k: string | undefined;
  constructor(
    readonly thread: string,
    readonly norm: Norm,
    readonly id: string,
  ) {}
  get key(): string {
    return (this.k ??= JSON.stringify(this.norm));
  }
}

/** Equal norms: what equal keys mean, without building the keys. */
export function sameNorm(a: NormEvent, b: NormEvent): boolean {
  if (a.id !== b.id) return false;  // the id follows from the norm (t, name, kind, sig)
  return sameValue(a.norm, b.norm);
}

/**
 * Deep equality of two NormValues as their JSON would see it. Norms hold no undefined values, and
 * every kind of norm object is built by one piece of code adding its keys in a fixed order, so the
 * same keys with the same values means the same JSON. (No allocation: this runs on every pair.)
 */
function sameValue(x: NormValue | undefined, y: NormValue | undefined): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x)) {
    if (!Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!sameValue(x[i], y[i])) return false;
    return true;
  }
  if (Array.isArray(y)) return false;
  let n = 0;
  for (const k in x) {
    if (!sameValue(x[k], y[k])) return false;  // a key y lacks: undefined there
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

/** How an argument is normalised (by its signature type; decided once per syscall name). */
const enum Arg {
  Plain,
  Addr,
  Fd,
  Pid,
  MaybeAddr,
}

interface SysInfo {
  sig: Signature | undefined;
  specs: (ArgSpec | undefined)[];
  kinds: Arg[];
  /** the return type: sig.ret, 'int' with a signature, none without */
  rt: string | undefined;
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
  if (typeof v === 'number') return v >= 0x1_0000_0000 && v < 0x8000_0000_0000 && Number.isInteger(v);
  const b = BigInt(v);
  return b >= ADDR_MIN && b < ADDR_MAX;
}

function num(v: Int64): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/**
 * Results that are real ids even in a --deterministic recording: set_tid_address gives the
 * caller's tid, which the sandbox leaves real (glibc keeps it for PI and robust mutexes, whose
 * owner the kernel checks).
 */
const REAL_ID_RESULTS: ReadonlySet<string> = new Set(['set_tid_address']);
/**
 * Ints the kernel writes through a struct's pointers (a blob index of the call's capture), by
 * call: a pid or a descriptor, or undefined. clone3's pidfd field (blob 2) gets a descriptor only
 * with CLONE_PIDFD (glibc's pthread_create points it at the thread id, as parent_tid, blob 3).
 */
const CLONE_PIDFD = 0x1000n;
const KERNEL_WRITTEN_IDS: Readonly<Record<string, (index: number, ev: SyscallEvent) => 'pid' | 'fd' | undefined>> = {
  clone3: (index, ev) => {
    if (index === 3) return 'pid';
    if (index !== 2) return undefined;
    const args = ev.mem?.find((m) => m.arg === 0 && !m.index && m.at === 'entry');
    const b = args ? captureBytes(args) : undefined;
    return b && b.length >= 8 && (b.readBigUInt64LE(0) & CLONE_PIDFD) !== 0n ? 'fd' : 'pid';
  },
};

export class Normaliser {
  /** tid/pid number -> canonical name (1, 1.1, 1.2.1, ...) */
  private names = new Map<number, string>();
  private spawned = new Map<string, number>();
  private roots = 0;
  private outside = 0;
  /** per canonical pid: fd number -> order of first appearance (fd field ignored) */
  private fds = new Map<string, Map<number, number>>();
  private sys = new Map<string, SysInfo>();
  /** the ignored fields, looked up once */
  private readonly ig: Record<Field, boolean>;
  /**
   * a --deterministic recording: the pids in arguments and results are the sandbox's virtual
   * ids, the same in every run, in another space than the events' real pid and tid fields
   * (virtual 1005 is not the traced process whose real pid is 1005): compared as they are
   */
  private readonly virtualIds: boolean;

  constructor(
    private readonly ignore: ReadonlySet<Field>,
    header?: Header,
  ) {
    // attach mode: the attached pids are the roots, in the order given
    for (const p of header?.pids ?? []) this.names.set(p, String(++this.roots));
    this.ig = Object.fromEntries([...FIELD_NAMES].map((f) => [f, ignore.has(f)])) as Record<Field, boolean>;
    this.virtualIds = !!header?.options && typeof header.options === 'object' && 'deterministic' in header.options;
  }

  private sysInfo(name: string): SysInfo {
    let info = this.sys.get(name);
    if (info) return info;
    const sig = signatureOf(name);
    const specs = sig ? sig.args.map((a) => parseArgSpec(a)) : [];
    const kinds = specs.map((spec): Arg => {
      const type = spec?.type;
      if (spec?.capture || type === 'ptr' || type === 'hex') return Arg.Addr;
      if (type === 'fd' || type === 'dirfd') return Arg.Fd;
      if (type === 'pid') return Arg.Pid;
      if (type === undefined || type === 'ulong') return Arg.MaybeAddr;
      return Arg.Plain;
    });
    info = { sig, specs, kinds, rt: sig?.ret ?? (sig ? 'int' : undefined), id: `syscall:${name}` };
    this.sys.set(name, info);
    return info;
  }

  /** Canonical name of a thread or process seen as an event's tid/pid. */
  private who(n: number): string {
    if (!this.ig.pid) return String(n);
    let name = this.names.get(n);
    if (name === undefined) {
      name = String(++this.roots);
      this.names.set(n, name);
    }
    return name;
  }

  /** A pid value in an argument or result (virtual in a --deterministic recording: kept as it is). */
  private pidValue(v: Int64 | undefined | null): NormValue {
    return this.virtualIds && v !== undefined && v !== null ? v : this.idValue(v);
  }

  /** A real pid (an event's own field, or an argument or result of a plain recording): 0 and -1 keep their meaning, a negative pid is a group. */
  private idValue(v: Int64 | undefined | null): NormValue {
    if (v === undefined || v === null) return null;
    if (!this.ig.pid) return v;
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
    if (!this.ig.addr) return v;
    return isZero(v) ? 0 : '*';
  }

  private fd(proc: string, v: Int64): NormValue {
    if (!this.ig.fd) return v;
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
    if (!this.ig.pid || this.virtualIds || !s.includes('/proc/')) return s;
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
      case 'syscall': {
        if (ev.name === 'futex' && this.ig.futex) return undefined;
        thread = this.who(ev.tid);
        const info = this.sysInfo(ev.name);
        norm = this.syscall(ev, info);
        id = info.id;
        break;
      }
      case 'spawn': {
        thread = this.who(ev.tid);
        if (this.ig.pid) {
          const n = (this.spawned.get(thread) ?? 0) + 1;
          this.spawned.set(thread, n);
          const child = `${thread}.${n}`;
          this.names.set(ev.child, child);
          if (ev.kind !== 'thread' && ev.childPid !== ev.child) this.names.set(ev.childPid, child);
        }
        norm = { t: 'spawn', kind: ev.kind, child: this.idValue(ev.child), childPid: this.idValue(ev.childPid) };
        id = `spawn:${ev.kind}`;
        break;
      }
      case 'exec':
        if (ev.oldTid !== undefined && this.ig.pid) {
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
        if (ev.senderPid !== undefined) norm.sender = this.idValue(ev.senderPid);
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
      case 'rdtsc':
        // the counter an rdtsc/rdtscp got (a replay gives back the recorded one)
        thread = this.who(ev.tid);
        norm = { t: 'rdtsc', insn: ev.insn, value: ev.value };
        if (ev.aux !== undefined) norm.aux = ev.aux;
        break;
      case 'warning':
        if (this.ig.warning) return undefined;
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
    // (JSON leaves out undefined: so does the norm, so that equal norms are equal keys)
    if (!this.ig.ts && ev.ts !== undefined) norm.ts = ev.ts;
    if (!this.ig.dur && ev.type === 'syscall' && ev.dur !== undefined) norm.dur = ev.dur;
    return new NormEv(thread, norm, id);
  }

  private syscall(ev: SyscallEvent, info: SysInfo): Norm {
    const { sig, specs, kinds } = info;
    const proc = this.who(ev.pid);
    const norm: Norm = { t: 'syscall', name: ev.name };
    // without a signature the argument count is unknown: the registers beyond it are garbage
    if (!this.ig.args && sig) {
      const n = ev.args.length;
      const args: NormValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        const v = ev.args[i]!;
        if (i === 5 && ev.name === 'mmap') args[i] = v;  // the file offset, not an address
        else if (i === 2 && ev.name === 'futex' && this.ig.pid && !this.virtualIds && this.names.has(Number(v))) args[i] = this.pidValue(v);  // a tid (pthread_join)
        else {
          switch (i < kinds.length ? kinds[i]! : Arg.MaybeAddr) {
            case Arg.Addr:
              args[i] = this.addr(v);
              break;
            case Arg.Fd:
              args[i] = this.fd(proc, v);
              break;
            case Arg.Pid:
              args[i] = this.pidValue(v);
              break;
            case Arg.MaybeAddr:
              args[i] = looksLikeAddress(v) ? this.addr(v) : v;
              break;
            default:
              args[i] = v;
          }
        }
      }
      norm.args = args;
    }
    if (!this.ig.ret) {
      if (ev.ret === null) norm.ret = null;
      else if (ev.errno) norm.ret = ev.errno;
      else {
        const rt = info.rt;
        if (rt === 'hex') norm.ret = this.addr(ev.ret);
        else if (rt === 'fd') norm.ret = this.fd(proc, ev.ret);
        else if (rt === 'pid') norm.ret = this.virtualIds && REAL_ID_RESULTS.has(ev.name) ? this.idValue(ev.ret) : this.pidValue(ev.ret);
        else if (ev.name === 'time' && this.ig.clock) norm.ret = '<clock>';
        else if (ev.name === 'rt_sigreturn') {
          // the interrupted code's rax: anything, a pid or an address included
          norm.ret = this.ig.pid && !this.virtualIds && this.names.has(Number(ev.ret)) ? this.pidValue(ev.ret) : looksLikeAddress(ev.ret) ? this.addr(ev.ret) : ev.ret;
        }
        else if (rt === undefined && looksLikeAddress(ev.ret)) norm.ret = this.addr(ev.ret);
        else norm.ret = ev.ret;
      }
    }
    if (ev.status) norm.status = ev.status;
    if (ev.compat) norm.compat = true;
    if (!this.ig.injected) {
      if (ev.injected) norm.injected = true;
      if (ev.skipped) norm.skipped = true;
    }
    if (!this.ig.mem && ev.mem?.length) {
      const n = ev.mem.length;
      const mem: NormValue[] = [];
      for (let j = 0; j < n; j++) {
        const c = ev.mem[j]!;
        // an argument past the ones the event has has no type
        const spec = c.arg < ev.args.length && c.arg < specs.length ? specs[c.arg] : undefined;
        if (spec?.type === 'envp' && this.ig.env) continue;
        mem.push([memLabel(c), this.capture(ev, c, spec, proc)]);
      }
      if (mem.length) norm.mem = mem;
    }
    return norm;
  }

  private capture(ev: SyscallEvent, c: Capture, spec: ArgSpec | undefined, proc: string): NormValue {
    if (c.fault) return `!${c.fault}`;
    const type = spec?.type;
    // bytes that hold no value of the program's (a struct's padding): what the memory held before
    const holes = captureHoles(ev.name, ev.args, c);
    if (holes) {
      const b = Buffer.from(scratchBytes(c));
      for (const [from, to] of holes) b.fill(0, Math.min(from, b.length), Math.min(to, b.length));
      return `b64:${b.toString('base64')}${c.full !== undefined && c.full !== c.len ? `…(${c.full})` : ''}`;
    }
    if (ev.name === 'getrandom' && this.ig.random) return `<${c.full ?? c.len} bytes>`;
    if (this.ig.clock && c.at === 'exit' && (CLOCK_OUT.has(ev.name) || type === 'rusage')) return `<${c.full ?? c.len} bytes>`;
    // a descriptor's name as /proc gave it (Signature.links: socket:[INODE]): its inode is the
    // run's own, as a descriptor's number is
    if (c.at === 'exit' && isFdLink(ev.name, c.arg) && c.data !== undefined) return c.data.replace(/:\[\d+\]$/, ':[ino]');
    if (type === undefined) return this.captureData(c, type);
    if (STAT_TYPES.has(type) && this.ig.stat && c.at === 'exit') return statView(type, scratchBytes(c), c);
    if (type === 'int2' && this.ig.fd && c.at === 'exit' && c.len === 8) {
      const b = scratchBytes(c);
      return [this.fd(proc, b.readInt32LE(0)), this.fd(proc, b.readInt32LE(4))];
    }
    if (type === 'sockaddr') return sockaddrView(scratchBytes(c));
    // ids the kernel wrote where a struct said (clone3's pidfd and parent_tid, the ints at blob
    // indexes 2 and 3): they differ from run to run as a returned pid or descriptor does
    const id = c.at === 'exit' ? KERNEL_WRITTEN_IDS[ev.name]?.(c.index ?? 0, ev) : undefined;
    if (id) {
      const b = scratchBytes(c);
      const v = b.length >= 4 ? b.readInt32LE(0) : b.length ? b.readUIntLE(0, b.length) : 0;
      // real ids even in a --deterministic recording: the sandbox answers calls, not these writes
      return id === 'fd' ? this.fd(proc, v) : this.idValue(v);
    }
    if (this.ig.addr && !BYTES_TYPES.has(type) && c.len >= 8) return maskPointers(scratchBytes(c), c);
    return this.captureData(c, type);
  }

  private captureData(c: Capture, type: string | undefined): NormValue {
    let data: string = c.data ?? '';
    if (c.enc === 'base64') data = `b64:${data}`;
    else if (type === 'path' || type === 'str' || type === 'argv') data = this.procPaths(data);
    if (c.full !== undefined && c.full !== c.len) data += `…(${c.full})`;
    return data;
  }
}

/**
 * The bytes of a capture, decoded into a buffer reused from one call to the next: valid until the
 * next call (the views below copy what they keep). As captureBytes(c), without an allocation.
 */
let scratch = Buffer.allocUnsafe(4096);
function scratchBytes(c: Capture): Buffer {
  const data = c.data;
  if (data === undefined || data.length === 0) return scratch.subarray(0, 0);
  const base64 = c.enc === 'base64';
  const most = base64 ? Math.ceil(data.length / 4) * 3 + 3 : data.length * 3;
  if (most > scratch.length) scratch = Buffer.allocUnsafe(Math.max(most, 2 * scratch.length));
  return scratch.subarray(0, scratch.write(data, 0, base64 ? 'base64' : 'utf8'));
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
    // a little-endian word in [ADDR_MIN, ADDR_MAX): its high half is 1..0x7fff
    const hi = m.readUInt32LE(o + 4);
    if (hi >= 1 && hi < 0x8000) {
      m.writeUInt32LE(0xaaaa_aaaa, o);
      m.writeUInt32LE(0xaaaa_aaaa, o + 4);
    }
  }
  return `b64:${m.toString('base64')}${c.full !== undefined && c.full !== c.len ? `…(${c.full})` : ''}`;
}

const LABELS: string[] = [];
export function memLabel(c: Capture): string {
  if (c.index !== undefined || c.arg > 15) return `${c.arg}${c.at === 'entry' ? '<' : '>'}${c.index ?? ''}`;
  const i = 2 * c.arg + (c.at === 'entry' ? 0 : 1);
  return (LABELS[i] ??= `${c.arg}${c.at === 'entry' ? '<' : '>'}`);
}

/**
 * The stable part of stat-like structs (x86-64 layouts): file type and mode, links, owner, size,
 * device number for device files; statfs's type and sizes; directory entries' types and names.
 */
function statView(type: string, b: Buffer, c: Capture): NormValue {
  const u32 = (o: number) => (o + 4 <= b.length ? b.readUInt32LE(o) : null);
  // as Number(readBigUInt64LE): hi * 2^32 is exact, so the sum rounds once, to the same double
  const u64 = (o: number) => (o + 8 <= b.length ? b.readUInt32LE(o + 4) * 0x1_0000_0000 + b.readUInt32LE(o) : null);
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
