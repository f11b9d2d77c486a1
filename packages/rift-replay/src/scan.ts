/**
 * A quick first pass over the trace file: which syscall numbers it holds (only those are
 * intercepted and matched), and how many lines (for progress). It does not parse JSON: it
 * looks for `"nr":` keys, which JSON string escaping keeps out of string values. Memory: one
 * chunk.
 */
import { createReadStream } from 'node:fs';

export interface ScanResult {
  syscalls: Set<number>;
  lines: number;
  bytes: number;
  /** bytes up to and including the last newline */
  complete: number;
  /** the text after the last newline (an incomplete last line, when a recording was cut short) */
  tail: string;
}

const KEY = Buffer.from('"nr":');

export async function scanTrace(path: string): Promise<ScanResult> {
  const syscalls = new Set<number>();
  let lines = 0;
  let bytes = 0;
  let carry = Buffer.alloc(0);
  let complete = 0;
  let tail: Buffer[] = [];
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    let nl = chunk.indexOf(10);
    let lastNl = -1;
    while (nl >= 0) {
      lines++;
      lastNl = nl;
      nl = chunk.indexOf(10, nl + 1);
    }
    if (lastNl >= 0) {
      complete = bytes - chunk.length + lastNl + 1;
      tail = [chunk.subarray(lastNl + 1)];
    } else if (tail.reduce((n, b) => n + b.length, 0) < 1 << 20) tail.push(chunk);
    // a key cut in two by the chunk boundary: keep a short tail
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let i = buf.indexOf(KEY);
    let last = 0;
    while (i >= 0) {
      let j = i + KEY.length;
      let n = 0;
      let digits = 0;
      while (j < buf.length && buf[j]! >= 48 && buf[j]! <= 57) {
        n = n * 10 + (buf[j]! - 48);
        j++;
        digits++;
      }
      if (j >= buf.length) break;  // number may continue in the next chunk
      if (digits) syscalls.add(n);
      last = j;
      i = buf.indexOf(KEY, j);
    }
    const keep = Math.max(last, buf.length - 16);
    carry = Buffer.from(buf.subarray(i >= 0 ? Math.min(i, keep) : keep));
  }
  if (carry.length && carry[carry.length - 1] !== 10) lines++;
  return { syscalls, lines, bytes, complete, tail: Buffer.concat(tail).toString('utf8') };
}
