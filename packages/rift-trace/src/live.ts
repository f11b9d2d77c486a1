/**
 * Reading a stream as it is written: a command rift-trace records itself, or a pipe
 * (`rift-record -- cmd | rift-trace -`). The file reader (readEventStream) hands out events in
 * batches of 64 and the text renderer holds 4096 points to put entries back in time order, both
 * right for a file and both holding a quiet program's last lines back for as long as it stays
 * quiet. Here each region (what the writer wrote at once, a batch of the engine's) is handed on
 * whole, and while no more comes, `tick` is called every TICK_MS: the caller prints what it has
 * held for HOLD_MS (LiveHold).
 */
import { lineEvent, Lines, MAX_LINE, readError, readHeaderRegion, Regions, StreamError, type Event, type Header, type Region } from '@rift/events';

/** how often `tick` is called while the input is quiet */
export const TICK_MS = 40;
/**
 * how long a point is held for calls that began before it and return later (the stream has a
 * call when it returns): those that take less come out in time order, split as strace splits
 * them; printed within HOLD_MS + TICK_MS of their arrival (the engine sends a quiet program's
 * events after 20 ms)
 */
export const HOLD_MS = 100;

export interface LiveHandlers {
  header(h: Header): void;
  /** a region's events */
  events(evs: Event[]): void | Promise<void>;
  /** after each region, and every TICK_MS while none comes */
  tick(): void | Promise<void>;
  /** stop reading (the output went away) */
  stopped(): boolean;
}

const QUIET = Symbol('quiet');

/** The next region, or QUIET when none came within `ms`. */
function within(p: Promise<Region | undefined>, ms: number): Promise<Region | undefined | typeof QUIET> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<typeof QUIET>((resolve) => (timer = setTimeout(resolve, ms, QUIET)));
  return Promise.race([p, quiet]).finally(() => clearTimeout(timer));
}

/** Reads stream v1 from `chunks` as it comes (see the top of the file). Returns the bad lines skipped (lenient). */
export async function readLive(chunks: AsyncIterable<Buffer>, name: string, lenient: boolean, h: LiveHandlers): Promise<number> {
  const regions = new Regions(chunks, MAX_LINE);
  const ls = new Lines(MAX_LINE);
  const [header, rest] = await readHeaderRegion(regions, ls, name);
  h.header(header);
  let skipped = 0;
  let region: Region | undefined = rest;
  while (region) {
    ls.load(region);
    const evs: Event[] = [];
    while (ls.next()) {
      const ev = lineEvent(ls);
      if (typeof ev !== 'string') evs.push(ev);
      else if (lenient) skipped++;
      else {
        if (evs.length) await h.events(evs);  // what came before it, then the error
        throw new StreamError(name, ls.line, ev);
      }
    }
    if (evs.length) await h.events(evs);
    if (h.stopped()) break;
    await h.tick();
    const line = ls.line;
    const next = regions.next().catch((e: unknown) => {
      throw readError(name, line + 1, e);
    });
    next.catch(() => {});  // thrown where it is awaited
    for (;;) {
      const r = await within(next, TICK_MS);
      if (r !== QUIET) {
        region = r;
        break;
      }
      await h.tick();
      if (h.stopped()) return skipped;
    }
  }
  return skipped;
}

/**
 * What a live reader has held and since when: after each region, the latest time in the stream
 * so far (a call's exit, another event's instant); `due()` is the time up to which the points
 * held HOLD_MS or more may go.
 */
export class LiveHold {
  private latest = 0;
  private marks: { at: number; t: number }[] = [];

  /** An event read. */
  saw(ev: Event): void {
    const t = ev.type === 'syscall' && ev.dur !== null ? ev.ts + ev.dur : ev.ts;
    if (t > this.latest) this.latest = t;
  }

  /** A region read (all of its events seen). */
  mark(now = Date.now()): void {
    const m = this.marks;
    if (m.length && m[m.length - 1]!.t === this.latest) return;
    m.push({ at: now, t: this.latest });
  }

  /** The time up to which points may be printed now, or -1 for none. */
  due(now = Date.now()): number {
    let t = -1;
    const m = this.marks;
    let i = 0;
    while (i < m.length && m[i]!.at <= now - HOLD_MS) t = m[i++]!.t;
    if (i) m.splice(0, i);
    return t;
  }
}
