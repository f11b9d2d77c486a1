/**
 * Decodes the binary records of src/record_buffer.h into stream v1 events. Any engine that
 * writes the same records (ptrace today, an in-process ring later) is decoded here.
 */
import {
  encodeBytes,
  errnoName,
  signalName,
  syscallName,
  toInt64,
  type Capture,
  type Int64,
  type Event,
  SIGNATURES,
} from '@rift/events/core';

const REC_SYSCALL = 1, REC_SPAWN = 2, REC_EXEC = 3, REC_SIGNAL = 4, REC_EXIT = 5, REC_END = 6, REC_WARNING = 7, REC_TSC = 8;
const SC_UNFINISHED = 1, SC_RESUMED = 2, SC_INJECTED = 8, SC_COMPAT = 16, SC_SKIPPED = 32, SC_BUFFERED = 64, SC_RIFT = 128, SC_VDSO = 256, SC_AGAIN = 512;
const BLOB_EXIT = 1, BLOB_FAULT = 2, BLOB_TRUNCATED = 4, BLOB_MORE = 8;
const HEADER = 104;
const SIGCHLD = 17;
/** offsets of si_utime and si_stime in an x86-64 siginfo_t (SIGCHLD's part of the union) */
const SI_UTIME = 32;
const SI_STIME = 40;
/** SIGILL, SIGBUS, SIGFPE, SIGSEGV, SIGTRAP: siginfo carries a fault address */
const FAULT_SIGNALS = new Set([4, 5, 7, 8, 11]);
/** where a signal came in a buffered call (v[8] & 3 of a signal record) */
const IN_CALL_AT = [undefined, 'entry', 'exit', 'interrupted'] as const;
const SPAWN_KINDS = ['fork', 'vfork', 'thread', 'process'] as const;
const END_REASONS = ['exit', 'detach', 'killed'] as const;
/**
 * Kinds whose captures carry an index: arrays (one blob per element: StringArray, IoVec, MsgHdr)
 * Pointee (memory a struct points to: index 1 and up, the struct being index 0) and MsgHdrVec
 * (element j's part p as index j << 16 | p).
 */
const ARRAY_KINDS = new Set([2, 3, 4, 6, 8]);

interface Blob {
  arg: number;
  flags: number;
  kind: number;
  index: number;
  full: number;
  bytes: Buffer;
}

export interface DecodeState {
  /** next seq to assign */
  seq: number;
  /** the two 32-bit halves (high signed) of the monotonic ns at the trace start, which
   * decodeBatch subtracts from each record's time */
  startHi: number;
  startLo: number;
}

/** The state a decode of a trace started at `start` (monotonic ns) begins with. */
export function decodeState(start: bigint): DecodeState {
  return { seq: 1, startHi: Number(BigInt.asIntN(32, start >> 32n)), startLo: Number(BigInt.asUintN(32, start)) };
}

/**
 * A signed 64-bit field as an Int64 without a BigInt when it fits a double exactly (nearly
 * always: BigInts are heap objects, and ten a record made the collector the hottest thing here).
 */
function i64(dv: DataView, at: number): Int64 {
  const hi = dv.getInt32(at + 4, true);
  if (hi > -0x200000 && hi < 0x200000) return hi * 4294967296 + dv.getUint32(at, true);
  return toInt64(dv.getBigInt64(at, true));
}

/** A field known to hold a small number (ids, counts, flags, durations), as a number. */
function num(dv: DataView, at: number): number {
  return dv.getInt32(at + 4, true) * 4294967296 + dv.getUint32(at, true);
}

function arity(name: string): number {
  return SIGNATURES[name]?.args.length ?? 6;
}

function captureOf(b: Blob): Capture {
  const c: Capture = { arg: b.arg, at: b.flags & BLOB_EXIT ? 'exit' : 'entry', len: b.bytes.length };
  if (ARRAY_KINDS.has(b.kind)) c.index = b.index;
  if (b.flags & BLOB_FAULT) {
    c.fault = errnoName(b.full);
    c.len = 0;
    return c;
  }
  if (b.flags & BLOB_MORE) {
    c.more = true;
    return c;
  }
  Object.assign(c, encodeBytes(b.bytes));
  if (b.flags & BLOB_TRUNCATED || b.full > b.bytes.length) c.full = b.full;
  return c;
}

/** The blobs of the record at `off`, which has `nblobs` of them. */
function readBlobs(buf: Buffer, dv: DataView, off: number, nblobs: number): Blob[] {
  const blobs: Blob[] = [];
  let p = off + HEADER;
  for (let i = 0; i < nblobs; i++) {
    const blen = dv.getUint32(p + 12, true);
    blobs.push({
      arg: buf[p]!,
      flags: buf[p + 1]!,
      kind: buf[p + 2]!,
      index: dv.getUint32(p + 4, true),
      full: dv.getUint32(p + 8, true),
      bytes: buf.subarray(p + 16, p + 16 + blen),
    });
    p += 16 + blen;
  }
  return blobs;
}

/** ns since the trace start: the difference of two monotonic times, exact as a double. */
function tsOf(dv: DataView, off: number, st: DecodeState): number {
  return (dv.getInt32(off + 20, true) - st.startHi) * 4294967296 + (dv.getUint32(off + 16, true) - st.startLo);
}

/** Decodes one batch buffer into events, assigning seq and relative ts. */
export function decodeBatch(buf: Buffer, st: DecodeState, out: Event[] = []): Event[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let off = 0; off + HEADER <= buf.length; off += dv.getUint32(off, true)) {
    const ev = decodeRecord(buf, dv, off, st);
    if (ev) out.push(ev);
  }
  return out;
}

/** The event of the record at `off` (undefined for a kind this version does not know). */
function decodeRecord(buf: Buffer, dv: DataView, off: number, st: DecodeState): Event | undefined {
  const kind = dv.getUint16(off + 4, true);
  const tid = dv.getInt32(off + 8, true);
  const pid = dv.getInt32(off + 12, true);
  const ts = tsOf(dv, off, st);
  const v = (i: number) => num(dv, off + 24 + 8 * i);
  const blobs = readBlobs(buf, dv, off, dv.getUint16(off + 6, true));
  const seq = st.seq++;
  switch (kind) {
    case REC_SYSCALL: {
      const nr = v(0);
      const flags = v(9);
      const name = syscallName(nr);
      const n = flags & SC_COMPAT ? 6 : arity(name);
      const args = [];
      for (let i = 0; i < n; i++) args.push(i64(dv, off + 32 + 8 * i));
      const unfinished = (flags & SC_UNFINISHED) !== 0;
      const ret = i64(dv, off + 24 + 56);
      const dur = v(8);
      const ev: Event = {
        type: 'syscall', seq, pid, tid, ts, nr, name, args,
        ret: unfinished ? null : ret,
        dur: dur < 0 ? null : dur,
      };
      if (!unfinished && typeof ret === 'number' && ret < 0 && ret >= -4095) ev.errno = errnoName(-ret);
      if (blobs.length) ev.mem = blobs.map(captureOf);
      if (unfinished) ev.status = 'unfinished';
      else if (flags & SC_RESUMED) ev.status = 'resumed';
      if (flags & SC_INJECTED) ev.injected = true;
      if (flags & SC_SKIPPED) ev.skipped = true;
      if (flags & SC_COMPAT) ev.compat = true;
      if (flags & SC_BUFFERED) ev.buffered = true;
      if (flags & SC_RIFT) ev.rift = true;
      if (flags & SC_VDSO) ev.vdso = true;
      if (flags & SC_AGAIN) ev.again = true;
      return ev;
    }
    case REC_SPAWN:
      return { type: 'spawn', seq, pid, tid, ts, child: v(0), childPid: v(1), kind: SPAWN_KINDS[v(2)] ?? 'process' };
    case REC_EXEC: {
      const path = blobs.find((b) => b.arg === 0)?.bytes.toString('utf8') ?? '';
      const argv = blobs.filter((b) => b.arg === 1).map((b) => b.bytes.toString('utf8'));
      const ev: Event = { type: 'exec', seq, pid, tid, ts, path, argv };
      const oldTid = v(0);
      if (oldTid && oldTid !== tid) ev.oldTid = oldTid;
      return ev;
    }
    case REC_SIGNAL: {
      const signo = v(0);
      const ev: Event = { type: 'signal', seq, pid, tid, ts, signo, sig: signalName(signo) };
      const siginfo = blobs.find((b) => b.arg === 0)?.bytes;
      if (v(7)) ev.stop = true;
      else if (siginfo) {
        // siginfo is a union: report only the fields this signal and code carry
        const code = v(1);
        ev.code = code;
        if (FAULT_SIGNALS.has(signo) && code > 0) ev.addr = i64(dv, off + 24 + 40);
        else {
          ev.senderPid = v(2);
          ev.senderUid = v(3);
          if (signo === SIGCHLD) {
            ev.status = v(4);
            // si_utime and si_stime (clock_t, in clock ticks) follow si_status in the siginfo
            if (siginfo.length >= SI_STIME + 8) {
              ev.utime = Number(siginfo.readBigInt64LE(SI_UTIME));
              ev.stime = Number(siginfo.readBigInt64LE(SI_STIME));
            }
          }
        }
        if (v(6)) ev.errno = v(6);
      }
      const inCall = v(8);
      if (inCall) {
        // came inside the syscall buffer's wrapper of a call (Tracer::signalInCall)
        const nr = Math.floor(inCall / 16);
        ev.inCall = { nr, name: syscallName(nr), at: IN_CALL_AT[inCall & 3] ?? 'exit' };
        if (inCall & 8) ev.inCall.late = true;
      }
      if (v(9)) {
        // the instruction it interrupted in the program's own code, and where it is in the file
        ev.ip = i64(dv, off + 24 + 72);
        const code = blobs.find((b) => b.arg === 1);
        if (code && code.bytes.length > 8) {
          ev.ipFile = code.bytes.subarray(8).toString('utf8');
          ev.ipOffset = toInt64(code.bytes.readBigInt64LE(0));
        }
      }
      return ev;
    }
    case REC_EXIT: {
      const ev: Event = { type: 'exit', seq, pid, tid, ts };
      const code = v(0);
      if (code >= 0) ev.code = code;
      else ev.signal = signalName(v(1));
      if (v(2)) ev.core = true;
      return ev;
    }
    case REC_END: {
      const status = v(1);
      const ev: Event = { type: 'end', seq, ts, reason: END_REASONS[v(0)] ?? 'exit' };
      const code = statusToCode(status);
      if (code !== undefined && ev.reason === 'exit') ev.exitCode = code;
      return ev;
    }
    case REC_WARNING:
      return { type: 'warning', seq, tid, ts, message: blobs[0]?.bytes.toString('utf8') ?? '' };
    case REC_TSC: {
      // an rdtsc/rdtscp the engine answered (src/encode.cc writes the same)
      const ev: Event = { type: 'rdtsc', seq, pid, tid, ts, insn: v(1) ? 'rdtscp' : 'rdtsc', value: i64(dv, off + 24) };
      if (v(1)) ev.aux = v(2);
      return ev;
    }
  }
  st.seq--;  // unknown record kind: skipped
  return undefined;
}

/** A wait(2) status as a shell exit code: the code, or 128 + the killing signal. */
export function statusToCode(status: number): number | undefined {
  if ((status & 0x7f) === 0) return (status >> 8) & 0xff;
  if ((status & 0xff) !== 0x7f) return 128 + (status & 0x7f);
  return undefined;
}
