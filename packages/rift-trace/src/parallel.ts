/**
 * rift-trace's text, and rift-filter's output, made on worker threads.
 *
 * Reading and JSON.parse take about two thirds of rift-trace's time on a large file, decoding
 * most of the rest; neither depends on what came before in the stream (but for -y, whose
 * descriptor paths are tracked in time order, and which stays on one thread). So the main thread
 * cuts the input into regions of whole lines, threads parse, check and decode them
 * (region-worker.ts), and the main thread takes their DecodedBlocks back in input order into the
 * text renderer, which reorders and prints as ever. The output is byte for byte the same.
 * rift-filter's work (parse, select, write the lines kept) is the same kind: its threads answer
 * with the kept lines, which the main thread writes in order.
 *
 * Memory stays flat: at most two regions per thread are in flight.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { statSync } from 'node:fs';
import { inputChunks, inputName, Lines, readError, readHeaderRegion, Regions, StreamError, type Header, type Region } from '@rift/events';
import { delayCalls, type DecodedBlock, type LineLayout } from './decoded.js';
import type { FilterOptions } from './filter.js';
import { UsageError } from './common.js';

/** What every thread is set up with: rift-trace's text, or rift-filter's selection. */
export type PoolSetup = (TextSetup | { task: 'filter'; filter: FilterOptions }) & {
  maxLine: number;
  lenient: boolean;
};

/** How rift-trace's threads decode and lay out lines. */
export interface TextSetup {
  task: 'text';
  stringSize: number;
  hex: 0 | 1 | 2;
  verbose: boolean;
  /** colour level (paint.ts) */
  colour: number;
  /** -e: the syscall names shown; others are not decoded */
  only?: string[];
  layout: LineLayout;
}

/** A region sent to a thread (its bytes transferred). */
export interface RegionJob {
  bytes: ArrayBuffer;
  tooLong: boolean;
  last: boolean;
  /** the syscalls the input's inject rules delay: marked (DELAYED) (decoded.ts delayCalls) */
  delayed?: string[];
}

/** A thread's answer: the block, lines read, lines skipped (lenient), or the first bad line. */
export interface RegionResult {
  block: DecodedBlock;
  lines: number;
  skipped: number;
  error?: { line: number; reason: string };
}

/**
 * bytes per region: a couple of hundred events, so that a message's fixed cost is spread thin,
 * and few enough that a region, its events and its lines stay in a core's cache (256 KiB regions
 * took 7% more CPU time and 70 MB more memory; 32 KiB, 12% more time)
 */
const REGION = 1 << 16;
/** regions in flight per thread: enough that a thread has the next while the main thread is busy */
const DEPTH = 8;
/** files smaller than this are read on the main thread: starting threads costs more than they save */
const SMALL_FILE = 8 << 20;

/** --threads, in the help of the bins that take it */
export const THREADS_HELP = 'threads that parse the input and make the output (0: none, all on the main thread); default: one per CPU up to 4, for files of 8 MiB or more';

/** A UsageError unless --threads is absent or 0 to 64. */
export function checkThreads(n: number | undefined): void {
  if (n !== undefined && !(Number.isInteger(n) && n >= 0 && n <= 64)) throw new UsageError(`--threads: expected 0 to 64, got '${n}'`);
}

/** Threads for the default (`--threads` not given): one per CPU, up to 4; none on one CPU. */
function defaultThreads(): number {
  const n = availableParallelism();
  return n < 2 ? 0 : Math.min(n, 4);
}

/**
 * The pool for --threads `threads` (undefined: not given, the default for files of 8 MiB or
 * more; a number: for every input), or none when that comes to no threads.
 */
export function threadPool(threads: number | undefined, setup: PoolSetup): RegionPool | undefined {
  const n = threads ?? defaultThreads();
  return n ? new RegionPool(n, setup, threads !== undefined) : undefined;
}

/** Threads that turn regions of an input into blocks of output, in input order (see the top of the file). */
export class RegionPool {
  private readonly workers: Worker[] = [];
  /** each thread's answers still to come, in the order its regions were sent */
  private readonly waiting: { resolve: (r: RegionResult) => void; reject: (e: Error) => void }[][] = [];
  private turn = 0;
  private failure: Error | undefined;
  /** the syscalls the input being read delays, sent with each of its regions */
  private delayed: string[] | undefined;

  /**
   * `threads` threads, started when the first input is read. `always`: every input goes
   * through them; else only regular files of 8 MiB or more.
   */
  constructor(
    private readonly threads: number,
    private readonly setup: PoolSetup,
    private readonly always: boolean,
  ) {}

  private start(): void {
    if (this.workers.length) return;
    const url = new URL('./region-worker.js', import.meta.url);
    for (let i = 0; i < this.threads; i++) {
      const w = new Worker(url, { workerData: this.setup });
      const queue: (typeof this.waiting)[number] = [];
      w.on('message', (r: RegionResult) => {
        const b = r.block.bytes;  // a Uint8Array once sent: a Buffer again, over the same memory
        r.block.bytes = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
        queue.shift()?.resolve(r);
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`a thread of the pool exited (${code})`)));
      this.workers.push(w);
      this.waiting.push(queue);
    }
  }

  /** Whether `path` is worth decoding on the threads. */
  wants(path: string): boolean {
    if (this.always) return true;
    try {
      const st = statSync(path);
      return st.isFile() && st.size >= SMALL_FILE;
    } catch {
      return false;  // the main thread's reader reports it
    }
  }

  /**
   * Reads one input through the threads: calls onHeader with its header, then onBlock with each
   * region's block in input order. Returns the bad lines skipped (lenient); a bad line otherwise
   * is a StreamError at its line, after the blocks before it. Stops early when `stopped()`.
   */
  async read(
    path: string,
    onHeader: (h: Header) => void,
    onBlock: (b: DecodedBlock) => void | Promise<void>,
    stopped: () => boolean,
  ): Promise<number> {
    this.start();
    const name = inputName(path);
    const regions = new Regions(inputChunks(path, REGION), this.setup.maxLine);
    const [header, rest] = await readHeaderRegion(regions, new Lines(this.setup.maxLine), name);
    onHeader(header);
    const d = delayCalls(header);
    this.delayed = d && [...d];
    /** answers in input order; a read error takes its place in that order */
    const queue: Promise<RegionResult | { readFailure: unknown }>[] = [this.decode(rest)];
    let more = true;
    const fill = async () => {
      while (more && queue.length < DEPTH * this.workers.length) {
        try {
          const r = await regions.next();
          if (r) queue.push(this.decode(r));
          else more = false;
        } catch (e) {
          more = false;
          queue.push(Promise.resolve({ readFailure: e }));
        }
      }
    };
    let line = 1;  // lines before the next region: the header
    let skipped = 0;
    await fill();
    while (queue.length) {
      const r = await queue.shift()!;
      if ('readFailure' in r) throw readError(name, line + 1, r.readFailure);
      await onBlock(r.block);
      if (r.error) throw new StreamError(name, line + r.error.line, r.error.reason);
      line += r.lines;
      skipped += r.skipped;
      if (stopped()) break;
      await fill();
    }
    return skipped;
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    this.failure ??= new Error('closed');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private decode(r: Region): Promise<RegionResult> {
    if (this.failure) return Promise.reject(this.failure);
    // the region's memory goes to the thread: as it is when Regions made it (a line that spanned
    // chunks joined to the next one's lines, the usual case), else a copy
    const bytes = (r.owned ? r.bytes : ownCopy(r.bytes)).buffer as ArrayBuffer;
    const i = this.turn++ % this.workers.length;
    const job: RegionJob = { bytes, tooLong: r.tooLong, last: r.last, delayed: this.delayed };
    const answer = new Promise<RegionResult>((resolve, reject) => {
      this.waiting[i]!.push({ resolve, reject });
      this.workers[i]!.postMessage(job, [bytes]);
    });
    answer.catch(() => {});  // a failure is thrown where the answer is awaited, in order
    return answer;
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const q of this.waiting) for (const p of q.splice(0)) p.reject(e);
  }
}

/** A copy of `b` in memory of its own (Buffer.from may take it from the shared pool). */
function ownCopy(b: Buffer): Buffer {
  const c = Buffer.allocUnsafeSlow(b.length);
  b.copy(c);
  return c;
}
