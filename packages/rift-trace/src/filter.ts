/**
 * rift-filter as a library: a predicate over events built from options. The output of a filter
 * is a stream v1 of its own: the header always, life-cycle events unless syscallsOnly.
 */
import { captureBytes, int32, selectNames, signalNumber, signatureOf, type Event, type SyscallEvent } from '@rift/events';
import { FdTracker } from './fds.js';

export interface FilterOptions {
  /** selection expression: names, %classes, /regex/, !negation */
  select?: string;
  pids?: readonly number[];
  tids?: readonly number[];
  failed?: boolean;
  successful?: boolean;
  /** nanoseconds */
  minDur?: number;
  syscallsOnly?: boolean;
}

export class FilterUsageError extends Error {}

/** '1.5ms', '20us', '300ns', '2s', '0.1' (seconds) -> nanoseconds */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s)?$/.exec(s.trim());
  if (!m) throw new FilterUsageError(`--min-dur: expected a duration such as 10us, 1.5ms or 2s, got '${s}'`);
  const scale = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[(m[2] ?? 's') as 'ns'];
  return Number(m[1]) * scale;
}

export function eventFilter(o: FilterOptions): (ev: Event) => boolean {
  const names = o.select ? selectNames(o.select.replace(/^trace=/, '')) : undefined;
  const pids = o.pids?.length ? new Set(o.pids) : undefined;
  const tids = o.tids?.length ? new Set(o.tids) : undefined;
  if (o.failed && o.successful) throw new FilterUsageError('--failed and --successful exclude each other');
  const minDur = o.minDur;
  return (ev) => {
    if (ev.type === 'end') return true;
    if (ev.type === 'warning') return !o.syscallsOnly;
    if (pids && !pids.has(ev.pid)) return false;
    if (tids && !tids.has(ev.tid)) return false;
    // a child that is not kept is not announced either (as strace without -f never sees it)
    if (ev.type === 'spawn' && ((pids && !pids.has(ev.childPid)) || (tids && !tids.has(ev.child)))) return false;
    if (ev.type !== 'syscall') return !o.syscallsOnly;
    if (names && !names.has(ev.name)) return false;
    if (o.failed && ev.errno === undefined) return false;
    if (o.successful && (ev.errno !== undefined || ev.ret === null)) return false;
    if (minDur !== undefined && (ev.dur === null || ev.dur < minDur)) return false;
    return true;
  };
}

// ---- strace's -P PATH, -e signal=, and the syscall sets of -e abbrev=/verbose=/raw= ----------

/**
 * strace's -P PATH (--trace-path): the calls that name one of the paths, in a path argument or
 * through a descriptor argument that refers to it. Descriptors are tracked from the stream (as
 * -y tracks them), so every event must pass through keep(), the calls it drops included.
 */
/** calls whose first path is a link's target, a string strace's -P does not look at */
const SYMLINKS: ReadonlySet<string> = new Set(['symlink', 'symlinkat']);

export class PathSelect {
  private readonly fds = new FdTracker();
  constructor(private readonly paths: readonly string[]) {}

  /** The stream's header: the descriptors the first process had when the recording began. */
  seed(header: { cwd?: unknown; fds?: unknown }): void {
    this.fds.seed(header);
  }

  private named(p: string | undefined): boolean {
    if (p === undefined) return false;
    for (const want of this.paths) if (p === want || p.endsWith('/' + want.replace(/^\.\//, '')) || want.endsWith('/' + p)) return true;
    return false;
  }

  /** Whether one of the descriptors in poll's array or select's sets refers to one of the paths. */
  private inSets(ev: SyscallEvent): boolean {
    const named = (fd: number) => this.named(this.fds.path(ev.pid, fd));
    if (ev.name === 'poll' || ev.name === 'ppoll') {
      const b = entryBytes(ev, 0);
      for (let o = 0; b && o + 8 <= b.length; o += 8) if (named(b.readInt32LE(o))) return true;
    } else if (ev.name === 'select' || ev.name === 'pselect6' || ev.name === '_newselect') {
      const nfds = Math.min(Math.max(int32(ev.args[0] ?? 0), 0), 1024 * 1024);
      for (let a = 1; a <= 3; a++) {
        // (a set that could not be read whole is not looked at; a capture is at most 64 KiB)
        const got = entryBytes(ev, a);
        const b = got && got.length >= Math.min(((Math.ceil(nfds / 8) + 7) & ~7), 65536) ? got : undefined;
        for (let fd = 0; b && fd < nfds && fd >> 3 < b.length; fd++) if ((b[fd >> 3]! >> (fd & 7)) & 1 && named(fd)) return true;
      }
    }
    return false;
  }

  /** Whether a syscall names one of the paths (other events: true). */
  keep(ev: Event): boolean {
    let hit = ev.type !== 'syscall';
    if (ev.type === 'syscall' && ev.name === 'fsconfig') {
      // as strace's pathtrace: only a path command's value and directory, or the descriptor
      // FSCONFIG_SET_FD gives (the context's descriptor is not looked at)
      const cmd = int32(ev.args[1] ?? -1);
      const aux = int32(ev.args[4] ?? -1);
      if (cmd === 3 || cmd === 4) hit = this.named(this.fds.path(ev.pid, aux)) || this.named(cString(ev, 3, ev.args[3]));
      else if (cmd === 5) hit = this.named(this.fds.path(ev.pid, aux));
    } else if (ev.type === 'syscall') {
      const sig = signatureOf(ev.name);
      if (sig) {
        for (let i = 0; i < sig.args.length && !hit; i++) {
          const t = sig.args[i]!;
          if (t === 'path' && !(i === 0 && SYMLINKS.has(ev.name))) hit = this.named(cString(ev, i, ev.args[i]));
          // an int: the register's low half (a program may pass garbage above it)
          else if (t === 'fd' || t === 'dirfd') hit = this.named(this.fds.path(ev.pid, int32(ev.args[i] ?? -1)));
        }
      }
    }
    // descriptors inside the arguments, as strace's -P looks at them: poll's array, select's sets
    if (!hit && ev.type === 'syscall') hit = this.inSets(ev);
    this.fds.update(ev);
    if (!hit && ev.type === 'syscall' && !ev.errno && ev.ret !== null) {
      // a call that opened one of the paths: the descriptor it returned
      const sig = signatureOf(ev.name);
      if (sig?.ret === 'fd') hit = this.named(this.fds.path(ev.pid, Number(ev.ret)));
    }
    return hit;
  }
}

/** the bytes a call's argument held at entry */
function entryBytes(ev: SyscallEvent, arg: number): Buffer | undefined {
  const c = ev.mem?.find((m) => m.arg === arg && m.at === 'entry' && !m.fault);
  return c ? captureBytes(c) : undefined;
}

function cString(ev: SyscallEvent, arg: number, addr?: number | string): string | undefined {
  const c = ev.mem?.find((m) => m.arg === arg && m.at === 'entry' && !m.fault);
  if (!c) return undefined;
  // a string that ran off a readable page has no end: it names nothing (as decode prints it)
  if (typeof addr === 'number' && c.full === undefined && c.len > 0 && (addr + c.len) % 4096 === 0) return undefined;
  const b = captureBytes(c);
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul);
}

/** strace's sets of syscalls in -e abbrev=, verbose=, raw= (all, none, names, classes, !negation). */
export function syscallSet(expr: string): Set<string> {
  const t = expr.trim();
  if (t === 'none' || t === '') return new Set();
  return selectNames(t);
}

/** -e signal=SET: the signal numbers whose deliveries print (all, none, names with or without SIG, numbers, !). */
export function signalSet(expr: string): Set<number> {
  const all = Array.from({ length: 64 }, (_, i) => i + 1);
  let terms = expr.split(',').map((s) => s.trim()).filter(Boolean);
  let neg = false;
  if (terms[0]?.startsWith('!')) {
    neg = true;
    terms = terms.map((s) => s.replace(/^!/, ''));
  }
  const out = new Set<number>();
  for (const s of terms) {
    if (s === 'all') all.forEach((n) => out.add(n));
    else if (s === 'none') continue;
    else if (/^\d+$/.test(s)) out.add(Number(s));
    else {
      const n = signalNumber(s);
      if (n === undefined) throw new FilterUsageError(`invalid signal '${s}'`);
      out.add(n);
    }
  }
  return neg ? new Set(all.filter((n) => !out.has(n))) : out;
}
