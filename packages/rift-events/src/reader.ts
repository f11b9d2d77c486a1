import { closeSync, createReadStream, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { FORMAT, VERSION, type Event, type Header, type Line } from './events.js';
import { checkEvent, checkHeader } from './validate.js';

export { checkEvent, checkHeader, EVENT_TYPES } from './validate.js';

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
   * false: do not remember each event's line for lineOf() (which then returns 0). Kept on the
   * event itself (a hidden property) it still costs some of the reading time; tools that never
   * call lineOf skip it.
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

/**
 * Where an event read from a stream keeps its line number: a property no JSON key can name, not
 * enumerable, so that it is invisible to JSON.stringify, spreads, util.inspect and deep equality.
 * (A WeakMap from event to line cost more than twice as much to fill, and the collector's time on
 * its entries, with replay's events held ahead in their hundreds of thousands.)
 */
const LINE = Symbol('rift.line');

const MiB = 1 << 20;
/** the longest line read by default */
export const MAX_LINE = 64 * MiB;

/** Opens a stream v1 file ('-' = stdin) and reads its header. */
export async function openEvents(path: string, opts: ReadOptions = {}): Promise<EventSource> {
  return readEvents(inputChunks(path), inputName(path), opts);
}

/** An input's name in messages: the path, or 'stdin' for '-'. */
export function inputName(path: string): string {
  return path === '-' ? 'stdin' : path;
}

/**
 * The bytes of an input ('-' = stdin), in chunks of `size` bytes where it is a regular file.
 * Gzip is decompressed, known by its magic bytes whatever the name (a file, stdin, a pipe); see
 * gunzipped() for a stream that ends early or is damaged. `end`: only the first `end` bytes
 * (of the decompressed stream).
 */
export function inputChunks(path: string, size = CHUNK, end?: number): AsyncIterable<Buffer> {
  const chunks = path === '-' ? sniffed(process.stdin, size) : fileChunks(path, size) ?? sniffed(createReadStream(path), size);
  return end === undefined ? chunks : upTo(chunks, end);
}

/** A problem of the input's bytes themselves (damaged gzip, another compression): its message is the reason. */
export class InputError extends Error {
  override name = 'InputError';
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
const XZ_MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const BZIP2_MAGIC = [0x42, 0x5a, 0x68];
const startsWith = (b: Uint8Array, magic: number[]) => b.length >= magic.length && magic.every((m, i) => b[i] === m);

/**
 * What the first bytes of an input say it is: 'gzip', plain text (undefined), or a reason it
 * cannot be read (another compression). Text of a stream v1 starts with '{'.
 */
function compression(head: Uint8Array): 'gzip' | string | undefined {
  if (startsWith(head, GZIP_MAGIC)) return 'gzip';
  const other = startsWith(head, ZSTD_MAGIC) ? ['zstd', 'zstd -dc'] : startsWith(head, XZ_MAGIC) ? ['xz', 'xz -dc'] : startsWith(head, BZIP2_MAGIC) && head[3]! >= 0x31 && head[3]! <= 0x39 ? ['bzip2', 'bzip2 -dc'] : undefined;
  return other && `compressed with ${other[0]}, which rift does not read (it reads gzip): decompress it first (${other[1]} FILE > FILE.ndjson, or into a pipe)`;
}

/** A byte stream, decompressed when it turns out to be gzip (decided on its first bytes). */
async function* sniffed(raw: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]();
  let head: Buffer | undefined;
  // enough bytes to tell (a pipe may hand them over one at a time)
  while (!head || head.length < XZ_MAGIC.length) {
    const r = await it.next();
    if (r.done) break;
    head = head ? Buffer.concat([head, r.value]) : r.value;
  }
  if (!head) return;
  const kind = compression(head);
  if (kind === 'gzip') {
    yield* gunzipped((async function* () {
      yield head;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(), size);
    return;
  }
  if (kind) throw new InputError(kind);
  yield head;
  for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
}

/**
 * Gzip decompressed (on libuv's thread pool, while the caller parses), in chunks of at most
 * `size` bytes. Concatenated gzip members are one stream, as gzip -d makes them.
 *
 * A stream that ends before its trailer (a recording whose writer was killed, a copy cut short)
 * is taken as a recording cut there: its whole lines, and the bytes of an unfinished last line
 * after them are left out (rift-record flushes at whole lines, so what it wrote before SIGKILL
 * comes back whole). Damaged data (a bad block, a bad CRC) is an InputError, 'corrupt gzip
 * stream: ...', once the lines before it have been read.
 */
async function* gunzipped(raw: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  // Not the stream's own async iterator: an error destroys a stream and what it still held is
  // dropped, so the last lines before a cut would be lost. Every chunk zlib makes is taken at
  // once ('data') into `out`, and the compressed bytes go in while `out` holds less than AHEAD:
  // zlib decompresses the next piece on the thread pool while the caller parses the last.
  const AHEAD = 4 * size;
  const gz = createGunzip({ chunkSize: size });
  const out: Buffer[] = [];
  let outBytes = 0;
  let ended = false;
  let failure: NodeJS.ErrnoException | undefined;
  let stop = false;
  let wakeReader: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  const pokeReader = () => {
    const w = wakeReader;
    wakeReader = undefined;
    w?.();
  };
  const pokePump = () => {
    const w = wakePump;
    wakePump = undefined;
    w?.();
  };
  const fail = (e: unknown) => {
    failure ??= e as NodeJS.ErrnoException;
    ended = true;
    pokeReader();
  };
  gz.on('data', (c: Buffer) => {
    out.push(c);
    outBytes += c.length;
    pokeReader();
  });
  gz.on('error', fail);
  gz.on('end', () => {
    ended = true;
    pokeReader();
  });
  void (async () => {
    try {
      for await (const c of raw) {
        if (stop || failure) return;
        await new Promise<void>((resolve) => gz.write(c, () => resolve()));
        while (outBytes > AHEAD && !stop && !failure) await new Promise<void>((resolve) => (wakePump = resolve));
      }
      if (!stop && !failure) gz.end();
    } catch (e) {
      fail(e);  // the input's own read error
    }
  })();
  // the bytes after the last newline seen, held until it is known whether the stream ends well
  let held: Buffer[] = [];
  try {
    for (;;) {
      const c = out.shift();
      if (!c) {
        if (ended) break;
        await new Promise<void>((resolve) => (wakeReader = resolve));
        continue;
      }
      outBytes -= c.length;
      if (outBytes <= AHEAD) pokePump();
      const nl = c.lastIndexOf(10);
      if (nl < 0) {
        held.push(c);
        continue;
      }
      for (const h of held) yield h;
      held = [];
      if (nl + 1 === c.length) yield c;
      else {
        yield c.subarray(0, nl + 1);
        held.push(c.subarray(nl + 1));
      }
    }
  } finally {
    stop = true;
    pokePump();
    gz.destroy();
  }
  if (failure) {
    if (failure.code === 'Z_BUF_ERROR') return;  // ended before its trailer: a cut recording
    if (typeof failure.code === 'string' && failure.code.startsWith('Z_')) throw new InputError(`corrupt gzip stream: ${failure.message}`);
    throw failure;  // the file's own read error
  }
  for (const h of held) yield h;
}

/** An input file's bytes read into the caller's buffer, as FileHandle.read does it. */
export interface InputBytes {
  /** bytes read into buf at offset, at most length; 0 at the end */
  read(buf: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * A file's bytes (decompressed when it is gzip) into buffers the caller keeps: what a quick scan
 * over a trace reads (rift-replay's), without a new Buffer per chunk for a plain file.
 */
export async function openInputBytes(path: string): Promise<InputBytes> {
  const fh = await open(path, 'r');
  let kind: string | undefined;
  try {
    const head = Buffer.alloc(XZ_MAGIC.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    kind = compression(head.subarray(0, bytesRead));
  } catch (e) {
    await fh.close();
    throw e;
  }
  if (kind === undefined) return { read: async (buf, offset, length) => (await fh.read(buf, offset, length, null)).bytesRead, close: () => fh.close() };
  await fh.close();
  if (kind !== 'gzip') throw new InputError(kind);
  const it = inputChunks(path)[Symbol.asyncIterator]();
  let rest: Buffer | undefined;
  return {
    async read(buf, offset, length) {
      if (!rest?.length) {
        const r = await it.next();
        if (r.done) return 0;
        rest = r.value;
      }
      const n = rest.copy(buf, offset, 0, Math.min(length, rest.length));
      rest = rest.subarray(n);
      return n;
    },
    close: async () => {
      await it.return?.();
    },
  };
}

/** The first `end` bytes of `chunks`. */
async function* upTo(chunks: AsyncIterable<Buffer>, end: number): AsyncGenerator<Buffer> {
  let left = end;
  if (left <= 0) return;
  for await (const c of chunks) {
    if (c.length >= left) {
      yield c.subarray(0, left);
      return;
    }
    left -= c.length;
    yield c;
  }
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
function fileChunks(path: string, size: number): AsyncIterable<Buffer> | undefined {
  let fd: number;
  let head: Buffer;
  try {
    fd = openSync(path, 'r');
    if (!fstatSync(fd).isFile()) {
      closeSync(fd);
      return undefined;
    }
    // gzip, or another compression? (pread: the position stays at 0)
    head = Buffer.alloc(XZ_MAGIC.length);
    head = head.subarray(0, readSync(fd, head, 0, head.length, 0));
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
    const b = Buffer.allocUnsafe(size);
    let n: number;
    try {
      n = readSync(fd, b, 0, size, null);
    } catch (e) {
      close();
      throw e;
    }
    if (n === 0) {
      close();
      return { done: true, value: undefined };
    }
    return { done: false, value: n < size ? b.subarray(0, n) : b };
  };
  const chunks = { [Symbol.asyncIterator]: () => ({ next }) };
  const kind = compression(head);
  if (kind === 'gzip') return gunzipped(chunks, size);
  if (kind) {
    close();
    return (async function* (): AsyncGenerator<Buffer> {
      throw new InputError(kind);
    })();
  }
  return chunks;
}

/**
 * Reads stream v1 from any byte stream. Lines are split on '\n', checked for UTF-8 and parsed;
 * the header must come first. Memory stays bounded by the longest line and one batch.
 */
export async function readEventStream(stream: Readable | AsyncIterable<Buffer>, name: string, opts: ReadOptions = {}): Promise<EventSource> {
  return readEvents(stream as AsyncIterable<Buffer>, name, opts);
}

async function readEvents(chunks: AsyncIterable<Buffer>, name: string, opts: ReadOptions): Promise<EventSource> {
  const maxLine = opts.maxLine ?? MAX_LINE;
  const lenient = opts.lenient ?? false;
  const regions = new Regions(chunks, maxLine);
  const ls = new Lines(maxLine);
  const lineNumbers = opts.lineNumbers !== false;
  let skipped = 0;
  let sawEnd = false;

  /** Loads regions until a line is ready; false at the end of the stream. */
  const advance = async (): Promise<boolean> => {
    for (;;) {
      if (ls.next()) return true;
      let r: Region | undefined;
      try {
        r = await regions.next();
      } catch (e) {
        throw readError(name, ls.line + 1, e);
      }
      if (!r) return false;
      ls.load(r);
    }
  };

  const [header, rest] = await readHeaderRegion(regions, ls, name);
  ls.load(rest);
  const source: EventSource = {
    name,
    header,
    skipped: 0,
    get truncated() {
      return !sawEnd;
    },
    lineOf: (ev) => ((ev as Partial<Record<typeof LINE, number>>)[LINE] ?? 0),
    async *batches() {
      let batch: Event[] = [];
      // The lines of a region are taken synchronously (ls.next()); only a new region is awaited.
      // A promise per line (an async generator of lines) cost more than parsing the line.
      while (ls.next() || (await advance())) {
        const ev = lineEvent(ls);
        if (typeof ev === 'string') {
          if (!lenient) throw new StreamError(name, ls.line, ev);
          source.skipped = ++skipped;
          continue;
        }
        if (ev.type === 'end') sawEnd = true;
        if (lineNumbers) Object.defineProperty(ev, LINE, { value: ls.line });
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
 * Reads the header, the first line of the first region, through `ls`; returns it with the rest
 * of that region (for `ls`, or for another thread). A StreamError when there is no header.
 */
export async function readHeaderRegion(regions: Regions, ls: Lines, name: string): Promise<[Header, Region]> {
  let first: Region | undefined;
  try {
    first = await regions.next();
  } catch (e) {
    throw readError(name, 1, e);
  }
  const empty = () => new StreamError(name, 1, 'empty stream: no header line');
  if (!first) throw empty();
  const { bytes, last } = first;
  // a line too long comes first, as the header: ls reports it
  const nl = first.tooLong ? -1 : bytes.indexOf(10);
  const end = first.tooLong ? 0 : nl < 0 ? bytes.length : nl + 1;
  ls.load({ bytes: bytes.subarray(0, end), tooLong: first.tooLong, last: last && end === bytes.length });
  if (!ls.next()) throw empty();
  return [readHeader(ls, name), { bytes: bytes.subarray(end), tooLong: false, last }];
}

/** A failed read of the input as a StreamError at `line` (the line it would have been). */
export function readError(name: string, line: number, e: unknown): StreamError {
  if (e instanceof InputError) return new StreamError(name, line, e.message);
  const err = e as NodeJS.ErrnoException;
  return new StreamError(name, line, `cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
}

/** The header from the current line of `ls` (the first of the stream); a StreamError if it is none. */
function readHeader(ls: Lines, name: string): Header {
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
  if (header.version === undefined) throw new StreamError(name, line, `field "version": missing (this rift reads version ${VERSION})`);
  if (header.version !== VERSION)
    throw new StreamError(name, line, `unsupported stream version ${JSON.stringify(header.version)} (this rift reads version ${VERSION})`);
  const bad = checkHeader(h as unknown as Record<string, unknown>);
  if (bad !== undefined) throw new StreamError(name, line, bad);
  return header;
}

/**
 * The current line of `ls` (one after the header) as an event, or the reason it is not one: not
 * JSON, not an event, or a field whose value the schema does not allow (validate.ts). Every
 * reader of events comes here, on the main thread or on a worker, so all check the same.
 */
export function lineEvent(ls: Lines): Event | string {
  if (ls.error !== undefined) return ls.error;
  let v: unknown;
  try {
    v = JSON.parse(ls.text);
  } catch (e) {
    return ls.last ? 'truncated last line (incomplete JSON, no final newline)' : `not JSON (${(e as Error).message})`;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return 'not an event: expected an object with a "type"';
  // read once: lines come in several shapes, so each read of a field is a slow lookup
  const type = (v as { type?: unknown }).type;
  // (checkEvent names the types for a "type" that is not one of them, a string or not)
  const bad = type === undefined ? 'field "type": missing' : checkEvent(v as Record<string, unknown>, type);
  if (bad !== undefined) return bad;
  return v as Event;
}

/**
 * A piece of a byte stream made of whole lines, as Regions cuts it: what one Lines.load() takes.
 * Regions can be handed to other threads, which number their lines from 1 again.
 */
export interface Region {
  /** lines, each ending in '\n', but for the stream's last line when it has none (see last) */
  bytes: Buffer;
  /** the region starts with a line longer than maxLine, whose bytes were dropped */
  tooLong: boolean;
  /** the stream ends here: the bytes after the last '\n' are its last line, without a newline */
  last: boolean;
  /** `bytes` is all of a Buffer that Regions made (not from the shared pool), which nothing else
   * refers to: its memory can be handed to another thread as it is */
  owned?: boolean;
}

/**
 * Cuts a byte stream into regions of whole lines, about a chunk each. A line that spans chunks
 * is gathered (bounded by maxLine) and goes with the next chunk's lines; read errors are thrown
 * as they come (the caller knows the line number).
 */
export class Regions {
  private readonly it: AsyncIterator<Buffer>;
  private done = false;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private tooLong = false;

  constructor(
    chunks: AsyncIterable<Buffer>,
    private readonly maxLine: number,
  ) {
    this.it = chunks[Symbol.asyncIterator]();
  }

  /** The next region; undefined at the end of the stream. */
  async next(): Promise<Region | undefined> {
    while (!this.done) {
      const r = await this.it.next();
      if (r.done) {
        this.done = true;
        // a last line without a final newline
        if (this.tooLong || this.pendingLen) return this.take(this.joined([]), true);
        return undefined;
      }
      const chunk = r.value;
      const lastNl = chunk.lastIndexOf(10);
      if (lastNl < 0) {
        this.hold(chunk);
        continue;
      }
      let whole = chunk.subarray(0, lastNl + 1);
      // the line dropped for being too long ends at the chunk's first newline
      if (this.tooLong) whole = whole.subarray(whole.indexOf(10) + 1);
      else if (this.pendingLen) whole = this.joined([whole]);
      const region = this.take(whole, false);
      if (lastNl + 1 < chunk.length) this.hold(chunk.subarray(lastNl + 1));
      return region;
    }
    return undefined;
  }

  /** What is held and then `more`, in a Buffer of its own. */
  private joined(more: Buffer[]): Buffer {
    const parts = [...this.pending, ...more];
    const b = Buffer.allocUnsafeSlow(parts.reduce((n, p) => n + p.length, 0));
    let off = 0;
    for (const p of parts) off += p.copy(b, off);
    return b;
  }

  /** The region of `bytes`, after a too-long line if one is pending; the held part is reset. */
  private take(bytes: Buffer, last: boolean): Region {
    const region = { bytes, tooLong: this.tooLong, last, owned: this.pendingLen > 0 };
    this.tooLong = false;
    this.pending = [];
    this.pendingLen = 0;
    return region;
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
}

/**
 * The lines of regions, one at a time. The current line is held in fields (text, line, last,
 * error) rather than returned as an object: next() moves to the next line of the region loaded.
 *
 * A region's complete lines are checked for UTF-8 and decoded together, one call each (valid
 * UTF-8 splits at '\n' into valid lines), then cut out of that string; only when the check fails
 * are its lines checked one by one, to name the bad one.
 */
export class Lines {
  /** number of the current line (1-based, counted across the regions loaded) */
  line = 0;
  text = '';
  /** the current line is the last one and had no final newline */
  last = false;
  /** why the current line cannot be parsed (empty, not UTF-8, too long) */
  error: string | undefined;

  /** complete lines of the region as one decoded string, and where the next one starts */
  private str = '';
  private strPos = 0;
  /** or, when they are not valid UTF-8, as bytes (lines checked one by one) */
  private bytes: Buffer | undefined;
  private bytesPos = 0;
  /** the stream's last line, without a newline */
  private tail: Buffer | undefined;
  /** a too-long line comes first; and whether it is the stream's last */
  private tooLong = false;
  private tooLongLast = false;

  constructor(private readonly maxLine: number) {}

  /** Takes a region: its lines come next. */
  load(r: Region): void {
    const b = r.bytes;
    const end = r.last ? b.lastIndexOf(10) + 1 : b.length;
    this.tail = end < b.length ? b.subarray(end) : undefined;
    this.tooLong = r.tooLong;
    this.tooLongLast = r.last && b.length === 0;
    const whole = b.subarray(0, end);
    this.str = '';
    this.strPos = 0;
    this.bytes = undefined;
    if (isUtf8(whole)) this.str = whole.toString('utf8');
    else {
      this.bytes = whole;
      this.bytesPos = 0;
    }
  }

  /** The next line of the region; false when it has none left. */
  next(): boolean {
    if (this.tooLong) {
      this.tooLong = false;
      this.line++;
      this.set('', this.tooLongLast, `line longer than ${Math.round(this.maxLine / MiB)} MiB`);
      return true;
    }
    const s = this.str;
    if (this.strPos < s.length) {
      const start = this.strPos;
      const nl = s.indexOf('\n', start);  // the string ends with '\n': always found
      this.strPos = nl + 1;
      this.line++;
      // empty, or a lone '\r' (CRLF streams)
      if (nl === start || (nl === start + 1 && s.charCodeAt(start) === 13)) this.set('', false, 'empty line');
      else this.set(s.slice(start, nl), false, undefined);
      return true;
    }
    const b = this.bytes;
    if (b && this.bytesPos < b.length) {
      const nl = b.indexOf(10, this.bytesPos);
      const line = b.subarray(this.bytesPos, nl);
      this.bytesPos = nl + 1;
      return this.emit(line, false);
    }
    const tail = this.tail;
    this.tail = undefined;
    return tail !== undefined && this.emit(tail, true);
  }

  private set(text: string, last: boolean, error: string | undefined): void {
    this.text = text;
    this.last = last;
    this.error = error;
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
