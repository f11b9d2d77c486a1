import { closeSync, createWriteStream, openSync, writeSync } from 'node:fs';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import type { Gzip } from 'node:zlib';
import type { Line } from './events.js';

// node:zlib and node:stream/promises are loaded when a gzip file is written, not at every start
// (some 5 ms of rift-record's start-up, which writes plain files and pipes far more often)
const requireBuiltin = createRequire(import.meta.url);
const zlib = (): typeof import('node:zlib') => requireBuiltin('node:zlib');

/**
 * An output for NDJSON lines with backpressure. Files are created mode 0600 (traces hold what
 * programs read, secrets included). A closed pipe downstream (EPIPE) sets `closed` instead of
 * throwing, so a tool can end quietly like `cmd | head` expects.
 */
export class LineOutput {
  closed = false;
  /** end() was called: the stream's own 'close' after it is not a reader going away */
  protected ending = false;
  private readonly stream: Writable;
  private onClosed: (() => void)[] = [];

  /** (no stream: a subclass that writes by itself, FileLineOutput) */
  constructor(stream?: Writable) {
    this.stream = stream!;
    if (!stream) return;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        this.markClosed();
        return;
      }
      throw e;
    });
    stream.on('close', () => {
      if (!this.ending) this.markClosed();
    });
  }

  protected markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const f of this.onClosed) f();
  }

  /** Called once when the reader goes away. */
  onClose(f: () => void): void {
    if (this.closed) f();
    else this.onClosed.push(f);
  }

  /** Writes text (or bytes); resolves when the stream can take more. */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    if (!this.stream.write(text)) {
      await Promise.race([once(this.stream, 'drain'), new Promise<void>((r) => this.onClose(r))]);
    }
  }

  async writeLines(lines: readonly Line[]): Promise<void> {
    if (!lines.length) return;
    let s = '';
    for (const l of lines) s += JSON.stringify(l) + '\n';
    await this.write(s);
  }

  async end(): Promise<void> {
    this.ending = true;
    if (this.closed || this.stream === process.stdout || this.stream === process.stderr) {
      if (!this.closed && this.stream.writableNeedDrain) await once(this.stream, 'drain').catch(() => {});
      return;
    }
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

/**
 * zlib's level for written gzip: 1, the fastest. On a recording it compresses about as well as
 * the default 6 (NDJSON of syscalls repeats itself line to line) in a fraction of the CPU time.
 */
export const GZIP_LEVEL = 1;

/** Whether `path` names a gzip file by its suffix (what openOutput compresses). */
export function isGzipPath(path: string): boolean {
  return /\.gz$/i.test(path);
}

/**
 * A gzip file written as it goes (`-o FILE.gz`). The compressor runs on libuv's thread pool, not
 * on the thread that makes the lines. After each burst of writes (once per turn of the event
 * loop that wrote anything) the compressor is flushed (Z_SYNC_FLUSH): every line written so far
 * is then in the file as whole deflate blocks, so a recording cut by SIGKILL decompresses up to
 * its last whole line (the reader takes a gzip stream without its trailer as a recording cut
 * there). A flush costs a few bytes and restarts the block; the dictionary carries on, so
 * compression hardly suffers (bench/trace.mjs). end() writes the trailer and closes the file.
 */
export class GzipLineOutput extends LineOutput {
  private readonly gz: Gzip;
  private readonly file: Writable;
  private flushTimer: NodeJS.Immediate | undefined;

  constructor(file: Writable, level = GZIP_LEVEL) {
    const gz = zlib().createGzip({ level });
    super(gz);
    this.gz = gz;
    this.file = file;
    gz.pipe(file);
    // the file's own errors (ENOSPC...) are this output's, as for a plain file
    file.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') return;
      throw e;
    });
  }

  override async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    this.flushTimer ??= setImmediate(() => {
      this.flushTimer = undefined;
      if (!this.gz.writableEnded) this.gz.flush(zlib().constants.Z_SYNC_FLUSH);
    });
    await super.write(text);
  }

  override async end(): Promise<void> {
    this.ending = true;
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.closed && this.gz.destroyed) return;
    this.gz.end();
    const { finished } = requireBuiltin('node:stream/promises') as typeof import('node:stream/promises');
    await finished(this.file).catch(() => {});
  }
}

/**
 * A file (or a pipe opened by its path: `-o /dev/stdout`) written with write(2) as lines come,
 * without Node's stream machinery, whose loading cost some 5 ms of every start. A write returns
 * once the kernel took the bytes: for a pipe, that is the backpressure; for a file, the page
 * cache takes them at once. A reader gone (EPIPE) closes the output quietly.
 */
export class FileLineOutput extends LineOutput {
  private fd: number;

  constructor(fd: number) {
    super();
    this.fd = fd;
  }

  override async write(text: string | Uint8Array): Promise<void> {
    if (this.closed) return;
    let bytes = typeof text === 'string' ? Buffer.from(text) : text;
    try {
      while (bytes.length) {
        const n = writeSync(this.fd, bytes);
        bytes = bytes.subarray(n);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPIPE') throw e;
      this.markClosed();
    }
  }

  override async end(): Promise<void> {
    this.ending = true;
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

/**
 * stdout for '-' or undefined, else a file created mode 0600 (truncated if it exists); a name
 * ending in `.gz` is written compressed (GzipLineOutput).
 */
export function openOutput(path?: string): LineOutput {
  if (path === undefined || path === '-') return new LineOutput(process.stdout);
  const fd = openSync(path, 'w', 0o600);
  return isGzipPath(path) ? new GzipLineOutput(createWriteStream('', { fd })) : new FileLineOutput(fd);
}
