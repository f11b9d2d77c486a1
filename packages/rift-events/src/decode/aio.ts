/**
 * Linux AIO's structures as strace prints them (aio.c): struct iocb (io_cancel's header: data,
 * key, rw flags, opcode, priority, descriptor; io_submit's whole, by opcode) and struct io_event
 * (io_getevents' answers, io_cancel's result).
 *
 * io_submit's array of iocb pointers is not captured yet: each element is a struct behind a
 * pointer, and a PWRITE's buffer or a PREADV's iovecs one pointer further.
 */
import type { StructCtx, StructDecoder } from './structs.js';
import { hex, hex0, printEnum, printFlags } from './values.js';

export const IOCB = 64, IO_EVENT = 32;
const IOCB_FLAG_IOPRIO = 2;

/** an I/O priority: IOPRIO_PRIO_VALUE(class, data) */
function ioprio(v: number): string {
  return `IOPRIO_PRIO_VALUE(${printEnum('ioprio_class', (v >>> 13) & 0x7, 32)}, ${v & 0x1fff})`;
}

/** print_iocb_header: the fields every opcode has */
export function iocbHeader(b: Buffer, c: StructCtx): string[] {
  const out = [`aio_data=${hex0(b.readBigUInt64LE(0))}`];
  const key = b.readUInt32LE(8);
  if (key) out.push(`aio_key=${key}`);
  const rw = b.readUInt32LE(12);
  if (rw) out.push(`aio_rw_flags=${printFlags('rwf', rw, 32)}`);
  out.push(`aio_lio_opcode=${printEnum('aio_cmds', b.readUInt16LE(16), 32)}`);
  const prio = b.readInt16LE(18);
  if (b.readUInt32LE(56) & IOCB_FLAG_IOPRIO) out.push(`aio_reqprio=${ioprio(prio & 0xffff)}`);
  else if (prio) out.push(`aio_reqprio=${prio}`);
  const fd = b.readInt32LE(20);
  out.push(`aio_fildes=${c.fdText ? c.fdText(fd) : fd}`);
  return out;
}

function ioEvent(b: Buffer, o: number): string {
  return `{data=${hex0(b.readBigUInt64LE(o))}, obj=${hex0(b.readBigUInt64LE(o + 8))}, res=${b.readBigInt64LE(o + 16)}, res2=${b.readBigInt64LE(o + 24)}}`;
}

export const AIO_STRUCTS: Readonly<Record<string, StructDecoder>> = {
  iocb_head: (b, c) => (b.length < IOCB ? c.addr : `{${iocbHeader(b, c).join(', ')}}`),
  io_event: (b, c) => (b.length < IO_EVENT ? c.addr : ioEvent(b, 0)),
  // as many as the call returned, -s of them without -v; one that cannot be read ends the array
  io_events: (b, c) => {
    const n = Math.max(c.ret, 0);
    if (n && b.length < IO_EVENT) return c.addr;
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!c.verbose && i >= c.stringSize) {
        out.push('...');
        break;
      }
      if (b.length < (i + 1) * IO_EVENT) {
        out.push(`... /* ${hex(BigInt(c.args[3] ?? 0) + BigInt(i * IO_EVENT))} */`);
        break;
      }
      out.push(ioEvent(b, i * IO_EVENT));
    }
    return `[${out.join(', ')}]`;
  },
};
