/**
 * A call's text, and syscalls decoded away from the renderer (on worker threads: parallel.ts).
 *
 * Those travel to the renderer as a DecodedBlock: each call's numbers in one Float64Array, and
 * its whole line as it will most likely be printed (with its pid prefix when the region's calls
 * come from several threads) in one byte buffer. The renderer prints most lines by handing those
 * bytes on (consecutive lines as one range, see TextBatch.bytes): the lines are made once, on the
 * thread that decoded them. Sending the texts as strings cost more:
 * a string made of pieces is flattened to be sent, then cut up and joined again into lines.
 */
import { decodeSyscall, selectNames, type CallParts, type Event, type FormatOptions, type Header, type SyscallEvent } from '@rift/events';
import type { TextBatch, Utf8Writer } from './batch.js';

/**
 * A call's text in the pieces its lines are made of: `name(head, rest) = ret` printed whole,
 * `name(head, <unfinished ...>` and `<... name resumed>rest) = ret` when split. `head` is what
 * is known at entry, `rest` what the call wrote; `sep` joins them (', ' when both are there).
 */
export interface CallText {
  name: string;
  head: string;
  sep: string;
  rest: string;
  ret: string;
}

export function callText(p: CallParts): CallText {
  const { args, split } = p;
  return { name: p.name, head: joinArgs(args, 0, split), sep: split > 0 && split < args.length ? ', ' : '', rest: joinArgs(args, split, args.length), ret: p.ret };
}

/**
 * A syscall's text, with strace's marks of fault injection after its return value: ` (INJECTED)`
 * when its result was supplied (error= or retval=: the kernel did not run it, `skipped`), and
 * ` (DELAYED)` when `delayed` (delayCalls of the header) holds its name.
 */
export function syscallText(ev: SyscallEvent, fmt: FormatOptions, delayed: ReadonlySet<string> | undefined): CallText {
  const t = callText(decodeSyscall(ev, fmt));
  if (ev.injected) {
    if (ev.skipped) t.ret += ' (INJECTED)';
    if (delayed?.has(ev.name)) t.ret += ' (DELAYED)';
  }
  return t;
}

/**
 * The syscalls a recording's inject rules delay (delay_enter=, delay_exit=): strace marks those
 * calls ` (DELAYED)`. The stream marks any call a rule changed as `injected`, a delay included,
 * and the header keeps the rules (one per syscall). undefined when none.
 */
export function delayCalls(header: Header): Set<string> | undefined {
  const rules = header.options?.inject;
  if (!Array.isArray(rules)) return undefined;
  let out: Set<string> | undefined;
  for (const r of rules) {
    const m = typeof r === 'string' ? /^(?:inject|fault)=([^:]*):(.*)$/.exec(r) : null;
    if (!m || !/(^|:)delay_(enter|exit)=/.test(m[2]!)) continue;
    try {
      for (const n of selectNames(m[1]!)) (out ??= new Set()).add(n);
    } catch {
      /* a set this rift does not know: no mark */
    }
  }
  return out;
}

/** args[from..to) joined with ', ' (for these few short strings a loop beats slice + join) */
function joinArgs(args: readonly string[], from: number, to: number): string {
  if (from >= to) return '';
  let s = args[from]!;
  for (let i = from + 1; i < to; i++) s = s + ', ' + args[i]!;
  return s;
}

/** A whole call as printed before its return: `name(head, rest) `. */
function callHead(t: CallText): string {
  return `${t.name}(${t.head}${t.sep}${t.rest}) `;
}

/** -T: ` <seconds>` for a duration in ns (NaN: none). */
export function durationText(dur: number): string {
  return dur === dur ? ` <${(dur / 1e9).toFixed(6)}>` : '';
}

/**
 * The width of `s` on the screen. `escapes`: whether it may hold colour codes, which take no
 * room; searching for them otherwise would flatten a string just built from its parts, for nothing.
 */
export function visibleWidth(s: string, escapes: boolean): number {
  // eslint-disable-next-line no-control-regex
  return escapes && s.includes('\u001b') ? s.replace(/\u001b\[[0-9;]*m/g, '').length : s.length;
}

/** runs of 0..127 spaces, made once (a slice of one long run was a new string per line) */
const SPACES: string[] = [];
for (let n = 0; n < 128; n++) SPACES.push(' '.repeat(n));

/** The spaces that take text `width` wide to `column` (none when it is there already). */
export function padding(width: number, column: number): string {
  const n = column - width;
  return n <= 0 ? '' : n < SPACES.length ? SPACES[n]! : ' '.repeat(n);
}

/**
 * Where the parts of the line wholeLine made last end, in characters: its prefix and
 * `name(args) `, its padding, and `= ret`; and the width of `name(args) ` on the screen. One
 * object, rewritten by each call, so that the decoding threads allocate nothing for it.
 */
export const lineParts = { head: 0, pad: 0, ret: 0, width: 0 };

/** A call's whole line after `prefix`: `name(args) `, padded to the column, `= ret` and -T's suffix. */
export function wholeLine(prefix: string, t: CallText, dur: number, layout: LineLayout): string {
  const head = callHead(t);
  const width = visibleWidth(head, layout.escapes || t.name.includes('\u001b'));
  const pad = padding(prefix.length + width, layout.column);
  lineParts.head = prefix.length + head.length;
  lineParts.pad = lineParts.head + pad.length;
  lineParts.ret = lineParts.pad + 2 + t.ret.length;
  lineParts.width = width;
  return prefix + head + pad + '= ' + t.ret + (layout.durations ? durationText(dur) : '');
}

/** The `[pid  1234] ` before a line of another thread's (`1234  ` with -f -o: every line). */
export function pidText(tid: number, alwaysPid: boolean): string {
  return alwaysPid ? `${String(tid).padEnd(5)} ` : `[pid ${String(tid).padStart(5)}] `;
}

export interface DecodedBlock {
  /** records: CALL seq ts dur tid flags, then where the parts of its line end and its head's
   * width (see START); or OTHER */
  nums: Float64Array;
  /** each shown call's line: its pid prefix or none, `name(head, rest) `, padding, `= ret`,
   * -T's suffix, '\n' */
  bytes: Buffer;
  /** the events that are not syscalls, one per OTHER */
  others: Event[];
}

const CALL = 0, OTHER = 1;
/**
 * flags: the call was cut short (status unfinished), -e shows it, its head and rest need ', ',
 * its line starts with its pid prefix
 */
const CUT_SHORT = 1, SHOWN = 2, SEP = 4, PREFIXED = 8;
/**
 * A call's record keeps, from its start, byte offsets into `bytes`: where the line starts, where
 * its pid prefix (if any), name, head, `name(...) ` and padding end, where `= ret` ends (before the
 * -T suffix) and where the line does (after its newline); then the width of `name(...) `.
 */
const START = 6, CALL_START = 7, NAME_END = 8, HEAD_END = 9, CALL_END = 10, RET_START = 11, RET_END = 12, END = 13, WIDTH = 14;
const CALL_SLOTS = 15;

/** How lines are laid out: the options of the renderer that prints them. */
export interface LineLayout {
  /** the column `= ret` is aligned to */
  column: number;
  /** colour: texts may hold escape codes */
  escapes: boolean;
  /** -T */
  durations: boolean;
  /** -f -o: every line starts with its pid */
  alwaysPid: boolean;
}

/** Gathers a block: calls with their text (undefined for a call -e does not show), other events. */
export class BlockWriter {
  private nums = new Float64Array(4096);
  private n = 0;
  private bytes = alloc(BLOCK_BYTES);
  private off = 0;
  private others: Event[] = [];

  private pidTexts = new Map<number, string>();

  /** `layout`: how calls' lines are laid out (none for a writer of line() alone) */
  constructor(private readonly layout?: LineLayout) {}

  /**
   * A call, and its text unless -e does not show it. `prefixed`: its line starts with its pid
   * prefix, as the renderer prints it while several threads live (the renderer pads and prints
   * lines again whose prefix turns out otherwise).
   */
  call(ev: SyscallEvent, t: CallText | undefined, prefixed: boolean): void {
    const a = this.room(CALL_SLOTS), i = this.n;
    const dur = ev.dur ?? NaN;
    a[i] = CALL;
    a[i + 1] = ev.seq;
    a[i + 2] = ev.ts;
    a[i + 3] = dur;
    a[i + 4] = ev.tid;
    a[i + 5] = (ev.status === 'unfinished' ? CUT_SHORT : 0) | (t ? SHOWN : 0) | (t?.sep ? SEP : 0) | (prefixed ? PREFIXED : 0);
    this.n = i + CALL_SLOTS;
    if (!t) return;
    const prefix = prefixed ? this.pidText(ev.tid) : '';
    const line = wholeLine(prefix, t, dur, this.layout!);
    const start = this.off;
    const bytes = this.text(line);
    const ascii = bytes === line.length;
    const p = prefix.length;
    a[i + START] = start;
    a[i + CALL_START] = start + p;  // a prefix is ASCII
    a[i + NAME_END] = start + byteAt(line, p + t.name.length, ascii);
    a[i + HEAD_END] = start + byteAt(line, p + t.name.length + 1 + t.head.length, ascii);
    a[i + CALL_END] = start + byteAt(line, lineParts.head, ascii);
    a[i + RET_START] = start + byteAt(line, lineParts.pad, ascii);
    a[i + RET_END] = start + byteAt(line, lineParts.ret, ascii);
    a[i + END] = start + bytes + 1;  // after the newline
    a[i + WIDTH] = lineParts.width;
  }

  private pidText(tid: number): string {
    let s = this.pidTexts.get(tid);
    if (s === undefined) this.pidTexts.set(tid, (s = pidText(tid, this.layout!.alwaysPid)));
    return s;
  }

  /** A line of text that is no call's (rift-filter's output): in the bytes, without a record. */
  line(s: string): void {
    this.text(s);
  }

  other(ev: Event): void {
    this.room(1)[this.n++] = OTHER;
    this.others.push(ev);
  }

  finish(): DecodedBlock {
    const b = { nums: this.nums.slice(0, this.n), bytes: this.bytes.subarray(0, this.off), others: this.others };
    this.n = 0;
    this.bytes = alloc(BLOCK_BYTES);  // not the size a long line grew the last one to
    this.off = 0;
    this.others = [];
    return b;
  }

  /** Appends `s` and a newline; returns the length of `s` in bytes. */
  private text(s: string): number {
    if (this.off + s.length * 3 + 1 > this.bytes.length) {
      const b = alloc(Math.max(this.bytes.length * 2, this.off + s.length * 3 + 1));
      this.bytes.copy(b, 0, 0, this.off);
      this.bytes = b;
    }
    const n = this.bytes.utf8Write(s, this.off);
    this.off += n;
    this.bytes[this.off++] = 10;
    return n;
  }

  /** The numbers' array, with room for `k` more. */
  private room(k: number): Float64Array {
    if (this.n + k > this.nums.length) {
      const a = new Float64Array(this.nums.length * 2);
      a.set(this.nums);
      this.nums = a;
    }
    return this.nums;
  }
}

type Utf8Buffer = Buffer & Utf8Writer;
/** bytes a block starts with: more than a region's lines usually take */
const BLOCK_BYTES = 1 << 17;

/** A Buffer of its own memory (large enough never to come from the shared pool), to be sent. */
function alloc(size: number): Utf8Buffer {
  return Buffer.allocUnsafeSlow(size) as Utf8Buffer;
}

/** The byte offset of character `c` of `line`: the same when the line is ASCII (as quoted strings are). */
function byteAt(line: string, c: number, ascii: boolean): number {
  return ascii ? c : Buffer.byteLength(line.slice(0, c));
}

/** A shown call of a block, as the renderer holds it: the block and where its record starts. */
export interface BlockCall {
  block: DecodedBlock;
  at: number;
}

/** What takes a block's contents: the text renderer. */
export interface BlockSink {
  /** a syscall: dur NaN when it has none; call undefined when -e does not show it */
  pushCall(seq: number, ts: number, dur: number, tid: number, cutShort: boolean, call: BlockCall | undefined): void;
  push(ev: Event): void;
}

/** Hands a block's calls and events to `sink`, in the order they were written. */
export function readBlock(b: DecodedBlock, sink: BlockSink): void {
  const n = b.nums;
  let others = 0;
  for (let i = 0; i < n.length; ) {
    if (n[i] === OTHER) {
      sink.push(b.others[others++]!);
      i++;
      continue;
    }
    const flags = n[i + 5]!;
    sink.pushCall(n[i + 1]!, n[i + 2]!, n[i + 3]!, n[i + 4]!, (flags & CUT_SHORT) !== 0, flags & SHOWN ? { block: b, at: i } : undefined);
    i += CALL_SLOTS;
  }
}

/**
 * Writes a block call's line after `prefix`, which is either none or `pid`, the call's pid
 * prefix (else timestamps come first): its bytes as they are when they start with that prefix,
 * else the call's bytes after `prefix`, padded again to `column`.
 */
export function writeBlockLine(out: TextBatch, c: BlockCall, prefix: string, pid: string, column: number): void {
  const n = c.block.nums, i = c.at, b = c.block.bytes;
  if (prefix === (n[i + 5]! & PREFIXED ? pid : '')) {
    out.bytes(b, n[i + START]!, n[i + END]!);
    return;
  }
  out.add(prefix);
  out.bytes(b, n[i + CALL_START]!, n[i + CALL_END]!);
  out.add(padding(prefix.length + n[i + WIDTH]!, column));
  out.bytes(b, n[i + RET_START]!, n[i + END]!);
}

/** A block call's text again, in its pieces (for the lines of a call split by another's). */
export function blockText(c: BlockCall): CallText {
  const n = c.block.nums, i = c.at, b = c.block.bytes;
  const nameEnd = n[i + NAME_END]!, headEnd = n[i + HEAD_END]!;
  const sep = n[i + 5]! & SEP ? ', ' : '';
  return {
    name: b.toString('utf8', n[i + CALL_START]!, nameEnd),
    head: b.toString('utf8', nameEnd + 1, headEnd),
    sep,
    rest: b.toString('utf8', headEnd + sep.length, n[i + CALL_END]! - 2),  // without ') '
    ret: b.toString('utf8', n[i + RET_START]! + 2, n[i + RET_END]!),  // without '= '
  };
}
