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
  /** prefix every line with its tid as strace -f -o does ("123  "), not only when several live */
  alwaysPid?: boolean;
  /** only these syscall names are printed (others still feed -y and the thread count) */
  only?: ReadonlySet<string>;
  /** points held for reordering (default 4096) */
  window?: number;
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
  /** its decoded parts, kept from the unfinished line for the resumed one (not with -y, as
   * descriptor paths may change in between) */
  parts: CallParts | undefined = undefined;
  constructor(
    readonly ev: Event,
    /** SYSCALL, PRINTS or STATE */
    readonly kind: number,
    readonly tid: number,
    readonly ts: number,
    /** a syscall that never returned (no duration, or cut short): printed whole at its entry */
    readonly never: boolean,
    /** a syscall without a duration */
    readonly noDur: boolean,
    /** a syscall that -e lets through (always true for other events) */
    readonly shown: boolean,
  ) {}
}

export class TextRenderer {
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
  /** whether argument texts can hold escape sequences (colour, -y paths), which pad() skips */
  private readonly escapes: boolean;

  constructor(
    header: Header,
    private readonly opts: TextOptions,
    private readonly emit: (line: string) => void,
  ) {
    this.startMs = Date.parse(header.start) || 0;
    if (opts.fdPaths) this.fds = new FdTracker({ hex: opts.hex ?? 0 });
    this.fmt = { ...opts, fds: this.fds };
    this.window = opts.window ?? 4096;
    this.escapes = !!opts.paint || !!opts.fdPaths;
  }

  push(ev: Event): void {
    const h = this.buffer;
    if (ev.type === 'syscall') {
      const dur = ev.dur;
      const held = new Held(ev, SYSCALL, ev.tid, ev.ts, dur === null || ev.status === 'unfinished', dur === null, this.shown(ev));
      h.push(held.ts, ev.seq, 0, held);
      h.push(held.ts + (dur ?? 0), ev.seq, 1, held);
    } else if (ev.type !== 'end') {
      const kind = ev.type === 'signal' || ev.type === 'exit' || ev.type === 'warning' ? PRINTS : STATE;
      h.push(ev.ts, ev.seq, 1, new Held(ev, kind, ev.tid, ev.ts, false, false, true));
    }
    if (h.size > this.window) while (h.size > this.window / 2 && h.pop()) this.point(h.topT, h.topK, h.top!);
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
    const p = decodeSyscall(c.ev as SyscallEvent, this.fmt);
    const head = joinArgs(p.args, 0, p.split);
    const sep = p.split < p.args.length && p.split > 0 ? ', ' : '';
    this.emit(`${this.prefix(c.tid, c.ts)}${p.name}(${head}${sep} <unfinished ...>`);
    c.unfinished = true;
    if (!this.fds) c.parts = p;
  }

  /** One point taken from the reorder buffer, in time order: its time, kind (0 entry), event. */
  private point(t: number, k: number, held: Held): void {
    if (this.pending && held !== this.pending && this.prints(k, held)) this.closePending();
    if (held.kind === SYSCALL) {
      const ev = held.ev as SyscallEvent;
      if (k === 0) {
        if (!this.live.has(held.tid)) this.live.add(held.tid);
        if (!held.shown) return;
        if (held.never) {
          // never returned: print it whole now
          this.line(ev, held.tid, held.ts);
          return;
        }
        this.pending = held;
        return;
      }
      if (held.never) return;
      if (this.pending === held) {
        this.pending = undefined;
        this.line(ev, held.tid, held.ts);
      } else if (held.unfinished) {
        const p = held.parts ?? decodeSyscall(ev, this.fmt);
        held.unfinished = false;
        held.parts = undefined;
        const rest = joinArgs(p.args, p.split, p.args.length);
        const line = `${this.prefix(held.tid, t, true)}<... ${p.name} resumed>${rest}) `;
        this.emit(`${pad(line, 40, this.escapes || p.name.includes('\u001b'))}= ${p.ret}${this.suffix(ev)}`);
        this.fds?.update(ev);
      } else if (held.shown) {
        this.line(ev, held.tid, held.ts);
      } else this.fds?.update(ev);
      return;
    }
    const ev = held.ev;
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
  private prints(k: number, held: Held): boolean {
    if (held.kind === SYSCALL) return held.shown && (k === 0 || held.unfinished || held.noDur);
    return held.kind === PRINTS;
  }

  private line(ev: SyscallEvent, tid: number, ts: number): void {
    const p = decodeSyscall(ev, this.fmt);
    const line = `${this.prefix(tid, ts)}${p.name}(${joinArgs(p.args, 0, p.args.length)}) `;
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

/** runs of 0..127 spaces, made once (a slice of one long run was a new string per line) */
const SPACES: string[] = [];
for (let n = 0; n < 128; n++) SPACES.push(' '.repeat(n));

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
  return line + (n < SPACES.length ? SPACES[n]! : ' '.repeat(n));
}
