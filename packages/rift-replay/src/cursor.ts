/**
 * The recorded trace, walked thread by thread while it streams in.
 *
 * Events are read in file order, once. Each recorded syscall goes to the queue of its tid;
 * a replayed thread takes from the front of its own queue. A queue only grows while its
 * thread lags behind the others in replay compared with the recording, so memory is bounded
 * by how far thread schedules drift apart, not by the trace length. `maxBuffered` caps it:
 * beyond that, replay gives up with a clear message rather than grow without limit.
 */
import { captureBytes, int64, signatureOf, StreamError, type EndEvent, type Event, type ExecEvent, type EventSource, type SignalEvent, type SpawnEvent, type SyscallEvent, type TscEvent } from '@rift/events';

export class LookaheadError extends Error {}

const arities = new Map<string, number>();
/** The arguments syscall `name` takes (its signature's); 0 for a name rift does not know. */
function arity(name: string): number {
  let n = arities.get(name);
  if (n === undefined) {
    const args = signatureOf(name)?.args;
    n = Array.isArray(args) ? args.length : 0;  // (a name like "constructor" is no signature)
    if (n) arities.set(name, n);
  }
  return n;
}

/** peekBuffered's answer when the next batch must be read first. */
const MORE = Symbol('more');

/** A FIFO of events with O(1) shift. */
class Queue<T> {
  private items: (T | undefined)[] = [];
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
  at(i: number): T | undefined {
    return this.items[this.head + i];
  }
  last(): T | undefined {
    return this.length ? this.items[this.items.length - 1] : undefined;
  }
  /** Puts v before the queued items (not yet taken) for which `after(item)` holds, from the back. */
  insertBefore(v: T, after: (item: T) => boolean): void {
    let j = this.items.length;
    while (j > this.head && after(this.items[j - 1]!)) j--;
    this.items.splice(j, 0, v);
  }
  /** Puts v back at the head (the item shift() took last). */
  unshift(v: T): void {
    if (this.head > 0) this.items[--this.head] = v;
    else this.items.unshift(v);
  }
  shift(): T | undefined {
    const v = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return v;
  }
}

/**
 * Where in its thread a recorded signal came, as far as the stream tells (see TraceCursor.signalPoint).
 * `after`: 'sigreturn' when the thread's last call before it was an rt_sigreturn (the handler
 * of an earlier signal had just returned: it came as the program went back to where that one
 * interrupted it); 'returned' when it was a call the syscall buffer recorded, whose record was
 * written before the signal came (the call had returned to the program). `rax`: the register
 * at the point the signal interrupted, as the handler's rt_sigreturn gave it back. From the
 * event's `inCall` (the signal came inside the syscall buffer's wrapper of a call): 'entry'
 * before that call was made (it goes before the thread's next call), 'exit' after it returned
 * (it goes at that call's exit).
 */
export interface SignalPoint {
  after?: 'sigreturn' | 'returned' | 'entry' | 'exit';
  /**
   * with 'sigreturn': how many rt_sigreturns the thread made in a row before it came (2: the
   * handlers of two stacked signals had both returned; it goes at the second's exit, not the
   * first's, where the program is in the outer handler yet)
   */
  sigreturns?: number;
  rax?: bigint;
  /**
   * Delivered with the signal before it, on the same way back to user mode: the program ran
   * nothing in between (it came at that signal's handler's first instruction, or where that
   * signal, which set up no handler, came: a job-control stop's, once continued). Its frame
   * went on top: its handler ran first.
   */
  stacked?: true;
}

export interface CursorOptions {
  /** recorded syscall names never queued (FREE calls) */
  skip?: ReadonlySet<string>;
  /** largest number of events held for lagging threads (default 500 000) */
  maxBuffered?: number;
  /** how many matched events to remember for reports (default 8) */
  history?: number;
}

export class TraceCursor {
  private readonly batches: AsyncIterator<Event[]>;
  private batch: Event[] = [];
  private bi = 0;
  private readonly queues = new Map<number, Queue<SyscallEvent>>();
  private readonly exited = new Set<number>();
  private readonly skip: ReadonlySet<string>;
  private readonly maxBuffered: number;
  private buffered = 0;
  /** process ids the recording has (its processes and the children they spawned) */
  private readonly recordedPids = new Set<number>();
  /** signals delivered to a thread since its last queued syscall (group-stops left out) */
  private readonly sigsPending = new Map<number, SignalEvent[]>();
  /** the signals a thread got just before a syscall: after its previous one */
  private readonly sigsBefore = new WeakMap<SyscallEvent, SignalEvent[]>();
  /** the signals a thread got after its last syscall (a fatal one, say) */
  private readonly sigsAfter = new Map<number, SignalEvent[]>();
  /** per thread, its last syscall in file order (FREE ones too): what a signal came after */
  private readonly lastCall = new Map<number, SyscallEvent>();
  /** per thread, how many rt_sigreturns its last calls were, in a row (SignalPoint.sigreturns) */
  private readonly sigreturnRun = new Map<number, number>();
  /** per thread, the signals whose handler has not returned yet (rt_sigreturn), innermost last */
  private readonly inHandler = new Map<number, SignalEvent[]>();
  private readonly points = new WeakMap<SignalEvent, SignalPoint>();
  /** per thread, its last signal while no call came after it */
  private readonly lastSignal = new Map<number, SignalEvent>();
  /** the handlers' entry points rt_sigaction installed (in any recorded process): where a signal delivered on top of another's frame comes */
  private readonly handlers = new Set<bigint>();
  /**
   * per thread, signals that came inside a buffered call's wrapper whose record the stream has
   * after the signal (written once the handler returned), oldest first: which side of the
   * signal that record goes is known when it is read (placeLate)
   */
  private readonly awaitLate = new Map<number, SignalEvent[]>();
  /** spawn events in file order, per recorded parent tid (claimed ones removed) */
  private readonly spawns: SpawnEvent[] = [];
  /** the first recorded tid of the trace (the launched command) */
  rootTid: number | undefined;
  /** the exec event of the launched command */
  firstExec: ExecEvent | undefined;
  /** the first recorded syscall of the root when it is the launching execve (never seen in replay) */
  rootExec: SyscallEvent | undefined;
  private rootStarted = false;
  /** per recorded pid, its last execve read (its image's first brk(0) is noted on it: heapBases) */
  private readonly readExec = new Map<number, SyscallEvent>();
  /** per recorded pid, its last execve matched (the image the replayed process runs now) */
  private readonly takenExec = new Map<number, SyscallEvent>();
  /** an execve's image: where its heap began (what its first brk(0) returned) */
  private readonly heapBases = new WeakMap<SyscallEvent, bigint>();
  ended = false;
  end: EndEvent | undefined;
  /** seq and line of the last event read */
  lastSeq = 0;
  lastLine = 0;
  /** matched events, most recent last */
  readonly recent: SyscallEvent[] = [];
  private readonly historySize: number;
  /** total events read */
  read = 0;

  constructor(
    readonly src: EventSource,
    opts: CursorOptions = {},
  ) {
    this.batches = src.batches();
    this.skip = opts.skip ?? new Set();
    this.maxBuffered = opts.maxBuffered ?? 500_000;
    this.historySize = opts.history ?? 8;
  }

  /** line number of an incomplete last line, when the trace was cut mid-line */
  cutLine: number | undefined;

  get truncated(): boolean {
    return this.ended && (this.src.truncated || this.cutLine !== undefined);
  }

  /** Line number of an event in the trace file. */
  lineOf(ev: Event): number {
    return this.src.lineOf(ev);
  }

  /**
   * Reads the next batch; false at the end of the trace. Callers that overlap share one read:
   * two reads in flight would each take a batch, and the second would replace the first.
   */
  fill(): Promise<boolean> {
    if (this.bi < this.batch.length) return Promise.resolve(true);
    return (this.filling ??= this.readBatch().finally(() => (this.filling = undefined)));
  }
  private filling: Promise<boolean> | undefined;
  private failed: unknown;

  private async readBatch(): Promise<boolean> {
    if (this.ended) return false;
    if (this.failed !== undefined) throw this.failed;
    let r: IteratorResult<Event[]>;
    try {
      r = await this.batches.next();  // StreamError on a malformed line: the caller reports it
    } catch (e) {
      // a recording cut short mid-line: the trace ends before that line, truncated
      if (e instanceof StreamError && e.reason.startsWith('truncated last line')) {
        this.cutLine = e.line;
        this.ended = true;
        return false;
      }
      // every later read fails the same way (the reader is done: it would say the trace ended),
      // whoever read first (a thread's next call, or calls planned ahead, which let it go)
      this.failed = e;
      throw e;
    }
    if (r.done) {
      this.ended = true;
      return false;
    }
    this.batch = r.value;
    this.bi = 0;
    return true;
  }

  /** Takes one event from the current batch into the queues. False when the batch is used up. */
  private step(): boolean {
    if (this.bi >= this.batch.length) return false;
    const ev = this.batch[this.bi]!;
    this.batch[this.bi++] = undefined as never;
    if (this.bi >= this.batch.length) this.batch = [];
    this.read++;
    this.lastSeq = ev.seq;
    this.lastLine = this.src.lineOf(ev) || this.lastLine;
    if (this.exited.size) this.unalias(ev);
    switch (ev.type) {
      case 'syscall': {
        if (this.rootTid === undefined) this.rootTid = ev.tid;
        this.recordedPids.add(ev.pid);
        if (!this.rootStarted && ev.tid === this.rootTid) {
          this.rootStarted = true;
          // kept in the queue: engines that show the launching execve match it, others skip it
          if ((ev.name === 'execve' || ev.name === 'execveat') && ev.ret !== null && Number(ev.ret) === 0) this.rootExec = ev;
        }
        this.lastCall.set(ev.tid, ev);
        if (ev.name === 'rt_sigreturn') this.sigreturnRun.set(ev.tid, (this.sigreturnRun.get(ev.tid) ?? 0) + 1);
        else if (this.sigreturnRun.size) this.sigreturnRun.delete(ev.tid);
        if (this.lastSignal.size) this.lastSignal.delete(ev.tid);
        if (ev.name === 'rt_sigaction' && ev.ret !== null && Number(ev.ret) === 0) {
          const h = handlerOf(ev);
          if (h !== undefined) this.handlers.add(h);
        }
        if (ev.name === 'rt_sigreturn' && ev.ret !== null) {
          // the register the innermost handler's signal interrupted (rt_sigreturn gives it back)
          const h = this.inHandler.get(ev.tid);
          const s = h?.pop();
          if (s) this.points.set(s, { ...this.points.get(s), rax: BigInt.asUintN(64, int64(ev.ret)) });
          if (h && !h.length) this.inHandler.delete(ev.tid);
        }
        if ((ev.name === 'execve' || ev.name === 'execveat') && ev.ret !== null && Number(ev.ret) === 0) this.readExec.set(ev.pid, ev);
        else if (ev.name === 'brk' && ev.ret !== null && int64(ev.args[0] ?? 0) === 0n) {
          const x = this.readExec.get(ev.pid);
          if (x && !this.heapBases.has(x)) this.heapBases.set(x, BigInt.asUintN(64, int64(ev.ret)));
        }
        if (ev.status === 'resumed' || this.skip.has(ev.name)) return true;
        // Replay reads as many registers as the call takes. rift-record writes them all; a
        // stream the schema allows may have fewer (made elsewhere, or by a rift whose signature
        // of the call took fewer): the missing ones are taken as 0.
        if (ev.args.length < 6 && !ev.compat) {
          const n = arity(ev.name);
          if (ev.args.length < n) ev.args = [...ev.args, ...new Array<number>(n - ev.args.length).fill(0)];
        }
        if ((ev.name === 'wait4' || ev.name === 'waitid') && this.ids.size) {
          const child = reapedPid(ev);
          if (child > 0) this.noteNamed(ev, child);
        }
        let q = this.queues.get(ev.tid);
        if (!q) this.queues.set(ev.tid, (q = new Queue()));
        // A call the syscall buffer recorded in the program reaches the stream when the tracer
        // drains the buffer: a forked child's first buffered calls can come after a call of its
        // that stopped the tracer later (its buffer not yet known when that stop was handled).
        // The thread's order is its calls' entry times.
        const prev = ev.buffered ? q.last() : undefined;
        const pinned = ev.buffered && this.awaitLate.size > 0 && this.placeLate(ev);
        if (prev && prev.ts > ev.ts && !pinned) q.insertBefore(ev, (x) => x.ts > ev.ts);
        else q.push(ev);
        this.buffered++;
        if ((ev.name === 'vfork' || (ev.name === 'clone' && ev.args[0] !== undefined && (BigInt(ev.args[0]) & 0x4000n) !== 0n)) && ev.ret !== null && Number(ev.ret) > 0 && ev.dur !== null)
          this.vforkChild(ev, Number(ev.ret));
        if (this.sigsPending.size) {
          const sp = this.sigsPending.get(ev.tid);
          // A buffered call that began before a signal and whose record was written after its
          // handler returned: the signal came as it returned (after its syscall, before the
          // buffer's wrapper had written its record and gone back to the program), so the call
          // goes before the signal, which is delivered with its result. Signals that came before
          // it began stay before it, and so do those delivered with one of them (stacked: their
          // later time is the delivery's, not the call's).
          const inside = sp && ev.buffered ? sp.findIndex((x, i) => x.ts > ev.ts && this.points.get(x)?.after !== 'entry' && !(i > 0 && this.points.get(x)?.stacked)) : -1;
          if (sp && inside >= 0) {
            const late = sp.splice(inside);
            for (const x of late) {
              const p = this.points.get(x);
              if (p?.after === 'returned') p.after = undefined;  // it had not returned
            }
            if (sp.length) this.sigsBefore.set(ev, sp);
            this.sigsPending.set(ev.tid, late);
          } else if (sp) {
            this.sigsBefore.set(ev, sp);
            this.sigsPending.delete(ev.tid);
          }
        }
        return true;
      }
      case 'signal':
        if (ev.senderPid !== undefined) this.noteNamed(ev, ev.senderPid);
        if (!ev.stop) {
          const sp = this.sigsPending.get(ev.tid);
          if (sp) sp.push(ev);
          else this.sigsPending.set(ev.tid, [ev]);
          const last = this.lastCall.get(ev.tid);
          const after = last?.name === 'rt_sigreturn' ? 'sigreturn' : ev.inCall ? (ev.inCall.at === 'entry' ? 'entry' : 'exit') : last?.buffered && last.status === undefined ? 'returned' : undefined;
          const before = this.lastSignal.get(ev.tid);
          const point: SignalPoint = after === 'sigreturn' ? { after, sigreturns: this.sigreturnRun.get(ev.tid) ?? 1 } : { after };
          this.points.set(ev, before && this.cameWith(before, ev) ? { ...point, stacked: true } : point);
          this.lastSignal.set(ev.tid, ev);
          if (ev.inCall && (ev.inCall.late || ev.inCall.at === 'entry')) {
            const l = this.awaitLate.get(ev.tid);
            if (l) l.push(ev);
            else this.awaitLate.set(ev.tid, [ev]);
          }
          // (a signal the program ignores has no handler to return: a few at most are kept)
          const h = this.inHandler.get(ev.tid);
          if (!h) this.inHandler.set(ev.tid, [ev]);
          else if (h.push(ev) > 16) h.shift();
        }
        return true;
      case 'spawn':
        this.spawns.push(ev);
        this.recordedPids.add(ev.childPid);
        return true;
      case 'exec':
        if (this.rootTid === undefined) {
          this.rootTid = ev.tid;
          this.firstExec = ev;
        }
        return true;
      case 'exit': {
        this.exited.add(ev.tid);
        this.awaitLate.delete(ev.tid);
        this.lastCall.delete(ev.tid);
        this.sigreturnRun.delete(ev.tid);
        this.inHandler.delete(ev.tid);
        // (ev.tid is the alias, when there is one: the recorded id it stood for may come back again)
        for (const [id, a] of this.aliases) if (a === ev.tid) this.aliases.delete(id);
        const sp = this.sigsPending.get(ev.tid);
        if (sp) {
          this.sigsAfter.set(ev.tid, sp);
          this.sigsPending.delete(ev.tid);
        }
        return true;
      }
      case 'rdtsc': {
        const q = this.tscs.get(ev.tid);
        if (q) q.push(ev);
        else this.tscs.set(ev.tid, [ev]);
        return true;
      }
      case 'end':
        this.end = ev;
        return true;
      default:
        return true;
    }
  }

  /**
   * The next recorded syscall of `tid`, without taking it. Synchronous when it is already
   * buffered (the common case); undefined when the thread's recording is over.
   */
  peek(tid: number): SyscallEvent | undefined | Promise<SyscallEvent | undefined> {
    const r = this.peekBuffered(tid);
    return r === MORE ? this.peekAsync(tid) : r;
  }

  /** peek from what is already read; MORE when the next batch must be read first. */
  private peekBuffered(tid: number): SyscallEvent | undefined | typeof MORE {
    for (;;) {
      const q = this.queues.get(tid);
      if (q?.length) return q.peek();
      if (this.exited.has(tid)) return undefined;
      if (!this.step()) return this.ended ? undefined : MORE;
      this.check();
    }
  }

  // One reader of batches at a time: peekBuffered never starts a read of its own, so a batch is
  // never read twice over (two reads in flight once ended the trace early, the second taking
  // the end while the first batch still had events; seen with small batches).
  private async peekAsync(tid: number): Promise<SyscallEvent | undefined> {
    for (;;) {
      if (!(await this.fill())) return undefined;
      const r = this.peekBuffered(tid);
      if (r !== MORE) return r;
    }
  }

  /**
   * The signals recorded just before `ev` in its thread (delivered after the thread's previous
   * syscall; in order). The list is the cursor's own: a caller removes those it delivered.
   */
  signalsBefore(ev: SyscallEvent): SignalEvent[] | undefined {
    const l = this.sigsBefore.get(ev);
    return l?.length ? l : undefined;
  }

  /**
   * A vfork child runs on its parent's memory and thread-local storage until it execs, so the
   * calls the syscall buffer recorded for it went to the parent's buffer, under the parent's
   * tid. The parent was suspended in vfork meanwhile: its buffered calls that began between the
   * vfork's entry and return are the child's, and move to the child's queue.
   */
  private vforkChild(ev: SyscallEvent, child: number): void {
    const q = this.queues.get(ev.tid);
    if (!q) return;
    const from = ev.ts, to = ev.ts + Number(ev.dur);
    const moved: SyscallEvent[] = [];
    const keep: SyscallEvent[] = [];
    for (let i = 0; i < q.length; i++) {
      const e = q.at(i)!;
      if (e !== ev && e.buffered && e.ts > from && e.ts < to) moved.push(e);
      else keep.push(e);
    }
    if (!moved.length) return;
    while (q.length) q.shift();
    for (const e of keep) q.push(e);
    let cq = this.queues.get(child);
    if (!cq) this.queues.set(child, (cq = new Queue()));
    for (const e of moved) {
      (e as { tid: number }).tid = child;
      (e as { pid: number }).pid = child;
      const last = cq.last();
      if (last && last.ts > e.ts) cq.insertBefore(e, (x) => x.ts > e.ts);
      else cq.push(e);
    }
  }

  /**
   * Whether n more events can be read for reading ahead that could wait (calls planned before a
   * thread needs them): what is held for lagging threads stays under half the cap, so that the
   * reads a thread's own call needs never hit it for that.
   */
  canReadAhead(n: number): boolean {
    return this.buffered + n <= this.maxBuffered / 2;
  }

  /** Reads up to n more events of the trace into the queues (waits for batches as needed). */
  async readMore(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      if (!this.step()) {
        if (!(await this.fill())) return;
        if (!this.step()) return;
      }
      this.check();
    }
  }

  /**
   * A recording long enough for the kernel to give an ended thread's id out again (pid_max is
   * 32768 on many systems; a build forks thousands of processes) names two threads with one id.
   * The later one gets an id of its own from here on, above any the kernel gives: its events,
   * its spawn event, and the pids they carry. `ids` says which id a recorded pid names now.
   */
  private unalias(ev: Event): void {
    const e = ev as Event & { tid?: number; pid?: number };
    if (ev.type === 'spawn') {
      const sp = ev as SpawnEvent;
      if (this.exited.has(sp.child) && !this.fresh.has(sp.child)) this.newAlias(sp.child);
      const a = this.aliases.get(sp.child);
      if (a !== undefined) {
        this.fresh.delete(sp.child);
        if (sp.childPid === sp.child) sp.childPid = a;
        else sp.childPid = this.aliases.get(sp.childPid) ?? sp.childPid;
        sp.child = a;
      }
    }
    if (e.tid !== undefined && ev.type !== 'spawn' && this.exited.has(e.tid) && !this.aliases.has(e.tid) && ev.type !== 'end') {
      // a new thread under an id whose thread ended, seen before its spawn event
      this.newAlias(e.tid);
      this.fresh.add(e.tid);
    }
    if (!this.aliases.size) return;
    if (e.tid !== undefined) e.tid = this.aliases.get(e.tid) ?? e.tid;
    if (e.pid !== undefined) e.pid = this.aliases.get(e.pid) ?? e.pid;
    if (ev.type === 'spawn') (ev as SpawnEvent).tid = (ev as SpawnEvent).tid;
  }
  private newAlias(id: number): void {
    const a = this.nextAlias++;
    this.aliases.set(id, a);
    this.ids.set(id, a);
  }
  /**
   * The process a recorded pid named at an event (a wait's child, a signal's sender): its id as
   * `ids` said when the event was read. `ids` itself moves on as the cursor reads ahead, and
   * by the time the event is replayed it may already name a later process given the same pid
   * (a recording made while pids were handed out again quickly: another replay setting
   * ns_last_pid back, a small pid_max).
   */
  idAt(ev: Event, pid: number): number {
    const n = this.named.get(ev);
    return n && n[0] === pid ? n[1] : pid;
  }
  private noteNamed(ev: Event, pid: number): void {
    const a = this.ids.get(pid);
    if (a !== undefined) this.named.set(ev, [pid, a]);
  }
  private readonly named = new WeakMap<Event, [number, number]>();
  /** recorded id -> the id its current thread goes by (only ids given out again) */
  private readonly aliases = new Map<number, number>();
  /** ids aliased from a thread's own events, whose spawn event is still to come */
  private readonly fresh = new Set<number>();
  private nextAlias = 1 << 23;
  /** a recorded pid -> the id of the process it names at this point of the recording */
  readonly ids = new Map<number, number>();

  /** per recorded thread, its rdtsc/rdtscp reads read ahead and not yet given back, in order */
  private readonly tscs = new Map<number, TscEvent[]>();

  /**
   * The next recorded rdtsc/rdtscp of `tid`: read ahead for it up to the thread's exit, or
   * until `limit` calls of the thread are queued (a program that reads the counter more often
   * than it did when recorded: undefined, not the rest of the trace held in memory).
   */
  takeTsc(tid: number, limit = 256): TscEvent | undefined | Promise<TscEvent | undefined> {
    for (;;) {
      const q = this.tscs.get(tid);
      if (q?.length) {
        const ev = q.shift()!;
        if (!q.length) this.tscs.delete(tid);
        return ev;
      }
      if (this.exited.has(tid) || (this.queues.get(tid)?.length ?? 0) > limit) return undefined;
      if (!this.step()) return this.ended ? undefined : this.fill().then((more) => (more ? this.takeTsc(tid, limit) : this.takeTsc(tid, 0)));
      this.check();
    }
  }

  /** Whether everything of a thread's recording has been read (its exit, or the end of the trace). */
  finished(tid: number): boolean {
    return this.exited.has(tid) || this.ended;
  }

  /** Whether the recording has a process with this id (among the events read so far). */
  isRecordedPid(pid: number): boolean {
    return this.recordedPids.has(pid);
  }

  /**
   * Where a recorded signal came in its thread, as far as the stream tells: after the handler of
   * an earlier one returned, or after a buffered call had returned to the program, and the
   * register its handler's rt_sigreturn gave back (known once that rt_sigreturn is read).
   */
  signalPoint(sig: SignalEvent): SignalPoint | undefined {
    return this.points.get(sig);
  }

  /**
   * Whether signal `b`, the next one its thread got after `a` with no call between, was
   * delivered with it (SignalPoint.stacked): at a handler's first instruction (a's, its frame
   * just set up), or where `a` came when `a` set up no handler (ignored by default).
   */
  private cameWith(a: SignalEvent, b: SignalEvent): boolean {
    if (b.ip === undefined) return b.inCall !== undefined && a.inCall?.nr === b.inCall.nr && a.inCall.at === b.inCall.at;
    const ip = BigInt(b.ip);
    return this.handlers.has(ip) || (a.ip !== undefined && BigInt(a.ip) === ip);
  }

  /**
   * A buffered record read after a signal that came inside its call's wrapper (its entry time is
   * before the signal's): whether it stays after the signal (true: the call was made once the
   * handler returned, as when the signal came before it was made, or it was in the kernel and
   * was made again) or goes back before it, by its entry time (the signal came as it returned,
   * or interrupted it and it failed with EINTR: the signal is delivered at its exit).
   */
  private placeLate(ev: SyscallEvent): boolean {
    const l = this.awaitLate.get(ev.tid);
    const i = l ? l.findIndex((s) => s.inCall!.nr === ev.nr && ev.ts < s.ts) : -1;
    if (i < 0) return false;
    const sig = l![i]!;
    l!.splice(i, 1);
    if (!l!.length) this.awaitLate.delete(ev.tid);
    const at = sig.inCall!.at;
    const after = at === 'entry' || (at === 'interrupted' && ev.errno !== 'EINTR');
    const p = this.points.get(sig);
    if (p && p.after !== 'sigreturn') p.after = after ? 'entry' : 'exit';
    return after;
  }

  /** Whether a signal of this thread that came inside a buffered call waits for that call's record. */
  awaitsLate(tid: number): boolean {
    return this.awaitLate.has(tid);
  }

  /**
   * Reads ahead until the records that signals of `tid` wait for (awaitsLate) are in, the
   * thread's recording ends, or `limit` of its events are queued (a record that never came: the
   * handler did not return. Those signals then wait no more).
   */
  async ensureLate(tid: number, limit = 4096): Promise<void> {
    for (;;) {
      if (!this.awaitLate.has(tid) || this.exited.has(tid)) return;
      const len = this.queues.get(tid)?.length ?? 0;
      if (len >= limit) break;
      if (this.readAhead(tid, len + 1) > len) continue;
      if (this.exited.has(tid)) return;
      if (!(await this.fill())) break;
    }
    this.awaitLate.delete(tid);
  }

  /** The signals recorded after a thread's last syscall (known once its exit is read). */
  signalsAfter(tid: number): SignalEvent[] | undefined {
    const l = this.sigsAfter.get(tid);
    return l?.length ? l : undefined;
  }

  /** The i-th pending event of `tid` (0 = next), when buffered. */
  pending(tid: number, i: number): SyscallEvent | undefined {
    return this.queues.get(tid)?.at(i);
  }

  /**
   * Reads ahead from the batch already read (never waits) until `tid` has n events queued, its
   * recording ends or the batch does: how many events of `tid` are queued then.
   */
  readAhead(tid: number, n: number): number {
    for (;;) {
      const len = this.queues.get(tid)?.length ?? 0;
      if (len >= n || this.exited.has(tid) || !this.step()) return len;
      this.check();
    }
  }

  /** Reads ahead until `tid` has at least n events queued (or its recording ends). */
  async ensure(tid: number, n: number): Promise<void> {
    while (this.readAhead(tid, n) < n && !this.exited.has(tid)) {
      if (!(await this.fill())) return;
    }
  }

  /** Consumes the next event of `tid` (the one peek returned). */
  take(tid: number): SyscallEvent | undefined {
    const ev = this.queues.get(tid)?.shift();
    if (!ev) return undefined;
    this.buffered--;
    if ((ev.name === 'execve' || ev.name === 'execveat') && ev.ret !== null && Number(ev.ret) === 0) this.takenExec.set(ev.pid, ev);
    this.recent.push(ev);
    if (this.recent.length > this.historySize) this.recent.shift();
    return ev;
  }

  /**
   * Where the heap of recorded process `pid` began in the image it runs now (its last execve
   * matched, else the launched command's), once its first brk(0) has been read; undefined
   * before, or when that image made none.
   */
  heapBase(pid: number): bigint | undefined {
    const x = this.imageOf(pid);
    return x && this.heapBases.get(x);
  }
  /** The execve of the image recorded process `pid` runs now (its last matched, else the launching one). */
  imageOf(pid: number): SyscallEvent | undefined {
    return this.takenExec.get(pid) ?? (this.rootExec?.pid === pid ? this.rootExec : undefined);
  }

  /** Gives back the event take(tid) returned last: the thread makes that call again. */
  untake(tid: number, ev: SyscallEvent): void {
    let q = this.queues.get(tid);
    if (!q) this.queues.set(tid, (q = new Queue()));
    q.unshift(ev);
    this.buffered++;
    if (this.recent.at(-1) === ev) this.recent.pop();
  }

  /**
   * The first unclaimed recorded spawn matching `pred`, reading ahead as needed. Claimed
   * spawns are removed, so each recorded child is matched once, in creation order.
   */
  async claimSpawn(pred: (s: SpawnEvent) => boolean): Promise<SpawnEvent | undefined> {
    for (;;) {
      const hit = this.claimSpawnSync(pred);
      if (hit) return hit;
      while (this.step()) {
        this.check();
        const h = this.claimSpawnSync(pred);
        if (h) return h;
      }
      if (!(await this.fill())) return undefined;
    }
  }

  claimSpawnSync(pred: (s: SpawnEvent) => boolean): SpawnEvent | undefined {
    const i = this.spawns.findIndex(pred);
    if (i < 0) return undefined;
    return this.spawns.splice(i, 1)[0];
  }

  /** Reads up to the launched command's first syscall, so rootTid and rootExec are known. */
  async start(): Promise<void> {
    while (!this.rootStarted) {
      if (!this.step() && !(await this.fill())) return;
    }
  }

  /**
   * After the program ended: the recorded syscalls it never made (calls cut short by an exit,
   * status 'unfinished', do not count, nor those `expected` says need not have been made).
   * Reads the rest of the trace without holding it.
   */
  async drain(expected: (ev: SyscallEvent) => boolean = () => true): Promise<{ count: number; first?: SyscallEvent }> {
    let count = 0;
    let first: SyscallEvent | undefined;
    const see = (ev: SyscallEvent) => {
      if (ev.status === 'unfinished' || !expected(ev)) return;
      count++;
      if (!first || ev.seq < first.seq) first = ev;
    };
    for (const q of this.queues.values()) for (let i = 0; i < q.length; i++) see(q.at(i)!);
    this.queues.clear();
    this.buffered = 0;
    for (;;) {
      while (this.bi < this.batch.length) {
        const ev = this.batch[this.bi++]!;
        this.read++;
        this.lastSeq = ev.seq;
        this.lastLine = this.src.lineOf(ev) || this.lastLine;
        if (ev.type === 'syscall' && ev.status !== 'resumed' && !this.skip.has(ev.name)) see(ev);
      }
      this.batch = [];
      this.bi = 0;
      if (!(await this.fill())) break;
    }
    return { count, first };
  }

  /** Events held for lagging threads. */
  get held(): number {
    return this.buffered;
  }

  private check(): void {
    if (this.buffered > this.maxBuffered)
      throw new LookaheadError(
        `${this.src.name}:${this.lastLine}: replay would have to hold more than ${this.maxBuffered} recorded events ` +
          `for threads that lag behind their recording; the thread schedules have drifted too far apart`,
      );
  }
}

/** The child a recorded wait reaped (wait4's result, waitid's si_pid), or 0. */
export function reapedPid(ev: SyscallEvent): number {
  if (ev.ret === null) return 0;
  const ret = BigInt(ev.ret);
  if (ev.name === 'wait4') return ret > 0n ? Number(ret) : 0;
  if (ev.name !== 'waitid' || ret !== 0n) return 0;
  const info = ev.mem?.find((m) => m.arg === 2 && m.at === 'exit');
  const b = info && !info.fault ? captureBytes(info) : undefined;
  return b && b.length >= 20 ? b.readInt32LE(16) : 0;  // si_pid
}

/** The handler an rt_sigaction installs (its new action's first field; not SIG_DFL or SIG_IGN), from its entry capture. */
function handlerOf(ev: SyscallEvent): bigint | undefined {
  const c = ev.mem?.find((m) => m.arg === 1 && m.at === 'entry');
  const b = c && !c.fault ? captureBytes(c) : undefined;
  if (!b || b.length < 8) return undefined;
  const h = b.readBigUInt64LE(0);
  return h > 1n ? h : undefined;
}
