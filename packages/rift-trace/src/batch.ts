/**
 * Output text gathered into 64 KiB Buffers and written a Buffer at a time, with backpressure.
 *
 * Each line is encoded into the current Buffer as soon as it is made, so that it is garbage at
 * once. Appending lines to one string (or to an array joined at flush time) keeps thousands of
 * small strings alive until the flush; the young-generation collections that copy them, and
 * flattening the resulting rope, cost about a tenth of rift-trace's time on a large trace.
 */
import type { LineOutput } from '@rift/events';

const CHUNK = 1 << 16;

export class TextBatch {
  private buf = Buffer.allocUnsafe(CHUNK);
  private off = 0;
  /** Buffers filled and waiting to be written */
  private full: Buffer[] = [];

  /** Appends text. */
  add(s: string): void {
    const worst = s.length * 3;  // a UTF-16 unit is at most 3 bytes of UTF-8
    this.room(worst);
    if (worst > CHUNK) this.full.push(Buffer.from(s));
    else this.off += this.buf.write(s, this.off);
  }

  /** Appends text and a newline. */
  line(s: string): void {
    const worst = s.length * 3 + 1;
    this.room(worst);
    if (worst > CHUNK) {
      this.full.push(Buffer.from(s + '\n'));
      return;
    }
    this.off += this.buf.write(s, this.off);
    this.buf[this.off++] = 10;
  }

  /** Whether a whole Buffer is waiting (time to flush). */
  get ready(): boolean {
    return this.full.length > 0;
  }

  /** Writes everything gathered so far; resolves when the output can take more. */
  async flush(out: LineOutput): Promise<void> {
    this.cut();
    const full = this.full;
    this.full = [];
    for (const b of full) await out.write(b);
  }

  /** Starts a new Buffer unless `bytes` more fit in this one. */
  private room(bytes: number): void {
    if (this.off + bytes > CHUNK) this.cut();
  }

  /** Hands the filled part of the Buffer on; the stream may hold it, so the next is a new one. */
  private cut(): void {
    if (!this.off) return;
    this.full.push(this.buf.subarray(0, this.off));
    this.buf = Buffer.allocUnsafe(CHUNK);
    this.off = 0;
  }
}
