/**
 * io_uring_setup's struct io_uring_params as strace prints it: what the program gave at entry
 * (flags, the SQ thread's CPU and idle time, wq_fd with IORING_SETUP_ATTACH_WQ, resv when not
 * zero), then what the kernel filled in when the call succeeded (ring sizes, features, the
 * rings' offsets).
 */
import type { StructCtx } from './structs.js';
import { captureBytes } from '../events.js';
import { hex, printFlags } from './values.js';

const SIZE = 120;
const ATTACH_WQ = 1 << 5;
const x = (v: number): string => (v ? hex(v) : '0');

function offsets(b: Buffer, o: number, cq: boolean): string {
  const u = (k: number) => b.readUInt32LE(o + 4 * k);
  const names = cq ? ['head', 'tail', 'ring_mask', 'ring_entries', 'overflow', 'cqes', 'flags'] : ['head', 'tail', 'ring_mask', 'ring_entries', 'flags', 'dropped', 'array'];
  const out = names.map((n, k) => `${n}=${u(k)}`);
  if (u(7)) out.push(`resv1=${x(u(7))}`);
  const ua = b.readBigUInt64LE(o + 32);
  out.push(`user_addr=${ua ? hex(ua) : '0'}`);
  return `{${out.join(', ')}}`;
}

function uringParams(b: Buffer, c: StructCtx): string {
  const entryCap = c.entryCaps?.[0] ?? (c.caps[0]?.at === 'entry' ? c.caps[0] : undefined);
  const e = entryCap && !entryCap.fault ? captureBytes(entryCap) : b;
  if (e.length < SIZE) return c.addr;
  const flags = e.readUInt32LE(8);
  const out = [`flags=${printFlags('uring_setup', flags, 32)}`, `sq_thread_cpu=${x(e.readUInt32LE(12))}`, `sq_thread_idle=${e.readUInt32LE(16)}`];
  if (flags & ATTACH_WQ) out.push(`wq_fd=${c.fdText ? c.fdText(e.readInt32LE(24)) : e.readInt32LE(24)}`);
  const resv = [e.readUInt32LE(28), e.readUInt32LE(32), e.readUInt32LE(36)];
  if (resv.some((v) => v)) out.push(`resv=[${resv.map(x).join(', ')}]`);
  // the kernel's part, when the call succeeded (b is then what was read at exit)
  if (c.errno === undefined && c.caps[0]?.at === 'exit' && b.length >= SIZE) {
    out.push(`sq_entries=${b.readUInt32LE(0)}`, `cq_entries=${b.readUInt32LE(4)}`, `features=${printFlags('uring_features', b.readUInt32LE(20), 32)}`,
      `sq_off=${offsets(b, 40, false)}`, `cq_off=${offsets(b, 80, true)}`);
  }
  return `{${out.join(', ')}}`;
}

export const IO_URING_STRUCTS = { uring_params: uringParams };
