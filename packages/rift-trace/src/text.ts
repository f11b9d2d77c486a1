/**
 * strace-like text from a stream: lines in time order, `[pid N]` prefixes once several threads
 * live, `<unfinished ...>` / `<... resumed>` pairs where calls of different threads overlap,
 * -t/-tt/-ttt/-r timestamps and -T durations.
 *
 * Events arrive in exit order (a syscall is written when it returns), so entries are put back in
 * time order through a bounded reorder buffer: memory stays flat, and a call that blocked longer
 * than the buffer holds is printed whole where it returned.
 */
import { decodeSyscall, formatEvent, type Event, type FormatOptions, type Header, type SyscallEvent } from '@rift/events';
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

interface Point {
  t: number;
  seq: number;
  /** 0 entry, 1 exit/instant */
  k: 0 | 1;
  ev: Event;
}

const less = (a: Point, b: Point) => a.t < b.t || (a.t === b.t && (a.seq < b.seq || (a.seq === b.seq && a.k < b.k)));

class Heap {
  private a: Point[] = [];
  get size() {
    return this.a.length;
  }
  push(p: Point): void {
    const a = this.a;
    a.push(p);
    let i = a.length - 1;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (!less(a[i]!, a[j]!)) break;
      [a[i], a[j]] = [a[j]!, a[i]!];
      i = j;
    }
  }
  pop(): Point | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export class TextRenderer {
  private heap = new Heap();
  private pending: SyscallEvent | undefined;
  private unfinished = new Set<SyscallEvent>();
  private live = new Set<number>();
  private lastTs: number | undefined;
  private readonly startMs: number;
  private readonly fds?: FdTracker;
  private readonly fmt: FormatOptions;
  private readonly window: number;

  constructor(
    header: Header,
    private readonly opts: TextOptions,
    private readonly emit: (line: string) => void,
  ) {
    this.startMs = Date.parse(header.start) || 0;
    if (opts.fdPaths) this.fds = new FdTracker();
    this.fmt = { ...opts, fds: this.fds };
    this.window = opts.window ?? 4096;
  }

  push(ev: Event): void {
    if (ev.type === 'syscall') {
      this.heap.push({ t: ev.ts, seq: ev.seq, k: 0, ev });
      this.heap.push({ t: ev.ts + (ev.dur ?? 0), seq: ev.seq, k: 1, ev });
    } else if (ev.type !== 'end') {
      this.heap.push({ t: ev.ts, seq: ev.seq, k: 1, ev });
    }
    if (this.heap.size > this.window) while (this.heap.size > this.window / 2) this.point(this.heap.pop()!);
  }

  /** Prints what is left (end of stream). */
  finish(): void {
    for (let p = this.heap.pop(); p; p = this.heap.pop()) this.point(p);
    this.closePending();
  }

  private prefix(tid: number, ts: number, resumed = false): string {
    let s = '';
    if (this.opts.alwaysPid) s = `${String(tid).padEnd(5)} `;
    else if (this.live.size > 1 || resumed) s = `[pid ${String(tid).padStart(5)}] `;
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
    const d = new Date(ms);
    const p = (n: number) => String(n).padStart(2, '0');
    const hms = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
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
    const a = this.pending;
    if (!a) return;
    this.pending = undefined;
    const p = decodeSyscall(a, this.fmt);
    const head = p.args.slice(0, p.split).join(', ');
    const sep = p.split < p.args.length && p.split > 0 ? ', ' : '';
    this.emit(`${this.prefix(a.tid, a.ts)}${p.name}(${head}${sep} <unfinished ...>`);
    this.unfinished.add(a);
  }

  private point(pt: Point): void {
    const ev = pt.ev;
    if (this.pending && ev !== this.pending && this.prints(pt)) this.closePending();
    if (ev.type === 'syscall') {
      if (pt.k === 0) {
        if (!this.live.has(ev.tid)) this.live.add(ev.tid);
        if (!this.shown(ev)) return;
        if (ev.dur === null || ev.status === 'unfinished') {
          // never returned: print it whole now
          this.line(ev, ev.ts);
          return;
        }
        this.pending = ev;
        return;
      }
      if (ev.dur === null || ev.status === 'unfinished') return;
      if (this.pending === ev) {
        this.pending = undefined;
        this.line(ev, ev.ts);
      } else if (this.unfinished.delete(ev)) {
        const p = decodeSyscall(ev, this.fmt);
        const rest = p.args.slice(p.split).join(', ');
        const line = `${this.prefix(ev.tid, pt.t, true)}<... ${p.name} resumed>${rest}) `;
        this.emit(`${pad(line)}= ${p.ret}${this.suffix(ev)}`);
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
  private prints(pt: Point): boolean {
    const ev = pt.ev;
    if (ev.type === 'syscall') return this.shown(ev) && (pt.k === 0 || this.unfinished.has(ev) || ev.dur === null);
    return ev.type === 'signal' || ev.type === 'exit' || ev.type === 'warning';
  }

  private line(ev: SyscallEvent, ts: number): void {
    const p = decodeSyscall(ev, this.fmt);
    const line = `${this.prefix(ev.tid, ts)}${p.name}(${p.args.join(', ')}) `;
    this.emit(`${pad(line, this.opts.column)}= ${p.ret}${this.suffix(ev)}`);
    this.fds?.update(ev);
  }
}

function pad(line: string, column = 40): string {
  // colour codes do not take room on the screen
  // eslint-disable-next-line no-control-regex
  const visible = line.includes('\u001b') ? line.replace(/\u001b\[[0-9;]*m/g, '').length : line.length;
  return visible < column ? line + ' '.repeat(column - visible) : line;
}
