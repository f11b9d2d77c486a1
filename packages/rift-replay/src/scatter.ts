/**
 * Recorded output bytes -> writes into the replaying process's buffers.
 *
 * rift-record captures what the kernel wrote at syscall exit (`mem` entries, at:'exit'):
 *   plain buffers and structs     at the argument's pointer (read: args[1], clock_gettime: args[1])
 *   iovec arrays (readv, preadv)  one capture per element; replay concatenates them and spreads
 *                                 the bytes over the replaying program's own iovecs, read with
 *                                 readBytes (their addresses differ from the recording's)
 *   msghdr (recvmsg)              index 0 the msghdr itself, 1 the name, 2 the control data,
 *                                 3+ the iovecs: name, control and data go to the replaying
 *                                 msghdr's own pointers; namelen, controllen and flags are
 *                                 patched in it
 *   '*N' lengths (recvfrom addr)  the socklen_t at args[N] gets the recorded length
 */
import { captureBytes, int64, parseArgSpec, signatureOf, LengthFrom, type ArgSpec, type Capture, type SyscallEvent } from '@rift/events';
import type { LiveCall } from './compare.js';

export interface Write {
  addr: bigint;
  data: Buffer;
}

/** Why the recorded call cannot be reproduced exactly. */
export class ScatterError extends Error {}

/** Whether a capture holds its bytes whole (not cut by -s or --no-data, no elements left out). */
export function complete(c: Capture): boolean {
  return !c.more && (c.full === undefined || c.full <= c.len);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}

function readIovecs(call: LiveCall, addr: bigint, count: number): { base: bigint; len: number }[] {
  if (count <= 0 || addr === 0n) return [];
  count = Math.min(count, 1024);
  const raw = call.readBytes(addr, 16 * count);
  if (!raw || raw.length < 16 * count) throw new ScatterError('cannot read the iovec array of the replaying program');
  const out: { base: bigint; len: number }[] = [];
  for (let i = 0; i < count; i++) out.push({ base: raw.readBigUInt64LE(16 * i), len: Number(raw.readBigUInt64LE(16 * i + 8)) });
  return out;
}

function spread(data: Buffer, iovs: { base: bigint; len: number }[], out: Write[]): void {
  let off = 0;
  for (const v of iovs) {
    if (off >= data.length) break;
    const n = Math.min(v.len, data.length - off);
    if (n > 0) out.push({ addr: v.base, data: data.subarray(off, off + n) });
    off += n;
  }
  if (off < data.length) throw new ScatterError(`the replaying program's buffers hold ${off} bytes, the recording has ${data.length}`);
}

/** A write at the address an argument of the call holds (a read's buffer, a clock's timespec). */
export interface ArgWrite {
  arg: number;
  data: Buffer;
}

/**
 * Writes that put the recorded outputs of `ev` into the buffers of `call`. Throws
 * ScatterError when the recording does not hold the bytes whole (recorded with --no-data).
 */
export function outputWrites(ev: SyscallEvent, call: LiveCall): Write[] {
  const out: Write[] = [];
  scatter(ev, (spec, i, caps) => {
    const addr = call.args[i] ?? 0n;
    if (spec.type === 'iov') {
      const parts = caps.filter((c) => !c.fault).sort((x, y) => (x.index ?? 0) - (y.index ?? 0));
      if (parts.some((c) => !complete(c))) throw new ScatterError(`${ev.name}: the recording holds only part of the data (recorded with --no-data?)`);
      const data = Buffer.concat(parts.map(captureBytes));
      const count = Number(call.args[spec.capture!.lenArg] ?? 0n);
      spread(data, readIovecs(call, addr, count), out);
    } else if (spec.type === 'msghdr') msghdrWrites(ev, caps, call, addr, out);
    else if (addr !== 0n) {
      for (const w of plainWrites(ev, spec, i, caps)) {
        const a = call.args[w.arg] ?? 0n;
        if (a !== 0n) out.push({ addr: a, data: w.data });
      }
    }
  }, (i) => (call.args[i] ?? 0n) === 0n);
  return out;
}

/**
 * The same writes addressed by argument, when they do not depend on the replaying program's
 * memory (no iovec or msghdr to follow): what the engine can apply on its own to a call it
 * answers ahead (an Expectation). Undefined when the call needs outputWrites, or cannot be
 * reproduced.
 */
export function argWrites(ev: SyscallEvent): ArgWrite[] | undefined {
  const out: ArgWrite[] = [];
  try {
    let ok = true;
    scatter(ev, (spec, i, caps) => {
      if (spec.type === 'iov' || spec.type === 'msghdr') ok = false;
      else out.push(...plainWrites(ev, spec, i, caps));
    }, () => false);
    return ok ? out : undefined;
  } catch (e) {
    if (e instanceof ScatterError) return undefined;
    throw e;
  }
}

/**
 * Walks the output arguments of `ev` that have recorded bytes. An output argument without
 * any is fine when the call failed or transferred nothing (or its pointer is NULL: `isNull`).
 */
function scatter(ev: SyscallEvent, each: (spec: ArgSpec, i: number, caps: Capture[]) => void, isNull: (i: number) => boolean): void {
  const sig = signatureOf(ev.name);
  if (!sig) return;
  const failed = ev.errno !== undefined;
  const exitCaps = (ev.mem ?? []).filter((m) => m.at === 'exit');
  sig.args.forEach((a, i) => {
    const spec = parseArgSpec(a);
    if (spec.dir !== 'out' && spec.dir !== 'inout') return;
    // sendmmsg's and recvmmsg's vectors are captured for display; replay does not write them
    // back (msg_len, received data), as before they were captured
    if (spec.type === 'mmsgsend' || spec.type === 'mmsgrecv') return;
    const caps = exitCaps.filter((m) => m.arg === i);
    if (!caps.length) {
      const len = spec.capture?.lenFrom === LengthFrom.Ret && ev.ret !== null ? Number(int64(ev.ret)) : -1;
      if (failed || isNull(i) || len === 0) return;
      if (spec.type === 'iov' && ev.ret !== null && Number(int64(ev.ret)) === 0) return;
      throw new ScatterError(`the recording holds no bytes for argument ${i} of ${ev.name}`);
    }
    each(spec, i, caps);
  });
}

/** A plain buffer or struct argument: its bytes, and a socklen_t-style length beside it. */
function plainWrites(ev: SyscallEvent, spec: ArgSpec, i: number, caps: Capture[]): ArgWrite[] {
  const c = caps[0]!;
  if (c.fault) return [];  // the kernel could not write there when recorded either
  if (!complete(c)) throw new ScatterError(`${ev.name}: the recording holds only ${c.len} of ${c.full} bytes of argument ${i} (recorded with --no-data?)`);
  const out: ArgWrite[] = [];
  const data = captureBytes(c);
  if (data.length) out.push({ arg: i, data });
  if (spec.capture?.lenFrom === LengthFrom.ArgPtrU32) out.push({ arg: spec.capture.lenArg, data: u32(c.full ?? c.len) });
  return out;
}

function msghdrWrites(ev: SyscallEvent, caps: Capture[], call: LiveCall, addr: bigint, out: Write[]): void {
  if (addr === 0n) return;
  const byIndex = new Map<number, Capture[]>();
  for (const c of caps) {
    const k = c.index ?? 0;
    if (!byIndex.has(k)) byIndex.set(k, []);
    byIndex.get(k)!.push(c);
  }
  const mh = call.readBytes(addr, 56);
  if (!mh || mh.length < 56) throw new ScatterError('cannot read the msghdr of the replaying program');
  const recHdr = byIndex.get(0)?.[0];
  const recMh = recHdr && !recHdr.fault ? captureBytes(recHdr) : undefined;
  const name = mh.readBigUInt64LE(0);
  const iov = mh.readBigUInt64LE(16);
  const iovlen = Number(mh.readBigUInt64LE(24));
  const control = mh.readBigUInt64LE(32);
  const nameCap = byIndex.get(1)?.[0];
  if (nameCap && !nameCap.fault && name !== 0n) {
    const b = captureBytes(nameCap);
    out.push({ addr: name, data: b });
  }
  const ctlCap = byIndex.get(2)?.[0];
  if (ctlCap && !ctlCap.fault && control !== 0n) {
    if (!complete(ctlCap)) throw new ScatterError('recvmsg: the recording holds only part of the control data');
    out.push({ addr: control, data: captureBytes(ctlCap) });
  }
  if (recMh && recMh.length >= 56) {
    // namelen (u32 at 8), controllen (u64 at 40), flags (int at 48) as the kernel left them
    out.push({ addr: addr + 8n, data: recMh.subarray(8, 12) });
    out.push({ addr: addr + 40n, data: recMh.subarray(40, 52) });
  }
  const parts: Capture[] = [];
  for (const [k, cs] of byIndex) if (k >= 3) parts.push(...cs.filter((c) => !c.fault));
  parts.sort((x, y) => (x.index ?? 0) - (y.index ?? 0));
  if (parts.some((c) => !complete(c))) throw new ScatterError('recvmsg: the recording holds only part of the data (recorded with --no-data?)');
  spread(Buffer.concat(parts.map(captureBytes)), readIovecs(call, iov, iovlen), out);
}
