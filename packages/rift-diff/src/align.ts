/**
 * Streaming per-thread alignment of two event streams.
 *
 * Each input is split into per-thread sequences (by canonical thread name). While the heads of a
 * thread's two sequences are equal they are matched in lock-step and dropped at once, so two equal
 * traces of any length cost one batch of memory. At a mismatch, a window of up to `window` events
 * of each side is diffed (Myers, jsdiff's diffArrays); the first block of changes is reported and
 * lock-step resumes at the common run after it. Changed events are paired on their identity
 * (event type and syscall name) with a second, small diff.
 *
 * Memory: at most about `window` events per side per diverging thread, plus what the two
 * streams' thread interleavings drift apart; `maxBuffer` caps the total (beyond it, the largest
 * one-sided backlog is reported as it stands and the result is marked approximate).
 */
import { diffArrays } from 'diff';
import type { Event } from '@rift/events';
import type { NormEvent } from './normalize.js';

export interface Item {
  ev: Event;
  ne: NormEvent;
  /** line number in its file */
  line: number;
}

export type Op =
  | { op: '='; a: Item; b: Item }
  | { op: '-'; a: Item }
  | { op: '+'; b: Item }
  | { op: '~'; a: Item; b: Item };

/** Receives ops in order per thread; `anchor` places the op in a's stream (seq). true = stop. */
export type OpSink = (thread: string, op: Op, anchor: number) => boolean | void;

export interface AlignOptions {
  /** events per side diffed at once after a mismatch (default 4000) */
  window?: number;
  /** most events held in memory (default max(16 × window, 100000)) */
  maxBuffer?: number;
  /** largest edit script tried within a window before giving up on finding a resync point */
  maxEdit?: number;
}

class Deque<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(v: T): void {
    this.items.push(v);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T {
    const v = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
  slice(n: number): T[] {
    return this.items.slice(this.head, this.head + n);
  }
}

interface ThreadState {
  name: string;
  qa: Deque<Item>;
  qb: Deque<Item>;
  /** seq of the last a event consumed */
  lastA?: number;
}

export class Aligner {
  readonly window: number;
  readonly maxBuffer: number;
  private readonly maxEdit: number;
  private threads = new Map<string, ThreadState>();
  private dirty = new Set<ThreadState>();
  private waiting = new Set<ThreadState>();
  eofA = false;
  eofB = false;
  buffered = 0;
  /** the most events held at once */
  peakBuffered = 0;
  /** times the buffer cap forced a decision (results approximate) */
  forced = 0;
  stopped = false;

  constructor(
    private readonly sink: OpSink,
    opts: AlignOptions = {},
  ) {
    this.window = Math.max(2, opts.window ?? 4000);
    this.maxBuffer = opts.maxBuffer ?? Math.max(16 * this.window, 100_000);
    this.maxEdit = opts.maxEdit ?? Math.min(this.window, 2000);
  }

  private state(name: string): ThreadState {
    let t = this.threads.get(name);
    if (!t) {
      t = { name, qa: new Deque(), qb: new Deque() };
      this.threads.set(name, t);
    }
    return t;
  }

  push(side: 'a' | 'b', item: Item): void {
    const t = this.state(item.ne.thread);
    (side === 'a' ? t.qa : t.qb).push(item);
    this.buffered++;
    if (this.buffered > this.peakBuffered) this.peakBuffered = this.buffered;
    this.dirty.add(t);
  }

  setEof(side: 'a' | 'b'): void {
    if (side === 'a') this.eofA = true;
    else this.eofB = true;
    for (const t of this.threads.values()) this.dirty.add(t);
  }

  /** Which sides a thread stuck at a mismatch needs more events from. */
  needs(): { a: boolean; b: boolean } {
    let a = false;
    let b = false;
    for (const t of this.waiting) {
      if (!this.eofA && t.qa.length < this.window) a = true;
      if (!this.eofB && t.qb.length < this.window) b = true;
    }
    return { a, b };
  }

  /** Matches what can be matched now. */
  process(): void {
    const todo = [...this.dirty];
    this.dirty.clear();
    for (const t of todo) {
      if (this.stopped) return;
      this.waiting.delete(t);
      this.run(t);
    }
  }

  /** Both inputs are done: settle everything. */
  finish(): void {
    this.setEof('a');
    this.setEof('b');
    this.process();
  }

  /** Over the buffer cap: settle the largest backlog with what is at hand. */
  relieve(): void {
    let worst: ThreadState | undefined;
    let size = 0;
    for (const t of this.threads.values()) {
      const n = t.qa.length + t.qb.length;
      if (n > size) [worst, size] = [t, n];
    }
    if (!worst) return;
    this.forced++;
    const t = worst;
    if (t.qa.length && t.qb.length) this.diffWindow(t, true);
    else {
      const n = Math.min(this.window, Math.max(t.qa.length, t.qb.length));
      for (let i = 0; i < n && !this.stopped; i++) {
        if (t.qa.length) this.emit(t, { op: '-', a: this.take(t.qa) });
        else this.emit(t, { op: '+', b: this.take(t.qb) });
      }
    }
    this.dirty.add(t);
    this.process();
  }

  private take(q: Deque<Item>): Item {
    this.buffered--;
    return q.shift();
  }

  private emit(t: ThreadState, op: Op): void {
    let anchor: number;
    if (op.op === '+') {
      anchor = t.lastA !== undefined ? t.lastA + 0.5 : t.qa.length ? t.qa.peek()!.ev.seq - 0.5 : Infinity;
    } else {
      anchor = op.a.ev.seq;
      t.lastA = anchor;
    }
    if (this.sink(t.name, op, anchor) === true) this.stopped = true;
  }

  private run(t: ThreadState): void {
    const { qa, qb } = t;
    for (;;) {
      if (this.stopped) return;
      if (!qa.length && !qb.length) return;
      if (!qa.length || !qb.length) {
        // one side has nothing (yet) for this thread
        if (!qa.length && this.eofA) while (qb.length && !this.stopped) this.emit(t, { op: '+', b: this.take(qb) });
        else if (!qb.length && this.eofB) while (qa.length && !this.stopped) this.emit(t, { op: '-', a: this.take(qa) });
        return;
      }
      const a = qa.peek()!;
      const b = qb.peek()!;
      if (a.ne.key === b.ne.key) {
        this.emit(t, { op: '=', a: this.take(qa), b: this.take(qb) });
        continue;
      }
      if ((qa.length >= this.window || this.eofA) && (qb.length >= this.window || this.eofB)) {
        this.diffWindow(t, false);
        continue;
      }
      this.waiting.add(t);
      return;
    }
  }

  /** Diffs a window at a mismatch and settles its first block of changes. */
  private diffWindow(t: ThreadState, forced: boolean): void {
    const { qa, qb } = t;
    const na = Math.min(this.window, qa.length);
    const nb = Math.min(this.window, qb.length);
    const wa = qa.slice(na);
    const wb = qb.slice(nb);
    const complete = na === qa.length && this.eofA && nb === qb.length && this.eofB;
    const res = diffArrays(
      wa.map((i) => i.ne.key),
      wb.map((i) => i.ne.key),
      { maxEditLength: this.maxEdit },
    );
    let da = 0;
    let db = 0;
    let synced = false;
    if (res) {
      for (const c of res) {
        if (!c.added && !c.removed) {
          synced = da + db > 0;
          if (synced) break;
          // a common run first: only when forced (no mismatch at the heads)
          for (let i = 0; i < c.count; i++) this.emit(t, { op: '=', a: this.take(qa), b: this.take(qb) });
          continue;
        }
        if (c.removed) da += c.count;
        else db += c.count;
      }
    }
    if (!synced && !complete) {
      // no common run after the changes inside the window: settle half of it and look again
      da = res ? Math.ceil(da / 2) : Math.ceil(qa.length ? Math.min(na, qa.length) / 2 : 0);
      db = res ? Math.ceil(db / 2) : Math.ceil(qb.length ? Math.min(nb, qb.length) / 2 : 0);
      if (!forced && da + db === 0) da = Math.min(1, qa.length);
    }
    const dels: Item[] = [];
    const ins: Item[] = [];
    for (let i = 0; i < da && qa.length; i++) dels.push(this.take(qa));
    for (let i = 0; i < db && qb.length; i++) ins.push(this.take(qb));
    this.pair(t, dels, ins);
  }

  /** Emits a block of removed and added events, pairing those of the same identity as changed. */
  private pair(t: ThreadState, dels: Item[], ins: Item[]): void {
    const r =
      dels.length && ins.length
        ? diffArrays(
            dels.map((i) => i.ne.id),
            ins.map((i) => i.ne.id),
            { maxEditLength: 256 },
          )
        : undefined;
    if (!r) {
      for (const a of dels) this.emit(t, { op: '-', a });
      for (const b of ins) this.emit(t, { op: '+', b });
      return;
    }
    let ia = 0;
    let ib = 0;
    for (const c of r) {
      for (let k = 0; k < c.count; k++) {
        if (this.stopped) return;
        if (c.removed) this.emit(t, { op: '-', a: dels[ia++]! });
        else if (c.added) this.emit(t, { op: '+', b: ins[ib++]! });
        else {
          const a = dels[ia++]!;
          const b = ins[ib++]!;
          this.emit(t, a.ne.key === b.ne.key ? { op: '=', a, b } : { op: '~', a, b });
        }
      }
    }
  }
}
