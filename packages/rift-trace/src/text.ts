/**
 * strace-like text from a stream: lines in time order, `[pid N]` prefixes once several threads
 * live, `<unfinished ...>` / `<... resumed>` pairs where calls of different threads overlap,
 * -t/-tt/-ttt/-r timestamps and -T durations.
 *
 * Events arrive in exit order (a syscall is written when it returns), so entries are put back in
 * time order through a bounded reorder buffer: memory stays flat, and a call that blocked longer
 * than the buffer holds is printed whole where it returned.
 */
import { captureBytes, formatEvent, int32, type Capture, type Event, type FormatOptions, type Header, type SyscallEvent } from '@rift/events';
import { blockText, delayCalls, durationText, syscallText, padding, pidText, visibleWidth, wholeLine, writeBlockLine, type BlockCall, type BlockSink, type CallText, type LineLayout } from './decoded.js';
import type { TextBatch } from './batch.js';
import { FdTracker } from './fds.js';
import { Reorder } from './reorder.js';

export interface TextOptions extends FormatOptions {
  /** -t 1, -tt 2, -ttt 3 */
  timestamps?: 0 | 1 | 2 | 3;
  /** -r */
  relative?: boolean;
  /** -T */
  durations?: boolean;
  /** -y */
  fdPaths?: boolean;
  /** -yy: a device's type and numbers after its path (`/dev/null<char 1:3>`) */
  fdDevices?: boolean;
  /** prefix every line with its tid as strace -f -o does ("123  "), not only when several live */
  alwaysPid?: boolean;
  /** one thread's lines in a file of their own (-ff -o): never a pid prefix */
  ownFile?: boolean;
  /** only these syscall names are printed (others still feed -y and the thread count) */
  only?: ReadonlySet<string>;
  /** points held for reordering (default 4096) */
  window?: number;
  /** -e signal=: the signals whose lines print (default all) */
  signals?: ReadonlySet<number>;
  /** -e read=FDS / -e write=FDS: hex dumps of the data read from / written to these (empty: all) */
  dumpRead?: ReadonlySet<number>;
  dumpWrite?: ReadonlySet<number>;
  /** -qq: no `+++ exited with N +++` / `+++ killed by` lines */
  noExit?: boolean;
  /** -e quiet=thread-execve: no `+++ superseded by execve in pid N +++` line */
  noSuperseded?: boolean;
  /** -z: only calls that succeeded; -Z: only calls that failed */
  outcome?: 'ok' | 'failed';
}

/** How the lines of calls are laid out under these options (the same on decoding threads). */
export function lineLayout(opts: TextOptions): LineLayout {
  return { column: opts.column ?? 40, escapes: !!opts.paint || !!opts.fdPaths, durations: !!opts.durations, alwaysPid: !!opts.alwaysPid };
}

/** The calls whose data -e read= / -e write= dump: the descriptor is argument 0, the data argument 1. */
const DUMPS: Readonly<Record<string, 'read' | 'write'>> = {
  read: 'read', pread64: 'read', readv: 'read', preadv: 'read', preadv2: 'read', recvfrom: 'read',
  write: 'write', pwrite64: 'write', writev: 'write', pwritev: 'write', pwritev2: 'write', sendto: 'write', vmsplice: 'write',
  mq_timedreceive: 'read', mq_timedsend: 'write',
  // the iovecs inside the msghdr (its captures 3, 4...: buffer 0, 1...)
  recvmsg: 'read', sendmsg: 'write',
  // each message of the vector the call moved: its iovecs, as long as its msg_len
  recvmmsg: 'read', sendmmsg: 'write',
};
/** the calls whose data is a msghdr's iovecs: their captures' index of buffer 0 */
const MSGHDR_IOV_BASE: Readonly<Record<string, number>> = { recvmsg: 3, sendmsg: 3 };
/** the calls whose return value is not the bytes moved: the argument that is */
const DUMP_LENGTH: Readonly<Record<string, number>> = { mq_timedsend: 2, write: 2, pwrite64: 2, sendto: 2 };

/** strace's hex dump: ` | 00000  68 65 6c 6c 6f 0a ...  hello.  |`, 16 bytes a line. */
export function hexDump(b: Uint8Array, len = b.length): string[] {
  const out: string[] = [];
  // the offset's digits: 5, more for data past 1 MiB (as strace: enough for the last offset of
  // the `len` bytes asked for)
  const width = len > 1 << 20 ? 1 + Math.floor(Math.floor(Math.log2(len - 1)) / 4) : 5;
  for (let o = 0; o < b.length; o += 16) {
    let hexs = '';
    let chars = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hexs += ' ';
      if (o + i < b.length) {
        const c = b[o + i]!;
        hexs += (c < 16 ? '0' : '') + c.toString(16) + ' ';
        chars += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '.';
      } else {
        hexs += '   ';
        chars += ' ';
      }
    }
    out.push(` | ${o.toString(16).padStart(width, '0')}  ${hexs} ${chars} |`);
  }
  return out;
}

/** what a point's event is, for the renderer: a syscall, an event that prints a line (signal,
 * exit, warning), or one that only changes state (spawn, exec) */
const SYSCALL = 0, PRINTS = 1, STATE = 2;

/**
 * An event in the reorder buffer; a syscall's entry and exit points share it. What the renderer
 * asks of every point is copied here once, in one shape: the events themselves come in several
 * shapes (with or without errno, mem, status...), which made each of those reads a megamorphic
 * property lookup, several per point.
 */
class Held {
  /** a syscall printed as `<unfinished ...>`, its `<... resumed>` line still to come */
  unfinished = false;
  /** a call in progress when rift detached (-p, then Ctrl-C): printed `name(args <detached ...>` */
  detached = false;
  constructor(
    /** the event; undefined for a syscall decoded elsewhere (pushCall) */
    readonly ev: Event | undefined,
    /** SYSCALL, PRINTS or STATE */
    readonly kind: number,
    readonly tid: number,
    readonly ts: number,
    /** a syscall's duration in ns; NaN when it has none */
    readonly dur: number,
    /** a syscall that never returned (no duration, or cut short): printed whole at its entry */
    readonly never: boolean,
    /** a syscall that -e lets through (always true for other events) */
    readonly shown: boolean,
    /** a syscall's text, kept from the unfinished line for the resumed one (not with -y, as
     * descriptor paths may change in between) */
    public text: CallText | undefined,
    /** a syscall decoded elsewhere: its line in a block */
    readonly call: BlockCall | undefined,
  ) {}
}

export class TextRenderer implements BlockSink {
  private buffer = new Reorder<Held>();
  /** a call whose entry came last: printed whole if nothing prints before its exit */
  private pending: Held | undefined;
  private live = new Set<number>();
  /** "[pid  1234] " (or "1234  " with alwaysPid) by tid */
  private pidTexts = new Map<number, string>();
  /** -t/-tt: the wall-clock second last printed, and its hh:mm:ss */
  private stampSecond = NaN;
  private stampHms = '';
  private lastTs: number | undefined;
  private readonly startMs: number;
  private readonly fds?: FdTracker;
  private readonly fmt: FormatOptions;
  private readonly window: number;
  private readonly layout: LineLayout;
  /** syscalls whose inject rule delays them: marked (DELAYED) */
  private readonly delayed: ReadonlySet<string> | undefined;
  /** the calls cut short that came last: in progress when the stream ended */
  private lastCut: Held[] = [];

  constructor(
    header: Header,
    private readonly opts: TextOptions,
    private readonly out: TextBatch,
  ) {
    this.startMs = Date.parse(header.start) || 0;
    if (opts.fdPaths) {
      this.fds = new FdTracker({ hex: opts.hex ?? 0 }, opts.fdDevices ?? false);
      // the first process's working directory and descriptors when the recording began
      this.fds.seed(header as Header & { cwd?: unknown; fds?: unknown });
    }
    this.fmt = { ...opts, fds: this.fds };
    this.window = opts.window ?? 4096;
    this.layout = lineLayout(opts);
    this.delayed = delayCalls(header);
  }

  /** An event; `hidden`: a syscall that is not printed (it still feeds -y and the thread count). */
  push(ev: Event, hidden = false): void {
    if (ev.type === 'syscall') {
      const dur = ev.dur ?? NaN;
      const held = new Held(ev, SYSCALL, ev.tid, ev.ts, dur, dur !== dur || ev.status === 'unfinished', !hidden && this.shown(ev), undefined, undefined);
      this.cut(held, ev.status === 'unfinished');
      this.hold(ev.seq, held);
    } else if (ev.type === 'end') {
      // rift let go of the threads: the calls they were in print as strace's `<detached ...>`
      if (ev.reason === 'detach') for (const h of this.lastCut) h.detached = true;
      this.lastCut = [];
    } else {
      if (this.lastCut.length) this.lastCut = [];
      const kind = ev.type === 'signal' || ev.type === 'exit' || ev.type === 'warning' ? PRINTS : STATE;
      this.hold(ev.seq, new Held(ev, kind, ev.tid, ev.ts, NaN, false, true, undefined, undefined));
    }
  }

  /**
   * A syscall decoded elsewhere (see decoded.ts): its numbers, whether it was cut short, and its
   * line, undefined when -e does not show it. Not with -y, which decodes in time order here.
   */
  pushCall(seq: number, ts: number, dur: number, tid: number, cutShort: boolean, call: BlockCall | undefined): void {
    const held = new Held(undefined, SYSCALL, tid, ts, dur, dur !== dur || cutShort, call !== undefined, undefined, call);
    this.cut(held, cutShort);
    this.hold(seq, held);
  }

  /** Keeps the run of calls cut short that came last (see push's 'end'). */
  private cut(held: Held, cutShort: boolean): void {
    if (cutShort) this.lastCut.push(held);
    else if (this.lastCut.length) this.lastCut = [];
  }

  /** Puts an event's points in the reorder buffer (a syscall's entry and exit, others' instant). */
  private hold(seq: number, held: Held): void {
    const h = this.buffer;
    if (held.kind === SYSCALL) {
      h.push(held.ts, seq, 0, held);
      h.push(held.dur === held.dur ? held.ts + held.dur : held.ts, seq, 1, held);
    } else h.push(held.ts, seq, 1, held);
    if (h.size > this.window) while (h.size > this.window / 2 && h.pop()) this.point(h.topT, h.topK, h.top!);
  }

  /**
   * Prints the points up to time `t` (ns since the start): what a live trace has held long
   * enough for calls that began earlier to arrive (they come when they return).
   */
  release(t: number): void {
    const h = this.buffer;
    while (h.pop(t)) this.point(h.topT, h.topK, h.top!);
  }

  /** The threads alive at this point of the stream: seen, and no exit seen. */
  get liveTids(): ReadonlySet<number> {
    return this.live;
  }

  /** Prints what is left (end of stream). */
  finish(): void {
    const h = this.buffer;
    while (h.pop()) this.point(h.topT, h.topK, h.top!);
    this.closePending();
  }

  private pidText(tid: number): string {
    let s = this.pidTexts.get(tid);
    if (s === undefined) {
      s = pidText(tid, !!this.opts.alwaysPid);
      this.pidTexts.set(tid, s);
    }
    return s;
  }

  private prefix(tid: number, ts: number, resumed = false): string {
    let s = '';
    if ((this.opts.alwaysPid || this.live.size > 1 || resumed) && !this.opts.ownFile) s = this.pidText(tid);
    const o = this.opts;
    if (o.relative) {
      const d = this.lastTs === undefined ? 0 : Math.max(0, ts - this.lastTs);
      this.lastTs = ts;
      s = `${(Math.floor(d / 1e9)).toString().padStart(6)}.${String(Math.floor((d % 1e9) / 1e3)).padStart(6, '0')} ` + s;
    }
    if (o.timestamps) s = this.stamp(ts) + ' ' + s;
    return s;
  }

  private stamp(ts: number): string {
    const ms = this.startMs + ts / 1e6;
    const us = String(Math.floor((ms * 1000) % 1e6)).padStart(6, '0');
    if (this.opts.timestamps === 3) return `${Math.floor(ms / 1000)}.${us}`;
    // local hh:mm:ss once per second of the trace, not a Date per line (a Date truncates the
    // ms; near the end of the Date range, where times turn invalid, it is made every time)
    const second = Math.floor(Math.trunc(ms) / 1000);
    if (second !== this.stampSecond || !(Math.abs(ms) < 8.64e15)) {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      this.stampHms = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      this.stampSecond = second;
    }
    const hms = this.stampHms;
    return this.opts.timestamps === 2 ? `${hms}.${us}` : hms;
  }

  private suffix(held: Held): string {
    return this.layout.durations ? durationText(held.dur) : '';
  }

  /** A syscall's text: the one kept, else from its block, else decoded now. */
  private callText(held: Held): CallText {
    return held.text ?? (held.call ? blockText(held.call) : syscallText(held.ev as SyscallEvent, this.fmt, this.delayed));
  }

  /** Tells -y's descriptor tracker what a printed or skipped syscall did. */
  private track(held: Held): void {
    if (this.fds) this.fds.update(held.ev!);
  }

  private shown(ev: SyscallEvent): boolean {
    if (this.opts.outcome && (this.opts.outcome === 'ok') !== (ev.errno === undefined && ev.ret !== null)) return false;
    // a time read the vDSO answered is not a syscall: strace never sees it
    return !ev.vdso && (!this.opts.only || this.opts.only.has(ev.name));
  }

  /** -e read= / -e write=: the data of a call on one of those descriptors, as strace dumps it. */
  private dump(ev: Event | undefined): void {
    if (!ev || ev.type !== 'syscall' || ev.ret === null) return;
    const dir = Object.hasOwn(DUMPS, ev.name) ? DUMPS[ev.name] : undefined;
    if (!dir) return;
    // what was written is dumped whatever the call returned (as strace: the bytes given, all
    // of each iovec); what was read, only when the call succeeded (the bytes it returned)
    if (dir === 'read' && ev.errno !== undefined) return;
    const fds = dir === 'read' ? this.opts.dumpRead : this.opts.dumpWrite;
    const fd = int32(ev.args[0] ?? -1);
    if (!fds || fd < 0 || (fds.size && !fds.has(fd))) return;
    if (ev.name === 'sendmmsg' || ev.name === 'recvmmsg') {
      this.dumpMmsg(ev);
      return;
    }
    const n = Object.hasOwn(DUMP_LENGTH, ev.name) ? Number(BigInt.asUintN(64, BigInt(ev.args[DUMP_LENGTH[ev.name]!] ?? 0))) : dir === 'write' ? Infinity : Number(ev.ret);
    const caps = (ev.mem ?? []).filter((c) => c.arg === 1 && c.at === (dir === 'read' ? 'exit' : 'entry') && !c.fault);
    if (caps.length === 1 && caps[0]!.index === undefined) {
      const b = captureBytes(caps[0]!);
      // (a capture cut by the recording's -s ends anywhere; one that ran into memory that could
      // not be read ends at a page boundary)
      const start = BigInt.asUintN(64, BigInt(ev.args[1] ?? 0));
      const ranOff = (start + BigInt(b.length)) % 4096n === 0n;
      if (b.length >= n || caps[0]!.full === undefined || caps[0]!.full <= b.length || !ranOff) {
        for (const l of hexDump(b.subarray(0, n))) this.out.line(l);
        return;
      }
      // the data ran into memory that could not be read: strace reads it 64 KiB at a time and
      // prints what it could, then the chunk it could not fetch (nothing when that is the first)
      const at = Math.floor(b.length / 65536) * 65536;
      if (!at) return;
      for (const l of hexDump(b.subarray(0, at), n)) this.out.line(l);
      const k = Math.min(n - at, Math.min(Math.ceil(n / 16) * 16, 65536));
      const addr = start + BigInt(at);
      this.out.line(` | <Cannot fetch ${k} byte${k === 1 ? '' : 's'} from pid ${ev.pid} @0x${addr.toString(16)}>`);
      return;
    }
    // iovecs: each buffer with its number, the bytes moved at most; none when the array or a
    // buffer could not be read (strace reads the array whole first)
    if ((ev.mem ?? []).some((c) => c.arg === 1 && c.fault && c.at === (dir === 'read' ? 'exit' : 'entry'))) return;
    let left = n;
    const base = Object.hasOwn(MSGHDR_IOV_BASE, ev.name) ? MSGHDR_IOV_BASE[ev.name]! : undefined;
    caps.forEach((c: Capture, at) => {
      if (base !== undefined && (c.index === undefined || c.index < base || c.more)) return;
      const i = base === undefined ? at : c.index! - base;
      const b = captureBytes(c).subarray(0, left);
      if (!b.length) return;
      left -= b.length;
      this.out.line(` * ${b.length} bytes in buffer ${i}`);
      for (const l of hexDump(b)) this.out.line(l);
    });
  }

  /**
   * sendmmsg's and recvmmsg's messages (those the call moved, when it succeeded), as strace
   * dumps them: ` = N buffers in vector J`, then each buffer up to the message's msg_len (the
   * engine's MsgHdrVec capture at exit: element J's part P is index J << 16 | P)
   */
  private dumpMmsg(ev: SyscallEvent): void {
    if (ev.errno !== undefined) return;
    const caps = (ev.mem ?? []).filter((c) => c.arg === 1 && c.at === 'exit' && c.index !== undefined);
    const moved = Number(ev.ret);
    for (let j = 0; j < moved; j++) {
      const head = caps.find((c) => c.index === j << 16);
      if (!head || head.fault || head.more) return;
      const h = captureBytes(head);
      if (h.length < 60) return;
      this.out.line(` = ${h.readBigUInt64LE(24)} buffers in vector ${j}`);
      let left = h.readUInt32LE(56);
      for (const c of caps) {
        const part = c.index! & 0xffff;
        if (c.index! >>> 16 !== j || part < 3 || c.fault || c.more) continue;
        const b = captureBytes(c).subarray(0, left);
        if (!b.length) continue;
        left -= b.length;
        this.out.line(` * ${b.length} bytes in buffer ${part - 3}`);
        for (const l of hexDump(b)) this.out.line(l);
      }
    }
  }

  private closePending(): void {
    const c = this.pending;
    if (!c) return;
    this.pending = undefined;
    const p = this.callText(c);
    this.out.line(`${this.prefix(c.tid, c.ts)}${p.name}(${p.head}${p.sep} <unfinished ...>`);
    c.unfinished = true;
    c.text = this.fds ? undefined : p;
  }

  /** One point taken from the reorder buffer, in time order: its time, kind (0 entry), event. */
  private point(t: number, k: number, held: Held): void {
    if (this.pending && held !== this.pending && this.prints(k, held)) this.closePending();
    if (held.kind === SYSCALL) {
      if (k === 0) {
        if (!this.live.has(held.tid)) this.live.add(held.tid);
        if (!held.shown) return;
        if (held.never) {
          // never returned: print it whole now
          this.line(held);
          return;
        }
        this.pending = held;
        return;
      }
      if (held.never) return;
      if (this.pending === held) {
        this.pending = undefined;
        this.line(held);
      } else if (held.unfinished) {
        const p = this.callText(held);
        held.unfinished = false;
        held.text = undefined;
        const line = `${this.prefix(held.tid, t, true)}<... ${p.name} resumed>${p.rest}) `;
        this.out.line(`${line}${padding(visibleWidth(line, this.layout.escapes || p.name.includes('\u001b')), this.layout.column)}= ${p.ret}${this.suffix(held)}`);
        this.track(held);
        if (this.opts.dumpRead || this.opts.dumpWrite) this.dump(held.ev);
      } else if (held.shown) {
        this.line(held);
      } else this.track(held);
      return;
    }
    const ev = held.ev!;
    this.fds?.update(ev);
    switch (ev.type) {
      case 'spawn':
        this.live.add(ev.child);
        return;
      case 'exec':
        if (ev.oldTid !== undefined && ev.oldTid !== ev.tid) this.threadExec(ev.oldTid, ev.tid, ev.ts);
        if (ev.oldTid !== undefined) this.live.delete(ev.oldTid);
        this.live.add(ev.tid);
        return;
      case 'exit': {
        if (!this.opts.noExit) this.out.line(this.prefix(ev.tid, ev.ts) + formatEvent(ev, this.fmt)!);
        this.live.delete(ev.tid);
        return;
      }
      case 'signal':
        if (this.opts.signals && !this.opts.signals.has(ev.signo)) return;
        this.out.line(this.prefix(ev.tid, ev.ts) + formatEvent(ev, this.fmt)!);
        return;
      case 'warning':
        this.out.line(`rift-trace: warning: ${ev.message}`);
        return;
    }
  }

  /**
   * A thread other than the leader called execve: the kernel gave it the leader's id. As strace,
   * its call begins under its own id, `<pid changed to LEADER ...>`, the leader is superseded,
   * and the call returns under the leader's id (`<... execve resumed>`).
   */
  private threadExec(oldTid: number, tid: number, ts: number): void {
    const p = this.pending;
    if (!p || p.tid !== tid) return;
    const c = this.callText(p);
    if (c.name !== 'execve' && c.name !== 'execveat') return;
    this.pending = undefined;
    this.out.line(`${this.prefix(oldTid, p.ts, true)}${c.name}(${c.head}${c.sep} <pid changed to ${tid} ...>`);
    if (!this.opts.noSuperseded) this.out.line(`${this.prefix(tid, ts, true)}+++ superseded by execve in pid ${oldTid} +++`);
    p.unfinished = true;
    p.text = this.fds ? undefined : c;
  }

  /** whether a point produces a line (only those split a call into unfinished/resumed) */
  private prints(k: number, held: Held): boolean {
    if (held.kind === SYSCALL) return held.shown && (k === 0 || held.unfinished || held.dur !== held.dur);
    return held.kind === PRINTS;
  }

  /** A syscall printed whole. */
  private line(held: Held): void {
    const prefix = this.prefix(held.tid, held.ts);
    if (held.detached) {
      const p = this.callText(held);
      this.out.line(`${prefix}${p.name}(${p.head}${p.sep} <detached ...>`);
      return;
    }
    if (held.call) {
      writeBlockLine(this.out, held.call, prefix, this.pidText(held.tid), this.layout.column);
      return;
    }
    this.out.line(wholeLine(prefix, this.callText(held), held.dur, this.layout));
    this.track(held);
    if (this.opts.dumpRead || this.opts.dumpWrite) this.dump(held.ev);
  }
}
