/**
 * The replay engine's decisions, independent of the ptrace engine that carries them out:
 * onEntry/onExit take a live call and say what the kernel and the program should see.
 *
 * Threads: each replayed tid is matched to a recorded tid. The launched command is the first
 * recorded thread; a child is matched when its parent's clone/fork returns (the parent's n-th
 * recorded child, in creation order), or, when the child makes a syscall before that exit
 * was seen, to the first unclaimed recorded child of the same kind in the same process.
 *
 * Each replayed thread walks its own recorded calls in order; threads are not ordered against
 * each other (see the README for what that absorbs).
 */
import { accessSync, appendFileSync, constants, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { captureBytes, errnoMessage, errnoName, int64, parseArgSpec, siginfoOfEvent, signatureOf, SIGNATURES, syscallNumber, type Capture, type Event, type SignalEvent, type SpawnEvent, type SyscallEvent, type TscEvent } from '@rift/events';
import { compareCall, entryCaptures, formatLive, formatRecorded, KEY_TYPES, WRITE_DATA, writeDiffers, writtenBytes, type LiveCall, type Mismatch } from './compare.js';
import { LookaheadError, reapedPid, TraceCursor, type SignalPoint } from './cursor.js';
import { FD_CREATORS, PIPE_CREATORS, PIPE_READS, Policy, RECORDED_RESULT, SPAWNERS } from './policy.js';
import { argWrites, complete, outputWrites, ScatterError, type Write } from './scatter.js';

export type OnDesync = 'stop' | 'warn' | 'live';

/** The interception API's verdicts (rift-core-native lib/intercept.ts). */
/** Signals a verdict delivers, in order, and the recorded siginfo they carry (see withStacked). */
export type Delivery = { deliver?: number[]; siginfo?: Uint8Array[] };
export type RunVerdict = { action: 'run'; args?: (bigint | undefined)[]; writes?: Write[]; exit?: boolean; then?: Expectation[]; more?: ThenMore; nr?: number } & Delivery;
/** A call answered ahead by the engine (rift-core-native's Expectation). */
export interface Expectation {
  nr: number;
  args?: { index: number; value: bigint; bits?: 32 | 64 }[];
  strings?: { index: number; bytes: Buffer }[];
  memory?: { index: number; bytes: Buffer }[];
  verdict: { action: 'run' } | { action: 'return'; value: bigint; writes?: { arg: number; data: Buffer }[] };
}
/** the calls after a verdict's `then`, planned while the engine answers those (none: done) */
export type ThenMore = () => Expectation[] | undefined | Promise<Expectation[] | undefined>;
export type EntryVerdict =
  | undefined
  | RunVerdict
  | ({ action: 'return'; value: bigint | number; writes?: Write[]; then?: Expectation[]; more?: ThenMore; restartable?: boolean; deliverAt?: bigint } & Delivery)
  | ({ action: 'restart'; sleepUs?: number } & Delivery)
  | { action: 'wait'; maxUs: number }
  | { action: 'error'; errno: string | number }
  | { action: 'kill' };
/** `again`: the thread makes the call again (see exitFor: a pipe's end), the result is not its */
export type ExitVerdict = ({ value?: bigint | number; writes?: Write[]; again?: boolean; deliverAt?: bigint } & Delivery) | undefined;
/** The counter an rdtsc/rdtscp gets: the recorded one; undefined, the real one. */
export type TscVerdict = { value: bigint; aux?: number } | undefined;

export interface Desync {
  /** recorded event (undefined: the program went on after its recording ended) */
  event?: SyscallEvent;
  line?: number;
  tid: number;
  recordedTid?: number;
  mismatch?: Mismatch;
  recorded: string;
  actual: string;
  reason: string;
  recent: SyscallEvent[];
}

export interface ReplayerOptions {
  policy: Policy;
  onDesync: OnDesync;
  /** syscall numbers present in the trace (only those are matched) */
  inTrace: ReadonlySet<number>;
  /** called for each desync (report it) */
  report: (d: Desync) => void;
  /** called once when replay stops injecting (live) with the reason */
  onLive?: (why: string) => void;
  /** informational messages (fd numbering differences...) */
  warn?: (msg: string) => void;
  /**
   * How many of a thread's next recorded calls to hand to the engine with each verdict, to be
   * answered without asking this thread (0: none, every call is a round trip).
   */
  lookahead?: number;
  /** voids what was handed to the engine (the plans no longer hold) */
  dropExpectations?: () => void;
  /**
   * Writes bytes to descriptor `fd` of replayed process `pid` as that process would (at
   * `offset`, or at the position it shares when offset < 0): the count written, or -errno.
   * What a call that moved data inside the kernel wrote, from the recording (rift-core-native's
   * writeFd). Without it such calls run for real.
   */
  writeFd?: (pid: number, fd: number, data: Buffer, offset: bigint) => number;
  /** replay writes a stream of its own: keep the bytes such calls wrote for it (fillMoved) */
  keepMoved?: boolean;
  /**
   * Signals replayed where they were recorded (the engine holds their live instances back:
   * InterceptOptions.holdSignals). Empty: signals are not replayed.
   */
  signals?: ReadonlySet<number>;
  /** a thread's signal state (default: /proc/TID/status) */
  signalState?: (tid: number, pid: number) => SignalState | undefined;
  /** longest wait, ms, for a signal another replayed process sends (a child's SIGCHLD) before it is delivered anyway */
  signalWaitMs?: number;
  /**
   * Asks the kernel to give the next process or thread this id (the one recorded), when it
   * can (recordedPids); false when it cannot.
   */
  nextPid?: (pid: number) => boolean;
  /**
   * Threads of a process take turns in the recorded order of their calls (default true): a
   * thread whose next call began later, when recorded, than another thread's next call waits
   * at it (made again after a short sleep) until that one is made.
   */
  order?: boolean;
  /** longest wait for a turn, ms (then the thread goes on, and a thread that really departs is a desync as usual) */
  turnWaitMs?: number;
  /** each image's heap begins where it began when recorded (placeHeap); brk must be intercepted */
  placeHeap?: boolean;
}

/** Pending signals (the thread's and its process's), as a mask (bit n-1 for signal n). */
export interface SignalState {
  pending: bigint;
}

/** A recorded call handed to the engine ahead; its bookkeeping is done when it is used. */
interface Planned {
  rt: number;
  ev: SyscallEvent;
  /** the replayed process that makes it */
  pid: number;
  injected: boolean;
}

interface Pending {
  ev?: SyscallEvent;
  /** run: for real; inject: skipped, answered at entry; pipe: run for real, answered at exit */
  kind: 'inject' | 'run' | 'pipe' | 'wait';
  spawner: boolean;
  /** a signal recorded right after this call: delivered at its exit (onExit) */
  signalAfter?: boolean;
  /** wait: the replayed child it reaps */
  child?: number;
  /** run: the result the program gets at exit (the recorded one) */
  value?: bigint;
  /** run: memory put back at exit (a timespec replay changed) */
  restore?: Write;
  /** a brk(0) run as the prctl that moves the heap (placeHeap): what it returns as it goes */
  heap?: { moved: bigint; stayed: bigint };
  /** an open of a file that describes the process itself (read live: liveFds) */
  selfFile?: boolean;
  /** run: memory written at exit (the recorded outputs) */
  exitWrites?: Write[];
  /** a read run for the recorded count: the descriptor whose position lags by what it fell short */
  lagFd?: bigint;
  /** a call that runs (its recorded event): its exit waits for another thread's call that began before it ended (exitTurn) */
  holdExit?: SyscallEvent;
}

const RESTART_ERRNOS = new Set(['ERESTARTSYS', 'ERESTARTNOINTR', 'ERESTARTNOHAND', 'ERESTART_RESTARTBLOCK']);
const RESYNC_WINDOW = 32;
/** writes whose bytes differ from the recording that get a warning of their own (checkWrite) */
const MAX_WRITE_WARNINGS = 3;
/** Events read on before a call that does not match is a desync. */
const RETRY_READ = 2000;
/** Recorded calls of a thread read ahead before a signal recorded at its head is delivered. */
const SIGNAL_LOOKAROUND = 12;

/** Syscalls with a path argument: a recorded failure is returned without running them. */
const PATH_CALLS = new Set(
  Object.entries(SIGNATURES)
    .filter(([, s]) => s.args.some((a) => a === 'path'))
    .map(([n]) => n),
);
/**
 * Calls that move data inside the kernel, from the descriptor at `from` to the one at `to`,
 * with optional loff_t pointers (`offs`; `fromOff` the source's, `toOff` the destination's):
 * the kernel adds the count moved to each non-NULL one, and moves a descriptor's position only
 * when it has none.
 *
 * rift-record keeps the bytes such a call took from a regular file (an exit capture of the
 * `from` argument, SIGNATURES' `moves`). Those calls are answered from the recording as reads
 * are, whether the file is there or not: the call is skipped, the recorded bytes are written
 * to the destination for real (at *off_out, or at its position, which advances), the
 * program sees the recorded count and its offsets advanced. The bytes taken from a pipe or a
 * socket (and tee's, whose source is a pipe) are not recorded: those calls run for real, and
 * from a descriptor whose file is gone (a ghost) they cannot be redone; answering them from
 * the recording writes nothing. Replay says so (once per source descriptor).
 */
const TRANSFERS: Readonly<Record<string, { from: number; to: number; offs: number[]; fromOff?: number; toOff?: number }>> = {
  copy_file_range: { from: 0, to: 2, offs: [1, 3], fromOff: 1, toOff: 3 },
  sendfile: { from: 1, to: 0, offs: [2], fromOff: 2 },
  splice: { from: 0, to: 2, offs: [1, 3], fromOff: 1, toOff: 3 },
  tee: { from: 0, to: 1, offs: [] },
};

/** Whether a recorded transfer moved bytes (a positive count). */
function moved(ev: SyscallEvent): boolean {
  return ev.ret !== null && int64(ev.ret) > 0n;
}

/**
 * The bytes a recorded transfer moved, when the recording holds them whole (taken from a
 * regular file; not cut by --no-data, not shortened by a file that shrank before they were
 * read back).
 */
function movedBytes(ev: SyscallEvent): Buffer | undefined {
  const tr = TRANSFERS[ev.name];
  if (!tr || !moved(ev)) return undefined;
  const c = ev.mem?.find((m) => m.arg === tr.from && m.at === 'exit' && m.index === undefined);
  if (!c || c.fault || !complete(c)) return undefined;
  const b = captureBytes(c);
  return BigInt(b.length) === int64(ev.ret!) ? b : undefined;
}
/** Syscalls that create a descriptor from another one (a ghost stays a ghost). */
const DUPS = new Set(['dup', 'dup2', 'dup3']);

export class Replayer {
  /** replayed tid -> recorded tid */
  readonly tids = new Map<number, number>();
  /** replayed pid -> recorded pid */
  readonly pids = new Map<number, number>();
  private readonly claimed = new Set<number>();
  private readonly pending = new Map<number, Pending>();
  /** descriptors the program believes open but replay could not open (per replayed pid) */
  private readonly ghosts = new Map<number, Set<number>>();
  private rootSeen = false;
  live = false;
  liveReason: string | undefined;
  killed = false;
  readonly desyncs: Desync[] = [];
  stats = { matched: 0, injected: 0, ran: 0, free: 0, unmatched: 0, ahead: 0, signals: 0, held: 0, turnsGivenUp: 0, swaps: 0, tempNames: 0, tsc: 0, drained: 0, writesDiffer: 0 };
  /** per replayed tid: the calls handed to the engine, in order, not yet reported used */
  private readonly planned = new Map<number, Planned[]>();
  /** signals replayed where they were recorded */
  private readonly held: ReadonlySet<number>;
  /** per replayed tid: when it started waiting for a signal to arrive (ms) */
  private readonly sigWait = new Map<number, number>();

  constructor(
    readonly cursor: TraceCursor,
    readonly opts: ReplayerOptions,
  ) {
    this.held = opts.signals ?? new Set();
  }

  // ---- threads ---------------------------------------------------------------------------

  private mapTid(tid: number, rtid: number, rpid: number, pid: number): void {
    if (DEBUG) debug(`map ${tid} (pid ${pid}) -> recorded ${rtid} (pid ${rpid})`);
    this.tids.set(tid, rtid);
    this.claimed.add(rtid);
    if (!this.pids.has(pid) || tid === pid) this.pids.set(pid, rpid);
    if (tid === pid) {
      this.livePid.set(rpid, pid);
      this.groupExiting.delete(pid);  // (a new process given the pid of one that ended)
    }
    this.born.set(tid, startTime(pid, tid));
    this.mappedAt.set(tid, ++this.mapSeq);
    let peers = this.threadsOf.get(pid);
    if (!peers) this.threadsOf.set(pid, (peers = new Set()));
    peers.add(tid);
  }
  /** replayed pid -> its mapped threads (those not known to have ended) */
  private readonly threadsOf = new Map<number, Set<number>>();
  /**
   * when each mapped thread started (/proc's starttime): a tid the kernel gives out again (the
   * process it named is gone; replay asks for recorded ids, so it happens) is a new thread
   */
  private readonly born = new Map<number, string | undefined>();
  /** when (mapSeq) each tid was last mapped, and when each thread last entered a clone/fork/vfork */
  private readonly mappedAt = new Map<number, number>();
  private readonly spawnedAt = new Map<number, number>();
  private mapSeq = 0;
  /** recorded process id -> the replayed process that stands for it */
  private readonly livePid = new Map<number, number>();
  /**
   * replayed processes whose exit_group was matched: their other threads are being killed, and
   * one may still make a call on its way (its recording ended where the kill came)
   */
  private readonly groupExiting = new Set<number>();
  /** recorded pid -> when its exit_group, matched in replay, was entered (ns) */
  private readonly groupExitAt = new Map<number, number>();

  /**
   * Whether a recorded call the program did not make in replay should have been made: not one
   * another thread made after its process's exit_group had been entered (glibc's last calls of
   * a thread that ends as the kill comes), which the kill may end sooner in replay (such a
   * thread is held once the exit_group is matched: see entryFor).
   */
  expectedMade(ev: SyscallEvent): boolean {
    const at = this.groupExitAt.get(ev.pid);
    return at === undefined || ev.tid === ev.pid || ev.ts < at;
  }
  /** recorded threads whose exit or exit_group was matched */
  private readonly gone = new Set<number>();

  /**
   * A thread (exit) or every thread of its process (exit_group) makes its last call: its tid
   * is free from now on, and may come back as another thread (replay asks the kernel for the
   * recorded ids, so it does).
   */
  private exiting(tid: number, pid: number, group: boolean): void {
    // (born stays: a parent's fork that returns after its child ended must not map the dead
    // child's tid anew, to the next recorded child)
    const rt = this.tids.get(tid);
    if (rt !== undefined) this.gone.add(rt);
    this.tids.delete(tid);
    this.threadsOf.get(pid)?.delete(tid);
    this.waiting.delete(tid);
    this.heldExits.delete(tid);
    this.waiters.delete(tid);
    this.notYet.delete(tid);
    if (!group) return;
    this.groupExiting.add(pid);
    for (const t of listTasks(pid)) if (t !== tid && this.tids.has(t)) {
      this.gone.add(this.tids.get(t)!);
      this.tids.delete(t);
      this.heldExits.delete(t);
    }
    this.threadsOf.delete(pid);
  }

  /** Whether the thread now behind `tid` is not the one mapped under that tid. */
  private reused(tid: number, pid: number): boolean {
    const b = this.born.get(tid);
    if (b === undefined) return false;
    const now = startTime(pid, tid);
    return now !== undefined && now !== b;  // (gone: not another thread yet)
  }

  /** The recorded tid of a replayed thread, or undefined when the recording has no such thread. */
  private recordedTid(call: LiveCall): number | undefined | Promise<number | undefined> {
    const known = this.tids.get(call.tid);
    if (known !== undefined) {
      // a thread whose recording is over: a call from its tid may be a new thread's
      if (!this.gone.has(known) || !this.reused(call.tid, call.pid)) return known;
      this.tids.delete(call.tid);
      this.born.delete(call.tid);
    }
    if (!this.rootSeen) {
      this.rootSeen = true;
      const root = this.cursor.rootTid;
      if (root === undefined) return undefined;
      this.mapTid(call.tid, root, root, call.pid);
      return root;
    }
    return this.claimChild(call);
  }

  /** A thread seen before its parent's clone returned: the first unclaimed recorded child of its kind. */
  private async claimChild(call: LiveCall): Promise<number | undefined> {
    let pred: (s: SpawnEvent) => boolean;
    if (call.tid !== call.pid) {
      const rpid = this.pids.get(call.pid);
      if (rpid === undefined) return undefined;
      pred = (s) => s.kind === 'thread' && s.childPid === rpid && !this.claimed.has(s.child);
    } else {
      const ppid = parentPid(call.pid);
      const rppid = ppid === undefined ? undefined : this.pids.get(ppid);
      if (rppid === undefined) return undefined;
      pred = (s) => s.kind !== 'thread' && s.pid === rppid && !this.claimed.has(s.child);
    }
    const s = await this.cursor.claimSpawn(pred);
    if (!s) return undefined;
    this.mapTid(call.tid, s.child, s.childPid, call.pid);
    return s.child;
  }

  /** At a clone/fork exit in the parent: its next recorded child is this one. */
  private async onSpawned(call: LiveCall, child: number): Promise<void> {
    const rparent = this.tids.get(call.tid);
    const isThread = this.isThreadClone(call);
    // mapped since the call began (its first call came first: a vfork child's always does):
    // this child, even if it has ended since and its tid names another process already
    const fresh = (this.mappedAt.get(child) ?? -1) > (this.spawnedAt.get(call.tid) ?? Infinity);
    if (!fresh && (!this.born.has(child) || this.reused(child, isThread ? call.pid : child)) && rparent !== undefined) {
      const s = await this.cursor.claimSpawn((x) => x.tid === rparent && !this.claimed.has(x.child));
      if (s) this.mapTid(child, s.child, s.childPid, isThread ? call.pid : child);
    }
    if (!isThread) {
      // a forked child has a copy of the descriptor table, ghosts included
      const g = this.ghosts.get(call.pid);
      if (g?.size) this.ghosts.set(child, new Set(g));
    }
  }

  private isThreadClone(call: LiveCall): boolean {
    const CLONE_THREAD = 0x10000n;
    if (call.name === 'clone') return ((call.args[0] ?? 0n) & CLONE_THREAD) !== 0n;
    if (call.name === 'clone3') {
      const b = call.readBytes(call.args[0] ?? 0n, 8);
      return !!b && b.length === 8 && (b.readBigUInt64LE(0) & CLONE_THREAD) !== 0n;
    }
    return false;
  }

  // ---- ghost descriptors -----------------------------------------------------------------

  private ghostSet(pid: number): Set<number> {
    let g = this.ghosts.get(pid);
    if (!g) this.ghosts.set(pid, (g = new Set()));
    return g;
  }

  private touchesGhost(call: LiveCall): boolean {
    const g = this.ghosts.get(call.pid);
    if (!g?.size && !this.starved.size) return false;
    const sig = signatureOf(call.name);
    if (!sig) return false;
    return sig.args.some((a, i) => {
      const t = parseArgSpec(a).type;
      if (t !== 'fd' && t !== 'dirfd') return false;
      const fd = fdOf(call.args[i]);
      if (g?.has(fd)) return true;
      if (!this.starved.size) return false;
      const ino = pipeInode(call.pid, fd);
      return ino !== undefined && this.starved.has(ino);
    });
  }

  // ---- descriptors read live ----------------------------------------------------------------

  /**
   * Per replayed pid, descriptors of files that describe the process itself (its memory map:
   * /proc/self/maps and kin), opened as recorded but read live. Their recorded content is the
   * recorded process's layout, which ASLR made another: a program looking in it for its own
   * stack or code (glibc's pthread_getattr_np reads maps for the main thread's stack; V8 and
   * node do) would not find it and read on, or take wrong bounds. Calls on such a descriptor run
   * unmatched, the recorded ones are passed over, its close is matched as usual.
   */
  private readonly liveFds = new Map<number, Set<number>>();

  /** Whether an open names a file describing the process's own memory map. */
  private selfFile(call: LiveCall): boolean {
    const pathArg = call.name === 'openat' || call.name === 'openat2' ? 1 : 0;
    const path = call.readString(call.args[pathArg] ?? 0n, 256);
    const m = path ? /^\/proc\/(self|thread-self|\d+)(?:\/task\/\d+)?\/(maps|smaps|smaps_rollup|numa_maps)$/.exec(path) : null;
    if (!m) return false;
    if (m[1] === 'self' || m[1] === 'thread-self') return true;
    const n = Number(m[1]);
    return n === call.pid || n === call.tid || n === this.pids.get(call.pid);
  }

  private fdArgs(name: string, args: bigint[]): number[] {
    const sig = signatureOf(name);
    if (!sig) return [];
    const out: number[] = [];
    sig.args.forEach((a, i) => {
      const t = parseArgSpec(a).type;
      if (t === 'fd') out.push(fdOf(args[i]));
    });
    return out;
  }

  private onLiveFd(call: LiveCall, rt: number, ev: SyscallEvent | undefined, spawner: boolean): EntryVerdict | Promise<EntryVerdict> | null {
    const fds = this.liveFds.get(call.pid);
    if (!fds?.size) return null;
    if (call.name !== 'close' && this.fdArgs(call.name, call.args).some((fd) => fds.has(fd))) {
      this.stats.free++;
      return this.runs(call, undefined, undefined);
    }
    if (ev && ev.name !== 'close' && this.fdArgs(ev.name, ev.args.map((a) => BigInt.asUintN(64, int64(a)))).some((fd) => fds.has(fd))) {
      this.cursor.take(rt);  // passed over: read live instead
      const next = this.cursor.peek(rt);
      if (next instanceof Promise) return next.then((h) => this.matchHead(call, rt, h, spawner), (e) => this.fail(e));
      return this.matchHead(call, rt, next, spawner);
    }
    if (call.name === 'close' && fds.delete(fdOf(call.args[0]))) {
      if (!fds.size) this.liveFds.delete(call.pid);
    }
    return null;
  }

  /**
   * Pipes that a transfer from a ghost should have filled (see lostTransfer): calls on them
   * are answered from the recording too, as on a ghost, or their readers would wait for good.
   */
  private readonly starved = new Set<string>();

  // ---- entry -----------------------------------------------------------------------------

  onEntry(call: LiveCall): EntryVerdict | Promise<EntryVerdict> {
    this.waiters.delete(call.tid);  // (a thread that waited is asked again)
    if (!this.waiters.size) return this.onEntry2(call);
    const v = this.onEntry2(call);
    if (v instanceof Promise) return v.then((x) => (this.wakeDue(), x));
    this.wakeDue();
    return v;
  }

  private onEntry2(call: LiveCall): EntryVerdict | Promise<EntryVerdict> {
    if (DEBUG) {
      const v = this.onEntry1(call);
      const show = (x: EntryVerdict) => debug(`entry ${call.tid} ${call.name} -> ${x ? x.action : 'run'}${x && 'deliver' in x && x.deliver ? ` deliver ${x.deliver}` : ''}${x && 'then' in x && x.then ? ` then ${x.then.length}` : ''} [head ${this.lastHead}]`);
      if (v instanceof Promise) return v.then((x) => (show(x), x));
      show(v);
      return v;
    }
    return this.onEntry1(call);
  }
  private lastHead = '';

  private onEntry1(call: LiveCall): EntryVerdict | Promise<EntryVerdict> {
    if (this.inLoose.size) this.inLoose.delete(call.tid);
    if (call.name === 'rt_sigreturn') this.sigreturnRun.set(call.tid, (this.sigreturnRun.get(call.tid) ?? 0) + 1);
    else if (this.sigreturnRun.size) this.sigreturnRun.delete(call.tid);
    if (call.name === 'clone' || call.name === 'clone3' || call.name === 'fork' || call.name === 'vfork') this.spawnedAt.set(call.tid, this.mapSeq);
    // the engine asks only when the thread's queue is used up or the call differs from it;
    // either way what is left of it is void
    if (this.planned.size) this.planned.delete(call.tid);
    if (this.killed) return { action: 'kill' };
    if (this.heldExits.size) {
      // (a call of a signal handler's in between is not it: the entry stays until it comes)
      const h = this.heldExits.get(call.tid);
      if (h && h.nr === call.nr) return this.heldAgain(call, h);
    }
    if (this.notYet.size) {
      // the event source's read made again (exitFor): a nap first, 50 us growing to 1 ms
      const w = this.notYet.get(call.tid);
      if (w && !w.slept && !this.live) {
        w.slept = true;
        return this.waitTurn(call, Math.min(1000, 50 << Math.min(w.n++, 5)), false);
      }
      if (w) w.slept = false;
    }
    const spawner = SPAWNERS.includes(call.name);
    if (this.live) {
      if (spawner) this.pending.set(call.tid, { kind: 'run', spawner });
      return undefined;
    }
    const action = this.opts.policy.action(call.name);
    if (action === 'free' || !this.opts.inTrace.has(call.nr)) {
      this.stats.free++;
      this.inLoose.add(call.tid);
      const p = spawner ? { kind: 'run' as const, spawner } : call.name === 'rt_sigreturn' ? this.afterHandler(call) : undefined;
      const free = (): EntryVerdict | Promise<EntryVerdict> =>
        call.name === 'brk' ? this.placeHeap(call) : this.runs(call, p, call.name === 'lseek' ? this.seekFix(call) : undefined);
      // the thread may still need a recorded tid (a new thread's first call)
      if (!this.tids.has(call.tid)) {
        const r = this.recordedTid(call);
        if (r instanceof Promise) return r.then(free, (e) => this.fail(e));
      }
      return free();
    }
    let rt: number | undefined | Promise<number | undefined>;
    try {
      rt = this.recordedTid(call);
    } catch (e) {
      return this.fail(e);
    }
    if (rt instanceof Promise) return rt.then((r) => this.entryFor(call, r, spawner), (e) => this.fail(e));
    return this.entryFor(call, rt, spawner);
  }

  private entryFor(call: LiveCall, rt: number | undefined, spawner: boolean): EntryVerdict | Promise<EntryVerdict> {
    if (this.live) return undefined;
    if (rt === undefined) {
      // a thread of a process whose exit_group was matched, a call further on its way than when
      // recorded (glibc blocking signals as a thread ends, say): held until the exit_group's
      // kill ends it, which it never made when recorded
      if (this.groupExiting.has(call.pid) && call.tid !== call.pid) return { action: 'wait', maxUs: 100_000 };
      this.stats.unmatched++;
      return this.desync(call, undefined, undefined, `thread ${call.tid} (pid ${call.pid}) has no counterpart in the recording`, spawner);
    }
    let head: SyscallEvent | undefined | Promise<SyscallEvent | undefined>;
    try {
      head = this.cursor.peek(rt);
    } catch (e) {
      return this.fail(e);
    }
    if (head instanceof Promise) return head.then((h) => this.matchHead(call, rt, h, spawner), (e) => this.fail(e));
    if (head && this.held.size && this.cursor.signalsBefore(head) && !this.lookedAround.has(head)) {
      // A call the syscall buffer recorded in the program that a signal interrupted on its way
      // back (the syscall done, its record not yet written) is written after the handler
      // returns, and drained at the thread's next stop: read that far, so that the cursor puts
      // it back before the signal (by its entry time) before the signal is delivered.
      this.lookedAround.add(head);
      return this.lookAround(rt, SIGNAL_LOOKAROUND).then(() => this.entryFor(call, rt, spawner), (e) => this.fail(e));
    }
    return this.matchHead(call, rt, head, spawner);
  }
  private readonly lookedAround = new WeakSet<SyscallEvent>();
  /** interrupted calls whose thread's next call was read on to (interrupted) */
  private readonly readOnFor = new WeakSet<SyscallEvent>();
  /**
   * Reads n events of the thread ahead, and on to the late records its signals wait for (a
   * call the syscall buffer recorded whose wrapper a signal interrupted: its record, written
   * after the handler returned, says which side of the signal the call goes).
   */
  private async lookAround(rt: number, n: number): Promise<void> {
    await this.cursor.ensure(rt, n);
    if (this.cursor.awaitsLate(rt)) await this.cursor.ensureLate(rt);
  }
  private readonly retried = new WeakSet<SyscallEvent>();
  /**
   * Files made under their recorded temporary names (tempName). A program stopped at a desync
   * leaves them behind, and a file of that name then keeps the next replay from taking it:
   * removeTempFiles() removes those still there.
   */
  readonly tempMade: string[] = [];

  /** After a replay that stopped the program: its temporary files under recorded names go. */
  removeTempFiles(): void {
    for (const f of this.tempMade) {
      try {
        const st = statSync(f);
        if (st.isDirectory()) rmdirSync(f);
        else unlinkSync(f);
      } catch {
        /* gone already (the program removed it), or not empty */
      }
    }
  }

  private matchHead(call: LiveCall, rt: number, ev: SyscallEvent | undefined, spawner: boolean): EntryVerdict | Promise<EntryVerdict> {
    if (this.live) return undefined;
    if (DEBUG) this.lastHead = ev ? `${ev.seq} ${ev.name}${this.cursor.signalsBefore(ev) ? ' +sig' : ''}` : 'none';
    if (this.held.size) {
      // signals recorded before this call (after the thread's previous one), or after its last
      const due = ev ? this.cursor.signalsBefore(ev) : this.cursor.signalsAfter(rt);
      if (due) {
        const v = this.deliverDue(call, due);
        if (v) return v;
      }
      if (ev?.errno && RESTART_ERRNOS.has(ev.errno) && !compareCall(ev, call)) return this.interrupted(call, rt, ev, spawner);
    }
    if (!ev) {
      if (this.cursor.ended && this.cursor.truncated) {
        this.goLive(`the trace ends at event ${this.cursor.lastSeq} (${this.cursor.src.name}:${this.cursor.lastLine}) without an end event (a recording cut short): replay went live from event ${this.cursor.lastSeq}`);
        if (spawner) this.pending.set(call.tid, { kind: 'run', spawner });
        return undefined;
      }
      return this.desync(call, rt, undefined, `the program made a syscall after the end of thread ${rt}'s recording`, spawner);
    }
    if (ev === this.cursor.rootExec && call.name !== 'execve' && call.name !== 'execveat') {
      // the engine did not show the launching execve: it happened, skip it
      this.cursor.take(rt);
      const next = this.cursor.peek(rt);
      if (next instanceof Promise) return next.then((h) => this.matchHead(call, rt, h, spawner), (e) => this.fail(e));
      return this.matchHead(call, rt, next, spawner);
    }
    if (this.held.size && !this.lookedAround.has(ev)) {
      // Signals recorded after this call come with its verdict: the next event must be read,
      // and when a signal follows, a few more (a late record of the syscall buffer: see
      // entryFor). What was read may put an event before this one: peek again.
      let n = this.cursor.readAhead(rt, 2);
      const nx = this.cursor.pending(rt, 1);
      const want = nx && this.cursor.signalsBefore(nx) ? SIGNAL_LOOKAROUND : 2;
      if (want > n) n = this.cursor.readAhead(rt, want);
      if ((n < want && !this.cursor.finished(rt)) || this.cursor.awaitsLate(rt)) {
        this.lookedAround.add(ev);
        return this.lookAround(rt, want).then(() => this.entryFor(call, rt, spawner), (e) => this.fail(e));
      }
      if (this.cursor.pending(rt, 0) !== ev) return this.entryFor(call, rt, spawner);
    }
    if (this.liveFds.size) {
      const lf = this.onLiveFd(call, rt, ev, spawner);
      if (lf !== null) return lf;
    }
    let m = compareCall(ev, call);
    let tempWrite: Write | undefined;
    if (m && m.type === 'path' && typeof m.what === 'number') {
      tempWrite = tempName(call, ev, m.what);
      if (tempWrite) m = undefined;
    }
    // (before the turn: a call matched loosely is not ordered)
    if (m && (this.isLoose(call.name, call.args) || this.isLoose(ev.name, ev.args.map((a) => BigInt.asUintN(64, int64(a)))))) return this.loose(call, rt, ev, spawner);
    if (m && !this.retried.has(ev)) {
      // Before a desync: read on a little. An event of this thread may still be on its way (a
      // vfork child's calls recorded in its parent's buffer move to it when the parent's vfork
      // is read; a late record of the syscall buffer goes back in place by its time).
      this.retried.add(ev);
      return this.cursor.readMore(RETRY_READ).then(() => this.entryFor(call, rt, spawner), (e) => this.fail(e));
    }
    if (m && this.order) {
      const u = this.swapWith(call, rt);
      if (u !== undefined) {
        const h = this.cursor.peek(u);
        if (h instanceof Promise) return h.then((x) => this.matchHead(call, u, x, spawner), (e) => this.fail(e));
        return this.matchHead(call, u, h, spawner);
      }
    }
    if (this.order) {
      const t = this.turn(call, rt, ev, spawner);
      if (t !== null) return t;
    }
    if (m) return this.desync(call, rt, ev, undefined, spawner, m);
    if (this.held.size) {
      const w = this.senderFirst(call, rt, ev);
      if (w) return w;
    }
    this.cursor.take(rt);
    if (ev.name === 'exit_group') this.groupExitAt.set(ev.pid, ev.ts);
    if (ev.name === 'exit_group' || ev.name === 'exit') this.exiting(call.tid, call.pid, ev.name === 'exit_group');
    if (WRITE_DATA[ev.name] !== undefined && !this.live && !this.opts.policy.contentRuns) this.checkWrite(call, ev);
    if (tempWrite) {
      this.stats.tempNames++;
      const path = resolveAt(call, tempWrite.data.toString('latin1'), call.name === 'openat' || call.name === 'mkdirat' ? fdOf(call.args[0]) : -100);
      if (path) this.tempMade.push(path);
      return withWrite(this.decide(call, ev, spawner), tempWrite);
    }
    return this.decide(call, ev, spawner);
  }

  /**
   * An anonymous mapping at no given address (malloc's large blocks, its arenas, Python's object
   * arenas) where the recording has another call, or the other way round: when the program
   * asks for memory depends on where earlier blocks landed (ASLR) and on where a signal handler
   * ran between two calls when recorded. The live one runs unmatched; recorded ones the program
   * does not make now are passed over.
   */
  private loose(call: LiveCall, rt: number, ev: SyscallEvent, spawner: boolean): EntryVerdict | Promise<EntryVerdict> {
    if (call.name === 'clock_gettime') {
      const skip = this.clockAhead(call, rt);
      if (skip) {
        for (let i = 0; i < skip; i++) this.cursor.take(rt);
        return this.matchHead(call, rt, this.cursor.pending(rt, 0), spawner);
      }
    }
    if (this.isLoose(call.name, call.args)) {
      this.stats.free++;
      this.inLoose.add(call.tid);
      if (call.name === 'futex') return this.looseFutex(call);
      if (call.name === 'clock_gettime') return this.looseClock(call);
      return this.runs(call, undefined, undefined);
    }
    this.cursor.take(rt);
    const next = this.cursor.peek(rt);
    if (next instanceof Promise) return next.then((h) => this.matchHead(call, rt, h, spawner), (e) => this.fail(e));
    return this.matchHead(call, rt, next, spawner);
  }

  /**
   * Calls matched loosely: anonymous mappings (above), and when threads take turns the calls a
   * thread makes as often as it loops waiting for another one, which the turns cannot fix when
   * the threads met in user space first (a lock taken without a call, a condition variable's
   * word changed a moment earlier or later): futex, and the clock reads around a timed wait.
   */
  private isLoose(name: string, args: bigint[]): boolean {
    if (name === 'futex' || name === 'clock_gettime') return this.order && this.opts.policy.action('futex') === 'passthru';
    // a malloc heap made read-write (a thread's new arena, a heap that grows): whether a thread
    // makes a new arena or takes one a thread that ended gave back is which one got there first
    if (name === 'mprotect') return (args[2] ?? 0n) === 3n;
    // glibc's temporary names (mkstemp) draw from the stack's address and the clock, and ask
    // getrandom only when those fell in a range it rejects (or after a name was taken): where
    // the recording has none, the program's call runs (its bytes only make a name, which
    // tempName gives back the recorded one)
    if (name === 'getrandom') return true;
    return isLooseMmap(name, args);
  }

  /**
   * The heap where the recording had it. ASLR starts a process's heap at a random place after
   * its data, and a program may decide by where it is: V8 asks for its code range just past
   * the heap, at an address it works out from /proc/self/maps (read live in replay, see
   * liveFds), and goes another way when the kernel does not give it that address. Replayed
   * with the heap elsewhere, the address and the kernel's answer differ, and so do the calls
   * that follow. So an image's first brk, when it is brk(0), runs as prctl(PR_SET_MM,
   * PR_SET_MM_MAP) with the heap's start moved to the recorded one (the process's own map: no
   * privilege needed, the kernel checks the values), and returns that start. Left as it is
   * when the recorded place is not free (a mapping within HEAP_ROOM of it), or unknown.
   */
  private placeHeap(call: LiveCall): EntryVerdict | Promise<EntryVerdict> {
    const plain = (): EntryVerdict => this.runs(call, undefined, undefined);
    const rpid = this.pids.get(call.pid);
    if (!this.opts.placeHeap || rpid === undefined) return plain();
    const image = this.cursor.imageOf(rpid);
    if (!image || this.heapImage.get(call.pid) === image) return plain();
    this.heapImage.set(call.pid, image);
    if ((call.args[0] ?? 0n) !== 0n) return plain();
    const base = this.cursor.heapBase(rpid);
    if (base !== undefined) return this.moveHeap(call, base) ?? plain();
    // its record may come a little later in the file than what was read so far: reading on to
    // the thread's next recorded call reads it (brk is not queued: that call is one after it).
    // peek may read that far at once, from the batch in hand: the base is looked for again
    // either way (it once was only after a read that waited, and a heap was left in place)
    const rt = this.tids.get(call.tid);
    const more = rt === undefined ? undefined : this.cursor.peek(rt);
    const placed = (): EntryVerdict => {
      const b = this.cursor.heapBase(rpid);
      if (DEBUG && b === undefined) debug(`heap ${call.pid}: no recorded brk(0) for its image`);
      return (b === undefined ? undefined : this.moveHeap(call, b)) ?? plain();
    };
    return more instanceof Promise ? more.then(placed, (e) => this.fail(e)) : placed();
  }
  /** per replayed pid, the image (its recorded execve) whose first brk placeHeap has seen */
  private readonly heapImage = new Map<number, SyscallEvent>();

  /** The prctl verdict that starts the heap of `call`'s process at `base`, or undefined when it cannot. */
  private moveHeap(call: LiveCall, base: bigint): EntryVerdict | undefined {
    const mm = procMemoryLayout(call.pid);
    const sp = stackPointer(call.tid);
    const obstacle = mm && sp !== undefined && mm.startBrk !== base ? heapObstacle(call.pid, base) : undefined;
    if (!mm || sp === undefined || obstacle !== null) {
      if (DEBUG) debug(`heap ${call.pid}: left at 0x${mm?.startBrk.toString(16)} (recorded 0x${base.toString(16)}; layout ${!!mm}, stack pointer ${sp}, in the way ${obstacle ? `0x${obstacle.lo.toString(16)}-0x${obstacle.hi.toString(16)} ${obstacle.name}` : 'unknown'})`);
      return undefined;
    }
    // struct prctl_mm_map: 11 addresses, auxv pointer, auxv_size, exe_fd (-1: unchanged)
    const map = Buffer.alloc(104);
    const fields = [mm.startCode, mm.endCode, mm.startData, mm.endData, base, base, mm.startStack, mm.argStart, mm.argEnd, mm.envStart, mm.envEnd];
    fields.forEach((v, i) => map.writeBigUInt64LE(v, 8 * i));
    map.writeUInt32LE(0xffffffff, 100);
    // below the stack pointer, past the red zone: memory no code of the thread's uses now
    const at = (sp - 1024n) & ~15n;
    const old = call.readBytes(at, map.length);
    if (!old || old.length < map.length) return undefined;
    if (DEBUG) debug(`heap ${call.pid}: from 0x${mm.startBrk.toString(16)} to 0x${base.toString(16)}, as recorded`);
    this.pending.set(call.tid, { kind: 'run', spawner: false, heap: { moved: base, stayed: mm.startBrk }, restore: { addr: at, data: Buffer.from(old) } });
    const PR_SET_MM = 35n, PR_SET_MM_MAP = 14n;
    return { action: 'run', nr: syscallNumber('prctl')!, args: [PR_SET_MM, PR_SET_MM_MAP, at, BigInt(map.length), 0n, 0n], writes: [{ addr: at, data: map }] };
  }

  /** A futex the recording does not have here: run for real, a deadline in the recording's time moved 1 ms into the live clock's future. */
  private looseFutex(call: LiveCall): EntryVerdict {
    const op = Number((call.args[1] ?? 0n) & 0xffffffffn);
    const FUTEX_WAIT_BITSET = 9, FUTEX_CLOCK_REALTIME = 256;
    const ts = call.args[3] ?? 0n;
    if ((op & 127) !== FUTEX_WAIT_BITSET || ts === 0n) return this.runs(call, undefined, undefined);
    const old = call.readBytes(ts, 16);
    if (!old || old.length < 16) return this.runs(call, undefined, undefined);
    const ns = 1_000_000n + (op & FUTEX_CLOCK_REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint());
    const b = Buffer.alloc(16);
    b.writeBigInt64LE(ns / 1_000_000_000n, 0);
    b.writeBigInt64LE(ns % 1_000_000_000n, 8);
    const p: Pending = { kind: 'run', spawner: false, restore: { addr: ts, data: Buffer.from(old) } };
    this.pending.set(call.tid, p);
    return { action: 'run', writes: [{ addr: ts, data: b }] };
  }

  /**
   * A clock read where the thread's recorded part has a wait first (futex calls, other clocks'
   * reads around a timed wait: python's GIL taken after a wait when recorded, at once now): how
   * many of those loose calls come before its recorded read of the same clock, which answers it
   * (0: none within CLOCK_AHEAD). The program then prints the time it printed (time.time() at a
   * threaded program's end), not another thread's. A CLOCK_REALTIME read is never passed over:
   * it is the time a program shows, and a live read of another clock is rather one the
   * recording does not have (looseClock).
   */
  private clockAhead(call: LiveCall, rt: number): number {
    const clock = call.args[0] ?? 0n;
    this.cursor.readAhead(rt, CLOCK_AHEAD + 1);
    for (let i = 0; i <= CLOCK_AHEAD; i++) {
      const e = this.cursor.pending(rt, i);
      if (!e) return 0;
      const args = e.args.map((a) => BigInt.asUintN(64, int64(a)));
      if (e.name === 'clock_gettime' && args[0] === clock) return i > 0 && !compareCall(e, call) ? i : 0;
      if (!this.isLoose(e.name, args) || (e.name === 'clock_gettime' && args[0] === CLOCK_REALTIME)) return 0;
    }
    return 0;
  }

  /** A clock read the recording does not have here: the last time this process was given on that clock (its clocks never go back). */
  private looseClock(call: LiveCall): EntryVerdict {
    const last = this.lastClock.get(`${call.pid}:${call.args[0] ?? 0n}`);
    const addr = call.args[1] ?? 0n;
    if (!last || addr === 0n) return this.runs(call, undefined, undefined);
    this.pending.set(call.tid, { kind: 'inject', spawner: false });
    return { action: 'return', value: 0, writes: [{ addr, data: last }] };
  }
  /** `pid:clock` -> the last timespec a clock_gettime of that process was answered with */
  private readonly lastClock = new Map<string, Buffer>();

  /**
   * Threads that do the same work (a pool's workers: libuv's, a Python ThreadPoolExecutor's)
   * take jobs in the order they wake up, which the turns cannot fix (the queue is taken in user
   * space). A thread making a call its recording does not have next, that another thread of
   * its process has next (after its futex waits and clock reads), takes that thread's recorded
   * part from here, and that thread takes its own. Returns the recorded tid now mapped to it.
   */
  private swapWith(call: LiveCall, rt: number): number | undefined {
    const peers = this.threadsOf.get(call.pid);
    if (!peers || peers.size < 2) return undefined;
    for (const tid of peers) {
      if (tid === call.tid) continue;
      const ru = this.tids.get(tid);
      if (ru === undefined || this.gone.has(ru)) continue;
      this.cursor.readAhead(ru, 8);
      for (let i = 0; i < 8; i++) {
        const e = this.cursor.pending(ru, i);
        if (!e) break;
        if (this.isLoose(e.name, e.args.map((a) => BigInt.asUintN(64, int64(a))))) continue;
        if (compareCall(e, call)) break;
        // swap the two threads' recorded parts
        this.tids.set(call.tid, ru);
        this.tids.set(tid, rt);
        // (every plan goes, the engine's queues with them: the other thread's queue, planned
        // on its old recorded part, must not be answered on; dropPlans does nothing when no
        // plan is left, so the two threads' are not taken out first)
        this.dropPlans();
        this.stats.swaps++;
        if (DEBUG) debug(`swap ${call.tid} -> recorded ${ru}, ${tid} -> recorded ${rt}`);
        return ru;
      }
    }
    return undefined;
  }

  // ---- turns -------------------------------------------------------------------------------

  private get order(): boolean {
    return this.opts.order !== false;
  }

  /**
   * A thread whose turn it is, asleep in the kernel (not in replay's own nanosleep): since when,
   * at which recorded call; past 20 ms it is stuck, and not waited for until that call is made
   * (an idle pool thread waiting on a condition, a lock taken in user space: it would wait for
   * the very thread that waits for it).
   */
  private readonly sleeping = new Map<number, { head: SyscallEvent; since: number; stuck: boolean }>();
  /** threads whose call in progress was not matched to their recording (loose) */
  private readonly inLoose = new Set<number>();
  private stuck(pid: number, tid: number, now: number): boolean {
    const ru = this.tids.get(tid);
    const head = ru === undefined ? undefined : this.cursor.pending(ru, 0);
    if (!head || !asleep(pid, tid)) {
      this.sleeping.delete(tid);
      return false;
    }
    let s = this.sleeping.get(tid);
    if (!s || s.head !== head) this.sleeping.set(tid, (s = { head, since: now, stuck: false }));
    // A thread asleep in a call matched to its recording usually waits for what comes in its
    // turn, and gets it soon; past STUCK_MATCHED_MS it waits for a wake-up the recording does
    // not order (libuv: the worker a futex wake picked when recorded, another one now), quite
    // possibly from the very thread waiting for it: not waited for any more until its next call
    // is made (else each call of that thread waited turnWaitMs: node's fs replay took 25 s).
    if (now - s.since >= (this.inLoose.has(tid) ? 20 : STUCK_MATCHED_MS)) s.stuck = true;
    return s.stuck;
  }

  /** per replayed tid: since when (ms) and how many times it waited for its turn */
  private readonly waiting = new Map<number, { since: number; n: number }>();

  /**
   * Another thread of the process (its tid, the entry time of its next call) whose next call
   * began, when recorded, before `ev` of this thread ended, and which can make it now: not
   * blocked in a call (a read of a pipe whose bytes another thread got, a futex: it may wait
   * for this very thread), nor reading an event source again (notYet). Undefined when there is none.
   */
  private exitFrontier(call: LiveCall, ev: SyscallEvent): { ts: number; tid: number } | undefined {
    if (!this.order || ev.dur === null || ev.dur === undefined) return undefined;
    const peers = this.threadsOf.get(call.pid);
    if (!peers || peers.size < 2) return undefined;
    const end = ev.ts + ev.dur;
    const now = Date.now();
    for (const tid of peers) {
      if (tid === call.tid) continue;
      const ru = this.tids.get(tid);
      if (ru === undefined || this.gone.has(ru)) continue;
      const h = this.cursor.pending(ru, 0);
      if (!h || h.ts >= end) continue;
      // (a read of an event source made again until it gets its count waits as one asleep in
      // the kernel does: for another thread, maybe this one; a pipe's end waits for another
      // process's writers, not for this thread)
      const again = this.notYet.size ? this.notYet.get(tid) : undefined;
      if ((again && !again.pipe) || blocked(call.pid, tid) || this.stuck(call.pid, tid, now)) continue;
      return { ts: h.ts, tid };
    }
    return undefined;
  }

  /**
   * The turn at a call's exit. What a thread does in user space after a call returns, other
   * threads can see (a condition variable's word stored before its futex wake): when recorded,
   * another thread's call that began before this call ended came before any of it. A thread
   * that would return from a call while such a call of another thread is still to be made does
   * not return yet: the call is made again (`again`: its result is kept here), and there the
   * thread sleeps in its place until that other call is made (or turnWaitMs is over), then gets
   * the kept result without running it twice. (libuv: a worker between its job and its wait on
   * the queue's condition, and the main thread storing the condition's next signal after a
   * futex wake: with the store first, the worker's wait fails with EAGAIN, it takes the signal
   * meant for another worker, and the completion comes an event-loop turn late.)
   */
  private exitTurn(call: LiveCall, ev: SyscallEvent, ret: bigint, answer?: ExitVerdict, signalAfter?: boolean): ExitVerdict {
    if (!this.exitFrontier(call, ev)) return undefined;
    this.heldExits.set(call.tid, { nr: call.nr, ev, ret, since: Date.now(), n: 0, answer, signalAfter });
    this.stats.held++;
    if (DEBUG) debug(`exit ${call.tid} ${call.name} held: event ${ev.seq} ended after another thread's next call began`);
    return { again: true };
  }

  /** The call made again after exitTurn: sleep in its place while the other call is still to be made, then its kept result. */
  private heldAgain(call: LiveCall, h: HeldExit): EntryVerdict {
    const f = !this.live && this.stillHeld(call, h);
    if (f && Date.now() - h.since < (this.opts.turnWaitMs ?? 1000)) {
      h.n++;
      return this.waitTurn(call, Math.min(1000, 20 << Math.min(h.n, 6)));
    }
    if (f) this.stats.turnsGivenUp++;
    if (DEBUG && h.waker) debug(`futex ${call.tid} event ${h.ev.seq}: released${f ? ' (waited too long)' : ''}, ${h.waker.rt} at ${this.cursor.pending(h.waker.rt, 0)?.seq}`);
    this.heldExits.delete(call.tid);
    this.pending.set(call.tid, { ev: h.ev, kind: 'inject', spawner: false });
    if (!h.answer) return { action: 'return', value: h.ret };
    const v = { action: 'return' as const, value: h.answer.value ?? h.ret, writes: h.answer.writes };
    // the signal recorded right after the call goes with its kept answer
    const rt = this.tids.get(call.tid);
    return h.signalAfter && rt !== undefined ? this.returnWithSignal(call, rt, h.ev, v) : v;
  }
  /** per replayed tid: the call held at its exit (exitTurn), made again, with its real result; or a futex wait held until its waker is made */
  private readonly heldExits = new Map<number, HeldExit>();

  /**
   * The recorded wake that ended a private futex wait woken (ret 0), when another thread of the
   * process has still to make it: the latest FUTEX_WAKE, WAKE_BITSET, REQUEUE or WAKE_OP on the
   * wait's word that began before the wait ended and woke someone, among the next calls of
   * the other threads. Undefined when there is none among them (made already) or they are
   * not read as far as the wait's end: the wait then runs for real.
   */
  private wakerOf(call: LiveCall, ev: SyscallEvent): RecordedAt | undefined {
    const peers = this.threadsOf.get(call.pid);
    if (!peers || peers.size < 2 || ev.dur === null || ev.dur === undefined) return undefined;
    const end = ev.ts + ev.dur;
    const word = BigInt.asUintN(64, int64(ev.args[0]!));
    let best: RecordedAt | undefined;
    for (const tid of peers) {
      if (tid === call.tid) continue;
      const rt = this.tids.get(tid);
      if (rt === undefined || this.gone.has(rt)) continue;
      // (as far as the wait's end: a main thread's clock reads between two wakes are many)
      let n = 0;
      for (let want = 64; want <= WAKER_LOOKAHEAD; want *= 2) {
        n = this.cursor.readAhead(rt, want);
        if (n < want || this.cursor.pending(rt, n - 1)!.ts >= end) break;
      }
      // not read that far yet (the trace is read in batches): an earlier wake found would not
      // be the one; unknown, and the wait runs for real
      const last = n > 0 ? this.cursor.pending(rt, n - 1) : undefined;
      if (!(last && last.ts >= end) && !this.cursor.finished(rt)) {
        if (DEBUG) debug(`futex ${call.tid} event ${ev.seq}: thread ${rt} not read as far as its end`);
        return undefined;
      }
      for (let i = 0; i < n; i++) {
        const e = this.cursor.pending(rt, i)!;
        if (e.ts >= end) break;
        if (e.name !== 'futex' || e.ret === null || int64(e.ret) <= 0n) continue;
        const cmd = Number(BigInt.asUintN(64, int64(e.args[1]!)) & 127n);
        const a = (k: number) => BigInt.asUintN(64, int64(e.args[k]!));
        const on = FUTEX_WAKES.has(cmd) ? a(0) === word : cmd === FUTEX_WAKE_OP && (a(0) === word || a(4) === word);
        if (on && (!best || e.ts > best.ev.ts)) best = { rt, ev: e };
      }
    }
    return best;
  }

  /**
   * Whether a call held at its exit (or a futex wait held for its waker) is to wait on: its
   * waker not made yet (unless the thread owing it sleeps in a loose call), or another
   * thread's call that began before it ended still to be made (exitFrontier).
   */
  private stillHeld(call: LiveCall, h: HeldExit): boolean {
    return (!!h.waker && !this.made(h.waker) && !this.wakerLoose(h.waker, call.pid)) || !!this.exitFrontier(call, h.ev);
  }

  /**
   * Whether the thread that is to make a waker asleep in a call its recording does not have
   * there (loose: a lock the program contends for now and did not when recorded): it may wait
   * for the very thread held for its wake, which then goes on (its exit turn still holds).
   */
  private wakerLoose(at: RecordedAt, pid: number): boolean {
    for (const [tid, rt] of this.tids) if (rt === at.rt) return this.inLoose.has(tid) && asleep(pid, tid);
    return false;
  }

  /** Whether a recorded call was made (its thread's cursor is past it). */
  private made(at: RecordedAt): boolean {
    const h = this.cursor.pending(at.rt, 0);
    return !h || h.seq > at.ev.seq;
  }

  /**
   * The earliest recorded entry time of the next call of the process's other threads (the
   * thread that has it), or undefined when none is known without reading on; a Promise when
   * the trace must be read further to know.
   */
  private frontier(call: LiveCall, sync: boolean): { ts: number; tid: number } | undefined | Promise<void> {
    const peers = this.threadsOf.get(call.pid);
    if (!peers || peers.size < 2) return undefined;
    let best: { ts: number; tid: number } | undefined;
    for (const tid of peers) {
      if (tid === call.tid) continue;
      const ru = this.tids.get(tid);
      if (ru === undefined || this.gone.has(ru)) continue;
      let h = this.cursor.pending(ru, 0);
      if (!h && !this.cursor.finished(ru)) {
        this.cursor.readAhead(ru, 1);
        h = this.cursor.pending(ru, 0);
        if (!h && !this.cursor.finished(ru) && !sync) return this.cursor.ensure(ru, 1);
      }
      if (h && this.sleeping.get(tid)?.head === h && this.sleeping.get(tid)!.stuck) continue;  // asleep, not waited for
      if (h && (!best || h.ts < best.ts)) best = { ts: h.ts, tid };
    }
    return best;
  }

  /**
   * Threads take turns as recorded: a call that began, when recorded, after the next call of
   * another thread of the process waits until that one is made (restart: the thread sleeps a
   * little in the call's place and makes it again). Calls ordered so, the futex waits, the hand-
   * offs of a lock (Python's GIL), clock reads and reads of a shared pipe come in the recorded
   * order. A wait that lasts (the other thread is held up by something the recording does not
   * order: a lock taken in user space) ends after turnWaitMs, or sooner when that thread sleeps
   * in an unordered call; the thread goes on, and a thread that really departs is a desync.
   */
  private turn(call: LiveCall, rt: number, ev: SyscallEvent, spawner: boolean): EntryVerdict | Promise<EntryVerdict> | null {
    const f = this.frontier(call, false);
    if (f instanceof Promise) return f.then(() => this.entryFor(call, rt, spawner), (e) => this.fail(e));
    if (!f || ev.ts <= f.ts) {
      this.waiting.delete(call.tid);
      return null;
    }
    const now = Date.now();
    let w = this.waiting.get(call.tid);
    if (!w) this.waiting.set(call.tid, (w = { since: now, n: 0 }));
    const waited = now - w.since;
    const limit = this.opts.turnWaitMs ?? 1000;
    // (most waits end within a millisecond, woken as the other thread's call is made: no need
    // to look in /proc at once whether it sleeps)
    if (waited >= limit || (waited >= 1 && this.stuck(call.pid, f.tid, now))) {
      this.waiting.delete(call.tid);
      this.stats.turnsGivenUp++;
      return null;
    }
    w.n++;
    this.stats.held++;
    if (DEBUG && (w.n & (w.n - 1)) === 0) debug(`turn ${call.tid} waits (${w.n}) for ${f.tid} at event ${this.cursor.pending(this.tids.get(f.tid)!, 0)?.seq}, state ${sleepingIn(call.pid, f.tid) ?? 'running/stopped'}`);
    // 20 us at first (the other thread is often about to make its call), up to 1 ms; at least
    // twice as long as the recording took between the other thread's next call and this one
    // (replayed, each call is a stop), up to 8 ms: a thread that ran for a time slice when
    // recorded runs longer now, and waking every 1 ms to ask again makes stops the running
    // thread waits behind, on one CPU
    const gapUs = Math.floor((ev.ts - f.ts) / 500);
    const sleepUs = Math.max(Math.min(1000, 20 << Math.min(w.n, 6)), Math.min(8000, gapUs));
    return this.waitTurn(call, sleepUs);
  }

  /**
   * The thread waits at its call for its turn. With an engine that can hold it there (`wait`),
   * it stays stopped until wakeDue sees its turn come (or `us` pass: a frontier thread found
   * stuck, turnWaitMs, are seen at the call asked again); else it sleeps `us` in the call's
   * place and makes it again.
   */
  private waitTurn(call: LiveCall, us: number, wakeable = true): EntryVerdict {
    if (!this.wakeThread) return this.restart(call, { action: 'restart', sleepUs: us });
    this.pending.delete(call.tid);
    if (!wakeable) return { action: 'wait', maxUs: us };  // (a nap: not woken by turns)
    this.waiters.set(call.tid, call.pid);
    // (woken when its turn comes: asked again meanwhile only to see whether the thread it
    // waits for got stuck, or the wait lasted turnWaitMs)
    return { action: 'wait', maxUs: Math.max(us, 2000) };
  }

  /** Set by whoever runs the trace: asks the engine about a waiting thread's call again now (Trace.wakeThread). */
  wakeThread?: (tid: number) => void;
  /** threads waiting at a call for their turn (waitTurn): tid -> pid */
  private readonly waiters = new Map<number, number>();

  /** Wakes the waiting threads whose turn came (another thread's call was made, a thread ended). */
  private wakeDue(): void {
    for (const [tid, pid] of this.waiters) {
      if (this.killed || this.live || this.turnCame(tid, pid)) {
        if (DEBUG) debug(`wake ${tid}${this.heldExits.has(tid) ? ' (held exit)' : ''}`);
        this.waiters.delete(tid);
        this.wakeThread!(tid);
      }
    }
  }

  private turnCame(tid: number, pid: number): boolean {
    const me = { tid, pid } as LiveCall;
    const h = this.heldExits.get(tid);
    if (h) return !this.stillHeld(me, h);
    const rt = this.tids.get(tid);
    const ev = rt === undefined ? undefined : this.cursor.pending(rt, 0);
    if (!ev) return true;
    const f = this.frontier(me, true);
    return !f || f instanceof Promise || ev.ts <= f.ts;
  }

  // ---- signals -----------------------------------------------------------------------------

  /**
   * Signals recorded at this point of the thread (before the call it is about to make): the
   * first that must reach the program is delivered now, before the call, which the thread then
   * makes again (its handler runs first, as when recorded). One per restart: the next is seen
   * at the call made again, as the kernel would deliver it after the first one's frame is set.
   * Signals that need no delivery are dropped from the list: synchronous faults (they happen by
   * themselves). A signal that another replayed process causes
   * (a child's SIGCHLD, a kill) is waited for, so that its handler finds what it found when
   * recorded (the child gone); past signalWaitMs it is delivered anyway.
   */
  private deliverDue(call: LiveCall, due: SignalEvent[]): EntryVerdict | undefined {
    while (due.length) {
      const sig = due[0]!;
      if (this.needless(sig)) {
        due.shift();
        continue;
      }
      if (this.notSentYet(sig, call)) {
        const since = this.sigWait.get(call.tid);
        const now = Date.now();
        if (since === undefined) this.sigWait.set(call.tid, now);
        if (now - (since ?? now) < (this.opts.signalWaitMs ?? 5000)) {
          const waited = now - (since ?? now);
          return this.restart(call, { action: 'restart', sleepUs: waited < 2 ? 50 : waited < 20 ? 200 : 1000 });
        }
        this.opts.warn?.(`event ${sig.seq}: ${sig.sig} was not sent in this replay within ${this.opts.signalWaitMs ?? 5000} ms; delivered as recorded anyway`);
      }
      this.sigWait.delete(call.tid);
      due.shift();
      this.stats.signals++;
      return this.restart(call, { action: 'restart', ...this.withStacked(call, due, sig) });
    }
    return undefined;
  }

  /**
   * `first` and the signals recorded delivered with it (SignalPoint.stacked), taken from the
   * front of `list`, in the order their frames were set up: the engine delivers them so, and
   * the last one's handler runs first, as when recorded (the kernel alone would take them
   * lowest number first). One that another replayed process has not sent yet is left for later.
   * Each carries the siginfo it had when recorded where the event holds it whole (siginfoOfEvent).
   */
  private withStacked(call: LiveCall, list: SignalEvent[], first: SignalEvent): Delivery {
    const out = [first.signo];
    const infos: Uint8Array[] = [];
    const addInfo = (sig: SignalEvent): void => {
      // a sender replayed gives its pid in this replay (the same in a PID namespace of its own)
      const sender = sig.senderPid && sig.senderPid > 0 ? this.livePid.get(this.cursor.idAt(sig, sig.senderPid)) : undefined;
      const b = siginfoOfEvent(sig, sender);
      // (one siginfo a signal number: a second of the same number in the list keeps its own)
      if (b && !infos.some((x) => x[0] === sig.signo)) infos.push(b);
    };
    addInfo(first);
    if (DEBUG && list.length) debug(`after ${first.sig}: ${list.map((s) => `${s.sig}${this.cursor.signalPoint(s)?.stacked ? ' (stacked)' : ''}`).join(', ')}`);
    while (list.length && this.cursor.signalPoint(list[0]!)?.stacked) {
      const sig = list[0]!;
      if (sig.signo === SIGCONT && out.some((n) => JOB_STOPS.has(n))) {
        // the continue after a stop replay delivers: the engine sends it when the process has
        // stopped, unless it is pending (whoever sent it when recorded may not be replayed)
        out.push(sig.signo);
        addInfo(sig);
        this.stats.signals++;
      } else if (!this.needless(sig)) {
        if (this.notSentYet(sig, call)) break;
        out.push(sig.signo);
        addInfo(sig);
        this.stats.signals++;
      }
      list.shift();
    }
    return infos.length ? { deliver: out, siginfo: infos } : { deliver: out };
  }

  /**
   * Whether a recorded signal that another replayed process causes has not come yet
   * (causedInReplay, and not pending for `call`'s thread): it is waited for. The thread's
   * signal state is read only for such a signal.
   */
  private notSentYet(sig: SignalEvent, call: LiveCall): boolean {
    if (!this.causedInReplay(sig)) return false;
    const st = this.signalState(call);
    return !!st && !(st.pending & (1n << BigInt(sig.signo - 1)));
  }

  /**
   * Whether replay leaves a recorded signal alone: one it does not hold back (a fault, which
   * happens by itself). One the program ignores is delivered all the same, the engine sending it
   * when none is pending (two children's SIGCHLDs that merged into one, a sender not replayed):
   * the kernel reports an ignored signal to its tracer before it drops it, so the recording has
   * it, and replay's stream must have it where the recording does. It costs a stop.
   */
  private needless(sig: SignalEvent): boolean {
    return !this.held.has(sig.signo);
  }

  /**
   * A handler returns (rt_sigreturn): a signal recorded right after the rt_sigreturn of the one
   * before it (two timer ticks while a call returned, say) came as the program went back to
   * where the first one interrupted it, before it went on. It is delivered at the rt_sigreturn's
   * exit, so that its handler finds the program where the first one's did; at the thread's next
   * call, the program would have run on (a counter the handler reads moved on by one).
   */
  private afterHandler(call: LiveCall): Pending | undefined {
    if (!this.held.size || this.killed) return undefined;
    const rt = this.tids.get(call.tid);
    const after = rt === undefined ? undefined : this.dueAfter(call, rt);
    const point = after && this.cursor.signalPoint(after.sig);
    if (!after || after.wait || point?.after !== 'sigreturn') return undefined;
    // after as many handlers' returns in a row as when recorded: two stacked signals' second
    // return, not the first, where the program is still to run the outer handler (a SIGTERM
    // that came after SIGWINCH's and SIGINT's handlers ran before SIGINT's)
    if ((this.sigreturnRun.get(call.tid) ?? 1) < (point.sigreturns ?? 1)) return undefined;
    return { kind: 'run', spawner: false, signalAfter: true };
  }
  /** per replayed tid, how many rt_sigreturns its last calls were, in a row (afterHandler) */
  private readonly sigreturnRun = new Map<number, number>();

  /** A restart verdict (the engine marks its record `again`: left out of replay's stream). */
  private restart(call: LiveCall, v: { action: 'restart'; sleepUs?: number } & Delivery): EntryVerdict {
    this.pending.delete(call.tid);
    return v;
  }

  /** per replayed tid: a read of an event source made again until it gets what it got when recorded (since when, how many naps) */
  private readonly notYet = new Map<number, { ev: SyscallEvent; since: number; n: number; slept: boolean; pipe?: true }>();

  /**
   * Whether a recorded signal must be waited for: a child's SIGCHLD (CLD_EXITED, CLD_KILLED,
   * CLD_DUMPED) while the replayed child has not ended yet, so that the handler finds it gone,
   * as when recorded. Once the engine has reaped it its SIGCHLD was sent (the live one may have
   * merged with another one pending, as the kernel keeps one of each): not waited for.
   */
  private causedInReplay(sig: SignalEvent): boolean {
    if (sig.signo !== SIGCHLD || sig.senderPid === undefined || sig.senderPid <= 0) return false;
    if (!(sig.code === 1 || sig.code === 2 || sig.code === 3)) return false;
    const live = this.livePid.get(this.cursor.idAt(sig, sig.senderPid));
    return live !== undefined && notYetReported(live);
  }

  private signalState(call: LiveCall): SignalState | undefined {
    return (this.opts.signalState ?? procSignalState)(call.tid, call.pid);
  }

  /**
   * A recorded call a signal interrupted (ERESTARTSYS...): when the signal is one replay
   * delivers, the call is skipped with that restart code and the signal delivered then, so the
   * kernel applies its own rules (restart the call under SA_RESTART, else EINTR), as when
   * recorded. Otherwise (a group-stop, a signal not replayed) the interruption is passed over:
   * the call is matched to the recorded one that followed it.
   */
  private interrupted(call: LiveCall, rt: number, ev: SyscallEvent, spawner: boolean): EntryVerdict | Promise<EntryVerdict> {
    this.cursor.readAhead(rt, 2);
    const next = this.cursor.pending(rt, 1);
    if (!next && !this.cursor.finished(rt) && !this.readOnFor.has(ev)) {
      // the thread's next call (and the signal before it) is further on than the batch read:
      // read on to it, or the interruption would be passed over as one by a signal not replayed
      this.readOnFor.add(ev);
      return this.cursor.ensure(rt, 2).then(() => this.interrupted(call, rt, ev, spawner), (e) => this.fail(e));
    }
    const due = next ? this.cursor.signalsBefore(next) : this.cursor.signalsAfter(rt);
    let delivery: Delivery | undefined;
    if (due) {
      while (due.length && delivery === undefined) {
        const sig = due[0]!;
        if (this.needless(sig)) {
          due.shift();
          continue;
        }
        if (this.notSentYet(sig, call)) {
          const since = this.sigWait.get(call.tid);
          const now = Date.now();
          if (since === undefined) this.sigWait.set(call.tid, now);
          if (now - (since ?? now) < (this.opts.signalWaitMs ?? 5000)) return this.restart(call, { action: 'restart', sleepUs: 200 });
        }
        this.sigWait.delete(call.tid);
        due.shift();
        delivery = this.withStacked(call, due, sig);
      }
    }
    this.cursor.take(rt);
    this.stats.matched++;
    if (delivery === undefined) {
      // passed over: the call stands for the one made after the interruption
      const n = this.cursor.peek(rt);
      if (n instanceof Promise) return n.then((h) => this.matchHead(call, rt, h, spawner), (e) => this.fail(e));
      return this.matchHead(call, rt, n, spawner);
    }
    this.stats.signals++;
    this.stats.injected++;
    this.pending.set(call.tid, { ev, kind: 'inject', spawner });
    return { action: 'return', value: int64(ev.ret!), restartable: true, ...delivery };
  }

  /**
   * Where a signal delivered after `call` comes: when it came in the program's own code, at the
   * instruction it came at (the engine steps the thread there from the call's return).
   */
  private deliverAt(call: LiveCall, sig: SignalEvent): { deliverAt?: bigint } {
    const at = steppable(sig, this.cursor.signalPoint(sig)) ? liveInstruction(call.pid, sig) : undefined;
    if (at === undefined) return {};
    if (DEBUG) debug(`signal ${sig.sig} to ${call.tid} at 0x${at.toString(16)} (${sig.ipFile}+0x${BigInt(sig.ipOffset ?? 0).toString(16)})`);
    return { deliverAt: at };
  }

  /**
   * The verdict for a matched call, and a signal recorded right after it: delivered as the
   * call returns (at once for a call answered from the recording, at its exit for one that
   * runs), so that the program's next instructions find the handler's work done, as when
   * recorded. A signal another replayed process must send first and that has not come yet is
   * left for the thread's next call (deliverDue), which waits for it.
   */
  private decide(call: LiveCall, ev: SyscallEvent, spawner: boolean): EntryVerdict {
    let v = this.decideCall(call, ev, spawner);
    if (this.order && v?.action === 'run' && !spawner && !this.live && !this.killed && this.exitFrontier(call, ev)) {
      // its exit may have to wait for another thread (exitTurn): the engine asks at its exit
      // (a pending call of its own only for calls whose exit does nothing else: see exitFor)
      const p = this.pending.get(call.tid);
      if (!p) {
        if (!FD_CREATORS.includes(call.name) && !PIPE_CREATORS.includes(call.name) && !EVENT_SOURCES.has(call.name)) this.pending.set(call.tid, { kind: 'run', spawner: false, holdExit: ev });
      } else if (p.kind === 'run' && p.value === undefined && !p.restore && !p.exitWrites && p.lagFd === undefined && !p.selfFile) p.holdExit = ev;
      // a wait for a child (waitAsRecorded), or for events (eventsAsRecorded: run, answered
      // with the recorded ones at its exit): its answer is kept and given back at the turn
      // (asyncio: a child watcher's thread queues the exit callback, then writes the loop's
      // self-pipe; the loop's epoll_wait, returning first, ran on without the callback)
      else if (p.kind === 'wait' || (p.kind === 'run' && p.exitWrites && EVENT_WAITS.has(call.name))) p.holdExit = ev;
      if (v.exit === false && this.pending.get(call.tid)?.holdExit) {
        const { exit: _, ...rest } = v;
        v = rest;
      }
    }
    if (!this.held.size || this.killed || this.live) return v;
    const rt = this.tids.get(call.tid);
    if (rt === undefined) return v;
    if (v?.action === 'return') return this.returnWithSignal(call, rt, ev, v);
    const after = this.dueAfter(call, rt, ev);
    if (!after) return v;
    if (v !== undefined && v.action !== 'run') return v;
    let p = this.pending.get(call.tid);
    if (!p) this.pending.set(call.tid, (p = { ev, kind: 'run', spawner }));
    p.signalAfter = true;
    if (v?.exit === false) {
      const { exit: _, ...rest } = v;
      return rest;
    }
    return v;
  }

  /** A call answered from the recording, and the signal recorded right after it (dueAfter) delivered as it returns. */
  private returnWithSignal(call: LiveCall, rt: number, ev: SyscallEvent, v: Extract<EntryVerdict, { action: 'return' }>): EntryVerdict {
    const after = this.dueAfter(call, rt, ev);
    if (!after || after.wait) return v;
    after.list.shift();
    this.stats.signals++;
    return { ...v, ...this.withStacked(call, after.list, after.sig), ...this.deliverAt(call, after.sig) };
  }

  /**
   * A wait for a child (wait4, waitid) reaps what it reaped when recorded: the recorded child,
   * waited for by name (the replayed process that stands for it; without WNOHANG, since it had
   * exited when recorded: it will), its recorded status given back; a wait that found nothing
   * (WNOHANG) or failed is answered from the recording without running. Which children had
   * exited at a given moment is scheduling; which ones the program reaped where, and what it
   * then did (a SIGCHLD handler's loop), is not.
   */
  private waitAsRecorded(call: LiveCall, ev: SyscallEvent): EntryVerdict | undefined {
    const ret = int64(ev.ret!);
    if (ev.errno && RESTART_ERRNOS.has(ev.errno)) return undefined;
    const child = reapedPid(ev);
    if (child <= 0) {
      // nothing reaped: not run (it would reap a child that had not exited when recorded)
      let writes: Write[] = [];
      try {
        writes = outputWrites(ev, call);
      } catch {
        /* the recorded result alone */
      }
      this.stats.injected++;
      this.pending.set(call.tid, { ev, kind: 'inject', spawner: false });
      return { action: 'return', value: ret, writes };
    }
    const live = this.livePid.get(this.cursor.idAt(ev, child)) ?? child;
    const WNOHANG = 1n;
    const args: (bigint | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    if (ev.name === 'wait4') {
      args[0] = BigInt(live);
      args[2] = (call.args[2] ?? 0n) & ~WNOHANG;
    } else {
      args[0] = 1n;  // P_PID
      args[1] = BigInt(live);
      args[3] = (call.args[3] ?? 0n) & ~WNOHANG;
    }
    this.stats.ran++;
    this.pending.set(call.tid, { ev, kind: 'wait', spawner: false, child: live });
    return { action: 'run', args };
  }

  /**
   * futex, when threads take turns (its calls are then matched). A wait that timed out, found
   * the word changed (EAGAIN) or was interrupted is answered from the recording without
   * waiting: its deadline is in the recording's time (the clocks the program read are the
   * recorded ones), long past now, so run for real it would time out at once as often as the
   * program loops. A wait that was woken runs for real, its deadline moved 2 s into the live
   * clock's future (the other thread's wake comes in its turn), and gets the recorded result
   * (its timespec is put back at exit). Wakes and other operations run for real.
   */
  private futexAsRecorded(call: LiveCall, ev: SyscallEvent): EntryVerdict {
    const op = Number((call.args[1] ?? 0n) & 0xffffffffn);
    const cmd = op & 127;
    const FUTEX_WAIT = 0, FUTEX_WAIT_BITSET = 9, FUTEX_PRIVATE_FLAG = 128, FUTEX_CLOCK_REALTIME = 256;
    const ret = int64(ev.ret!);
    if (cmd !== FUTEX_WAIT && cmd !== FUTEX_WAIT_BITSET) {
      this.stats.ran++;
      return this.runs(call, undefined, undefined);
    }
    if (ret !== 0n) {
      this.stats.injected++;
      this.pending.set(call.tid, { ev, kind: 'inject', spawner: false });
      return { action: 'return', value: ret };
    }
    const waker = this.order && op & FUTEX_PRIVATE_FLAG ? this.wakerOf(call, ev) : undefined;
    if (waker) {
      // A wait that was woken, on a futex of this process, by a wake of another thread still
      // to be made: not slept in the kernel at all. It returns 0 once that wake is made
      // (heldAgain, as a call held at its exit). Which waiter a real FUTEX_WAKE picks is the
      // kernel's, and which futex word a waiter sleeps on is decided in user space (glibc's
      // condition variables have two groups of waiters): node's libuv, whose main thread woke
      // worker X when recorded, woke worker Y in replay, and X's work never came.
      this.stats.injected++;
      if (DEBUG) debug(`futex ${call.tid} event ${ev.seq}: held until event ${waker.ev.seq} of ${waker.rt}`);
      const h = { nr: call.nr, ev, ret: 0n, since: Date.now(), n: 0, waker };
      this.heldExits.set(call.tid, h);
      return this.heldAgain(call, h);
    }
    this.stats.ran++;
    const p: Pending = { ev, kind: 'run', spawner: false, value: 0n };
    this.pending.set(call.tid, p);
    const ts = call.args[3] ?? 0n;
    if (ts === 0n) return { action: 'run' };
    const old = call.readBytes(ts, 16);
    if (!old || old.length < 16) return { action: 'run' };
    const b = Buffer.alloc(16);
    let ns = 2_000_000_000n;  // FUTEX_WAIT: relative
    if (cmd === FUTEX_WAIT_BITSET) ns += op & FUTEX_CLOCK_REALTIME ? BigInt(Date.now()) * 1_000_000n : process.hrtime.bigint();
    b.writeBigInt64LE(ns / 1_000_000_000n, 0);
    b.writeBigInt64LE(ns % 1_000_000_000n, 8);
    p.restore = { addr: ts, data: Buffer.from(old) };
    return { action: 'run', writes: [{ addr: ts, data: b }] };
  }

  /**
   * An event loop's wait (epoll_wait, epoll_pwait[2], poll, ppoll) gets the events it got when
   * recorded. One that found something runs for real first, so that it waits as long as
   * something is not ready (a child's output, a worker thread's wake-up); the program then sees
   * the recorded events, not the ones that happened to be ready (a second descriptor ready at
   * once would be served now and not in the next wait, as recorded). One that timed out or
   * found nothing is answered at once (a timer's wait does not last its timeout again).
   */
  private eventsAsRecorded(call: LiveCall, ev: SyscallEvent): EntryVerdict | undefined {
    const ret = int64(ev.ret!);
    if (ev.errno && RESTART_ERRNOS.has(ev.errno)) return undefined;
    let writes: Write[];
    try {
      writes = ret > 0n ? outputWrites(ev, call) : [];
    } catch {
      return undefined;  // not held whole: runs for real as before
    }
    if (ret <= 0n) {
      this.stats.injected++;
      this.pending.set(call.tid, { ev, kind: 'inject', spawner: false });
      return { action: 'return', value: ret };
    }
    this.stats.injected++;
    this.pending.set(call.tid, { ev, kind: 'run', spawner: false, value: ret, exitWrites: writes });
    return { action: 'run' };
  }

  /**
   * The first signal recorded right after the thread's last matched call that replay delivers
   * (those it does not are dropped). `wait`: not to be delivered at that call's exit: another
   * replayed process must send it first, or (`prev`, the call) it came once the program had
   * gone on from the call (ranOn), and the next call's entry delivers it.
   */
  private dueAfter(call: LiveCall, rt: number, prev?: SyscallEvent, at = 0): { list: SignalEvent[]; sig: SignalEvent; wait: boolean } | undefined {
    const next = this.cursor.pending(rt, at);
    const list = next ? this.cursor.signalsBefore(next) : this.cursor.finished(rt) ? this.cursor.signalsAfter(rt) : undefined;
    while (list?.length) {
      const sig = list[0]!;
      if (this.needless(sig)) {
        list.shift();
        continue;
      }
      const wait = this.notSentYet(sig, call) || (prev !== undefined && ranOn(this.cursor.signalPoint(sig), prev, next, sig));
      return { list, sig, wait };
    }
    return undefined;
  }

  /**
   * A signal recorded at the exit of `ev` (the thread's next call) that another replayed process
   * has not sent yet (a child that has not ended): the call waits at its entry (made again after
   * a sleep) until it is sent, up to signalWaitMs, so that the signal goes with this call's
   * result, as recorded, rather than before the next call (a read later: a SIGCHLD handler's
   * count of reads one on under load, when the child was slow to end).
   */
  private senderFirst(call: LiveCall, rt: number, ev: SyscallEvent): EntryVerdict | undefined {
    this.cursor.readAhead(rt, 2);
    const d = this.dueAfter(call, rt, ev, 1);
    if (!d?.wait || ranOn(this.cursor.signalPoint(d.sig), ev, this.cursor.pending(rt, 1), d.sig)) {
      if (d && !d.wait) this.sigWait.delete(call.tid);
      return undefined;
    }
    const since = this.sigWait.get(call.tid);
    const now = Date.now();
    if (since === undefined) this.sigWait.set(call.tid, now);
    const waited = now - (since ?? now);
    if (waited >= (this.opts.signalWaitMs ?? 5000)) return undefined;  // goes before the next call, after its wait there
    return this.restart(call, { action: 'restart', sleepUs: waited < 2 ? 50 : waited < 20 ? 200 : 1000 });
  }

  private decideCall(call: LiveCall, ev: SyscallEvent, spawner: boolean): EntryVerdict {
    this.stats.matched++;
    if ((ev.name === 'wait4' || ev.name === 'waitid') && ev.ret !== null && this.opts.policy.action(ev.name) === 'passthru') {
      const w = this.waitAsRecorded(call, ev);
      if (w) return w;
    }
    if (ev.name === 'futex' && ev.ret !== null && this.opts.policy.action('futex') === 'passthru') return this.futexAsRecorded(call, ev);
    if (ev.name === 'write' && this.pipeEnds.size && this.pipeEnds.has(lagKey(call.pid, call.args[0]))) this.notePipeWrite(call, ev);
    if (ev.name === 'read' && this.rwFds.size && ev.ret !== null && int64(ev.ret) > 0n && this.rwFds.has(lagKey(call.pid, call.args[0])) && this.fromRecording(ev) && !this.touchesGhost(call)) {
      // A file the program also writes: the read runs (for the recorded count at most) so that
      // the position moves on as it did, and a write right after it lands where it landed (ld
      // reads back the end of its output and writes on); the program gets the recorded bytes.
      let writes: Write[];
      try {
        writes = outputWrites(ev, call);
      } catch {
        writes = [];
      }
      if (writes.length) {
        this.stats.injected++;
        this.pending.set(call.tid, { ev, kind: 'run', spawner: false, value: int64(ev.ret), exitWrites: writes, lagFd: call.args[0] });
        return { action: 'run', args: [undefined, undefined, BigInt(int64(ev.ret))] };
      }
    }
    if (EVENT_WAITS.has(ev.name) && ev.ret !== null && this.opts.policy.action(ev.name) === 'passthru' && !this.touchesGhost(call)) {
      const w = this.eventsAsRecorded(call, ev);
      if (w) return w;
    }
    if (spawner && this.opts.nextPid && ev.ret !== null && int64(ev.ret) > 0n) this.opts.nextPid(Number(int64(ev.ret)));
    const ghost = this.touchesGhost(call);
    const inject = this.fromRecording(ev) || ghost;
    if (!inject || ev.ret === null) {
      this.stats.ran++;
      // onExit has work only for these (see there); other calls skip the exit round trip
      const atExit = spawner || FD_CREATORS.includes(ev.name) || PIPE_CREATORS.includes(ev.name) || EVENT_SOURCES.has(ev.name) || (ev.ret !== null && RECORDED_RESULT.includes(ev.name)) || (this.held.size > 0 && ev.name === 'rt_sigprocmask' && !!oldSetOf(ev));
      const p: Pending | undefined = atExit ? { ev, kind: 'run', spawner } : undefined;
      if (FD_CREATORS.includes(ev.name) && ev.ret !== null && int64(ev.ret) >= 0n) {
        if (p && this.selfFile(call)) p.selfFile = true;
        return this.ahead(call, this.runs(call, p, this.standIn(call)));
      }
      return this.ahead(call, this.runs(call, p, ev.name === 'lseek' ? this.seekFix(call) : undefined));
    }
    let writes: Write[];
    try {
      writes = outputWrites(ev, call);
    } catch (e) {
      if (!(e instanceof ScatterError)) throw e;
      this.opts.warn?.(`event ${ev.seq}: ${e.message}; running it for real`);
      this.stats.ran++;
      this.pending.set(call.tid, { ev, kind: 'run', spawner });
      return undefined;
    }
    const value = int64(ev.ret);
    // (a recorded failure, EINTR say, is answered at once: run for real it could wait for good)
    if (!ghost && value >= 0n && PIPE_READS.includes(ev.name) && ((this.eventFds.size && this.eventFds.has(lagKey(call.pid, call.args[0]))) || (this.innerPipes.size && this.isInnerPipe(call.pid, call.args[0] ?? 0n)))) {
      this.stats.injected++;
      this.pending.set(call.tid, { ev, kind: 'pipe', spawner });
      return { action: 'run' };  // onExit puts the recorded result in place
    }
    const tr = TRANSFERS[ev.name];
    if (tr && value > 0n) {
      const bytes = this.opts.writeFd ? movedBytes(ev) : undefined;
      if (bytes) this.putMoved(call, ev, bytes);
      else if (ghost) this.lostTransfer(call, ev, value);
      writes = writes.concat(offsetWrites(call, tr.offs, value));
      // the source's position would have moved as an injected read's does not
      if (tr.fromOff === undefined || (call.args[tr.fromOff] ?? 0n) === 0n) {
        const k = lagKey(call.pid, call.args[tr.from]);
        this.lag.set(k, (this.lag.get(k) ?? 0n) + value);
      }
    }
    if (ghost && value >= 0n) {
      const g = this.ghostSet(call.pid);
      if (ev.name === 'close') g.delete(fdOf(call.args[0]));
      else if (DUPS.has(ev.name) || FD_CREATORS.includes(ev.name)) g.add(Number(value));
    }
    this.addReadLag(call.pid, call.args[0], ev);
    this.stats.injected++;
    this.pending.set(call.tid, { ev, kind: 'inject', spawner });
    if (ev.name === 'clock_gettime' && writes.length === 1 && this.order) this.lastClock.set(`${call.pid}:${call.args[0] ?? 0n}`, writes[0]!.data);
    return this.ahead(call, { action: 'return', value, writes });
  }

  /**
   * A transfer answered from the recording that holds its bytes: they go to the destination
   * for real, as the kernel would have put them there (at *off_out when the call has one, else
   * at the position the program's descriptor shares, which moves on). A destination that
   * cannot take them is reported once per descriptor; the program still sees the recorded count.
   */
  private readonly putWarned = new Set<string>();
  private putMoved(call: LiveCall, ev: SyscallEvent, bytes: Buffer): void {
    const tr = TRANSFERS[ev.name]!;
    const dst = fdOf(call.args[tr.to]);
    let why: string | undefined;
    let at = -1n;
    const offPtr = tr.toOff === undefined ? 0n : call.args[tr.toOff] ?? 0n;
    if (this.ghosts.get(call.pid)?.has(dst)) why = 'its file could not be opened in this replay';
    else if (offPtr !== 0n) {
      const b = call.readBytes(offPtr, 8);
      if (b && b.length === 8) at = b.readBigInt64LE(0);
      else why = 'its offset pointer cannot be read';
    }
    if (!why) {
      const n = this.opts.writeFd!(call.pid, dst, bytes, at);
      if (n < 0) why = `${errnoName(-n)} (${errnoMessage(-n)})`;
      else if (n < bytes.length) why = `only ${n} of them were taken`;
      else {
        if (this.opts.keepMoved) {
          const c = ev.mem!.find((m) => m.arg === tr.from && m.at === 'exit' && m.index === undefined)!;
          let q = this.movedOut.get(call.tid);
          if (!q) this.movedOut.set(call.tid, (q = []));
          q.push({ name: ev.name, ret: int64(ev.ret!), cap: c });
        }
        return;
      }
    }
    const k = `${call.pid}:${dst}`;
    if (this.putWarned.has(k)) return;
    this.putWarned.add(k);
    this.opts.warn?.(`event ${ev.seq}: ${ev.name} moved ${bytes.length} bytes inside the kernel to fd ${dst}; writing them there from the recording failed: ${why}`);
  }

  /** per replayed tid: the recorded captures of the transfers whose bytes replay wrote, in order */
  private readonly movedOut = new Map<number, { name: string; ret: bigint; cap: Capture }[]>();

  /**
   * Replay's own stream (-o): the engine records a transfer replay answered without the bytes
   * it moved (it did not run; nothing is read back). They are the recorded ones, which replay
   * wrote to the destination: this puts the recorded capture in the event, as in the recording.
   */
  fillMoved(ev: Event): void {
    if (ev.type !== 'syscall' || !ev.skipped || !TRANSFERS[ev.name] || ev.ret === null) return;
    const q = this.movedOut.get(ev.tid);
    if (!q) return;
    const ret = int64(ev.ret);
    let m: { name: string; ret: bigint; cap: Capture } | undefined;
    while ((m = q.shift()) && (m.name !== ev.name || m.ret !== ret));
    if (!q.length) this.movedOut.delete(ev.tid);
    if (m) (ev.mem ??= []).push(m.cap);
  }

  /** A transfer from a ghost answered from the recording: its bytes are not written. */
  private readonly lostWarned = new Set<string>();
  private lostTransfer(call: LiveCall, ev: SyscallEvent, n: bigint): void {
    const { from, to } = TRANSFERS[ev.name]!;
    const src = fdOf(call.args[from]);
    const dst = fdOf(call.args[to]);
    const srcPipe = pipeInode(call.pid, src);
    const starvedSrc = srcPipe !== undefined && this.starved.has(srcPipe);
    if (!this.ghosts.get(call.pid)?.has(src) && !starvedSrc) return;
    const dstPipe = pipeInode(call.pid, dst);
    if (dstPipe !== undefined && !this.starved.has(dstPipe)) {
      this.starved.add(dstPipe);
      this.dropPlans();  // calls planned ahead on it would wait for the bytes
    }
    const k = `${call.pid}:${src}`;
    if (this.lostWarned.has(k)) return;
    this.lostWarned.add(k);
    this.opts.warn?.(
      `event ${ev.seq}: ${ev.name} moved ${n} bytes inside the kernel from fd ${src}, ${starvedSrc ? 'a pipe that did not get its own bytes' : 'whose file is gone'}, to fd ${dst}; ` +
        `the recording does not hold them (rift-record keeps only what such calls take from a regular file, whole unless --no-data), ` +
        `so fd ${dst} does not get them (nor what later such calls from fd ${src} move)` +
        (dstPipe !== undefined ? `; calls on that pipe are answered from the recording` : ''),
    );
  }

  // ---- calls answered ahead ----------------------------------------------------------------

  /**
   * Hands the engine the thread's next recorded calls that need nothing from this thread (no
   * spawn to map, no descriptor to watch, no ghost): while the program makes exactly those, the
   * engine answers them itself. A verdict that kills, or a replay gone live, plans nothing.
   */
  private ahead<V extends EntryVerdict>(call: LiveCall, v: V): V {
    const max = this.opts.lookahead ?? 0;
    const rt = this.tids.get(call.tid);
    if (!max || !v || v.action === 'kill' || v.action === 'error' || this.live || this.killed || rt === undefined) return v;
    if (this.ghosts.get(call.pid)?.size || this.starved.size) return v;
    const plan: Planned[] = [];
    const then = this.planCalls(call, rt, plan, max);
    if (!then.length) return v;
    this.planned.set(call.tid, plan);
    return { ...v, then, more: () => this.planMore(call, rt, plan, max) };
  }

  /**
   * The calls after a thread's plan, planned while the engine answers it (the verdict's `more`):
   * none once the plan is no longer the thread's (it asked again, plans were voided, or it
   * ended: its tid may come back as another thread, replay gives the recorded ids out again),
   * the thread's recorded calls that can be planned ran out, or MAX_PLANNED calls are planned
   * and not yet made (the engine then uses them up and asks, and planning starts again).
   * (Planning that paused at a full plan, `[]`, and went on as calls were made broke bash's
   * replay under the stress runner, whose rc forks hundreds of processes: a desync in a child,
   * or a replay that did not end, in most runs of 48.replay-signals, with or without the check
   * that the thread still lives; never in 10 runs with planning that stops. It stops until
   * that is understood.)
   */
  private planMore(call: LiveCall, rt: number, plan: Planned[], max: number): Expectation[] | undefined | Promise<Expectation[] | undefined> {
    const ours = (): boolean =>
      this.planned.get(call.tid) === plan && this.tids.get(call.tid) === rt && !this.live && !this.killed && !this.ghosts.get(call.pid)?.size && !this.starved.size;
    if (!ours() || plan.length >= MAX_PLANNED) return undefined;
    const next = (): Expectation[] | undefined => {
      const list = this.planCalls(call, rt, plan, max);
      return list.length ? list : undefined;
    };
    const want = plan.length + max;
    if (this.cursor.readAhead(rt, want) >= want || !this.cursor.canReadAhead(2 * max)) return next();
    // the trace read so far ends first: read on, a little at a time, as other threads' events
    // read meanwhile are held until they are made (a bad line is reported by the next thread
    // to need it: the reader keeps its error)
    return this.cursor.readMore(2 * max).then(
      () => (ours() ? next() : undefined),
      () => undefined,
    );
  }

  /**
   * Plans the thread's recorded calls from the end of `plan` on (at most `max` more) that need
   * nothing from this thread: their expectations, and their bookkeeping appended to `plan`.
   */
  private planCalls(call: LiveCall, rt: number, plan: Planned[], max: number): Expectation[] {
    const then: Expectation[] = [];
    const from = plan.length;
    const n = this.cursor.readAhead(rt, from + max);
    // calls past another thread's next one are not this thread's to make yet (turn)
    const f = this.order ? this.frontier(call, true) : undefined;
    const limit = f && !(f instanceof Promise) ? f.ts : Infinity;
    for (let i = from; i < n; i++) {
      const ev = this.cursor.pending(rt, i);
      if (!ev || ev.ts > limit) break;
      if (this.held.size) {
        // a call followed by a signal is decided in onEntry (the signal goes with its verdict)
        const nx = this.cursor.pending(rt, i + 1);
        if (nx ? this.cursor.signalsBefore(nx) : !this.cursor.finished(rt) || this.cursor.signalsAfter(rt)) break;
      }
      const e = this.expectation(ev);
      if (!e) break;
      // a call that runs and ended past another thread's next call: its exit may wait (exitTurn)
      if (e.verdict.action !== 'return' && ev.dur !== null && ev.dur !== undefined && ev.ts + ev.dur > limit) break;
      then.push(e);
      plan.push({ rt, ev, pid: call.pid, injected: e.verdict.action === 'return' });
    }
    return then;
  }

  /**
   * A write made for real that writes other bytes than when recorded: the program's output
   * departs from the recording although its calls still match (a race replay did not follow;
   * an address ASLR moved, printed). Said in a warning, the first few times; counted in stats.
   */
  private checkWrite(call: LiveCall, ev: SyscallEvent): void {
    const where = writeDiffers(ev, call);
    if (!where) return;
    const n = ++this.stats.writesDiffer;
    if (n <= MAX_WRITE_WARNINGS)
      this.opts.warn?.(`event ${ev.seq}: ${ev.name} to fd ${fdOf(call.args[0] ?? 0n)} wrote other bytes than when recorded, ${where}${n === MAX_WRITE_WARNINGS ? ' (further writes that differ are not reported)' : ''}`);
  }

  /** The engine's form of a recorded call it can answer alone, or undefined. */
  private expectation(ev: SyscallEvent): Expectation | undefined {
    const shape = this.shapeOf(ev.name);
    if (!shape) return undefined;
    if (this.eventFds.size && PIPE_READS.includes(ev.name) && [...this.eventFds].some((k) => k.endsWith(`:${fdOf(BigInt(int64(ev.args[0]!)))}`))) return undefined;
    if (this.pipeEnds.size && ev.name === 'write' && [...this.pipeEnds].some((k) => k.endsWith(`:${fdOf(BigInt(int64(ev.args[0]!)))}`))) return undefined;
    if (this.rwFds.size && ev.name === 'read' && [...this.rwFds].some((k) => k.endsWith(`:${fdOf(BigInt(int64(ev.args[0]!)))}`))) return undefined;
    if (this.liveFds.size && this.fdArgs(ev.name, ev.args.map((a) => BigInt.asUintN(64, int64(a)))).some((fd) => [...this.liveFds.values()].some((s) => s.has(fd)))) return undefined;
    if (ev.ret === null || ev === this.cursor.rootExec || (ev.errno && RESTART_ERRNOS.has(ev.errno))) return undefined;
    if (this.held.size && (this.cursor.signalsBefore(ev) || (ev.name === 'rt_sigprocmask' && oldSetOf(ev)))) return undefined;  // decide() delivers / writes the mask
    if (this.innerPipes.size && shape.pipeRead) return undefined;  // may be a pipe's: decide() tells
    if (shape.transfer && moved(ev) && this.fromRecording(ev)) return undefined;  // decide() writes its bytes
    // the key arguments compareCall checks, as register values and strings
    const args: NonNullable<Expectation['args']> = [];
    const strings: NonNullable<Expectation['strings']> = [];
    for (const k of shape.keys) {
      if (k.index >= ev.args.length) break;
      if (k.kind === 'argv') return undefined;
      if (k.kind === 'path') {
        const c = entryCaptures(ev, k.index)[0];
        if (!c || c.fault || !complete(c)) return undefined;
        strings.push({ index: k.index, bytes: captureBytes(c) });
        continue;
      }
      const value = BigInt.asUintN(64, int64(ev.args[k.index]!));
      args.push(k.kind === 'fd' ? { index: k.index, value, bits: 32 } : { index: k.index, value });
    }
    // a write's bytes too (checkWrite): one that differs comes to onEntry, which says so
    const data = shape.data !== undefined ? writtenBytes(ev) : undefined;
    const memory = data?.length ? [{ index: shape.data!, bytes: data }] : undefined;
    const nr = shape.nr;
    if (!this.fromRecording(ev)) return { nr, args, strings, memory, verdict: { action: 'run' } };
    const writes = argWrites(ev);
    if (!writes) return undefined;
    return { nr, args, strings, memory, verdict: { action: 'return', value: int64(ev.ret), writes } };
  }

  /**
   * What expectation() needs of a syscall's name alone, worked out once per name (the policy is
   * this replay's): null for the calls never answered ahead (decided as recorded, or making
   * something replay keeps track of, or free, or not in the trace's syscalls).
   */
  private shapeOf(name: string): AheadShape | null {
    let shape = this.shapes.get(name);
    if (shape !== undefined) return shape;
    const nr = syscallNumber(name);
    const sig = signatureOf(name);
    shape = null;
    const decidedAsRecorded = name === 'futex' || name === 'wait4' || name === 'waitid' || EVENT_WAITS.has(name);  // futexAsRecorded, waitAsRecorded, eventsAsRecorded
    const tracked = SPAWNERS.includes(name) || FD_CREATORS.includes(name) || RECORDED_RESULT.includes(name) || PIPE_CREATORS.includes(name) || EVENT_SOURCES.has(name);
    if (!decidedAsRecorded && !tracked && this.opts.policy.action(name) !== 'free' && nr !== undefined && sig && this.opts.inTrace.has(nr)) {
      const keys: AheadShape['keys'] = [];
      sig.args.forEach((a, index) => {
        const type = parseArgSpec(a).type;
        if (KEY_TYPES.has(type)) keys.push({ index, kind: type === 'fd' || type === 'dirfd' ? 'fd' : type === 'path' ? 'path' : type === 'argv' ? 'argv' : 'int' });
      });
      const data = WRITE_DATA[name] !== undefined && !this.opts.policy.contentRuns ? WRITE_DATA[name] : undefined;
      shape = { nr, keys, data, pipeRead: PIPE_READS.includes(name), transfer: TRANSFERS[name] !== undefined };
    }
    this.shapes.set(name, shape);
    return shape;
  }
  private readonly shapes = new Map<string, AheadShape | null>();

  /**
   * Whether a recorded call is answered from the recording rather than run: the policy says
   * inject, or a path call failed when recorded (replayed without running; not a restart).
   * A call on a ghost descriptor is too (decide() adds that).
   */
  private fromRecording(ev: SyscallEvent): boolean {
    const failedPath = ev.errno !== undefined && !RESTART_ERRNOS.has(ev.errno) && PATH_CALLS.has(ev.name);
    const inject = this.opts.policy.action(ev.name) === 'inject';
    // a transfer whose bytes are not in the recording (from a pipe) runs for real
    if (inject && TRANSFERS[ev.name] && moved(ev)) return !!this.opts.writeFd && movedBytes(ev) !== undefined;
    return inject || failedPath;
  }

  /** An injected read leaves the kernel's file offset behind the program's: remember by how much. */
  private addReadLag(pid: number, fd: bigint | undefined, ev: SyscallEvent): void {
    if ((ev.name !== 'read' && ev.name !== 'readv') || ev.ret === null) return;
    const n = int64(ev.ret);
    if (n <= 0n) return;
    const k = lagKey(pid, fd);
    this.lag.set(k, (this.lag.get(k) ?? 0n) + n);
  }

  // ---- rdtsc ----------------------------------------------------------------------------

  /**
   * An rdtsc or rdtscp of a replayed thread (the engine traps them as rift-record did): the
   * thread's next recorded one gives its counter (and rdtscp's TSC_AUX). The reads of a thread
   * come in the order it made them; where they fall between its calls is not checked (a read
   * makes no call). One the recording does not have (the program reads the counter more often
   * now) gets the real counter, with one warning.
   */
  onTsc(tid: number, pid: number, rdtscp: boolean): TscVerdict | Promise<TscVerdict> {
    if (this.killed || this.live) return undefined;
    let rt: number | undefined | Promise<number | undefined> = this.tids.get(tid);
    // a thread's first read may come before its first call replay handles (the loader reads
    // the counter as the program starts)
    if (rt === undefined) rt = this.recordedTid({ tid, pid } as LiveCall);
    const take = (r: number | undefined): TscVerdict | Promise<TscVerdict> => {
      if (r === undefined) return undefined;
      const ev = this.cursor.takeTsc(r);
      return ev instanceof Promise ? ev.then((e) => this.tscOf(e, r, rdtscp)) : this.tscOf(ev, r, rdtscp);
    };
    return rt instanceof Promise ? rt.then(take) : take(rt);
  }
  private tscOf(ev: TscEvent | undefined, rt: number, rdtscp: boolean): TscVerdict {
    if (!ev) {
      if (!this.tscWarned) this.opts.warn?.(`thread ${rt} read the time-stamp counter more often than when recorded: the real counter from here on`);
      this.tscWarned = true;
      return undefined;
    }
    this.stats.tsc++;
    if (DEBUG) debug(`${rdtscp ? 'rdtscp' : 'rdtsc'} of ${rt}: event ${ev.seq} ${ev.insn} ${ev.value}`);
    return { value: BigInt(ev.value), aux: ev.aux };
  }
  private tscWarned = false;

  /** The engine answered `count` planned calls of `tid`: the bookkeeping decide() would have done. */
  onConsumed(tid: number, count: number): void {
    if (DEBUG) debug(`consumed ${tid} ${count}`);
    const plan = this.planned.get(tid);
    if (count > 0 && this.sigreturnRun.size) this.sigreturnRun.delete(tid);  // (calls the engine answered: none is rt_sigreturn)
    for (let k = 0; k < count; k++) {
      const p = plan?.shift();
      if (!p) throw new Error(`replay: the engine used ${count} planned calls of thread ${tid}, more than were handed over`);
      const ev = this.cursor.take(p.rt);
      if (ev !== p.ev) throw new Error(`replay: planned call ${p.ev.seq} of thread ${p.rt} is not the next one recorded`);
      if (ev.name === 'exit_group' || ev.name === 'exit') this.exiting(tid, p.pid, ev.name === 'exit_group');
      this.stats.matched++;
      this.stats.ahead++;
      if (p.injected) {
        this.stats.injected++;
        this.addReadLag(p.pid, int64(p.ev.args[0]!), p.ev);
        if (p.ev.name === 'clock_gettime' && this.order) {
          const c = p.ev.mem?.find((m) => m.arg === 1 && m.at === 'exit');
          if (c && !c.fault) this.lastClock.set(`${p.pid}:${BigInt.asUintN(64, int64(p.ev.args[0]!))}`, captureBytes(c));
        }
      } else this.stats.ran++;
    }
    if (plan && !plan.length) this.planned.delete(tid);
    if (this.waiters.size) this.wakeDue();
  }

  /** Something the plans assumed changed (a ghost descriptor or a pipe appeared, replay went live): void them all. */
  private dropPlans(): void {
    if (!this.planned.size) return;
    this.planned.clear();
    this.opts.dropExpectations?.();
  }

  /**
   * The verdict for a call that runs for real. With `p`, onExit sees it; without, it is told
   * that no exit callback is wanted, which saves a round trip to this thread per call.
   */
  private runs(call: LiveCall, p: Pending | undefined, v: RunVerdict | undefined): EntryVerdict {
    if (p) {
      this.pending.set(call.tid, p);
      return v;
    }
    this.pending.delete(call.tid);
    return { ...(v ?? { action: 'run' }), exit: false };
  }

  /**
   * A recorded open whose file is gone now: open a stand-in instead, so the descriptor is real
   * (fstat, fadvise, mmap... that the trace does not hold still work on something) and calls
   * on it that the trace holds are answered from the recording. The stand-in is the program's
   * own executable, through the AT_EXECFN string the kernel left on its stack: a path that
   * exists, already in its memory. Read-only opens only; others fall back to a fake number.
   */
  private standIn(call: LiveCall): RunVerdict | undefined {
    const pathArg = call.name === 'open' || call.name === 'creat' ? 0 : call.name === 'openat' ? 1 : -1;
    if (pathArg < 0) return undefined;
    const flags = call.name === 'openat' ? call.args[2] ?? 0n : call.name === 'open' ? call.args[1] ?? 0n : 0o101n;
    const O_ACCMODE = 3n, O_CREAT = 0o100n, O_DIRECTORY = 0o200000n, O_PATH = 0o10000000n;
    if ((flags & O_ACCMODE) !== 0n || (flags & (O_CREAT | O_DIRECTORY | O_PATH)) !== 0n) return undefined;
    const path = call.readString(call.args[pathArg] ?? 0n, 4096);
    if (path === null || exists(resolveAt(call, path, call.name === 'openat' ? fdOf(call.args[0]) : -100))) return undefined;
    const execfn = auxv(call.pid, 31 /* AT_EXECFN */);
    if (execfn === undefined) return undefined;
    const args: (bigint | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    args[pathArg] = execfn;
    if (call.name === 'openat') args[0] = BigInt.asUintN(64, -100n);  // AT_FDCWD: the string is absolute anyway
    this.standIns.add(call.tid);
    return { action: 'run', args };
  }
  private readonly standIns = new Set<number>();

  /**
   * Injected reads leave the kernel's file offset behind the program's. An lseek relative to
   * the current offset is shifted by that lag so the real offset ends where the program
   * expects it; an absolute one just clears it. (lseek is always watched, in the trace or not.)
   */
  private readonly lag = new Map<string, bigint>();
  /** descriptors opened for writing too (`pid:fd`): reads on them run (see decideCall) */
  private readonly rwFds = new Set<string>();
  private seekFix(call: LiveCall): RunVerdict | undefined {
    const k = lagKey(call.pid, call.args[0]);
    const lag = this.lag.get(k);
    if (lag === undefined) return undefined;
    this.lag.delete(k);
    const SEEK_CUR = 1n;
    if ((call.args[2] ?? 0n) !== SEEK_CUR) return undefined;
    return { action: 'run', args: [undefined, BigInt.asUintN(64, BigInt.asIntN(64, call.args[1] ?? 0n) + lag)] };
  }

  // ---- pipes made inside the replay ------------------------------------------------------

  /** inodes of the pipes replayed processes created (the kernel's fd tables say who holds them) */
  private readonly innerPipes = new Set<string>();

  private notePipe(call: LiveCall): void {
    const fds = call.readBytes(call.args[0] ?? 0n, 8);
    if (!fds || fds.length < 8) return;
    for (const fd of [fds.readInt32LE(0), fds.readInt32LE(4)]) {
      const ino = pipeInode(call.pid, fd);
      if (ino) this.innerPipes.add(ino);
    }
    this.pipeEnds.add(lagKey(call.pid, BigInt(fds.readInt32LE(4))));
    this.dropPlans();  // reads planned ahead may be on the new pipe
  }

  /**
   * Write ends of pipes a replayed process made (`pid:fd`, as pipe2 returned them), and what
   * was written into inner pipes otherwise than when recorded. A program writing its own
   * addresses into a pipe it reads back (libuv's signal pipe carries a pointer to the handle;
   * ASLR put it elsewhere) must read its own bytes, not the recorded ones: a read of a pipe
   * gets the recorded bytes with each chunk written otherwise replaced by what was written.
   */
  private readonly pipeEnds = new Set<string>();
  /**
   * Descriptors of event sources a replayed process made (eventfd, timerfd, signalfd, inotify:
   * `pid:fd`). Reads of them run for real, as reads of inner pipes do, then get the recorded
   * result: answered without running, an eventfd's counter was never taken, it stayed readable,
   * and an event loop's next wait came back at once, before the thread that signals it had.
   */
  private readonly eventFds = new Set<string>();
  private readonly pipeSubst: { rec: Buffer; live: Buffer }[] = [];

  /** A write on a pipe's write end: its live bytes, when they are not the recorded ones, stand in for them in reads. */
  private notePipeWrite(call: LiveCall, ev: SyscallEvent): void {
    const c = ev.mem?.find((m) => m.arg === 1 && m.at === 'entry' && m.index === undefined);
    if (!c || c.fault || !complete(c)) return;
    const rec = captureBytes(c);
    if (!rec.length || rec.length > 4096) return;
    const live = call.readBytes(call.args[1] ?? 0n, rec.length);
    if (!live || live.length !== rec.length || live.equals(rec)) return;
    this.pipeSubst.push({ rec, live: Buffer.from(live) });
    if (this.pipeSubst.length > 64) this.pipeSubst.shift();
  }

  private substituted(call: LiveCall, writes: Write[]): Write[] {
    if (!this.pipeSubst.length) return writes;
    return writes.map((w) => {
      let data = w.data;
      for (const s of this.pipeSubst) {
        const i = data.indexOf(s.rec);
        if (i < 0) continue;
        data = Buffer.concat([data.subarray(0, i), s.live, data.subarray(i + s.rec.length)]);
      }
      return data === w.data ? w : { addr: w.addr, data };
    });
  }

  private isInnerPipe(pid: number, fd: bigint): boolean {
    const ino = pipeInode(pid, fdOf(fd));
    return ino !== undefined && this.innerPipes.has(ino);
  }

  // ---- exit ------------------------------------------------------------------------------

  onExit(call: LiveCall, ret: bigint): ExitVerdict | Promise<ExitVerdict> {
    const p = this.pending.get(call.tid);
    if (DEBUG) debug(`exit ${call.tid} ${call.name} = ${ret}${p?.signalAfter ? ' (signal after)' : ''}`);
    const v = this.exitFor(call, ret);
    if (p?.holdExit && !this.killed && !this.live) {
      // (a child's reaping, events: the answer exitFor made from the recording is what it gets
      // then, with the signal recorded after it, if one was)
      if (v === undefined && !p.signalAfter) return this.exitTurn(call, p.holdExit, ret);
      if (!(v instanceof Promise) && (p.kind === 'wait' || EVENT_WAITS.has(call.name))) {
        const held = this.exitTurn(call, p.holdExit, ret, v ?? {}, p.signalAfter);
        if (held) return held;
      }
    }
    if (!p?.signalAfter || this.killed || this.live) return v;
    const rt = this.tids.get(call.tid);
    const after = rt === undefined ? undefined : this.dueAfter(call, rt, p.ev);
    if (!after || after.wait) return v;  // not come yet, or not at this exit: the next call's entry delivers it
    after.list.shift();
    this.stats.signals++;
    const at = this.deliverAt(call, after.sig);
    const delivery = this.withStacked(call, after.list, after.sig);
    const add = (x: ExitVerdict): ExitVerdict => ({ ...(x ?? {}), ...delivery, ...at });
    return v instanceof Promise ? v.then(add) : add(v);
  }

  private exitFor(call: LiveCall, ret: bigint): ExitVerdict | Promise<ExitVerdict> {
    const p = this.pending.get(call.tid);
    this.pending.delete(call.tid);
    if (!p) return undefined;
    if (ret >= 0n && this.lag.size && FD_CREATORS.includes(call.name)) this.lag.delete(lagKey(call.pid, ret));
    if (ret >= 0n && FD_CREATORS.includes(call.name)) {
      const flags = call.name === 'openat' ? call.args[2] ?? 0n : call.name === 'open' ? call.args[1] ?? 0n : 1n;
      if ((flags & 3n) !== 0n) this.rwFds.add(lagKey(call.pid, ret));
      else this.rwFds.delete(lagKey(call.pid, ret));
    }
    // the prctl in a brk(0)'s place (placeHeap): its start, moved or where it was
    if (p.heap) {
      if (DEBUG && ret !== 0n) debug(`heap ${call.pid}: prctl ${ret}, left at 0x${p.heap.stayed.toString(16)}`);
      return { value: ret === 0n ? p.heap.moved : p.heap.stayed, writes: p.restore ? [p.restore] : [] };
    }
    if (p.kind === 'run' && p.value !== undefined) {
      if (p.lagFd !== undefined && ret < p.value) {
        const k = lagKey(call.pid, p.lagFd);
        this.lag.set(k, (this.lag.get(k) ?? 0n) + p.value - (ret > 0n ? ret : 0n));
      }
      return { value: p.value, writes: p.restore ? [p.restore] : p.exitWrites };
    }
    if (p.kind === 'wait' && p.ev) {
      if (DEBUG) debug(`wait ${call.tid}: reaped ${ret}, replayed child ${p.child}, recorded ${p.ev.ret}`);
      // the child reaped for real; the program sees the recorded status and usage, and the pid
      // of the child as it knows it (its fork's result: the replayed one)
      const child = BigInt(p.child ?? 0);
      let writes: Write[] = [];
      try {
        writes = outputWrites(p.ev, call);
      } catch {
        /* the status alone */
      }
      if (call.name === 'waitid') {
        for (const w of writes)
          if (w.addr === call.args[2] && w.data.length >= 20) {
            w.data = Buffer.from(w.data);
            w.data.writeInt32LE(Number(child), 16);  // si_pid
          }
        return { value: 0n, writes };
      }
      return { value: child, writes };
    }
    if (p.kind === 'pipe' && p.ev) {
      // The recorded read found the pipe's end (0: every writer had closed it), this one found
      // bytes: an earlier read, run for real and answered with what it got when recorded, took
      // fewer from the pipe than that (less had been written by then), and the rest is still in
      // it. Answered 0 now, the program would close the pipe before its writer is done (and
      // the writer die of SIGPIPE: `tar cf - d | tar tf - | sort`). Those bytes the program has
      // had: they are dropped and the read is made again, until the pipe is at its end.
      const rt = this.tids.get(call.tid);
      if (ret > 0n && p.ev.ret !== null && int64(p.ev.ret) === 0n && rt !== undefined && this.isInnerPipe(call.pid, call.args[0] ?? 0n)) {
        this.cursor.untake(rt, p.ev);
        this.stats.drained++;
        if (DEBUG) debug(`pipe ${call.tid}: event ${p.ev.seq} is the pipe's end, ${ret} byte(s) the program already had are dropped; read again`);
        return { again: true };
      }
      // A read of an event source (an eventfd, timerfd, signalfd, inotify descriptor) that got
      // something when recorded and finds nothing yet (EAGAIN: libuv's are non-blocking): what
      // it reports has not happened yet in replay (a worker's job done, when another worker
      // than recorded took it and is slower). Answered now, the program would look for a
      // completion not there yet and take another path (node: a read of its work queue's
      // eventfd, then no callback). Made again a little later, until it gets something (or
      // turnWaitMs passes: then answered as recorded). So is a non-blocking read of a pipe
      // between replayed processes that found its end when recorded (0) and nothing yet now:
      // answered 0, the program would close the pipe while its writer still writes (asyncio
      // reading a child's output: the child's write then failed with EPIPE); it waits for the
      // writers to be done, up to signalWaitMs.
      const recorded = int64(p.ev.ret!);
      const source = recorded > 0n && this.eventFds.has(lagKey(call.pid, call.args[0]));
      const pipeEnd = recorded === 0n && this.isInnerPipe(call.pid, call.args[0] ?? 0n);
      if (ret === -EAGAIN && rt !== undefined && (source || pipeEnd)) {
        const w = this.notYet.get(call.tid);
        const now = Date.now();
        if (!w || w.ev !== p.ev) this.notYet.set(call.tid, { ev: p.ev, since: now, n: 0, slept: false, ...(pipeEnd ? { pipe: true as const } : {}) });
        const limit = source ? (this.opts.turnWaitMs ?? 1000) : (this.opts.signalWaitMs ?? 5000);
        if (now - (w?.ev === p.ev ? w.since : now) < limit) {
          this.cursor.untake(rt, p.ev);
          if (DEBUG) debug(`${source ? 'eventfd' : 'pipe'} ${call.tid}: event ${p.ev.seq} got ${p.ev.ret} when recorded, nothing yet; read again`);
          return { again: true };
        }
      }
      if (this.notYet.size) this.notYet.delete(call.tid);
      try {
        return { value: int64(p.ev.ret!), writes: this.substituted(call, outputWrites(p.ev, call)) };
      } catch (e) {
        if (!(e instanceof ScatterError)) throw e;
        this.opts.warn?.(`event ${p.ev.seq}: ${e.message}; the real result stands`);
        return undefined;
      }
    }
    if (p.kind === 'run' && PIPE_CREATORS.includes(call.name) && ret === 0n) this.notePipe(call);
    if (p.kind === 'run' && EVENT_SOURCES.has(call.name) && ret >= 0n) {
      this.eventFds.add(lagKey(call.pid, ret));
      this.dropPlans();  // reads planned ahead may be on it
    }
    if (p.kind === 'run' && p.ev?.name === 'rt_sigprocmask' && ret === 0n) {
      // the engine holds signals blocked that the program did not block: it sees the mask it had when recorded
      const old = oldSetOf(p.ev);
      const addr = call.args[2] ?? 0n;
      if (old && addr !== 0n) return { writes: [{ addr, data: old }] };
    }
    let out: ExitVerdict;
    if (p.kind === 'run' && p.ev && p.ev.ret !== null && FD_CREATORS.includes(p.ev.name) && ret >= 0n && p.selfFile) {
      let fds = this.liveFds.get(call.pid);
      if (!fds) this.liveFds.set(call.pid, (fds = new Set()));
      fds.add(Number(ret));
      this.dropPlans();  // reads planned ahead may be on it
    }
    if (p.kind === 'run' && p.ev && p.ev.ret !== null && FD_CREATORS.includes(p.ev.name)) {
      const want = int64(p.ev.ret);
      if (this.standIns.delete(call.tid) && ret >= 0n) {
        this.dropPlans();
        this.ghostSet(call.pid).add(Number(ret));
        if (ret !== want) this.opts.warn?.(`event ${p.ev.seq}: ${p.ev.name} returned fd ${ret}, recorded ${want}`);
      } else if (want >= 0n && ret < 0n) {
        // recorded open succeeded, the file is gone or unreadable now: the program gets the
        // recorded descriptor number; calls on it are answered from the recording
        this.dropPlans();
        this.ghostSet(call.pid).add(Number(want));
        out = { value: want };
      } else if (want >= 0n && ret >= 0n && want !== ret) {
        this.opts.warn?.(`event ${p.ev.seq}: ${p.ev.name} returned fd ${ret}, recorded ${want}`);
      }
    }
    if (p.kind === 'run' && p.ev && p.ev.ret !== null && RECORDED_RESULT.includes(p.ev.name)) {
      const want = int64(p.ev.ret);
      if (DEBUG && want !== ret) debug(`${call.name} ${call.tid} fd ${call.args[0]}: real ${ret}, recorded ${want}`);
      if (want !== ret) out = { value: want };
    }
    if (p.spawner && ret > 0n) {
      return this.onSpawned(call, Number(ret)).then(() => out, (e) => {
        this.fail(e);
        return out;
      });
    }
    return out;
  }

  // ---- desync ----------------------------------------------------------------------------

  private goLive(why: string): void {
    if (this.live) return;
    this.dropPlans();
    this.live = true;
    this.liveReason = why;
    this.opts.onLive?.(why);
  }

  private desync(
    call: LiveCall,
    rt: number | undefined,
    ev: SyscallEvent | undefined,
    reason: string | undefined,
    spawner: boolean,
    m?: Mismatch,
  ): EntryVerdict | Promise<EntryVerdict> {
    const d: Desync = {
      event: ev,
      line: ev ? this.cursor.lineOf(ev) : undefined,
      tid: call.tid,
      recordedTid: rt,
      mismatch: m,
      recorded: ev ? formatRecorded(ev) : '(nothing: the recording of this thread is over)',
      actual: formatLive(call),
      reason: reason ?? describe(m!),
      recent: this.cursor.recent.filter((e) => rt === undefined || e.tid === rt).slice(-5),
    };
    this.desyncs.push(d);
    this.opts.report(d);
    switch (this.opts.onDesync) {
      case 'stop':
        this.killed = true;
        return { action: 'kill' };
      case 'live':
        this.goLive(`desync at event ${ev?.seq ?? this.cursor.lastSeq}: the program runs on for real`);
        if (spawner) this.pending.set(call.tid, { kind: 'run', spawner });
        return undefined;
      case 'warn':
        if (rt !== undefined && ev && m && m.what !== 'name') {
          // same call, other arguments: it stands for the recorded one, and runs for real
          this.cursor.take(rt);
          this.stats.ran++;
          this.pending.set(call.tid, { kind: 'run', spawner });
          return undefined;
        }
        if (rt !== undefined) return this.resync(call, rt, spawner);
        if (spawner) this.pending.set(call.tid, { kind: 'run', spawner });
        return undefined;
    }
  }

  /** --on-desync=warn: find the call a little further in the thread's recording, else run it for real. */
  private async resync(call: LiveCall, rt: number, spawner: boolean): Promise<EntryVerdict> {
    await this.cursor.ensure(rt, RESYNC_WINDOW);
    for (let i = 1; i < RESYNC_WINDOW; i++) {
      const ev = this.cursor.pending(rt, i);
      if (!ev) break;
      if (!compareCall(ev, call)) {
        for (let k = 0; k < i; k++) this.cursor.take(rt);  // skipped over
        this.cursor.take(rt);
        return this.decide(call, ev, spawner);
      }
    }
    this.stats.ran++;
    if (spawner) this.pending.set(call.tid, { kind: 'run', spawner });
    return undefined;
  }

  /** An error inside a callback: the trace is malformed or too far out of step. Stop. */
  error: unknown;
  private fail(e: unknown): EntryVerdict {
    if (!this.error) this.error = e;
    this.killed = true;
    return { action: 'kill' };
  }
}

/** The loff_t values at the non-NULL pointers `offs` of a call, advanced by `n`, as the kernel leaves them. */
function offsetWrites(call: LiveCall, offs: number[], n: bigint): Write[] {
  const out: Write[] = [];
  for (const i of offs) {
    const addr = call.args[i] ?? 0n;
    if (addr === 0n) continue;
    const b = call.readBytes(addr, 8);
    if (!b || b.length < 8) continue;  // the kernel would have failed with EFAULT: the recording says what it did
    const v = Buffer.alloc(8);
    v.writeBigInt64LE(BigInt.asIntN(64, b.readBigInt64LE(0) + n));
    out.push({ addr, data: v });
  }
  return out;
}

function describe(m: Mismatch): string {
  if (m.what === 'name') return 'a different syscall';
  return `argument ${m.what + 1} (${m.type}) differs`;
}

function exists(path: string | undefined): boolean {
  if (path === undefined) return true;  // cannot tell: let it run
  try {
    accessSync(path, constants.F_OK);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The path as the kernel resolves it for that thread (cwd or dirfd through /proc). */
function resolveAt(call: LiveCall, path: string, dirfd: number): string | undefined {
  if (path.startsWith('/')) return path;
  const base = dirfd === -100 ? `/proc/${call.tid}/cwd` : `/proc/${call.tid}/fd/${dirfd}`;
  try {
    return `${realpathSync(base)}/${path}`;
  } catch {
    return undefined;
  }
}

/** A value of the process's auxiliary vector. */
function auxv(pid: number, type: number): bigint | undefined {
  try {
    const b = readFileSync(`/proc/${pid}/auxv`);
    for (let i = 0; i + 16 <= b.length; i += 16) if (b.readBigUInt64LE(i) === BigInt(type)) return b.readBigUInt64LE(i + 8);
  } catch {
    /* gone */
  }
  return undefined;
}

/** A descriptor argument (the low 32 bits of its register, signed). */
function fdOf(v: bigint | undefined): number {
  return Number(BigInt.asIntN(32, v ?? 0n));
}

/** The key of `lag`: a process's descriptor. */
function lagKey(pid: number, fd: bigint | undefined): string {
  return `${pid}:${fdOf(fd)}`;
}

/** `pipe:[INODE]` of a descriptor, or undefined when it is not a pipe (or gone). */
function pipeInode(pid: number, fd: number): string | undefined {
  try {
    const m = /^pipe:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
    return m?.[1];
  } catch {
    return undefined;
  }
}

const SIGCHLD = 17;
/** how far clockAhead looks past a thread's loose calls for its read of the same clock */
const CLOCK_AHEAD = 16;
const CLOCK_REALTIME = 0n;
const SIGCONT = 18;
/** job-control stops replay holds and delivers (SIGTSTP, SIGTTIN, SIGTTOU; SIGSTOP cannot be held) */
const JOB_STOPS: ReadonlySet<number> = new Set([20, 21, 22]);
/**
 * A file made with a name of its own choosing (mkstemp, mkdtemp: O_CREAT|O_EXCL, mkdir), whose
 * name differs from the recorded one only in the run of letters and digits that was random
 * (from the clock, the stack's address): the program's own buffer gets the recorded name, so
 * that it makes and then uses that one (in the arguments of the children it runs, in its
 * unlink). Not when a file of that name exists now. Returns the write, or undefined.
 */
function tempName(call: LiveCall, ev: SyscallEvent, arg: number): Write | undefined {
  const O_CREAT = 0o100n, O_EXCL = 0o200n;
  if (call.name === 'openat' || call.name === 'open') {
    const flags = call.args[call.name === 'openat' ? 2 : 1] ?? 0n;
    if ((flags & (O_CREAT | O_EXCL)) !== (O_CREAT | O_EXCL)) return undefined;
  } else if (call.name !== 'mkdir' && call.name !== 'mkdirat') return undefined;
  const c = entryCaptures(ev, arg)[0];
  if (!c || c.fault || !complete(c)) return undefined;
  const want = captureBytes(c);
  const addr = call.args[arg] ?? 0n;
  const got = call.readBytes(addr, want.length + 1);
  if (!got || got.length !== want.length + 1 || got[want.length] !== 0) return undefined;
  const slash = want.lastIndexOf(0x2f);
  if (slash !== got.lastIndexOf(0x2f) || !want.subarray(0, slash + 1).equals(got.subarray(0, slash + 1))) return undefined;
  const alnum = (b: number) => (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122);
  let first = -1, last = -1;
  for (let i = slash + 1; i < want.length; i++) {
    if (want[i] === got[i]) continue;
    if (!alnum(want[i]!) || !alnum(got[i]!)) return undefined;
    if (first < 0) first = i;
    last = i;
  }
  if (first < 0 || last - first >= 16) return undefined;
  if (exists(resolveAt(call, want.toString('latin1'), call.name === 'openat' || call.name === 'mkdirat' ? fdOf(call.args[0]) : -100))) return undefined;
  return { addr, data: want };
}

/** A verdict with one more memory write at entry (a call that runs, or one answered from the recording). */
function withWrite(v: EntryVerdict, w: Write): EntryVerdict {
  if (v === undefined) return { action: 'run', writes: [w] };
  if (v.action === 'run' || v.action === 'return') return { ...v, writes: [w, ...(v.writes ?? [])] };
  return v;
}

/** A syscall's part in planning ahead (Replayer.shapeOf). */
interface AheadShape {
  nr: number;
  /** the arguments compareCall checks, in order: a descriptor (low 32 bits), a path, argv (never planned), another integer */
  keys: { index: number; kind: 'fd' | 'path' | 'argv' | 'int' }[];
  /** the argument whose bytes a write's check compares (WRITE_DATA), unless content runs */
  data: number | undefined;
  pipeRead: boolean;
  transfer: boolean;
}

/** Calls that make an event source's descriptor (eventFds). */
const EVENT_SOURCES: ReadonlySet<string> = new Set(['eventfd', 'eventfd2', 'timerfd_create', 'signalfd', 'signalfd4', 'inotify_init', 'inotify_init1']);

/** The waits of event loops: answered with the recorded events (eventsAsRecorded). */
const EVENT_WAITS: ReadonlySet<string> = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'poll', 'ppoll']);
/**
 * mmap(addr, len, prot, MAP_PRIVATE|MAP_ANONYMOUS..., -1, 0) without MAP_FIXED: memory asked
 * for, not a file or a place (an address given is a hint: a thread's heap asks for one aligned
 * after the last heap, if there was one)
 */
function isLooseMmap(name: string, args: bigint[]): boolean {
  if (name !== 'mmap') return false;
  const flags = args[3] ?? 0n;
  const MAP_SHARED = 1n, MAP_FIXED = 0x10n, MAP_ANONYMOUS = 0x20n, MAP_FIXED_NOREPLACE = 0x100000n;
  return (flags & MAP_ANONYMOUS) !== 0n && (flags & (MAP_FIXED | MAP_SHARED | MAP_FIXED_NOREPLACE)) === 0n;
}

/** RIFT_REPLAY_DEBUG=1: every decision on stderr */
const DEBUG = !!process.env.RIFT_REPLAY_DEBUG;
/** RIFT_REPLAY_DEBUG=/a/path: to that file (appended) instead */
const DEBUG_FILE = process.env.RIFT_REPLAY_DEBUG?.startsWith('/') ? process.env.RIFT_REPLAY_DEBUG : undefined;
function debug(s: string): void {
  if (DEBUG_FILE) appendFileSync(DEBUG_FILE, `${process.pid}: ${s}\n`);
  else process.stderr.write(`rift-replay: debug: ${s}\n`);
}

/** The old signal mask a recorded rt_sigprocmask returned (its exit capture), or undefined. */
function oldSetOf(ev: SyscallEvent): Buffer | undefined {
  if (ev.ret === null || int64(ev.ret) !== 0n || !ev.args[2] || int64(ev.args[2]) === 0n) return undefined;
  const c = ev.mem?.find((m) => m.arg === 2 && m.at === 'exit');
  if (!c || c.fault || !complete(c)) return undefined;
  const b = captureBytes(c);
  return b.length ? b : undefined;
}
function mask(status: string, key: string): bigint {
  const m = new RegExp(`\\n${key}:\\s*([0-9a-f]+)`).exec(status);
  return m ? BigInt('0x' + m[1]) : 0n;
}

/** Room kept free after a recorded heap's start for placeHeap to move a heap there. */
const HEAP_ROOM = 64n << 20n;

/** What /proc/PID/stat says of a process's memory layout (its fields 26-28 and 45-51). */
interface MemoryLayout {
  startCode: bigint; endCode: bigint; startStack: bigint;
  startData: bigint; endData: bigint; startBrk: bigint;
  argStart: bigint; argEnd: bigint; envStart: bigint; envEnd: bigint;
}
function procMemoryLayout(pid: number): MemoryLayout | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = st.slice(st.lastIndexOf(')') + 2).trim().split(' ');  // f[0] is field 3
    const n = (field: number): bigint => BigInt(f[field - 3] ?? '0');
    const m = { startCode: n(26), endCode: n(27), startStack: n(28), startData: n(45), endData: n(46), startBrk: n(47), argStart: n(48), argEnd: n(49), envStart: n(50), envEnd: n(51) };
    return m.endCode > 0n && m.startBrk > 0n ? m : undefined;  // (zeros: no access, or a zombie)
  } catch {
    return undefined;
  }
}
/**
 * The stack pointer of a thread stopped in a syscall (/proc/TID/syscall), or undefined. The
 * kernel says "running" when the thread was not yet off its CPU as it looked (it looks twice):
 * a few more looks.
 */
function stackPointer(tid: number): bigint | undefined {
  for (let tries = 0; tries < 5; tries++) {
    let w: string[];
    try {
      w = readFileSync(`/proc/${tid}/syscall`, 'utf8').trim().split(' ');
    } catch {
      return undefined;
    }
    if (w.length >= 9) return BigInt(w[w.length - 2]!);
  }
  return undefined;
}
/**
 * What stands in the way of a heap moved to `base` in process `pid`: its heap, when brk grew it
 * already (moving its start would orphan it), or a mapping within HEAP_ROOM of `base`; null
 * when nothing does, undefined when the process is gone.
 */
function heapObstacle(pid: number, base: bigint): Mapping | null | undefined {
  const maps = mappingsOf(pid);
  if (!maps) return undefined;
  return maps.find((m) => m.name === '[heap]' || (m.lo < base + HEAP_ROOM && m.hi > base)) ?? null;
}

/** One line of /proc/PID/maps: its range, the offset of `lo` in the file mapped, the file's path (or [heap]..., or empty). */
interface Mapping {
  lo: bigint;
  hi: bigint;
  offset: bigint;
  name: string;
}

/** The mappings of process `pid` (undefined when it is gone). */
function mappingsOf(pid: number): Mapping[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return undefined;
  }
  const out: Mapping[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ \S+ *(.*)$/.exec(line);
    if (m) out.push({ lo: BigInt('0x' + m[1]), hi: BigInt('0x' + m[2]), offset: BigInt('0x' + m[3]), name: m[4]! });
  }
  return out;
}

/** A thread's signal state from /proc (undefined when it is gone). */
export function procSignalState(tid: number, pid: number): SignalState | undefined {
  try {
    const t = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    return { pending: mask(t, 'SigPnd') | mask(t, 'ShdPnd') };
  } catch {
    return undefined;
  }
}

/**
 * Whether a replayed process has not told its parent it ended yet: it runs, or it is a zombie
 * the engine has not reaped. The kernel sends a traced child's SIGCHLD to its parent only when
 * the tracer collects its exit status (wait_task_zombie, with the child untraced in the same
 * step), not when it dies: a zombie still traced has sent nothing yet. (The engine's thread is
 * held while this verdict is made, so it does not reap in between.)
 */
function notYetReported(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return false;
  }
  const state = /\nState:\s*(\S)/.exec(status)?.[1];
  if (state !== 'Z' && state !== 'X') return true;
  return state === 'Z' && !/\nTracerPid:\s*0\n/.test(status);
}

/**
 * Whether a thread sleeps in the kernel (state S or D) waiting for another thread (a futex, an
 * event loop's wait): it makes no call before something wakes it, which may be the thread
 * waiting for it (a condition it waits on in a call that did not match its recording, a lock
 * taken in user space). A thread at a ptrace stop (t) or running is about to go on.
 */
/**
 * Whether a signal recorded after `prev` (and before `next`) came once the program had gone on
 * from prev, not as prev returned: prev's buffered record was written before it came (the call
 * had returned to the program), and the register it interrupted no longer holds prev's result
 * (the program had run on: it holds next's number as the program makes that call, a clock value
 * in the syscall buffer's wrapper of next...). Replay delivers a signal only at a call, so the
 * choice is prev's exit or next's entry; how far the program got in between (a loop's counter
 * stored or not) the stream cannot tell. With prev's result still in the register: prev's exit.
 */
function ranOn(point: SignalPoint | undefined, prev: SyscallEvent, next: SyscallEvent | undefined, sig?: SignalEvent): boolean {
  // the recording says where, inside the syscall buffer's wrapper: before the next call, or at prev's exit
  if (point?.after === 'entry') return true;
  if (point?.after === 'exit') return false;
  // or at which instruction of the program's own code: delivered there, stepped to from prev's exit
  if (sig && steppable(sig, point)) return false;
  if (point?.after !== 'returned' || point.rax === undefined || !next || prev.ret === null) return false;
  return point.rax !== BigInt.asUintN(64, int64(prev.ret));
}

/** Whether a signal came in the program's own code between two calls (not in a buffered call's wrapper, nor as a handler returned). */
function userCode(point: SignalPoint | undefined): boolean {
  return point?.after === undefined || point.after === 'returned';
}

/**
 * The files whose code the syscall buffer's wrappers run besides their own (the C library's
 * pthread_getspecific, memcpy and errno, the loader's lazy binding): a signal whose instruction
 * is there may have come inside a call's wrapper, where the stage word it left is not read
 * (Tracer::signalInCall trusts it only in the library's own code), so it is placed by the rule.
 */
const WRAPPER_CODE = /(^|\/)(rift_syscallbuf\.so|libc\.so[.\d]*|libpthread\.so[.\d]*|ld-linux[-\w.]*\.so[.\d]*)$/;

/** Whether a signal came in the program's own code, at an instruction replay can step to. */
function steppable(sig: SignalEvent, point: SignalPoint | undefined): boolean {
  return sig.ipFile !== undefined && !WRAPPER_CODE.test(sig.ipFile) && userCode(point);
}

/**
 * Where a signal that came in the program's own code is in the replayed process: the same
 * offset of the same file (ipFile) in its own mapping of it (ASLR put it elsewhere); undefined
 * when the signal has none or the process maps no such file there.
 */
function liveInstruction(pid: number, sig: SignalEvent): bigint | undefined {
  if (sig.ipFile === undefined || sig.ipOffset === undefined) return undefined;
  const want = BigInt(sig.ipOffset);
  const m = mappingsOf(pid)?.find((m) => m.name === sig.ipFile && want >= m.offset && want < m.offset + (m.hi - m.lo));
  return m && m.lo + (want - m.offset);
}

/** how long a thread asleep in a call matched to its recording is waited for, ms (see stuck()) */
const STUCK_MATCHED_MS = 100;
const EAGAIN = 11n;

/**
 * calls of a thread planned and not yet made, at most: planning stops there (the engine then
 * asks when it has made them, and planning starts again)
 */
const MAX_PLANNED = 1024;
/** how far, at most, each other thread's recording is looked ahead for the wake that ended a futex wait */
const WAKER_LOOKAHEAD = 4096;
/** futex commands that wake waiters on their first word: WAKE, REQUEUE, CMP_REQUEUE, WAKE_BITSET */
const FUTEX_WAKES = new Set([1, 3, 4, 10]);
const FUTEX_WAKE_OP = 5;

/** A recorded call of recorded thread `rt`. */
interface RecordedAt {
  rt: number;
  ev: SyscallEvent;
}

/** A call held at its exit (exitTurn) with its kept result, or a futex wait held until its recorded waker is made. */
interface HeldExit {
  nr: number;
  ev: SyscallEvent;
  ret: bigint;
  /** what the call's exit answered instead of `ret` (a child's reaping: its pid and recorded status), given back then */
  answer?: ExitVerdict;
  /** a signal recorded right after the call: delivered with the answer */
  signalAfter?: boolean;
  since: number;
  n: number;
  waker?: RecordedAt;
}

/** futex, epoll_wait, epoll_pwait, epoll_pwait2, poll, ppoll: waits on something another thread does */
const ASLEEP_NRS: ReadonlySet<number> = new Set([202, 232, 281, 441, 7, 271]);
function asleep(pid: number, tid: number): boolean {
  const nr = sleepingIn(pid, tid);
  return nr !== undefined && ASLEEP_NRS.has(nr);
}

/** The syscall a thread sleeps in (state S or D), from /proc; undefined when it runs, is at a stop or is gone. */
function sleepingIn(pid: number, tid: number): number | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const state = st[st.lastIndexOf(')') + 2];
    if (state !== 'S' && state !== 'D') return undefined;
    return Number(readFileSync(`/proc/${pid}/task/${tid}/syscall`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
}

/**
 * Whether a thread sleeps in a call of its own (any but the nanosleep replay puts in place of a
 * call made again: a thread waiting for its turn is not blocked).
 */
function blocked(pid: number, tid: number): boolean {
  const nr = sleepingIn(pid, tid);
  return nr !== undefined && Number.isInteger(nr) && nr >= 0 && nr !== SYS_NANOSLEEP;
}
const SYS_NANOSLEEP = 35;

/** The thread ids of a process (empty when it is gone). */
function listTasks(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).map(Number);
  } catch {
    return [];
  }
}

/** A thread's start time (field 22 of /proc/PID/task/TID/stat), undefined when it is gone. */
function startTime(pid: number, tid: number): string | undefined {
  try {
    const st = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function parentPid(pid: number): number | undefined {
  try {
    const m = /\nPPid:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

export { LookaheadError };
