import { createReadStream } from 'node:fs';
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
}

export interface EventSource {
  /** name used in messages: the path, or 'stdin' */
  name: string;
  header: Header;
  /** batches of events with the line number of the batch's first event */
  batches(): AsyncGenerator<Event[]>;
  /** line number of each event of the latest batch is firstLine + index unless lines were skipped */
  lineOf(ev: Event): number;
  /** bad lines skipped so far (lenient mode) */
  skipped: number;
  /** true when the stream ended without an `end` event (a recording cut short) */
  readonly truncated: boolean;
}

const MiB = 1 << 20;

/** Opens a stream v1 file ('-' = stdin) and reads its header. */
export async function openEvents(path: string, opts: ReadOptions = {}): Promise<EventSource> {
  const stream: Readable = path === '-' ? process.stdin : createReadStream(path);
  return readEventStream(stream, path === '-' ? 'stdin' : path, opts);
}

/**
 * Reads stream v1 from any byte stream. Lines are split on '\n', checked for UTF-8 and parsed;
 * the header must come first. Memory stays bounded by the longest line and one batch.
 */
export async function readEventStream(stream: Readable, name: string, opts: ReadOptions = {}): Promise<EventSource> {
  const maxLine = opts.maxLine ?? 64 * MiB;
  const lenient = opts.lenient ?? false;
  const it = lines(stream, name, maxLine)[Symbol.asyncIterator]();
  const lineNo = new WeakMap<Event, number>();
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
  const first = await it.next();
  if (first.done) throw new StreamError(name, 1, 'empty stream: no header line');
  const { text, line, last, error } = first.value;
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
    lineOf: (ev) => lineNo.get(ev) ?? 0,
    async *batches() {
      let batch: Event[] = [];
      for (;;) {
        const r = await it.next();
        if (r.done) break;
        const { text, line, last, error } = r.value;
        if (error) {
          bad(line, error);
          source.skipped = skipped;
          continue;
        }
        const ev = parse(text, line, last);
        source.skipped = skipped;
        if (!ev) continue;
        if (ev.type === 'header') {
          bad(line, 'a second header line (concatenated streams?)');
          source.skipped = skipped;
          continue;
        }
        if (ev.type === 'end') sawEnd = true;
        lineNo.set(ev, line);
        batch.push(ev);
        if (batch.length >= 1024) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
  };
  return source;
}

interface RawLine {
  text: string;
  line: number;
  /** the last line, without a final newline */
  last: boolean;
  error?: string;
}

async function* lines(stream: Readable, name: string, maxLine: number): AsyncGenerator<RawLine> {
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let line = 0;
  let tooLong = false;
  const emit = (buf: Buffer, last: boolean): RawLine | undefined => {
    line++;
    if (tooLong) {
      tooLong = false;
      return { text: '', line, last, error: `line longer than ${Math.round(maxLine / MiB)} MiB` };
    }
    if (buf.length === 0 || (buf.length === 1 && buf[0] === 13)) {
      if (last) return undefined;
      return { text: '', line, last, error: 'empty line' };
    }
    if (!isUtf8(buf)) return { text: '', line, last, error: 'bytes that are not valid UTF-8' };
    return { text: buf.toString('utf8'), line, last };
  };
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(10, start);
        if (nl < 0) break;
        let buf = chunk.subarray(start, nl);
        if (pendingLen) {
          buf = Buffer.concat([...pending, buf]);
          pending = [];
          pendingLen = 0;
        }
        const r = emit(buf, false);
        if (r) yield r;
        start = nl + 1;
      }
      if (start < chunk.length) {
        if (tooLong) continue;
        pending.push(chunk.subarray(start));
        pendingLen += chunk.length - start;
        if (pendingLen > maxLine) {
          tooLong = true;  // drop what we hold; report when the line ends
          pending = [];
          pendingLen = 0;
        }
      }
    }
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new StreamError(name, line + 1, `cannot read: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : err.message}`);
  }
  if (pendingLen || tooLong) {
    const r = emit(Buffer.concat(pending), true);
    if (r) yield r;
  }
}

/** Convenience: every event of a source, one at a time. */
export async function* eachEvent(src: EventSource): AsyncGenerator<Event> {
  for await (const batch of src.batches()) yield* batch;
}
