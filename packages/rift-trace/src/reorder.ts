/**
 * The text renderer's reorder buffer: a priority queue of points (a syscall's entry and exit,
 * other events' instant) ordered by time, then seq, then entry before exit.
 *
 * Points come nearly sorted: exits in the order calls returned (the order events are written),
 * and entries too for a single thread. So a point that is not before the last one appended to
 * its run (one run for entries, one for exits and instants) is appended there, in O(1); only the
 * others go to a binary heap. The least point is the least of the two runs' heads and the heap's
 * top. On recordings of real programs ~99% of points take the runs; a heap alone took a fifth of
 * the text renderer's time.
 *
 * Keys and a slot number live in typed arrays (comparisons read packed numbers, and moving them
 * needs no GC write barrier); what points carry stays put in its slot; nothing is allocated per
 * point. Points with the same key (the same seq twice: bad input) come out in no set order.
 */

export class Reorder<P> {
  topT = 0;
  topK = 0;
  top: P | undefined;
  private readonly runs = [new Run(), new Run()];
  private readonly heap = new Heap();
  // what each point carries, by slot, and the free slots
  private items: (P | undefined)[] = [];
  private free: number[] = [];

  get size(): number {
    return this.runs[0]!.size + this.runs[1]!.size + this.heap.size;
  }

  /** Adds a point: its time, seq, kind (0 entry, 1 exit or instant) and what it carries. */
  push(t: number, seq: number, k: 0 | 1, item: P): void {
    let id = this.free.pop();
    if (id === undefined) {
      id = this.items.length;
      this.items.push(item);
    } else this.items[id] = item;
    if (!this.runs[k]!.append(t, seq, k, id)) this.heap.push(t, seq, k, id);
  }

  /** Takes the least point into topT, topK and top; false when there is none (or it is later than `limit`). */
  pop(limit = Infinity): boolean {
    const r0 = this.runs[0]!, r1 = this.runs[1]!, h = this.heap;
    // the least head: 0, 1 a run, 2 the heap
    let from = -1;
    let t = 0, seq = 0, k = 0;
    if (r0.size) {
      from = 0;
      t = r0.headT();
      seq = r0.headSeq();
      k = r0.headK();
    }
    if (r1.size) {
      const t1 = r1.headT(), s1 = r1.headSeq(), k1 = r1.headK();
      if (from < 0 || less(t1, s1, k1, t, seq, k)) {
        from = 1;
        t = t1;
        seq = s1;
        k = k1;
      }
    }
    if (h.size && (from < 0 || less(h.topT(), h.topSeq(), h.topK(), t, seq, k))) {
      from = 2;
      t = h.topT();
      k = h.topK();
    }
    if (from < 0 || t > limit) return false;
    const id = from === 2 ? h.pop() : this.runs[from]!.shift();
    this.topT = t;
    this.topK = k;
    this.top = this.items[id];
    this.items[id] = undefined;  // no reference kept to a printed event
    this.free.push(id);
    return true;
  }
}

const less = (t1: number, s1: number, k1: number, t2: number, s2: number, k2: number) =>
  t1 < t2 || (t1 === t2 && (s1 < s2 || (s1 === s2 && k1 < k2)));

/** Points appended in order: a ring of keys and slots. */
class Run {
  size = 0;
  private head = 0;
  private t = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private k = new Uint8Array(1024);
  private slot = new Int32Array(1024);
  private lastT = 0;
  private lastSeq = 0;
  private lastK = 0;

  /** Appends the point unless it comes before the last one appended (false: it goes elsewhere). */
  append(t: number, seq: number, k: number, id: number): boolean {
    if (this.size && less(t, seq, k, this.lastT, this.lastSeq, this.lastK)) return false;
    if (this.size === this.t.length) this.grow();
    const i = (this.head + this.size++) & (this.t.length - 1);
    this.t[i] = this.lastT = t;
    this.seq[i] = this.lastSeq = seq;
    this.k[i] = this.lastK = k;
    this.slot[i] = id;
    return true;
  }
  headT(): number {
    return this.t[this.head]!;
  }
  headSeq(): number {
    return this.seq[this.head]!;
  }
  headK(): number {
    return this.k[this.head]!;
  }
  /** Removes the head; returns its slot. */
  shift(): number {
    const i = this.head;
    this.head = (i + 1) & (this.t.length - 1);
    this.size--;
    return this.slot[i]!;
  }
  private grow(): void {
    const n = this.t.length;
    const t = new Float64Array(n * 2), seq = new Float64Array(n * 2), k = new Uint8Array(n * 2), slot = new Int32Array(n * 2);
    for (let j = 0; j < n; j++) {
      const i = (this.head + j) & (n - 1);
      t[j] = this.t[i]!;
      seq[j] = this.seq[i]!;
      k[j] = this.k[i]!;
      slot[j] = this.slot[i]!;
    }
    this.t = t;
    this.seq = seq;
    this.k = k;
    this.slot = slot;
    this.head = 0;
  }
}

/** A binary min-heap of keys and slots. */
class Heap {
  size = 0;
  private t = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private k = new Uint8Array(1024);
  private slot = new Int32Array(1024);

  topT(): number {
    return this.t[0]!;
  }
  topSeq(): number {
    return this.seq[0]!;
  }
  topK(): number {
    return this.k[0]!;
  }

  push(t: number, seq: number, k: number, id: number): void {
    if (this.size === this.t.length) this.grow();
    this.rise(this.size++, t, seq, k, id);
  }

  /** Puts a point in the hole at i, moving it up past greater parents. */
  private rise(i: number, t: number, seq: number, k: number, id: number): void {
    const T = this.t, S = this.seq, K = this.k, I = this.slot;
    while (i > 0) {
      const j = (i - 1) >> 1;
      if (!less(t, seq, k, T[j]!, S[j]!, K[j]!)) break;
      T[i] = T[j]!;
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

  /** Removes the least point; returns its slot. */
  pop(): number {
    const T = this.t, S = this.seq, K = this.k, I = this.slot;
    const top = I[0]!;
    const n = --this.size;
    if (!n) return top;
    // the last point fills the hole at the root. The hole first goes down to a leaf along the
    // smaller children, then the point rises from there (rarely more than a level): one
    // comparison per level instead of two
    const t = T[n]!, seq = S[n]!, k = K[n]!, id = I[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && less(T[r]!, S[r]!, K[r]!, T[c]!, S[c]!, K[c]!)) c = r;
      T[i] = T[c]!;
      S[i] = S[c]!;
      K[i] = K[c]!;
      I[i] = I[c]!;
      i = c;
    }
    this.rise(i, t, seq, k, id);
    return top;
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
