/**
 * Streaming per-thread alignment of two event streams.
 *
 * Each input is split into per-thread sequences (by canonical thread name). While the heads of a
 * thread's two sequences are equal they are matched in lock-step and dropped at once, so two equal
 * traces of any length cost one batch of memory; while nothing at all is held, the caller hands
 * equal pairs straight to `matched` (no queues). At a mismatch, firstSync (Myers' greedy search)
 * finds where the two sequences meet again: the fewest edits after which `SYNC_RUN` events in a row
 * are equal, within a window of at most `window` events per side. What comes before that point is
 * settled with a real diff of it (jsdiff's diffArrays) and lock-step resumes. The search runs on
 * the events at hand as soon as there is a mismatch, and waits for a whole window only when those
 * are not enough to be sure. Changed events are paired on their identity (event type and syscall
 * name) with a second, small diff.
 *
 * Memory: at most about `window` events per side per diverging thread, plus what the two
 * streams' thread interleavings drift apart; `maxBuffer` caps the total (beyond it, the largest
 * one-sided backlog is reported as it stands and the result is marked approximate).
 */
import { diffArrays } from 'diff';
import type { Event } from '@rift/events';
import { sameNorm, type NormEvent } from './normalize.js';

export interface Item {
  ev: Event;
  ne: NormEvent;
  /** line number in its file */
  readonly line: number;
}

export type Op =
  | { op: '='; a: Item; b: Item }
  | { op: '-'; a: Item }
  | { op: '+'; b: Item }
  | { op: '~'; a: Item; b: Item };

/** Receives ops in order per thread; `anchor` places the op in a's stream (seq). true = stop. */
export type OpSink = (thread: string, op: Op, anchor: number) => boolean | void;

export interface AlignOptions {
  /** most events per side held, after a mismatch, to find where the two meet again (default 4000) */
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
  /** the i-th item from the head */
  at(i: number): T {
    return this.items[this.head + i]!;
  }
  slice(n: number): T[] {
    return this.items.slice(this.head, this.head + n);
  }
}

/** Equal events in a row that count as the two sides meeting again after a difference. */
const SYNC_RUN = 8;
/** Edits tried comparing events directly before the window's events are numbered by key. */
const QUICK_EDITS = 64;

/**
 * Where two sequences a[0..na) and b[0..nb) (whose first elements differ) meet again: greedy
 * forward Myers (O((na+nb)·D)), stopping at the smallest number of edits D for which a path is
 * followed by `run` equal pairs in a row, or reaches the end of both sides when both streams end
 * there (aEnd, bEnd). Of the meeting points with that D, the earliest (fewest events before it). Returns the number of events of a and b
 * before the meeting point, or undefined when it would take more than maxD edits. Unlike a diff of
 * the whole window, the window's cut-off tail costs nothing: an offset of k events is k edits.
 *
 * `touched`: the search met the end of a side that is not its stream's end (a run cut short
 * there before it was long enough, or a step it could not take). When it did not, a longer window
 * would give the same answer, so an answer found on the events at hand need not wait for a whole
 * window.
 */
export function firstSync(
  na: number,
  nb: number,
  aEnd: boolean,
  bEnd: boolean,
  run: number,
  maxD: number,
  eq: (i: number, j: number) => boolean,
): { x: number; y: number; touched: boolean } | undefined {
  maxD = Math.min(maxD, na + nb);
  const off = maxD + 1;
  // v[off + k]: furthest x reached on diagonal k = x - y, -1 when not reached
  const v = new Int32Array(2 * maxD + 3).fill(-1);
  let touched = false;
  for (let d = 0; d <= maxD; d++) {
    let bx = -1;
    let by = -1;
    for (let k = -d; k <= d; k += 2) {
      let x: number;
      if (d === 0) x = 0;
      else {
        const down = v[off + k + 1]!;  // from diagonal k+1, one event only in b: y + 1
        const right = v[off + k - 1]!;  // from diagonal k-1, one event only in a: x + 1
        const canDown = down >= 0 && down - k <= nb;
        const canRight = right >= 0 && right + 1 <= na;
        if ((down >= 0 && !canDown && !bEnd) || (right >= 0 && !canRight && !aEnd)) touched = true;
        if (canDown && (!canRight || right < down)) x = down;
        else if (canRight) x = right + 1;
        else continue;
      }
      let y = x - k;
      const x0 = x;
      const y0 = y;
      while (x < na && y < nb && eq(x, y)) {
        x++;
        y++;
      }
      v[off + k] = x;
      // (the end of one side only is no meeting point: what the other has left is still to come)
      const met = x - x0 >= run || (x === na && y === nb && aEnd && bEnd);
      // a run long enough already would only be longer: the same meeting point
      if (!met && ((x === na && !aEnd) || (y === nb && !bEnd))) touched = true;
      if (met) {
        // the run may have begun before the point this path joined it (the furthest point on
        // the diagonal): back to its start, as cheap (an equal pair costs no edit)
        let sx = x0;
        let sy = y0;
        while (sx > 0 && sy > 0 && eq(sx - 1, sy - 1)) {
          sx--;
          sy--;
        }
        if (bx < 0 || sx + sy < bx + by) {
          bx = sx;
          by = sy;
        }
      }
    }
    if (bx >= 0) return { x: bx, y: by, touched };
  }
  return undefined;
}

/** The first j > 0 at which y[j..) starts with the first `run` elements of x (all of x if shorter); -1 if none. */
function findRun(x: Int32Array, nx: number, y: Int32Array, ny: number, run: number): number {
  const r = Math.min(run, nx);
  if (r === 0) return -1;
  for (let j = 1; j + r <= ny; j++) {
    let k = 0;
    while (k < r && x[k] === y[j + k]) k++;
    if (k === r) return j;
  }
  return -1;
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

  /**
   * Two equal events of the same thread while nothing is held (`buffered` is 0): matched at once,
   * as run() would after pushing them.
   */
  matched(a: Item, b: Item): void {
    this.emit(this.state(a.ne.thread), { op: '=', a, b });
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
      if (sameNorm(a.ne, b.ne)) {
        this.emit(t, { op: '=', a: this.take(qa), b: this.take(qb) });
        continue;
      }
      if ((qa.length >= this.window || this.eofA) && (qb.length >= this.window || this.eofB)) {
        this.diffWindow(t, false);
        continue;
      }
      // not a whole window yet: settle now if the events at hand already tell where they meet again
      if (this.early(t)) continue;
      this.waiting.add(t);
      return;
    }
  }

  /**
   * At a mismatch: finds where, within the window, the two sides meet again (firstSync), settles
   * what comes before that point (a real diff of it, so a change, a few events only in a or b, or
   * several such blocks with short common runs between them), and leaves the rest to lock-step.
   * Beyond `maxEdit` edits, the next events of one side found further on in the other's window
   * make the events before them only in that other side; failing that, half of each side's window
   * is settled as differences and the search starts again (an insertion longer than the window
   * is not found: the thread's events after it count as differences).
   */
  private diffWindow(t: ThreadState, forced: boolean): void {
    const { qa, qb } = t;
    if (forced) {
      // over the buffer cap, the heads may be equal: their common run first
      let n = 0;
      while (n < qa.length && n < qb.length && sameNorm(qa.at(n).ne, qb.at(n).ne)) n++;
      if (n > 0) {
        for (let i = 0; i < n && !this.stopped; i++) this.emit(t, { op: '=', a: this.take(qa), b: this.take(qb) });
        return;
      }
    }
    const na = Math.min(this.window, qa.length);
    const nb = Math.min(this.window, qb.length);
    const aEnd = na === qa.length && this.eofA;
    const bEnd = nb === qb.length && this.eofB;
    const run = Math.min(SYNC_RUN, Math.max(1, this.window >> 3));
    // most differences are a few edits: compare the events themselves...
    const sync = firstSync(na, nb, aEnd, bEnd, run, Math.min(QUICK_EDITS, this.maxEdit), (i, j) => sameNorm(qa.at(i).ne, qb.at(j).ne));
    if (sync) {
      this.settle(t, sync.x, sync.y);
      return;
    }
    // ...and only for more, number the window's events by key and compare numbers
    const codes = new Map<string, number>();
    const code = (it: Item): number => {
      let c = codes.get(it.ne.key);
      if (c === undefined) codes.set(it.ne.key, (c = codes.size));
      return c;
    };
    const ca = new Int32Array(na);
    const cb = new Int32Array(nb);
    for (let i = 0; i < na; i++) ca[i] = code(qa.at(i));
    for (let j = 0; j < nb; j++) cb[j] = code(qb.at(j));
    const far = this.maxEdit > QUICK_EDITS ? firstSync(na, nb, aEnd, bEnd, run, this.maxEdit, (i, j) => ca[i] === cb[j]) : undefined;
    if (far) {
      this.settle(t, far.x, far.y);
      return;
    }
    // More edits than that: still, one side's next events further on in the other's window mean
    // events only in that other side, up to the window's length.
    const inB = findRun(ca, na, cb, nb, run);
    const inA = findRun(cb, nb, ca, na, run);
    if (inB > 0 && (inA < 0 || inB <= inA)) {
      this.settle(t, 0, inB);
      return;
    }
    if (inA > 0) {
      this.settle(t, inA, 0);
      return;
    }
    // no meeting point in the window: settle half of it and look again
    const dels: Item[] = [];
    const ins: Item[] = [];
    for (let i = Math.ceil(na / 2); i > 0; i--) dels.push(this.take(qa));
    for (let i = Math.ceil(nb / 2); i > 0; i--) ins.push(this.take(qb));
    this.pair(t, dels, ins);
  }

  /**
   * Before a whole window is at hand: the quick search on the events there are, settled only when
   * it did not reach their end (then a whole window would give the same answer).
   */
  private early(t: ThreadState): boolean {
    const { qa, qb } = t;
    const na = Math.min(this.window, qa.length);
    const nb = Math.min(this.window, qb.length);
    if (na < 2 || nb < 2) return false;
    const aEnd = na === qa.length && this.eofA;
    const bEnd = nb === qb.length && this.eofB;
    const run = Math.min(SYNC_RUN, Math.max(1, this.window >> 3));
    const sync = firstSync(na, nb, aEnd, bEnd, run, Math.min(QUICK_EDITS, this.maxEdit), (i, j) => sameNorm(qa.at(i).ne, qb.at(j).ne));
    if (!sync || sync.touched) return false;
    this.settle(t, sync.x, sync.y);
    return true;
  }

  /** Settles the first x events of a and y of b: their diff, blocks of changes paired. */
  private settle(t: ThreadState, x: number, y: number): void {
    const { qa, qb } = t;
    const res =
      x && y
        ? diffArrays(
            qa.slice(x).map((i) => i.ne.key),
            qb.slice(y).map((i) => i.ne.key),
          )
        : [{ count: x, removed: true, added: false }, { count: y, removed: false, added: true }];
    let dels: Item[] = [];
    let ins: Item[] = [];
    for (const c of res) {
      if (c.removed) for (let i = 0; i < c.count; i++) dels.push(this.take(qa));
      else if (c.added) for (let i = 0; i < c.count; i++) ins.push(this.take(qb));
      else {
        this.pair(t, dels, ins);
        dels = [];
        ins = [];
        for (let i = 0; i < c.count && !this.stopped; i++) this.emit(t, { op: '=', a: this.take(qa), b: this.take(qb) });
      }
      if (this.stopped) return;
    }
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
          this.emit(t, sameNorm(a.ne, b.ne) ? { op: '=', a, b } : { op: '~', a, b });
        }
      }
    }
  }
}
