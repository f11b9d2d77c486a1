/**
 * sendmmsg's and recvmmsg's vectors of struct mmsghdr (a struct msghdr, then msg_len) as strace
 * prints them: [{msg_hdr={...}, msg_len=N}, ...]. The engine's MsgHdrVec capture holds element
 * j's parts as indexes j << 16 | part, each part as a MsgHdr capture's (0 the element whole, 1
 * the name, 2 the control data, 3 + i each iovec's buffer), so each element prints as msghdr.ts
 * prints one msghdr.
 *
 * sendmmsg's is read at exit, whatever the call returned: all vlen elements (1024 at most),
 * msg_len for those the call sent. recvmmsg's at entry (the name lengths given, the buffers'
 * lengths) and at exit for the messages received, each one's data as long as its msg_len; a
 * failed recvmmsg prints its address.
 */
import { captureBytes, type Capture } from '../events.js';
import { msghdr } from './msghdr.js';
import type { StructCtx } from './structs.js';
import { hex } from './values.js';

/** strace's IOV_MAX: the elements it prints at most */
const MAX_ELEMENTS = 1024;
const MMSGHDR_SIZE = 64;

/** element j's captures, indexed by part */
function partsOf(caps: readonly Capture[] | undefined, j: number): Capture[] | undefined {
  if (!caps) return undefined;
  const out: Capture[] = [];
  for (const c of caps) if (c.index !== undefined && c.index >>> 16 === j) out.push({ ...c, index: c.index & 0xffff });
  return out;
}

/** the vector of `count` elements, msg_len printed for the first `withLen` */
function vector(c: StructCtx, count: number, withLen: number): string {
  const base = BigInt(c.addr);
  if (base === 0n) return 'NULL';
  if (count === 0) return '[]';
  const out: string[] = [];
  for (let j = 0; j < count; j++) {
    // strace prints -s elements at most without -v, and IOV_MAX whatever
    if ((!c.verbose && j >= c.stringSize) || j >= MAX_ELEMENTS) {
      out.push('...');
      break;
    }
    const parts = partsOf(c.caps, j)!;
    const head = parts.find((p) => p.index === 0);
    if (!head || head.fault || head.more) {
      if (j === 0) return c.addr;
      out.push(`... /* ${hex(base + BigInt(j * MMSGHDR_SIZE))} */`);
      break;
    }
    // the element as its own msghdr (the call's context otherwise: -s, -v, -y...)
    const sub = Object.create(c, {
      caps: { value: parts },
      entryCaps: { value: partsOf(c.entryCaps, j) },
      addr: { value: hex(base + BigInt(j * MMSGHDR_SIZE)) },
    }) as StructCtx;
    const hdr = msghdr(Buffer.alloc(0), sub);
    const el = captureBytes(head);
    const len = j < withLen && el.length >= 60 ? `, msg_len=${el.readUInt32LE(56)}` : '';
    out.push(`{msg_hdr=${hdr}${len}}`);
  }
  return `[${out.join(', ')}]`;
}

/** sendmmsg's vector at exit: vlen elements (argument 2), msg_len for the `ret` sent */
export function mmsgSend(_b: Buffer, c: StructCtx): string {
  const vlen = Number(BigInt.asUintN(32, BigInt(c.args[2] ?? 0)));
  return vector(c, vlen, c.errno === undefined ? Math.max(c.ret, 0) : 0);
}

/** recvmmsg's vector at exit: the `ret` elements received, each with its msg_len */
export function mmsgRecv(_b: Buffer, c: StructCtx): string {
  if (c.errno !== undefined || !c.entryCaps) return c.addr;
  return vector(c, Math.max(c.ret, 0), Math.max(c.ret, 0));
}
