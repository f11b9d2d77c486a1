/**
 * io_uring_setup's struct io_uring_params as strace prints it: what the program gave at entry
 * (flags, the SQ thread's CPU and idle time, wq_fd with IORING_SETUP_ATTACH_WQ, resv when not
 * zero), then what the kernel filled in when the call succeeded (ring sizes, features, the
 * rings' offsets).
 */
import type { StructCtx } from './structs.js';
import { sigsetText } from './structs.js';
import { capturedBytes } from '../events.js';
import type { Capture } from '../events.js';
import { nonzeroBytes } from './structs.js';
import { hex, printEnum, printFlags, ptr, styledText } from './values.js';

const SIZE = 120;
const ATTACH_WQ = 1 << 5;
const x = (v: number | bigint): string => (v ? hex(v) : '0');

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
  const e = capturedBytes(entryCap) ?? b;
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

/** the kernel's sigset size on x86-64: strace decodes a mask of this size only */
const SIGSET_SIZE = 8;

/** a signal mask at `p` of `size` bytes, read as pointee `index` */
function sigmaskAt(p: bigint, size: bigint, c: StructCtx, index: number): string {
  if (!p) return 'NULL';
  const m = capBytes(c.caps, index);
  return size === BigInt(SIGSET_SIZE) && m && m.length >= SIGSET_SIZE ? sigsetText(m.subarray(0, SIGSET_SIZE)) : hex(p);
}

/** io_uring_enter's signal mask: sigsetsize (argument 5) bytes, decoded only when that is 8 */
function uringSigset(b: Buffer, c: StructCtx): string {
  if (BigInt.asUintN(64, BigInt(c.args[5] ?? 0)) !== BigInt(SIGSET_SIZE) || b.length < SIGSET_SIZE) return c.addr;
  return sigsetText(b.subarray(0, SIGSET_SIZE));
}

/**
 * io_uring_enter's struct io_uring_getevents_arg (IORING_ENTER_EXT_ARG): the mask (pointee 1,
 * sigmask_sz bytes), its size, the minimum wait, the timeout (pointee 2, a struct timespec)
 */
function getEventsArg(b: Buffer, c: StructCtx): string {
  if (b.length < 24) return c.addr;
  const mask = sigmaskAt(b.readBigUInt64LE(0), BigInt(b.readUInt32LE(8)), c, 1);
  const tsAddr = b.readBigUInt64LE(16);
  const t = capBytes(c.caps, 2);
  const ts = !tsAddr ? 'NULL' : t && t.length >= 16 ? `{tv_sec=${t.readBigInt64LE(0)}, tv_nsec=${t.readBigUInt64LE(8)}}` : hex(tsAddr);
  return `{sigmask=${mask}, sigmask_sz=${b.readUInt32LE(8)}, min_wait_usec=${b.readUInt32LE(12)}, ts=${ts}}`;
}

// ---- io_uring_register ------------------------------------------------------------------------

/** io_uring_register's opcodes (<linux/io_uring.h>) that take an argument strace decodes */
const URING_REGISTER = {
  BUFFERS: 0, FILES: 2, EVENTFD: 4, FILES_UPDATE: 6, EVENTFD_ASYNC: 7, PROBE: 8, RESTRICTIONS: 11, FILES2: 13, FILES_UPDATE2: 14,
  BUFFERS2: 15, BUFFERS_UPDATE: 16, IOWQ_AFF: 17, IOWQ_MAX_WORKERS: 19, RING_FDS: 20, UNREGISTER_RING_FDS: 21, PBUF_RING: 22,
  UNREGISTER_PBUF_RING: 23, SYNC_CANCEL: 24, FILE_ALLOC_RANGE: 25, PBUF_STATUS: 26, NAPI: 27, UNREGISTER_NAPI: 28, CLOCK: 29,
  CLONE_BUFFERS: 30, SEND_MSG_RING: 31, ZCRX_IFQ: 32, RESIZE_RINGS: 33, MEM_REGION: 34, QUERY: 35, ZCRX_CTRL: 36,
} as const;
const R = URING_REGISTER;
/** IORING_OP_* values the decoders test */
const OP = { READV: 1, WRITEV: 2, READ_FIXED: 4, WRITE_FIXED: 5, SENDMSG: 9, RECVMSG: 10, ACCEPT: 13, READ: 22, WRITE: 23, SEND: 26, RECV: 27, MSG_RING: 40,
  URING_CMD: 46, SEND_ZC: 47, SENDMSG_ZC: 48, READ_MULTISHOT: 49, FIXED_FD_INSTALL: 54, RECV_ZC: 58, READV_FIXED: 60, WRITEV_FIXED: 61, NOP: 0,
  NOP128: 63, URING_CMD128: 64 } as const;
const RW_OPS: ReadonlySet<number> = new Set([OP.READ, OP.WRITE, OP.READV, OP.WRITEV, OP.READ_FIXED, OP.WRITE_FIXED, OP.READV_FIXED, OP.WRITEV_FIXED,
  OP.SEND, OP.RECV, OP.SENDMSG, OP.RECVMSG, OP.SEND_ZC, OP.RECV_ZC, OP.READ_MULTISHOT]);
const RECVSEND_OPS: ReadonlySet<number> = new Set([OP.SEND, OP.SENDMSG, OP.SEND_ZC, OP.SENDMSG_ZC, OP.RECV, OP.RECVMSG, OP.RECV_ZC]);

const U64_END = 1n << 64n;
const u64x = (b: Buffer, o: number): string => x(b.readBigUInt64LE(o));
const u32x = (b: Buffer, o: number): string => x(b.readUInt32LE(o));
/** an array of numbers in hex, 0 as 0 */
const xints = (vs: ReadonlyArray<number | bigint>): string => `[${vs.map(x).join(', ')}]`;
const u32s = (b: Buffer, o: number, n: number): number[] => Array.from({ length: n }, (_, i) => b.readUInt32LE(o + 4 * i));
const u64s = (b: Buffer, o: number, n: number): bigint[] => Array.from({ length: n }, (_, i) => b.readBigUInt64LE(o + 8 * i));
const anySet = (vs: ReadonlyArray<number | bigint>): boolean => vs.some((v) => v !== 0 && v !== 0n);

/** The memory one capture of the argument holds: its bytes (those that could be read), none for a fault. */
function capBytes(caps: readonly Capture[], index: number): Buffer | undefined {
  const cap = caps.find((k) => (k.index ?? 0) === index);
  return capturedBytes(cap);
}

/**
 * An array of `n` elements of `size` bytes at `addr` as strace's print_array: NULL; [] when empty
 * ([...] when `truncated`); the address when its end wraps past the address space or its first
 * element cannot be read; else the elements that can be (at most -s without -v, then `...`) and
 * `... /* where the rest begins *\/`. `complete`: the walk got to the end or to the -s bound.
 */
function arrayAt(c: StructCtx, addr: bigint, n: bigint, size: number, b: Buffer | undefined, one: (b: Buffer, o: number, i: number) => string, truncated = false): { text: string; complete: boolean } {
  if (!addr) return { text: 'NULL', complete: false };
  if (!n) return { text: truncated ? '[...]' : '[]', complete: false };
  if (addr + n * BigInt(size) >= U64_END) return { text: hex(addr), complete: false };
  const bytes = b ?? Buffer.alloc(0);
  const limit = c.verbose ? Infinity : c.stringSize;
  const out: string[] = [];
  let complete = true;
  let cut = false;
  for (let i = 0; BigInt(i) < n; i++) {
    if ((i + 1) * size > bytes.length) {
      if (i === 0) return { text: hex(addr), complete: false };
      out.push(`... /* ${hex(addr + BigInt(i * size))} */`);
      complete = false;
      cut = true;
      break;
    }
    if (i >= limit) {
      out.push('...');
      cut = true;
      break;
    }
    out.push(one(bytes, i * size, i));
  }
  if (truncated && !cut) out.push('...');
  return { text: `[${out.join(', ')}]`, complete };
}

/** a descriptor of IORING_REGISTER_FILES_UPDATE's: IORING_REGISTER_FILES_SKIP and the like by name */
function updateFd(fd: number, c: StructCtx): string {
  if (fd >= -1) return fdOf(fd, c);
  return fd === -2 ? styledText('-2', 'IORING_REGISTER_FILES_SKIP') : String(fd);
}
const fdOf = (fd: number, c: StructCtx): string => (c.fdText ? c.fdText(fd) : String(fd));
const iovec = (b: Buffer, o: number): string => `{iov_base=${ptr(b.readBigUInt64LE(o))}, iov_len=${b.readBigUInt64LE(o + 8)}}`;

/** struct io_uring_probe (16 bytes and `count` ops of 8), as the program gave it or the kernel filled it */
function probeText(b: Buffer, count: number, truncated: boolean, c: StructCtx): string {
  const out = [`last_op=${printEnum('uring_ops_u', b[0]!)}`, `ops_len=${b[1]}`];
  if (b.readUInt16LE(2)) out.push(`resv=${x(b.readUInt16LE(2))}`);
  const resv2 = u32s(b, 4, 3);
  if (anySet(resv2)) out.push(`resv2=${xints(resv2)}`);
  const limit = c.verbose ? Infinity : c.stringSize;
  const ops: string[] = [];
  let cut = false;
  for (let i = 0; i < count; i++) {
    if (i >= limit) {
      ops.push('...');
      cut = true;
      break;
    }
    const o = 16 + 8 * i;
    const op = [`op=${printEnum('uring_ops_u', b[o]!)}`];
    if (b[o + 1]) op.push(`resv=${x(b[o + 1]!)}`);
    op.push(`flags=${printFlags('uring_op_flags', b.readUInt16LE(o + 2), 32)}`);
    if (b.readUInt32LE(o + 4)) op.push(`resv2=${u32x(b, o + 4)}`);
    ops.push(`{${op.join(', ')}}`);
  }
  if (truncated && !cut) ops.push('...');
  out.push(`ops=[${ops.join(', ')}]`);
  return `{${out.join(', ')}}`;
}

/** IORING_REGISTER_PROBE: shown at entry unless all zero, then (when the call succeeded) at exit */
function probe(addr: bigint, nargs: number, entry: Buffer | undefined, exit: Buffer | undefined, c: StructCtx): string {
  if (nargs > 256) return hex(addr);
  const size = 16 + 8 * nargs;
  if (!entry || entry.length < size) return hex(addr);
  const shown = entry.subarray(0, size).some((v) => v !== 0);
  let text = shown ? probeText(entry, nargs, false, c) : '';
  if (c.errno !== undefined || !exit) return text || hex(addr);
  if (text) text += ' => ';
  if (exit.length < size) return text + hex(addr);
  return text + probeText(exit, Math.min(exit[1]!, nargs), nargs < exit[1]!, c);
}

function restriction(b: Buffer, o: number): string {
  const opcode = b.readUInt16LE(o);
  const v = b[o + 2]!;
  const out = [`opcode=${printEnum('uring_restriction', opcode)}`];
  if (opcode === 0) out.push(`register_op=${printEnum('uring_register', v)}`);
  else if (opcode === 1) out.push(`sqe_op=${printEnum('uring_ops', v)}`);
  else if (opcode === 2 || opcode === 3) out.push(`sqe_flags=${printFlags('uring_sqe_flags', v, 32)}`);
  else out[0] += ` /* op: ${x(v)} */`;
  if (b[o + 3]) out.push(`resv=${x(b[o + 3]!)}`);
  const resv2 = u32s(b, o + 4, 3);
  if (anySet(resv2)) out.push(`resv2=${xints(resv2)}`);
  return `{${out.join(', ')}}`;
}

/** the data and tags arrays of the rsrc structs (pointees 1 and 2, `nr` elements each) */
function rsrcArrays(b: Buffer, dataOff: number, nr: number, op: number, caps: readonly Capture[], c: StructCtx): string[] {
  const data = b.readBigUInt64LE(dataOff);
  const tags = b.readBigUInt64LE(dataOff + 8);
  const n = BigInt(nr);
  const db = capBytes(caps, 1);
  let d: string;
  if (op === R.FILES2) d = arrayAt(c, data, n, 4, db, (k, o) => fdOf(k.readInt32LE(o), c)).text;
  else if (op === R.FILES_UPDATE2) d = arrayAt(c, data, n, 4, db, (k, o) => updateFd(k.readInt32LE(o), c)).text;
  else d = arrayAt(c, data, n, 16, db, iovec).text;
  const t = arrayAt(c, tags, n, 8, capBytes(caps, 2), (k, o) => u64x(k, o)).text;
  return [`data=${d}`, `tags=${t}`];
}

function rsrcRegister(b: Buffer, size: number, op: number, caps: readonly Capture[], c: StructCtx): string {
  const out = [`nr=${b.readUInt32LE(0)}`, `flags=${printFlags('uring_rsrc_flags', b.readUInt32LE(4), 32)}`];
  if (b.readBigUInt64LE(8)) out.push(`resv2=${u64x(b, 8)}`);
  out.push(...rsrcArrays(b, 16, b.readUInt32LE(0), op, caps, c));
  const tail = nonzeroBytes(b, 32, size, c);
  if (tail) out.push(tail);
  return `{${out.join(', ')}}`;
}

function rsrcUpdate(b: Buffer, size: number, op: number, caps: readonly Capture[], c: StructCtx): string {
  const out = [`offset=${b.readUInt32LE(0)}`];
  if (b.readUInt32LE(4)) out.push(`resv=${u32x(b, 4)}`);
  out.push(...rsrcArrays(b, 8, b.readUInt32LE(24), op, caps, c));
  out.push(`nr=${b.readUInt32LE(24)}`);
  if (b.readUInt32LE(28)) out.push(`resv2=${u32x(b, 28)}`);
  const tail = nonzeroBytes(b, 32, size, c);
  if (tail) out.push(tail);
  return `{${out.join(', ')}}`;
}

/** strace's print_affinitylist: the set bits of `len` bytes */
function affinity(addr: bigint, len: number, b: Buffer | undefined): string {
  if (!len) return '[]';
  if (!b || b.length < len) return hex(addr);
  const out: number[] = [];
  for (let i = 0; i < len; i++) for (let k = 0; k < 8; k++) if ((b[i]! >> k) & 1) out.push(i * 8 + k);
  return `[${out.join(' ')}]`;
}

/** IORING_REGISTER_IOWQ_MAX_WORKERS' counts by index; read back after a call that went through */
function iowqMaxWorkers(addr: bigint, nargs: number, entry: Buffer | undefined, exit: Buffer | undefined, c: StructCtx): string {
  const one = (k: Buffer, o: number, i: number) => `[${printEnum('uring_iowq_acct', i)}]=${k.readUInt32LE(o)}`;
  const first = arrayAt(c, addr, BigInt(nargs), 4, entry, one);
  if (!first.complete) return first.text;
  if (c.errno !== undefined || !exit) return `${first.text} => ${hex(addr)}`;
  return `${first.text} => ${arrayAt(c, addr, BigInt(nargs), 4, exit, one).text}`;
}

function ringFdRegister(b: Buffer, o: number, c: StructCtx): string {
  const off = b.readUInt32LE(o);
  const out = [`offset=${off === 0xffffffff ? -1 : off}`];
  if (b.readUInt32LE(o + 4)) out.push(`resv=${u32x(b, o + 4)}`);
  out.push(`data=${fdOf(b.readInt32LE(o + 8), c)}`);
  return `{${out.join(', ')}}`;
}
function ringFdUnregister(b: Buffer, o: number): string {
  const out = [`offset=${b.readUInt32LE(o)}`];
  if (b.readUInt32LE(o + 4)) out.push(`resv=${u32x(b, o + 4)}`);
  if (b.readBigUInt64LE(o + 8)) out.push(`data=${u64x(b, o + 8)}`);
  return `{${out.join(', ')}}`;
}

function bufReg(b: Buffer): string {
  const out = [`ring_addr=${ptr(b.readBigUInt64LE(0))}`, `ring_entries=${b.readUInt32LE(8)}`, `bgid=${b.readUInt16LE(12)}`,
    `flags=${x(b.readUInt16LE(14))}`, `min_left=${b.readUInt32LE(16)}`];
  const resv = u32s(b, 20, 5);
  if (anySet(resv)) out.push(`resv=${xints(resv)}`);
  return `{${out.join(', ')}}`;
}

function syncCancel(b: Buffer, c: StructCtx): string {
  const out = [`addr=${ptr(b.readBigUInt64LE(0))}`, `fd=${fdOf(b.readInt32LE(8), c)}`, `flags=${printFlags('uring_async_cancel', b.readUInt32LE(12), 32)}`,
    `timeout={tv_sec=${b.readBigInt64LE(16)}, tv_nsec=${b.readBigInt64LE(24)}}`, `opcode=${printEnum('uring_ops', b[32]!)}`];
  const pad = Array.from(b.subarray(33, 40));
  if (anySet(pad)) out.push(`pad=${xints(pad)}`);
  const pad2 = u64s(b, 40, 3);
  if (anySet(pad2)) out.push(`pad2=${xints(pad2)}`);
  return `{${out.join(', ')}}`;
}

function fileIndexRange(b: Buffer): string {
  const resv = b.readBigUInt64LE(8);
  return `{off=${b.readUInt32LE(0)}, len=${b.readUInt32LE(4)}${resv ? `, resv=${x(resv)}` : ''}}`;
}

function bufStatus(b: Buffer): string {
  const resv = u32s(b, 8, 8);
  return `{buf_group=${u32x(b, 0)}, head=${u32x(b, 4)}${anySet(resv) ? `, resv=${xints(resv)}` : ''}}`;
}

function napi(b: Buffer | undefined, addr: bigint): string {
  if (!b || b.length < 16) return hex(addr);
  const opcode = b[5]!;
  const out = [`busy_poll_to=${u32x(b, 0)}`, `prefer_busy_poll=${x(b[4]!)}`, `opcode=${printEnum('uring_napi_ops', opcode)}`];
  const pad = [b[6]!, b[7]!];
  if (anySet(pad)) out.push(`pad=${xints(pad)}`);
  const param = b.readUInt32LE(8);
  out.push(`op_param=${opcode === 0 ? printEnum('uring_napi_tracking', param) : x(param)}`);
  if (b.readUInt32LE(12)) out.push(`resv=${u32x(b, 12)}`);
  return `{${out.join(', ')}}`;
}

function clockRegister(b: Buffer): string {
  const resv = u32s(b, 4, 3);
  return `{clockid=${printEnum('clock', b.readUInt32LE(0))}${anySet(resv) ? `, __resv=${xints(resv)}` : ''}}`;
}

function cloneBuffers(b: Buffer, c: StructCtx): string {
  const out = [`src_fd=${fdOf(b.readInt32LE(0), c)}`, `flags=${printFlags('uring_clone_buffers', b.readUInt32LE(4), 32)}`, `src_off=${b.readUInt32LE(8)}`,
    `dst_off=${b.readUInt32LE(12)}`, `nr=${b.readUInt32LE(16)}`];
  const pad = u32s(b, 20, 3);
  if (anySet(pad)) out.push(`pad=${xints(pad)}`);
  return `{${out.join(', ')}}`;
}

/** a submission queue entry (IORING_REGISTER_SEND_MSG_RING's): 64 bytes, 128 for the ops that take
 * more (their cmd[] as bytes); attr_ptr's struct io_uring_attr_pi is pointee 3 */
function sqe(b: Buffer, addr: bigint, caps: readonly Capture[], c: StructCtx): string {
  const op = b[0]!;
  const fd = b.readInt32LE(4);
  const out = [`opcode=${printEnum('uring_ops_u', op)}`, `flags=${printFlags('uring_sqe_flags', b[1]!, 32)}`];
  const ioprio = b.readUInt16LE(2);
  if (op === OP.ACCEPT) out.push(`ioprio=${printFlags('uring_accept_flags', ioprio, 32)}`);
  else if (RECVSEND_OPS.has(op)) out.push(`ioprio=${printFlags('uring_recvsend_flags', ioprio, 32)}`);
  else out.push(`ioprio=${ioprio}`);
  const fdText = fdOf(fd, c);
  out.push(`fd=${fdText}`);
  const cmd = op === OP.URING_CMD || op === OP.URING_CMD128;
  out.push(`off=${cmd && fdText.includes('<socket:') ? printEnum('uring_socket_ops', b.readBigUInt64LE(8), 64) : u64x(b, 8)}`);
  out.push(`addr=${u64x(b, 16)}`, `len=${b.readUInt32LE(24)}`);
  const f = b.readUInt32LE(28);
  if (op === OP.NOP || op === OP.NOP128) out.push(`nop_flags=${printFlags('uring_nop_flags', f, 32)}`);
  else if (op === OP.FIXED_FD_INSTALL) out.push(`install_fd_flags=${printFlags('uring_fixed_fd_flags', f, 32)}`);
  else if (op === OP.MSG_RING) out.push(`msg_ring_flags=${printFlags('uring_msg_ring_flags', f, 32)}`);
  else out.push(`rw_flags=${x(f)}`);
  out.push(`user_data=${u64x(b, 32)}`, `buf_index=${x(b.readUInt16LE(40))}`, `personality=${b.readUInt16LE(42)}`, `file_index=${u32x(b, 44)}`);
  const mask = b.readBigUInt64LE(56);
  if (RW_OPS.has(op) && mask) {
    const p = b.readBigUInt64LE(48);
    out.push(`attr_type_mask=${printFlags('uring_rw_attr_flags', mask, 64)}`);
    let attr: string;
    if (!(mask & 1n)) attr = ptr(p);
    else {
      const a = capBytes(caps, 3);
      attr = !p ? 'NULL' : a && a.length >= 32 ? `{flags=${x(a.readUInt16LE(0))}, app_tag=${x(a.readUInt16LE(2))}, len=${a.readUInt32LE(4)}, addr=${u64x(a, 8)}, seed=${u64x(a, 16)}, rsvd=${u64x(a, 24)}}` : hex(p);
    }
    out.push(`attr_ptr=${attr}`);
  } else out.push(`optval=${u64x(b, 48)}`);
  if (op === OP.NOP128 || op === OP.URING_CMD128) {
    const rest = b.length > 64 ? b.subarray(64, 128) : undefined;
    out.push(`cmd=${arrayAt(c, addr + 64n, 64n, 1, rest, (k, o) => x(k[o]!)).text}`);
  }
  return `{${out.join(', ')}}`;
}

function zcrxOffsets(b: Buffer, o: number): string {
  const out = [`head=${b.readUInt32LE(o)}`, `tail=${b.readUInt32LE(o + 4)}`, `rqes=${b.readUInt32LE(o + 8)}`];
  if (b.readUInt32LE(o + 12)) out.push(`__resv2=${u32x(b, o + 12)}`);
  const resv = u64s(b, o + 16, 2);
  if (anySet(resv)) out.push(`__resv=${xints(resv)}`);
  return `{${out.join(', ')}}`;
}

function zcrxIfq(b: Buffer): string {
  const out = [`if_idx=${b.readUInt32LE(0)}`, `if_rxq=${b.readUInt32LE(4)}`, `rq_entries=${b.readUInt32LE(8)}`,
    `flags=${printFlags('uring_zcrx_reg_flags', b.readUInt32LE(12), 32)}`, `area_ptr=${ptr(b.readBigUInt64LE(16))}`,
    `region_ptr=${ptr(b.readBigUInt64LE(24))}`, `offsets=${zcrxOffsets(b, 32)}`, `zcrx_id=${b.readUInt32LE(64)}`,
    `rx_buf_len=${b.readUInt32LE(68)}`, `event_desc=${ptr(b.readBigUInt64LE(72))}`];
  const resv = u64s(b, 80, 2);
  if (anySet(resv)) out.push(`__resv=${xints(resv)}`);
  return `{${out.join(', ')}}`;
}

const ZCRX_CTRL = { FLUSH_RQ: 0, EXPORT: 1, ARM_EVENT: 2 } as const;
/** struct zcrx_ctrl: ZCRX_CTRL_EXPORT's descriptor is the kernel's, read back when the call went through */
function zcrxCtrl(b: Buffer, exit: Buffer | undefined, c: StructCtx): string {
  const op = b.readUInt32LE(4);
  const out = [`zcrx_id=${b.readUInt32LE(0)}`, `op=${printEnum('uring_zcrx_ctrl_ops', op)}`];
  const resv = u64s(b, 8, 2);
  if (anySet(resv)) out.push(`__resv=${xints(resv)}`);
  if (op === ZCRX_CTRL.FLUSH_RQ) {
    const r = u64s(b, 24, 6);
    out.push(`zc_flush={${anySet(r) ? `__resv=${xints(r)}` : ''}}`);
  } else if (op === ZCRX_CTRL.ARM_EVENT) {
    const r = u32s(b, 28, 11);
    out.push(`zc_arm_event={event_type=${printEnum('uring_zcrx_event_types', b.readUInt32LE(24))}${anySet(r) ? `, __resv=${xints(r)}` : ''}}`);
  } else if (op === ZCRX_CTRL.EXPORT && c.errno === undefined && exit && exit.length >= 72) {
    const r = u32s(exit, 28, 11);
    out.push(`zc_export={zcrx_fd=${fdOf(exit.readInt32LE(24), c)}${anySet(r) ? `, __resv1=${xints(r)}` : ''}}`);
  }
  return `{${out.join(', ')}}`;
}

/** IORING_REGISTER_RESIZE_RINGS' struct io_uring_params: the program's part */
function resizeParams(b: Buffer): string {
  const out = [`sq_entries=${b.readUInt32LE(0)}`, `cq_entries=${b.readUInt32LE(4)}`, `flags=${printFlags('uring_setup', b.readUInt32LE(8), 32)}`];
  if (b.readBigUInt64LE(72)) out.push(`sq_off={user_addr=${u64x(b, 72)}}`);
  if (b.readBigUInt64LE(112)) out.push(`cq_off={user_addr=${u64x(b, 112)}}`);
  const resv = u32s(b, 28, 3);
  if (anySet(resv)) out.push(`resv=${xints(resv)}`);
  return `{${out.join(', ')}}`;
}

function memRegion(b: Buffer): string {
  const out = [`region_uptr=${ptr(b.readBigUInt64LE(0))}`, `flags=${printFlags('uring_mem_region_flags', b.readBigUInt64LE(8), 64)}`];
  const resv = u64s(b, 16, 2);
  if (anySet(resv)) out.push(`__resv=${xints(resv)}`);
  return `{${out.join(', ')}}`;
}

/** IORING_REGISTER_QUERY's data by query_op, as the program gave it */
function queryData(op: number, p: bigint, d: Buffer | undefined): string {
  const need = [48, 40, 16, 48][op];
  if (need === undefined) return hex(p);
  if (!d || d.length < need) return hex(p);
  const out: string[] = [];
  if (op === 0) {
    out.push(`nr_request_opcodes=${d.readUInt32LE(0)}`, `nr_register_opcodes=${d.readUInt32LE(4)}`, `feature_flags=${printFlags('uring_features', d.readBigUInt64LE(8), 64)}`,
      `ring_setup_flags=${printFlags('uring_setup', d.readBigUInt64LE(16), 64)}`, `enter_flags=${printFlags('uring_enter', d.readBigUInt64LE(24), 64)}`,
      `sqe_flags=${printFlags('uring_sqe_flags', d.readBigUInt64LE(32), 64)}`, `nr_query_opcodes=${d.readUInt32LE(40)}`);
    if (d.readUInt32LE(44)) out.push(`__pad=${u32x(d, 44)}`);
  } else if (op === 1) {
    out.push(`register_flags=${printFlags('uring_zcrx_reg_flags', d.readBigUInt64LE(0), 64)}`, `area_flags=${printFlags('uring_zcrx_area_flags', d.readBigUInt64LE(8), 64)}`,
      `nr_ctrl_opcodes=${d.readUInt32LE(16)}`, `features=${u32x(d, 20)}`, `rq_hdr_size=${d.readUInt32LE(24)}`, `rq_hdr_alignment=${d.readUInt32LE(28)}`);
    if (d.readBigUInt64LE(32)) out.push(`__resv2=${u64x(d, 32)}`);
  } else if (op === 2) {
    out.push(`hdr_size=${d.readBigUInt64LE(0)}`, `hdr_alignment=${d.readBigUInt64LE(8)}`);
  } else {
    out.push(`event_flags=${u32x(d, 0)}`, `stats_size=${d.readUInt32LE(4)}`, `stats_off_alignment=${d.readUInt32LE(8)}`);
    if (d.readUInt32LE(12)) out.push(`__resv1=${u32x(d, 12)}`);
    const r = u64s(d, 16, 4);
    if (anySet(r)) out.push(`__resv2=${xints(r)}`);
  }
  return `{${out.join(', ')}}`;
}

/** IORING_REGISTER_QUERY's entries recorded (pointees.ts' URING_QUERY_ENTRIES), and strace's bound */
const URING_QUERY_ENTRIES = 33;
const QUERY_MAX = 1000;
/**
 * IORING_REGISTER_QUERY's list of struct io_uring_query_hdr: entry k (k > 0) is pointee 2k - 1
 * and its query_data pointee 2k (entry 0's data: pointee 2 * URING_QUERY_ENTRIES); each entry
 * nests the next as next_entry, at most -s of them, then the next one's address and `/* ... *\/`.
 */
function queryList(b: Buffer, addr: bigint, caps: readonly Capture[], c: StructCtx): string {
  let text = '';
  let depth = 0;
  let at = addr;
  const limit = c.verbose ? QUERY_MAX : Math.min(QUERY_MAX, c.stringSize);
  for (let k = 0; ; k++) {
    const h = k === 0 ? b : capBytes(caps, 2 * k - 1);
    if (!at) {
      text += 'NULL';
      break;
    }
    if (!h || h.length < 40) {
      text += hex(at);
      break;
    }
    if (k >= limit) {
      text += `${hex(at)} /* ... */`;
      break;
    }
    depth++;
    const dataAddr = h.readBigUInt64LE(8);
    const op = h.readUInt32LE(16);
    const size = h.readUInt32LE(20);
    const out = [`query_data=${ptr(dataAddr)}`, `query_op=${printEnum('uring_query_ops', op)}`, `size=${size}`, `result=${h.readInt32LE(24)}`];
    const resv = u32s(h, 28, 3);
    if (anySet(resv)) out.push(`__resv=${xints(resv)}`);
    if (dataAddr && size > 0) out.push(`query_data=${queryData(op, dataAddr, capBytes(caps, k === 0 ? 2 * URING_QUERY_ENTRIES : 2 * k))}`);
    text += `{${out.join(', ')}, next_entry=`;
    at = h.readBigUInt64LE(0);
  }
  return text + '}'.repeat(depth);
}

/**
 * io_uring_register's argument by opcode, as strace prints it: the program's at entry, for
 * some opcodes also the kernel's at exit (` => `, the call went through). The argument's first
 * 4112 bytes (signatures.ts: a page, the tail strace checks of an extensible struct, and an
 * array element more) are blob 0 at entry; what its structs point to, and the memory the
 * kernel writes back (an exit capture of its own), pointees.ts.
 */
function uringReg(_b: Buffer, c: StructCtx): string {
  const op = Number(BigInt.asUintN(32, BigInt(c.args[1] ?? 0))) & 0x7fffffff;
  const nargs = Number(BigInt.asUintN(32, BigInt(c.args[3] ?? 0)));
  const addr = BigInt.asUintN(64, BigInt(c.args[2] ?? 0));
  const entryCaps = c.caps;
  const entry = capBytes(entryCaps, 0);
  // what the kernel left there (pointees.ts reads it at exit for the opcodes that write back),
  // after a call that went through
  const exit = c.other(2, 'exit');
  const atExit = exit !== undefined;
  const n = BigInt(nargs);
  /** a struct of `size` bytes at entry, when nargs is `want` */
  const struct = (size: number, want: number | undefined, print: (b: Buffer) => string): string =>
    (want !== undefined && nargs !== want) || !entry || entry.length < size ? hex(addr) : print(entry);
  switch (op) {
    case R.BUFFERS:
      return arrayAt(c, addr, n, 16, entry, iovec).text;
    case R.FILES:
    case R.EVENTFD:
    case R.EVENTFD_ASYNC:
      return arrayAt(c, addr, n, 4, entry, (k, o) => fdOf(k.readInt32LE(o), c)).text;
    case R.FILES_UPDATE:
      return struct(16, undefined, (e) => {
        const out = [`offset=${e.readUInt32LE(0)}`];
        if (e.readUInt32LE(4)) out.push(`resv=${u32x(e, 4)}`);
        out.push(`fds=${arrayAt(c, e.readBigUInt64LE(8), n, 4, capBytes(entryCaps, 1), (k, o) => updateFd(k.readInt32LE(o), c)).text}`);
        return `{${out.join(', ')}}`;
      });
    case R.PROBE:
      return probe(addr, nargs, entry, exit, c);
    case R.RESTRICTIONS:
      return arrayAt(c, addr, n, 16, entry, restriction).text;
    case R.FILES2:
    case R.BUFFERS2:
      return nargs < 32 ? hex(addr) : struct(32, undefined, (e) => rsrcRegister(e, nargs, op, entryCaps, c));
    case R.FILES_UPDATE2:
    case R.BUFFERS_UPDATE:
      return nargs < 32 ? hex(addr) : struct(32, undefined, (e) => rsrcUpdate(e, nargs, op, entryCaps, c));
    case R.IOWQ_AFF:
      return affinity(addr, nargs, entry);
    case R.IOWQ_MAX_WORKERS:
      return iowqMaxWorkers(addr, nargs, entry, exit, c);
    case R.RING_FDS:
      return arrayAt(c, addr, n, 16, entry, (k, o) => ringFdRegister(k, o, c)).text;
    case R.UNREGISTER_RING_FDS:
      return arrayAt(c, addr, n, 16, entry, ringFdUnregister).text;
    case R.PBUF_RING:
    case R.UNREGISTER_PBUF_RING:
      return struct(40, 1, bufReg);
    case R.SYNC_CANCEL:
      return struct(64, 1, (e) => syncCancel(e, c));
    case R.FILE_ALLOC_RANGE:
      return struct(16, 1, fileIndexRange);
    case R.PBUF_STATUS:
      // the kernel's answer only
      return nargs !== 1 || c.errno !== undefined || !exit || exit.length < 40 ? hex(addr) : bufStatus(exit);
    case R.NAPI: {
      if (nargs !== 1) return hex(addr);
      const first = napi(entry, addr);
      if (!entry || entry.length < 16 || c.errno !== undefined || !atExit) return first;
      return `${first} => ${napi(exit, addr)}`;
    }
    case R.UNREGISTER_NAPI:
      return nargs !== 1 || c.errno !== undefined || !atExit ? hex(addr) : napi(exit, addr);
    case R.CLOCK:
      return struct(16, 0, clockRegister);
    case R.CLONE_BUFFERS:
      return struct(32, 1, (e) => cloneBuffers(e, c));
    case R.SEND_MSG_RING:
      return struct(64, 1, (e) => sqe(e, addr, entryCaps, c));
    case R.ZCRX_IFQ:
      return struct(96, 1, zcrxIfq);
    case R.RESIZE_RINGS:
      return struct(120, 1, resizeParams);
    case R.MEM_REGION:
      return struct(32, 1, memRegion);
    case R.QUERY:
      return nargs !== 0 ? hex(addr) : struct(40, undefined, (e) => queryList(e, addr, entryCaps, c));
    case R.ZCRX_CTRL:
      return struct(72, 1, (e) => zcrxCtrl(e, exit, c));
    default:
      return hex(addr);
  }
}

export const IO_URING_STRUCTS = { uring_params: uringParams, uring_sigset: uringSigset, uring_getevents_arg: getEventsArg, uring_reg: uringReg };

