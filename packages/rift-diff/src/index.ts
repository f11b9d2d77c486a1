/**
 * rift-diff as a library: where two recordings diverge.
 *
 *   const r = await diffFiles('a.ndjson', 'b.ndjson', { context: 3 });
 *   r.same, r.summary, r.first (the first divergence with its context)
 *
 * Both inputs are streamed (see align.ts for the memory bound). While the two streams agree they
 * are walked in lock-step, one event of each at a time, and nothing is kept; from the first
 * mismatch the per-thread Aligner takes over until it holds nothing again.
 */
import { openEvents, selectNames, type Event, type EventSource } from '@rift/events';
import { Aligner, type Item, type Op } from './align.js';
import { ignoredFields, type Field } from './fields.js';
import { Normaliser, sameNorm, type NormEvent } from './normalize.js';
import { explain, formatEvent } from './format.js';

export { FIELDS, FIELD_NAMES, FieldError, ignoredFields, type Field } from './fields.js';
export { Normaliser, type Norm, type NormEvent } from './normalize.js';
export { Aligner, firstSync, type Item, type Op } from './align.js';
export { formatEvent, explain } from './format.js';
export { renderText, renderJson } from './report.js';

export interface DiffOptions {
  /** fields not compared, on top of the defaults (names from FIELDS; comma lists allowed) */
  ignore?: string[];
  /** fields compared although ignored by default */
  compare?: string[];
  /** compare only syscall events whose names this selection expression selects (as rift-record -e) */
  syscalls?: string;
  /** events of context around the first divergence (default 3) */
  context?: number;
  /** most events per side held, after a mismatch, to find where the two meet again (default 4000) */
  window?: number;
  /** most events held in memory at once (default max(16 × window, 100000)) */
  maxBuffer?: number;
  /** skip bad lines instead of failing */
  lenient?: boolean;
  /** stop at the first difference (exit status only, like diff -q) */
  brief?: boolean;
}

export interface SideInfo {
  file: string;
  command?: string[];
  mode: string;
  /** events read */
  events: number;
  /** events compared (after --syscalls and ignored kinds) */
  compared: number;
  /** the stream ended without an end event */
  truncated: boolean;
  /** bad lines skipped (lenient) */
  skipped: number;
}

export interface Where {
  seq: number;
  line: number;
  tid: number;
  pid: number;
}

export interface HunkLine {
  op: ' ' | '-' | '+';
  a?: Where;
  b?: Where;
  text: string;
  /** the event as recorded (a's for context lines) */
  event: Event;
}

export interface Divergence {
  /** canonical thread name: 1 = the first process, 1.2 = its second child or thread, '*' = the end event */
  thread: string;
  kind: 'changed' | 'only-a' | 'only-b';
  a?: Where;
  b?: Where;
  /** what differs (changed events) */
  what: string[];
  /** the first divergence with its context, diff -u style */
  lines: HunkLine[];
  /** more changes followed in the same place than are shown */
  cut: boolean;
}

export interface Summary {
  /** events alike in both */
  alike: number;
  onlyA: number;
  onlyB: number;
  changed: number;
  /** separate places (runs of differences) */
  places: number;
  /** threads with at least one difference */
  threads: number;
}

export interface DiffResult {
  same: boolean;
  a: SideInfo;
  b: SideInfo;
  ignored: Field[];
  summary: Summary;
  first: Divergence | null;
  /** brief mode stopped at the first difference: the summary covers only what was read */
  stoppedEarly: boolean;
  /** the memory cap forced decisions: counts may be off */
  approximate: boolean;
  /** most events the aligner held at once, after a mismatch (besides the batch being read: 1024 per side) */
  peakBuffered: number;
  window: number;
}

const MAX_CHANGE_LINES = 40;

interface Hunk {
  thread: string;
  anchor: number;
  anchorB: number;
  ops: Op[];
  trailing: number;
  closed: boolean;
  cut: boolean;
  changes: number;
}

interface ThreadSt {
  /** the last `context` alike ops before the thread's first change (circular, from rpos) */
  ring: Op[];
  rpos: number;
  inChange: boolean;
  hunk?: Hunk;
  tried: boolean;
  differs: boolean;
}

/** Counts ops and keeps the earliest divergence with its context. */
class Collector {
  summary: Summary = { alike: 0, onlyA: 0, onlyB: 0, changed: 0, places: 0, threads: 0 };
  best?: Hunk;
  private st = new Map<string, ThreadSt>();
  private lastName?: string;
  private last?: ThreadSt;

  constructor(
    private readonly context: number,
    private readonly brief: boolean,
  ) {}

  op = (thread: string, op: Op, anchor: number): boolean => {
    let s = thread === this.lastName ? this.last : this.st.get(thread);
    if (!s) this.st.set(thread, (s = { ring: [], rpos: 0, inChange: false, tried: false, differs: false }));
    this.lastName = thread;
    this.last = s;
    const U = this.context;
    if (op.op === '=') {
      this.summary.alike++;
      s.inChange = false;
      const h = s.hunk;
      if (h && h === this.best && !h.closed) {
        h.ops.push(op);
        h.trailing++;
        if (h.trailing > 2 * U || (h.cut && h.trailing >= U)) this.close(h);
      } else if (!s.tried && U > 0) {
        s.ring[s.rpos] = op;
        s.rpos = s.rpos + 1 === U ? 0 : s.rpos + 1;
      }
      return false;
    }
    if (op.op === '-') this.summary.onlyA++;
    else if (op.op === '+') this.summary.onlyB++;
    else this.summary.changed++;
    if (!s.inChange) this.summary.places++;
    s.inChange = true;
    if (!s.differs) {
      s.differs = true;
      this.summary.threads++;
    }
    const h = s.hunk;
    if (h && h === this.best && !h.closed) {
      if (h.changes >= MAX_CHANGE_LINES) h.cut = true;
      else {
        h.ops.push(op);
        h.changes++;
      }
      h.trailing = 0;
    } else if (!s.tried) {
      s.tried = true;
      const anchorB = op.op === '-' ? Infinity : op.b.ev.seq;
      const b = this.best;
      if (!b || anchor < b.anchor || (anchor === b.anchor && anchorB < b.anchorB)) {
        // the ring in order: oldest at rpos once it has wrapped
        const before = s.ring.length < U ? s.ring : [...s.ring.slice(s.rpos), ...s.ring.slice(0, s.rpos)];
        s.hunk = this.best = { thread, anchor, anchorB, ops: [...before, op], trailing: 0, closed: false, cut: false, changes: 1 };
      }
      s.ring = [];
    }
    return this.brief;
  };

  private close(h: Hunk): void {
    h.closed = true;
    const extra = h.trailing - this.context;
    if (extra > 0) h.ops.length -= extra;
    h.trailing = Math.min(h.trailing, this.context);
  }

  finish(): void {
    if (this.best && !this.best.closed) this.close(this.best);
  }
}

function where(i: Item): Where {
  return { seq: i.ev.seq, line: i.line, tid: 'tid' in i.ev ? i.ev.tid : 0, pid: 'pid' in i.ev ? i.ev.pid : 0 };
}

function divergence(h: Hunk): Divergence {
  const lines: HunkLine[] = [];
  let firstChange: Op | undefined;
  for (const op of h.ops) {
    if (op.op !== '=' && !firstChange) firstChange = op;
    switch (op.op) {
      case '=':
        lines.push({ op: ' ', a: where(op.a), b: where(op.b), text: formatEvent(op.a.ev), event: op.a.ev });
        break;
      case '-':
        lines.push({ op: '-', a: where(op.a), text: formatEvent(op.a.ev), event: op.a.ev });
        break;
      case '+':
        lines.push({ op: '+', b: where(op.b), text: formatEvent(op.b.ev), event: op.b.ev });
        break;
      case '~':
        lines.push({ op: '-', a: where(op.a), text: formatEvent(op.a.ev), event: op.a.ev });
        lines.push({ op: '+', b: where(op.b), text: formatEvent(op.b.ev), event: op.b.ev });
        break;
    }
  }
  const f = firstChange!;
  const d: Divergence = {
    thread: h.thread,
    kind: f.op === '~' ? 'changed' : f.op === '-' ? 'only-a' : 'only-b',
    what: f.op === '~' ? explain(f.a.ne.norm, f.b.ne.norm) : [],
    lines,
    cut: h.cut,
  };
  if (f.op !== '+') d.a = where(f.a);
  if (f.op !== '-') d.b = where(f.b);
  return d;
}

/**
 * An event with its normal form. Its line number is only worked out when it is shown: the
 * source's, or when the source does not keep them (lineNumbers: false), counted: without skipped
 * lines (not lenient), the n-th event is on line n + 1, after the header.
 */
class SourceItem implements Item {
  constructor(
    readonly ev: Event,
    readonly ne: NormEvent,
    private readonly src: EventSource,
    private readonly n: number,
  ) {}
  get line(): number {
    return this.src.lineOf(this.ev) || this.n + 1;
  }
}

interface Side {
  name: 'a' | 'b';
  src: EventSource;
  it: AsyncIterator<Event[]>;
  norm: Normaliser;
  /** the current batch and the next event in it */
  batch: Event[];
  i: number;
  read: number;
  compared: number;
  eof: boolean;
}

/**
 * Compares two already opened streams. Line numbers in the result are the sources' (lineOf), or
 * counted when a source does not keep them (exact unless it skips bad lines).
 */
export async function diffSources(srcA: EventSource, srcB: EventSource, opts: DiffOptions = {}): Promise<DiffResult> {
  const ignored = ignoredFields(opts.ignore, opts.compare);
  const only = opts.syscalls !== undefined ? selectNames(opts.syscalls) : undefined;
  const context = Math.max(0, opts.context ?? 3);
  const collector = new Collector(context, opts.brief ?? false);
  const aligner = new Aligner(collector.op, { window: opts.window, maxBuffer: opts.maxBuffer });
  const side = (name: 'a' | 'b', src: EventSource): Side => ({
    name,
    src,
    it: src.batches()[Symbol.asyncIterator](),
    norm: new Normaliser(ignored, src.header),
    batch: [],
    i: 0,
    read: 0,
    compared: 0,
    eof: false,
  });
  const sides = { a: side('a', srcA), b: side('b', srcB) };
  const A = sides.a;
  const B = sides.b;

  /** The next compared event of the side's current batch (every event goes through its normaliser). */
  const next = (s: Side): Item | undefined => {
    const batch = s.batch;
    while (s.i < batch.length) {
      const ev = batch[s.i++]!;
      s.read++;
      const ne = s.norm.event(ev);
      if (!ne) continue;
      if (only && (ev.type !== 'syscall' || !only.has(ev.name))) continue;
      s.compared++;
      return new SourceItem(ev, ne, s.src, s.read);
    }
    return undefined;
  };
  /** Reads the side's next batch; false at the end of its stream. */
  const refill = async (s: Side): Promise<boolean> => {
    const r = await s.it.next();
    s.i = 0;
    if (r.done) {
      s.batch = [];
      s.eof = true;
      aligner.setEof(s.name);
      return false;
    }
    s.batch = r.value;
    return true;
  };

  // heads taken by the lock-step walk, not yet matched
  let ha: Item | undefined;
  let hb: Item | undefined;
  while (!(A.eof && B.eof) && !aligner.stopped) {
    if (aligner.buffered === 0 && !A.eof && !B.eof) {
      // Lock-step: while the aligner holds nothing, equal pairs of the same thread are matched
      // as they come, with no queue, no key and no diff.
      for (;;) {
        if (!ha && !(ha = next(A))) break;
        if (!hb && !(hb = next(B))) break;
        if (ha.ne.thread !== hb.ne.thread || !sameNorm(ha.ne, hb.ne)) {
          aligner.push('a', ha);
          aligner.push('b', hb);
          ha = hb = undefined;
          break;
        }
        aligner.matched(ha, hb);
        ha = hb = undefined;
      }
      if (aligner.buffered === 0) {
        // a batch ran out
        const s = ha ? B : A;
        if (!(await refill(s))) {
          const held = ha ?? hb;
          if (held) aligner.push(s === A ? 'b' : 'a', held);
          ha = hb = undefined;
        } else continue;
      }
    } else {
      // The aligner holds events: hand it whole batches, of the side it needs.
      let s: Side;
      if (A.eof) s = B;
      else if (B.eof) s = A;
      else {
        const need = aligner.needs();
        if (need.a !== need.b) s = need.a ? A : B;
        else s = A.read <= B.read ? A : B;
      }
      if (s.i < s.batch.length || (await refill(s))) {
        for (let item = next(s); item; item = next(s)) aligner.push(s.name, item);
      }
    }
    aligner.process();
    while (aligner.buffered > aligner.maxBuffer && !aligner.stopped) aligner.relieve();
  }
  const stoppedEarly = aligner.stopped;
  if (!stoppedEarly) aligner.finish();
  collector.finish();
  const info = (s: (typeof sides)['a']): SideInfo => ({
    file: s.src.name,
    command: s.src.header.command,
    mode: s.src.header.mode,
    events: s.read,
    compared: s.compared,
    truncated: s.eof && s.src.truncated,
    skipped: s.src.skipped,
  });
  const sum = collector.summary;
  if (stoppedEarly) {
    // make sure the unread remainder is released
    await Promise.allSettled([sides.a.it.return?.(undefined), sides.b.it.return?.(undefined)]);
  }
  return {
    same: sum.onlyA + sum.onlyB + sum.changed === 0,
    a: info(sides.a),
    b: info(sides.b),
    ignored: [...ignored],
    summary: sum,
    first: collector.best ? divergence(collector.best) : null,
    stoppedEarly,
    approximate: aligner.forced > 0,
    peakBuffered: aligner.peakBuffered,
    window: aligner.window,
  };
}

/** Compares two stream v1 files ('-' = stdin). Bad input throws StreamError (FILE:LINE: reason). */
export async function diffFiles(pathA: string, pathB: string, opts: DiffOptions = {}): Promise<DiffResult> {
  // each event's line is only needed from the reader when bad lines may be skipped (lenient);
  // otherwise it is counted, which spares the reader a map entry per event
  const ro = { lenient: opts.lenient, lineNumbers: opts.lenient === true };
  const a = await openEvents(pathA, ro);
  const b = await openEvents(pathB, ro);
  return diffSources(a, b, opts);
}
