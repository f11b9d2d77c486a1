import { createWriteStream, openSync } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Line } from './events.js';

/**
 * An output for NDJSON lines with backpressure. Files are created mode 0600 (traces hold what
 * programs read, secrets included). A closed pipe downstream (EPIPE) sets `closed` instead of
 * throwing, so a tool can end quietly like `cmd | head` expects.
 */
export class LineOutput {
  closed = false;
  private readonly stream: Writable;
  private onClosed: (() => void)[] = [];

  constructor(stream: Writable) {
    this.stream = stream;
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
        this.markClosed();
        return;
      }
      throw e;
    });
    stream.on('close', () => this.markClosed());
  }

  private markClosed(): void {
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
    if (this.closed || this.stream === process.stdout || this.stream === process.stderr) {
      if (!this.closed && this.stream.writableNeedDrain) await once(this.stream, 'drain').catch(() => {});
      return;
    }
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

/** stdout for '-' or undefined, else a file created mode 0600 (truncated if it exists). */
export function openOutput(path?: string): LineOutput {
  if (path === undefined || path === '-') return new LineOutput(process.stdout);
  const fd = openSync(path, 'w', 0o600);
  return new LineOutput(createWriteStream('', { fd }));
}
