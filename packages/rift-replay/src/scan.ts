/**
 * A quick first pass over the trace file: which syscall numbers it holds (only those are
 * intercepted and matched), and how many lines (for progress). It does not parse JSON: it
 * looks for `"nr":` keys, which JSON string escaping keeps out of string values. Memory: one
 * buffer, reused for every chunk (a fresh buffer per chunk left tens of MB of garbage behind
 * on a long trace before the collector ran).
 */
import { openInputBytes, readError } from '@rift/events';

export interface ScanResult {
  syscalls: Set<number>;
  /** signal numbers of the trace's signal events (delivered or group-stops) */
  signals: Set<number>;
  lines: number;
  bytes: number;
  /** bytes up to and including the last newline */
  complete: number;
  /** the text after the last newline (an incomplete last line, when a recording was cut short) */
  tail: string;
}

const KEY = Buffer.from('"nr":');
const SIGKEY = Buffer.from('"signo":');

/**
 * Syscall numbers are below this (as rift-core-native's interception takes them). A number the
 * scan finds that is not one, which no call can have, is left out: the reader says what is wrong
 * with it when it reaches the line, or replay finds the call missing (a desync).
 */
const MAX_NR = 1024;

const CHUNK = 1 << 20;
/** Longest text kept from one chunk for the next: a key and its number cut by the boundary. */
const CARRY = 32;

export async function scanTrace(path: string): Promise<ScanResult> {
  const syscalls = new Set<number>();
  const signals = new Set<number>();
  let lines = 0;
  let bytes = 0;
  let complete = 0;
  let tail: Buffer[] = [];
  let tailBytes = 0;
  const buf = Buffer.allocUnsafe(CARRY + CHUNK);
  let carry = 0;  // bytes at the start of buf from the previous chunk
  let lastByte = 10;
  const input = await openInputBytes(path);  // gzip decompressed
  try {
    for (;;) {
      let bytesRead: number;
      try {
        bytesRead = await input.read(buf, carry, CHUNK);
      } catch (e) {
        throw readError(path, lines + 1, e);  // a damaged gzip stream: where
      }
      if (bytesRead === 0) break;
      const chunk = buf.subarray(carry, carry + bytesRead);
      lastByte = chunk[bytesRead - 1]!;
      bytes += bytesRead;
      let nl = chunk.indexOf(10);
      let lastNl = -1;
      while (nl >= 0) {
        lines++;
        lastNl = nl;
        nl = chunk.indexOf(10, nl + 1);
      }
      if (lastNl >= 0) {
        complete = bytes - bytesRead + lastNl + 1;
        tail = [Buffer.from(chunk.subarray(lastNl + 1))];
        tailBytes = tail[0]!.length;
      } else if (tailBytes < CHUNK) {
        tail.push(Buffer.from(chunk));
        tailBytes += bytesRead;
      }
      const text = buf.subarray(0, carry + bytesRead);
      // signal events are few: a plain search (a key cut by the chunk boundary is found whole in
      // the next chunk: at least the last 16 bytes are carried over)
      for (let k = text.indexOf(SIGKEY); k >= 0; k = text.indexOf(SIGKEY, k + 1)) {
        let j = k + SIGKEY.length;
        let n = 0;
        while (j < text.length && text[j]! >= 48 && text[j]! <= 57) n = n * 10 + (text[j++]! - 48);
        if (j < text.length && n > 0 && n <= 64) signals.add(n);
      }
      let i = text.indexOf(KEY);
      let last = 0;
      while (i >= 0) {
        const start = i + KEY.length;
        let j = start;
        let n = 0;
        while (j < text.length && text[j]! >= 48 && text[j]! <= 57) {
          n = n * 10 + (text[j]! - 48);
          j++;
        }
        // anything a JSON number may hold after its digits: 1.0, 3e2 (not written by rift-record)
        let odd = false;
        while (j < text.length && (text[j] === 46 || text[j] === 101 || text[j] === 69 || text[j] === 43 || text[j] === 45 || (text[j]! >= 48 && text[j]! <= 57))) {
          odd = true;
          j++;
        }
        if (j >= text.length) break;  // the number may continue in the next chunk
        if (odd) n = Number(text.toString('latin1', start, j));
        if (j > start && Number.isInteger(n) && n >= 0 && n < MAX_NR) syscalls.add(n);
        last = j;
        i = text.indexOf(KEY, j);
      }
      // keep the unfinished key (or the last few bytes, which may hold the start of one)
      // (at least 16 bytes: a `"signo":NN` cut by the boundary is found whole next time)
      const from = Math.max(0, Math.min(i >= 0 ? i : Math.max(last, text.length - KEY.length), text.length - 16));
      carry = Math.min(text.length - from, CARRY);
      text.copy(buf, 0, text.length - carry);
    }
  } finally {
    await input.close();
  }
  if (bytes && lastByte !== 10) lines++;
  return { syscalls, signals, lines, bytes, complete, tail: Buffer.concat(tail).toString('utf8') };
}
