/**
 * strace-like text from a stream: lines in time order, `[pid N]` prefixes once several threads
 * live, `<unfinished ...>` / `<... resumed>` pairs where calls of different threads overlap,
 * -t/-tt/-ttt/-r timestamps and -T durations.
 *
 * Events arrive in exit order (a syscall is written when it returns), so entries are put back in
 * time order through a bounded reorder buffer: memory stays flat, and a call that blocked longer
 * than the buffer holds is printed whole where it returned.
 */
import { decodeSyscall, formatEvent, type CallParts, type Event, type FormatOptions, type Header, type SyscallEvent } from '@rift/events';
import { FdTracker } from './fds.js';

export interface TextOptions extends FormatOptions {
  /** -t 1, -tt 2, -ttt 3 */
  timestamps?: 0 | 1 | 2 | 3;
  /** -r */
  relative?: boolean;
  /** -T */
  durations?: boolean;
  /** -y */
  fdPaths?: boolean;
  /** prefix every line with its tid as strace -f -o does ("123  "), not only when several live */
  alwaysPid?: boolean;
  /** only these syscall names are printed (others still feed -y and the thread count) */
  only?: ReadonlySet<string>;
  /** points held for reordering (default 4096) */
  window?: number;
}

/** A syscall in the reorder buffer; its entry and exit points share it. */
interface Call {
  ev: SyscallEvent;
  /** printed as `<unfinished ...>`, its `<... resumed>` line still to come */
  unfinished: boolean;
  /** its decoded parts, kept from the unfinished line for the resumed one (not with -y, as
   * descriptor paths may change in between) */
  parts: CallParts | undefined;
}

/**
 * The reorder buffer: a binary min-heap of points (a syscall's entry and exit, other events'
 * instant) ordered by time, then seq, then entry before exit.
 *
 * Popping ~2 points per event over a heap of a few thousand was a fifth of the text renderer's
 * time, so the heap is laid out for it: the keys and a slot number move together in typed
 * arrays (sifting compares packed numbers, and moving them needs no GC write barrier), the
 * events stay put in their slots, and nothing is allocated per point. pop() leaves the point it
 * took in the top* fields.
 */
class PointHeap {
  size = 0;
  topT = 0;
  topK = 0;
  topEv: Event | undefined;
  topCall: Call | undefined;
  // the heap, in parallel: time, seq, kind (0 entry, 1 exit or instant), slot
  private t = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private k = new Uint8Array(1024);
  private slot = new Int32Array(1024);
  // the points' events and calls by slot, and the free slots
  private evs: (Event | undefined)[] = [];
  private calls: (Call | undefined)[] = [];
  private free: number[] = [];

  push(t: number, seq: number, k: 0 | 1, ev: Event, call: Call | undefined): void {
    if (this.size === this.t.length) this.grow();
    let id = this.free.pop();
    if (id === undefined) {
      id = this.evs.length;
      this.evs.push(ev);
      this.calls.push(call);
    } else {
      this.evs[id] = ev;
      this.calls[id] = call;
    }
    const T = this.t, S = this.seq, K = this.k, I = this.slot;
    let i = this.size++;
    while (i > 0) {
      const j = (i - 1) >> 1;
      const tj = T[j]!;
      if (!(t < tj || (t === tj && (seq < S[j]! || (seq === S[j]! && k < K[j]!))))) break;
      T[i] = tj;
      S[i] = S[j]!;
      K[i] = K[j]!;
      I[i] = I[j]!;
      i = j;
    }
    T[i] = t;
    S[i] = seq;
    K[i] = k;
    I[i] = id;
  }

  pop(): boolean {
    if (!this.size) return false;
    const T = this.t, S = this.seq, K = this.k, I = this.slot;
    this.topT = T[0]!;
    this.topK = K[0]!;
    const top = I[0]!;
    this.topEv = this.evs[top];
    this.topCall = this.calls[top];
    this.evs[top] = undefined;  // no reference kept to a printed event
    this.calls[top] = undefined;
    this.free.push(top);
    const n = --this.size;
    if (!n) return true;
    // the last point fills the hole at the root. The hole first goes down to a leaf along the
    // smaller children, then the point rises from there (rarely more than a level): one
    // comparison per level instead of two
    const t = T[n]!, seq = S[n]!, k = K[n]!, id = I[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (T[r]! < T[c]! || (T[r] === T[c] && (S[r]! < S[c]! || (S[r] === S[c] && K[r]! < K[c]!))))) c = r;
      T[i] = T[c]!;
      S[i] = S[c]!;
      K[i] = K[c]!;
      I[i] = I[c]!;
      i = c;
    }
    while (i > 0) {
      const j = (i - 1) >> 1;
      const tj = T[j]!;
      if (!(t < tj || (t === tj && (seq < S[j]! || (seq === S[j]! && k < K[j]!))))) break;
      T[i] = tj;
      S[i] = S[j]!;
      K[i] = K[j]!;
      I[i] = I[j]!;
      i = j;
    }
    T[i] = t;
    S[i] = seq;
    K[i] = k;
    I[i] = id;
    return true;
  }

  private grow(): void {
    const cap = this.t.length * 2;
    const t = new Float64Array(cap), seq = new Float64Array(cap), k = new Uint8Array(cap), slot = new Int32Array(cap);
    t.set(this.t);
    seq.set(this.seq);
    k.set(this.k);
    slot.set(this.slot);
    this.t = t;
    this.seq = seq;
    this.k = k;
    this.slot = slot;
  }
}

export class TextRenderer {
  private heap = new PointHeap();
  /** a call whose entry came last: printed whole if nothing prints before its exit */
  private pending: Call | undefined;
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
  /** whether argument texts can hold escape sequences (colour, -y paths), which pad() skips */
  private readonly escapes: boolean;

  constructor(
    header: Header,
    private readonly opts: TextOptions,
    private readonly emit: (line: string) => void,
  ) {
    this.startMs = Date.parse(header.start) || 0;
    if (opts.fdPaths) this.fds = new FdTracker();
    this.fmt = { ...opts, fds: this.fds };
    this.window = opts.window ?? 4096;
    this.escapes = !!opts.paint || !!opts.fdPaths;
  }

  push(ev: Event): void {
    const h = this.heap;
    if (ev.type === 'syscall') {
      const call: Call = { ev, unfinished: false, parts: undefined };
      h.push(ev.ts, ev.seq, 0, ev, call);
      h.push(ev.ts + (ev.dur ?? 0), ev.seq, 1, ev, call);
    } else if (ev.type !== 'end') {
      h.push(ev.ts, ev.seq, 1, ev, undefined);
    }
    if (h.size > this.window) while (h.size > this.window / 2 && h.pop()) this.point(h.topT, h.topK, h.topEv!, h.topCall);
  }

  /** Prints what is left (end of stream). */
  finish(): void {
    const h = this.heap;
    while (h.pop()) this.point(h.topT, h.topK, h.topEv!, h.topCall);
    this.closePending();
  }

  private pidText(tid: number): string {
    let s = this.pidTexts.get(tid);
    if (s === undefined) {
      s = this.opts.alwaysPid ? `${String(tid).padEnd(5)} ` : `[pid ${String(tid).padStart(5)}] `;
      this.pidTexts.set(tid, s);
    }
    return s;
  }

  private prefix(tid: number, ts: number, resumed = false): string {
    let s = '';
    if (this.opts.alwaysPid || this.live.size > 1 || resumed) s = this.pidText(tid);
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
    // local hh:mm:ss once per second of the trace, not a Date per line (Date truncates the ms)
    const second = Math.floor(Math.trunc(ms) / 1000);
    if (second !== this.stampSecond) {
      const d = new Date(ms);
      const p = (n: number) => String(n).padStart(2, '0');
      this.stampHms = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
      this.stampSecond = second;
    }
    const hms = this.stampHms;
    return this.opts.timestamps === 2 ? `${hms}.${us}` : hms;
  }

  private suffix(ev: SyscallEvent): string {
    if (!this.opts.durations || ev.dur === null) return '';
    return ` <${(ev.dur / 1e9).toFixed(6)}>`;
  }

  private shown(ev: SyscallEvent): boolean {
    return !this.opts.only || this.opts.only.has(ev.name);
  }

  private closePending(): void {
    const c = this.pending;
    if (!c) return;
    this.pending = undefined;
    const a = c.ev;
    const p = decodeSyscall(a, this.fmt);
    const head = joinArgs(p.args, 0, p.split);
    const sep = p.split < p.args.length && p.split > 0 ? ', ' : '';
    this.emit(`${this.prefix(a.tid, a.ts)}${p.name}(${head}${sep} <unfinished ...>`);
    c.unfinished = true;
    if (!this.fds) c.parts = p;
  }

  /** One point taken from the reorder buffer, in time order: its time, kind, event, call. */
  private point(t: number, k: number, ev: Event, call: Call | undefined): void {
    if (this.pending && call !== this.pending && this.prints(k, ev, call)) this.closePending();
    if (ev.type === 'syscall') {
      call = call!;
      if (k === 0) {
        if (!this.live.has(ev.tid)) this.live.add(ev.tid);
        if (!this.shown(ev)) return;
        if (ev.dur === null || ev.status === 'unfinished') {
          // never returned: print it whole now
          this.line(ev, ev.ts);
          return;
        }
        this.pending = call;
        return;
      }
      if (ev.dur === null || ev.status === 'unfinished') return;
      if (this.pending === call) {
        this.pending = undefined;
        this.line(ev, ev.ts);
      } else if (call.unfinished) {
        const p = call.parts ?? decodeSyscall(ev, this.fmt);
        call.unfinished = false;
        call.parts = undefined;
        const rest = joinArgs(p.args, p.split, p.args.length);
        const line = `${this.prefix(ev.tid, t, true)}<... ${p.name} resumed>${rest}) `;
        this.emit(`${pad(line, 40, this.escapes || p.name.includes('\u001b'))}= ${p.ret}${this.suffix(ev)}`);
        this.fds?.update(ev);
      } else if (this.shown(ev)) {
        this.line(ev, ev.ts);
      } else this.fds?.update(ev);
      return;
    }
    this.fds?.update(ev);
    switch (ev.type) {
      case 'spawn':
        this.live.add(ev.child);
        return;
      case 'exec':
        if (ev.oldTid !== undefined) this.live.delete(ev.oldTid);
        this.live.add(ev.tid);
        return;
      case 'exit': {
        const text = formatEvent(ev, this.fmt)!;
        this.emit(this.prefix(ev.tid, ev.ts) + text);
        this.live.delete(ev.tid);
        return;
      }
      case 'signal':
        this.emit(this.prefix(ev.tid, ev.ts) + formatEvent(ev, this.fmt)!);
        return;
      case 'warning':
        this.emit(`rift-trace: warning: ${ev.message}`);
        return;
    }
  }

  /** whether a point produces a line (only those split a call into unfinished/resumed) */
  private prints(k: number, ev: Event, call: Call | undefined): boolean {
    if (ev.type === 'syscall') return this.shown(ev) && (k === 0 || call!.unfinished || ev.dur === null);
    return ev.type === 'signal' || ev.type === 'exit' || ev.type === 'warning';
  }

  private line(ev: SyscallEvent, ts: number): void {
    const p = decodeSyscall(ev, this.fmt);
    const line = `${this.prefix(ev.tid, ts)}${p.name}(${joinArgs(p.args, 0, p.args.length)}) `;
    this.emit(`${pad(line, this.opts.column, this.escapes || p.name.includes('\u001b'))}= ${p.ret}${this.suffix(ev)}`);
    this.fds?.update(ev);
  }
}

/** args[from..to) joined with ', ' (for these few short strings a loop beats slice + join) */
function joinArgs(args: readonly string[], from: number, to: number): string {
  if (from >= to) return '';
  let s = args[from]!;
  for (let i = from + 1; i < to; i++) s = s + ', ' + args[i]!;
  return s;
}

const SPACES = ' '.repeat(128);

/**
 * Pads a line to `column` visible characters. `escapes`: whether it may hold colour codes, which
 * take no room on the screen; searching the line for them otherwise would flatten the string
 * just built from its parts, for nothing.
 */
function pad(line: string, column = 40, escapes = true): string {
  // eslint-disable-next-line no-control-regex
  const visible = escapes && line.includes('\u001b') ? line.replace(/\u001b\[[0-9;]*m/g, '').length : line.length;
  if (visible >= column) return line;
  const n = column - visible;
  return line + (n <= SPACES.length ? SPACES.slice(0, n) : ' '.repeat(n));
}
