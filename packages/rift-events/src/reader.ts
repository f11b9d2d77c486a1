import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { FORMAT, VERSION, type Event, type Header, type Line } from './events.js';

/** A problem with an input stream, located at FILE:LINE. CLIs print `message` and exit 2. */
export class StreamError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'StreamError';
  }
}

export interface ReadOptions {
  /** skip bad lines instead of failing; `skipped` counts them */
  lenient?: boolean;
  /** longest line accepted, in bytes (default 64 MiB) */
  maxLine?: number;
  /**
   * false: do not remember each event's line for lineOf() (which then returns 0). A WeakMap entry
   * per event costs about a sixth of the reading time; tools that never call lineOf skip it.
   */
  lineNumbers?: boolean;
}

export interface EventSource {
  /** name used in messages: the path, or 'stdin' */
  name: string;
  header: Header;
  /** batches of events with the line number of the batch's first event */
  batches(): AsyncGenerator<Event[]>;
  /** line number of an event this source read (0 when unknown, or with lineNumbers: false) */
  lineOf(ev: Event): number;
  /** bad lines skipped so far (lenient mode) */
  skipped: number;
  /** true when the stream ended without an `end` event (a recording cut short) */
  readonly truncated: boolean;
}

const MiB = 1 << 20;

/** Opens a stream v1 file ('-' = stdin) and reads its header. */
export async function openEvents(path: string, opts: ReadOptions = {}): Promise<EventSource> {
  if (path === '-') return readEventStream(process.stdin, 'stdin', opts);
  return readEvents(fileChunks(path) ?? createReadStream(path), path, opts);
}

const CHUNK = 1 << 16;
/**
 * Events per batch. Small: a batch is alive until its consumer is done with it, and what is alive
 * the young-generation collector copies at each collection. Batches of 1024 made reading a
 * file a fifth slower than batches of 64; the promise per batch costs nothing in comparison.
 */
const BATCH = 64;

/**
 * The chunks of a regular file, read synchronously: a read from the page cache takes less time
 * than the trip through libuv's thread pool that a read stream makes for each chunk, during
 * which the main thread waited. undefined for anything else (pipes, devices, a path that cannot
 * be opened), which goes through a read stream as before, errors included.
 */
function fileChunks(path: string): AsyncIterable<Buffer> | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      return undefined;
    }
  } catch {
    return undefined;
  }
  let open = true;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  const next = async (): Promise<IteratorResult<Buffer>> => {
    if (!open) return { done: true, value: undefined };
    // a new Buffer per chunk: the start of a line that goes on in the next one is kept from it
    const b = Buffer.allocUnsafe(CHUNK);
    let n: number;
    try {
      n = readSync(fd, b, 0, CHUNK, null);
    } catch (e) {
      close();
      throw e;
    }
    if (n === 0) {
      close();
      return { done: true, value: undefined };
    }
    return { done: false, value: n < CHUNK ? b.subarray(0, n) : b };
  };
  return { [Symbol.asyncIterator]: () => ({ next }) };
}

/**
 * Reads stream v1 from any byte stream. Lines are split on '\n', checked for UTF-8 and parsed;
 * the header must come first. Memory stays bounded by the longest line and one batch.
 */
export async function readEventStream(stream: Readable, name: string, opts: ReadOptions = {}): Promise<EventSource> {
  return readEvents(stream as AsyncIterable<Buffer>, name, opts);
}

async function readEvents(chunks: AsyncIterable<Buffer>, name: string, opts: ReadOptions): Promise<EventSource> {
  const maxLine = opts.maxLine ?? 64 * MiB;
  const lenient = opts.lenient ?? false;
  const ls = new LineSplitter(chunks, name, maxLine);
  const lineNo = opts.lineNumbers === false ? undefined : new WeakMap<Event, number>();
  let skipped = 0;
  let sawEnd = false;

  const bad = (line: number, reason: string): void => {
    if (!lenient) throw new StreamError(name, line, reason);
    skipped++;
  };
  const parse = (text: string, line: number, last: boolean): Line | undefined => {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      if (last) bad(line, 'truncated last line (incomplete JSON, no final newline)');
      else bad(line, `not JSON (${(e as Error).message})`);
      return undefined;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v) || typeof (v as { type?: unknown }).type !== 'string') {
      bad(line, 'not an event: expected an object with a "type"');
      return undefined;
    }
    return v as Line;
  };

  // header
  if (!(await ls.advance())) throw new StreamError(name, 1, 'empty stream: no header line');
  const { text, line, last, error } = ls;
  if (error) throw new StreamError(name, line, error);
  let h: Line | undefined;
  try {
    h = JSON.parse(text) as Line;
  } catch {
    throw new StreamError(name, line, last ? 'truncated header line' : 'not a rift event stream: the first line is not JSON');
  }
  if (!h || h.type !== 'header' || (h as Header).format !== FORMAT)
    throw new StreamError(name, line, `not a rift event stream: the first line must be a header with "format":"${FORMAT}"`);
  const header = h as Header;
  if (header.version !== VERSION)
    throw new StreamError(name, line, `unsupported stream version ${JSON.stringify(header.version)} (this rift reads version ${VERSION})`);

  const source: EventSource = {
    name,
    header,
    skipped: 0,
    get truncated() {
      return !sawEnd;
    },
    lineOf: (ev) => lineNo?.get(ev) ?? 0,
    async *batches() {
      let batch: Event[] = [];
      // The lines of a chunk are taken synchronously (ls.next()); only a new chunk is awaited.
      // A promise per line (an async generator of lines) cost more than parsing the line.
      while (ls.next() || (await ls.advance())) {
        const { line } = ls;
        if (ls.error !== undefined) {
          bad(line, ls.error);
          source.skipped = skipped;
          continue;
        }
        const ev = parse(ls.text, line, ls.last);
        source.skipped = skipped;
        if (!ev) continue;
        // read once: lines come in several shapes, so each read of a field is a slow lookup
        const type = ev.type;
        if (type === 'header') {
          bad(line, 'a second header line (concatenated streams?)');
          source.skipped = skipped;
          continue;
        }
        if (type === 'end') sawEnd = true;
        lineNo?.set(ev, line);
        batch.push(ev);
        if (batch.length >= BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
  return source;
}

/**
 * Splits a byte stream into lines. The current line is held in fields (text, line, last,
 * error) rather than returned as an object: next() moves to the next line of the chunk in hand,
 * synchronously; advance() awaits chunks until there is a line (false at the end).
 *
 * The complete lines of a chunk are checked for UTF-8 and decoded together, one call each (valid
 * UTF-8 splits at '\n' into valid lines), then cut out of that string; only when the check fails
 * are the lines of that chunk checked one by one, to name the bad one. A line that spans chunks
 * is gathered in `pending`, bounded by maxLine.
 */
class LineSplitter {
  /** number of the current line (1-based) */
  line = 0;
  text = '';
  /** the current line is the last one and had no final newline */
  last = false;
  /** why the current line cannot be parsed (empty, not UTF-8, too long) */
  error: string | undefined;

  private readonly it: AsyncIterator<Buffer>;
  private done = false;
  /** complete lines of the current chunk as one decoded string, and where the next one starts */
  private str = '';
  private strPos = 0;
  /** or, when that region is not valid UTF-8, the region as bytes (lines checked one by one) */
  private bytes: Buffer | undefined;
  private bytesPos = 0;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private tooLong = false;

  constructor(
    chunks: AsyncIterable<Buffer>,
    private readonly name: string,
    private readonly maxLine: number,
  ) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** The next line of the chunk in hand; false when it has none left (then call advance()). */
  next(): boolean {
    const s = this.str;
    while (this.strPos < s.length) {
      const start = this.strPos;
      const nl = s.indexOf('\n', start);  // the region ends with '\n': always found
      this.strPos = nl + 1;
      this.line++;
      // empty, or a lone '\r' (CRLF streams)
      if (nl === start || (nl === start + 1 && s.charCodeAt(start) === 13)) {
        this.set('', false, 'empty line');
        return true;
      }
      this.set(s.slice(start, nl), false, undefined);
      return true;
    }
    const b = this.bytes;
    if (b) {
      if (this.bytesPos < b.length) {
        const nl = b.indexOf(10, this.bytesPos);
        const line = b.subarray(this.bytesPos, nl);
        this.bytesPos = nl + 1;
        this.emit(line, false);
        return true;
      }
      this.bytes = undefined;
    }
    return false;
  }

  /** Reads chunks until a line is ready; false at the end of the stream. */
  async advance(): Promise<boolean> {
    for (;;) {
      if (this.next()) return true;
      if (this.done) return false;
      let r: IteratorResult<Buffer>;
      try {
        r = await this.it.next();
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new StreamError(this.name, this.line + 1, `cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
      }
      if (r.done) {
        this.done = true;
        // a last line without a final newline
        if (this.tooLong) return this.lineTooLong(true);
        if (this.pendingLen) {
          const buf = Buffer.concat(this.pending);
          this.pending = [];
          this.pendingLen = 0;
          return this.emit(buf, true);
        }
        return false;
      }
      if (this.chunk(r.value)) return true;
    }
  }

  /** Takes a chunk; true when that already made a line current (one that began in an earlier chunk). */
  private chunk(chunk: Buffer): boolean {
    let start = 0;
    let ready = false;
    if (this.pendingLen || this.tooLong) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.hold(chunk);
        return false;
      }
      const head = chunk.subarray(0, nl);
      if (this.tooLong) ready = this.lineTooLong(false);
      else ready = this.emit(this.pendingLen ? Buffer.concat([...this.pending, head]) : head, false);
      this.pending = [];
      this.pendingLen = 0;
      start = nl + 1;
    }
    const lastNl = chunk.lastIndexOf(10);
    if (lastNl >= start) {
      const region = chunk.subarray(start, lastNl + 1);
      if (isUtf8(region)) {
        this.str = region.toString('utf8');
        this.strPos = 0;
      } else {
        this.bytes = region;
        this.bytesPos = 0;
      }
      start = lastNl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
    return ready;
  }

  /** Keeps the start of a line that goes on in the next chunk. */
  private hold(part: Buffer): void {
    if (this.tooLong) return;
    this.pending.push(part);
    this.pendingLen += part.length;
    if (this.pendingLen > this.maxLine) {
      this.tooLong = true;  // drop what we hold; report when the line ends
      this.pending = [];
      this.pendingLen = 0;
    }
  }

  private set(text: string, last: boolean, error: string | undefined): void {
    this.text = text;
    this.last = last;
    this.error = error;
  }

  /** Makes the line whose bytes were dropped for being too long the current one, as an error. */
  private lineTooLong(last: boolean): true {
    this.tooLong = false;
    this.line++;
    this.set('', last, `line longer than ${Math.round(this.maxLine / MiB)} MiB`);
    return true;
  }

  /** Makes `buf` the current line (numbering it); false when it is no line at all (an empty end). */
  private emit(buf: Buffer, last: boolean): boolean {
    if (buf.length === 0 || (buf.length === 1 && buf[0] === 13)) {
      if (last) return false;
      this.line++;
      this.set('', last, 'empty line');
      return true;
    }
    this.line++;
    if (!isUtf8(buf)) this.set('', last, 'bytes that are not valid UTF-8');
    else this.set(buf.toString('utf8'), last, undefined);
    return true;
  }
}

/** Convenience: every event of a source, one at a time. */
export async function* eachEvent(src: EventSource): AsyncGenerator<Event> {
  for await (const batch of src.batches()) yield* batch;
}
