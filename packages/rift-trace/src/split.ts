/**
 * -ff -o PREFIX: each thread's lines in a file of its own, PREFIX.TID, as strace -ff -o writes
 * them (no pid prefix; a thread's calls are never split by another's, so no unfinished/resumed
 * pairs between threads). A thread's file is closed when its exit has been printed; a tid seen
 * again later in the stream (reused) appends to it.
 */
import { createWriteStream, openSync } from 'node:fs';
import { LineOutput, type Event, type Header } from '@rift/events';
import { TextBatch } from './batch.js';
import type { BlockCall, BlockSink } from './decoded.js';
import { TextRenderer, type TextOptions } from './text.js';

interface ThreadFile {
  text: TextRenderer;
  batch: TextBatch;
  out: LineOutput;
  /** its exit was pushed: closed at the next flush */
  exited: boolean;
}

export class PerThreadText implements BlockSink {
  private files = new Map<number, ThreadFile>();
  /** tids whose file was made in this run: opened again to append */
  private made = new Set<number>();
  private header: Header | undefined;
  private readonly opts: TextOptions;

  constructor(
    private readonly prefix: string,
    opts: TextOptions,
  ) {
    this.opts = { ...opts, ownFile: true, alwaysPid: false };
  }

  /** A new input: its header (the renderers of the last one are finished first). */
  setHeader(header: Header): void {
    for (const f of this.files.values()) f.text.finish();
    this.header = header;
  }

  private of(tid: number): ThreadFile {
    let f = this.files.get(tid);
    if (f) return f;
    const path = `${this.prefix}.${tid}`;
    const fd = openSync(path, this.made.has(tid) ? 'a' : 'w', 0o600);
    this.made.add(tid);
    const batch = new TextBatch();
    f = { text: new TextRenderer(this.header!, this.opts, batch), batch, out: new LineOutput(createWriteStream('', { fd })), exited: false };
    this.files.set(tid, f);
    return f;
  }

  /** An event, to its thread's file; a flush to wait for when that file's text is due. */
  push(ev: Event): void | Promise<void> {
    if (ev.type === 'end') {
      for (const f of this.files.values()) f.text.push(ev);
      return;
    }
    const f = this.of(ev.tid);
    f.text.push(ev);
    if (ev.type === 'exit') f.exited = true;
    if (f.batch.ready) return f.batch.flush(f.out);
  }

  pushCall(seq: number, ts: number, dur: number, tid: number, cutShort: boolean, call: BlockCall | undefined): void {
    this.of(tid).text.pushCall(seq, ts, dur, tid, cutShort, call);
  }

  /** Prints the points up to time `t` in every file (TextRenderer.release). */
  release(t: number): void {
    for (const f of this.files.values()) f.text.release(t);
  }

  /** Writes what every file has; closes the files of threads that exited. */
  async flush(): Promise<void> {
    for (const [tid, f] of [...this.files]) {
      if (f.exited) {
        f.text.finish();
        this.files.delete(tid);
      }
      await f.batch.flush(f.out);
      if (f.exited) await f.out.end();
    }
  }

  /** The end: every file finished, written and closed. */
  async end(): Promise<void> {
    for (const f of this.files.values()) {
      f.text.finish();
      f.exited = true;
    }
    await this.flush();
  }
}
