/**
 * Output text gathered and written in chunks of a little over 64 Ki characters, with
 * backpressure: a tool adds lines, and flushes when `ready` (as it did when it appended them to
 * one string and wrote that string past 64 Ki characters; a run that fails midway has written
 * the same).
 *
 * Each line is encoded into a 64 KiB Buffer as soon as it is made, so that it is garbage at once.
 * Appending lines to one string (or to an array joined at flush time) kept thousands of small
 * strings alive until the flush; the young-generation collections that copied them, and
 * flattening the resulting rope, cost about a tenth of rift-trace's time on a large trace.
 */
import type { LineOutput } from '@rift/events';

/**
 * Buffer's own UTF-8 writer, which Buffer#write calls after checking its arguments (offset,
 * length, encoding): a line is written with offsets this class keeps in range, two million times
 * on a large trace. Not in @types/node.
 */
export interface Utf8Writer {
  utf8Write(s: string, offset: number): number;
}

/** characters (UTF-16 units) gathered before a flush */
const FLUSH_AT = 1 << 16;
/** bytes per Buffer */
const CHUNK = 1 << 16;
/** ranges of bytes() shorter than this are copied (a line or part of one), longer ones are not */
const SHORT_RANGE = 4096;

export class TextBatch {
  private chars = 0;
  private buf: Buffer & Utf8Writer = alloc();
  private off = 0;
  /** Buffers filled since the last flush */
  private full: Buffer[] = [];
  /** the range of bytes() still to go after them */
  private rangeSrc: Buffer | undefined;
  private rangeStart = 0;
  private rangeEnd = 0;

  /** Appends text. */
  add(s: string): void {
    if (this.rangeSrc) this.endRange();
    this.chars += s.length;
    const worst = s.length * 3;  // a UTF-16 unit is at most 3 bytes of UTF-8
    this.room(worst);
    if (worst > CHUNK) this.full.push(Buffer.from(s));
    else this.off += this.buf.utf8Write(s, this.off);
  }

  /** Appends text and a newline. */
  line(s: string): void {
    if (this.rangeSrc) this.endRange();
    this.chars += s.length + 1;
    const worst = s.length * 3 + 1;
    this.room(worst);
    if (worst > CHUNK) {
      this.full.push(Buffer.from(s + '\n'));
      return;
    }
    this.off += this.buf.utf8Write(s, this.off);
    this.buf[this.off++] = 10;
  }

  /**
   * Appends bytes [start, end) of `src`, which must not change afterwards: they are written from
   * there, and a range that goes on where the last one ended (the next line of the same block)
   * extends it, so that consecutive lines cost nothing here.
   */
  bytes(src: Buffer, start: number, end: number): void {
    this.chars += end - start;
    if (src === this.rangeSrc && start === this.rangeEnd) {
      this.rangeEnd = end;
      return;
    }
    this.endRange();
    this.rangeSrc = src;
    this.rangeStart = start;
    this.rangeEnd = end;
  }

  /** Whether more than 64 Ki characters are waiting: time to flush. */
  get ready(): boolean {
    return this.chars > FLUSH_AT;
  }

  /** Writes everything gathered so far; resolves when the output can take more. */
  async flush(out: LineOutput): Promise<void> {
    this.endRange();
    this.cut();
    const full = this.full;
    this.full = [];
    this.chars = 0;
    for (const b of full) await out.write(b);
  }

  /** Writes the range of bytes() out: a short one copied into the Buffer, a long one set aside whole. */
  private endRange(): void {
    const src = this.rangeSrc;
    if (!src) return;
    this.rangeSrc = undefined;
    const n = this.rangeEnd - this.rangeStart;
    if (n < SHORT_RANGE) {
      this.room(n);
      // byte by byte: Buffer#copy makes a view of the source for each call, which cost more
      // than copying a line's worth of bytes (these are parts of lines, after a prefix)
      const buf = this.buf;
      let o = this.off;
      for (let i = this.rangeStart, end = this.rangeEnd; i < end; i++) buf[o++] = src[i]!;
      this.off = o;
      return;
    }
    this.cut();
    this.full.push(src.subarray(this.rangeStart, this.rangeEnd));
  }

  /** Starts a new Buffer unless `bytes` more fit in this one. */
  private room(bytes: number): void {
    if (this.off + bytes > CHUNK) this.cut();
  }

  /** Sets the filled part of the Buffer aside; the stream may hold it, so the next is a new one. */
  private cut(): void {
    if (!this.off) return;
    this.full.push(this.buf.subarray(0, this.off));
    this.buf = alloc();
    this.off = 0;
  }
}

function alloc(): Buffer & Utf8Writer {
  return Buffer.allocUnsafe(CHUNK) as Buffer & Utf8Writer;
}
