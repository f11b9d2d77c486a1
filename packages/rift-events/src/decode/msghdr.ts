/**
 * struct msghdr (sendmsg, recvmsg) and its control messages, as strace prints them. The engine's
 * MsgHdr capture holds the msghdr itself (index 0), the name (1, as long as msg_namelen says,
 * 128 bytes at most), the control data (2, 256 KiB at most; 4096 in older recordings) and each
 * iovec's buffer (3...). recvmsg's is captured at entry too (the lengths the program gave: msg_namelen => what the
 * kernel wrote).
 */
import { readFileSync } from 'node:fs';
import type { Capture } from '../events.js';
import { captureBytes, capturedBytes } from '../events.js';
import { ifindexText, inet4Field, sockaddrText } from './sockaddr.js';
import { iovecs, type StructCtx } from './structs.js';
import { hex, printEnum, printFlags, ptr, quote } from './values.js';

const CMSG_HDR = 16;

let optmem: number | undefined;
/**
 * The most control data strace reads: this machine's net.core.optmem_max, rounded up to 8 (what
 * the kernel accepts; a recording printed elsewhere may differ).
 */
function optmemMax(): number {
  if (optmem === undefined) {
    optmem = 8 * (2 * 1024 + 512);
    try {
      const n = Number(readFileSync('/proc/sys/net/core/optmem_max', 'latin1').trim());
      if (Number.isInteger(n) && n > 0) optmem = (n + 7) & ~7;
    } catch {
      // no procfs: the kernel's default
    }
  }
  return optmem;
}

/** an array of `n` elements as strace prints one: -s of them without -v, then ... */
function array(n: number, one: (i: number) => string, c: StructCtx): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (!c.verbose && i >= c.stringSize) {
      out.push('...');
      break;
    }
    out.push(one(i));
  }
  return `[${out.join(', ')}]`;
}

const fdOf = (c: StructCtx, fd: number) => (c.fdText ? c.fdText(fd) : String(fd));

function timeval(d: Buffer): string {
  return d.length < 16 ? '???' : `{tv_sec=${d.readBigInt64LE(0)}, tv_usec=${d.readBigInt64LE(8)}}`;
}
function timespec(d: Buffer, o = 0): string {
  return `{tv_sec=${d.readBigInt64LE(o)}, tv_nsec=${d.readBigInt64LE(o + 8)}}`;
}
function timespecs(d: Buffer, n: number): string {
  if (d.length < 16 * n) return '???';
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(timespec(d, 16 * i));
  return `[${out.join(', ')}]`;
}

type CmsgPrinter = (d: Buffer, c: StructCtx) => string;
/** SOL_SOCKET's control messages by type: printer and the fewest data bytes it decodes */
const SOCKET_CMSGS: ReadonlyMap<number, readonly [CmsgPrinter, number]> = new Map<number, readonly [CmsgPrinter, number]>([
  [1, [(d, c) => array(Math.floor(d.length / 4), (i) => fdOf(c, d.readInt32LE(4 * i)), c), 4]],  // SCM_RIGHTS
  [2, [(d) => `{pid=${d.readInt32LE(0)}, uid=${d.readInt32LE(4) === -1 ? -1 : d.readUInt32LE(4)}, gid=${d.readInt32LE(8) === -1 ? -1 : d.readUInt32LE(8)}}`, 12]],  // SCM_CREDENTIALS
  [3, [(d) => quote(d, { hex: 0 }), 1]],  // SCM_SECURITY
  [4, [(d, c) => (c.pidfdText ? c.pidfdText(d.readInt32LE(0)) : fdOf(c, d.readInt32LE(0))), 4]],  // SCM_PIDFD
  [29, [timeval, 1]],  // SO_TIMESTAMP_OLD
  [35, [(d) => (d.length < 16 ? '???' : timespec(d)), 1]],  // SO_TIMESTAMPNS_OLD
  [37, [(d) => timespecs(d, 3), 1]],  // SO_TIMESTAMPING_OLD
  [63, [timeval, 1]],  // SO_TIMESTAMP_NEW
  [64, [(d) => (d.length < 16 ? '???' : timespec(d)), 1]],  // SO_TIMESTAMPNS_NEW
  [65, [(d) => timespecs(d, 3), 1]],  // SO_TIMESTAMPING_NEW
]);
const uints = (d: Buffer, c: StructCtx) => array(Math.floor(d.length / 4), (i) => String(d.readUInt32LE(4 * i)), c);
const bytesHex = (d: Buffer, c: StructCtx) => array(d.length, (i) => (d[i] ? hex(d[i]!) : '0'), c);
/** SOL_IP's control messages by type */
const IP_CMSGS: ReadonlyMap<number, readonly [CmsgPrinter, number]> = new Map<number, readonly [CmsgPrinter, number]>([
  [8, [(d) => `{ipi_ifindex=${ifindexText(d.readUInt32LE(0))}, ${inet4Field('ipi_spec_dst', d.subarray(4, 8))}, ${inet4Field('ipi_addr', d.subarray(8, 12))}}`, 12]],  // IP_PKTINFO
  [2, [uints, 4]],  // IP_TTL
  [1, [bytesHex, 1]],  // IP_TOS
  [6, [bytesHex, 1]],  // IP_RECVOPTS
  [7, [bytesHex, 1]],  // IP_RETOPTS
  // IP_RECVERR's struct sock_extended_err and the offender's address
  [11, [(d, c) => `{ee_errno=${d.readUInt32LE(0)}, ee_origin=${d[4]}, ee_type=${d[5]}, ee_code=${d[6]}, ee_info=${d.readUInt32LE(8)}, ee_data=${d.readUInt32LE(12)}, offender=${sockaddrText(d.subarray(16, 32), c)}}`, 32]],
  [20, [(d, c) => sockaddrText(d.subarray(0, Math.min(d.length, 128)), c), 16]],  // IP_ORIGDSTADDR
  [23, [uints, 4]],  // IP_CHECKSUM
  [52, [(d) => `[${printEnum('ipproto', d.readUInt32LE(0))}]`, 4]],  // IP_PROTOCOL
  [3, [(d) => quote(d, { hex: 0 }), 1]],  // SCM_SECURITY
]);

/** one control message's type and data */
function cmsgTypeData(level: number, type: number, d: Buffer, c: StructCtx): string {
  let typeText: string;
  let p: readonly [CmsgPrinter, number] | undefined;
  if (level === 1) {
    typeText = printEnum('scm_type', type);
    p = SOCKET_CMSGS.get(type);
  } else if (level === 0) {
    typeText = printEnum('ip_cmsg_type', type);
    p = IP_CMSGS.get(type);
  } else typeText = type ? hex(type >>> 0) : '0';
  if (p && d.length >= p[1]) return `cmsg_type=${typeText}, cmsg_data=${p[0](d, c)}`;
  return d.length ? `cmsg_type=${typeText}, cmsg_data=${quote(d, { hex: 2 })}` : `cmsg_type=${typeText}`;
}

/** msg_control: its messages, walked as the kernel aligns them (the address when unreadable) */
function control(cap: Capture | undefined, addr: bigint, inLen: bigint, c: StructCtx): string {
  const limit = Math.min(Number(inLen > 0x7fffffffn ? 0x7fffffffn : inLen), optmemMax());
  if (!cap || cap.fault || limit < CMSG_HDR) return ptr(addr);
  const bytes = captureBytes(cap);
  // fewer bytes than strace reads (within what the capture may hold): its read fails
  if (bytes.length < Math.min(limit, 4096)) return ptr(addr);
  const buf = bytes.subarray(0, Math.min(bytes.length, limit));
  let left = buf.length;
  let o = 0;
  const out: string[] = [];
  while (left >= CMSG_HDR) {
    const cmsgLen = buf.readBigUInt64LE(o);
    const level = buf.readInt32LE(o + 8);
    const type = buf.readInt32LE(o + 12);
    const len = cmsgLen > BigInt(left) ? left : Number(cmsgLen);
    const data = buf.subarray(o + CMSG_HDR, o + Math.max(len, CMSG_HDR));
    out.push(`{cmsg_len=${cmsgLen}, cmsg_level=${printEnum('sockopt_level', level)}, ${cmsgTypeData(level, type, data, c)}}`);
    if (len < CMSG_HDR) {
      left -= CMSG_HDR;
      break;
    }
    const step = (cmsgLen + 7n) & ~7n;
    if (step >= BigInt(left)) {
      left = 0;
      break;
    }
    o += Number(step);
    left -= Number(step);
  }
  // bytes left that hold no whole header: where they are; data strace did not read (or the
  // capture did not hold): ...
  if (left) out.push(`... /* ${hex(addr + BigInt(buf.length - left))} */`);
  else if (buf.length < Number(inLen > 0x7fffffffn ? 0x7fffffffn : inLen)) out.push('...');
  return `[${out.join(', ')}]`;
}

/** the msghdr's name: the address when shorter than a family or unreadable */
function name(cap: Capture | undefined, addr: bigint, namelen: number, c: StructCtx): string {
  if (namelen < 2) return ptr(addr);
  if (!cap || cap.fault) return ptr(addr);
  const b = captureBytes(cap);
  const n = Math.min(namelen, 128);
  if (b.length < n) return ptr(addr);
  return sockaddrText(b.subarray(0, n), c);
}

export function msghdr(_b: Buffer, c: StructCtx): string {
  const head = c.caps.find((x) => x.index === 0);
  if (!head || head.fault) return c.addr;
  const h = captureBytes(head);
  if (h.length < 56) return c.addr;
  // recvmsg: the name's length the program gave (captured at entry)
  const entryHead = c.entryCaps?.find((x) => x.index === 0);
  const eh = capturedBytes(entryHead);
  const userLen = eh && eh.length >= 56 ? eh.readInt32LE(8) : undefined;
  const kernelLen = h.readInt32LE(8);
  const namelen = userLen !== undefined && kernelLen > userLen ? userLen : kernelLen;
  const nameText = name(c.caps.find((x) => x.index === 1), h.readBigUInt64LE(0), namelen, c);
  const namelenText = userLen !== undefined && userLen !== kernelLen ? `${userLen} => ${kernelLen}` : String(kernelLen);
  const controllen = h.readBigUInt64LE(40);
  const ctrlText = controllen ? `msg_control=${control(c.caps.find((x) => x.index === 2), h.readBigUInt64LE(32), controllen, c)}, ` : '';
  const iovText = h.readBigUInt64LE(16) === 0n ? 'NULL' : iovecs(c.caps, c, 3);
  return `{msg_name=${nameText}, msg_namelen=${namelenText}, msg_iov=${iovText}, msg_iovlen=${h.readBigUInt64LE(24)}, ` +
    `${ctrlText}msg_controllen=${controllen}, msg_flags=${printFlags('msg', BigInt(h.readUInt32LE(48)))}}`;
}

/**
 * recvmsg that failed: the name's length the program gave, as strace prints it (the kernel's
 * answer is not there to read).
 */
export function msghdrFailed(entry: readonly Capture[], addr: string): string {
  const head = entry.find((x) => x.index === 0);
  if (!head || head.fault) return addr;
  const h = captureBytes(head);
  return h.length < 56 ? addr : `{msg_namelen=${h.readInt32LE(8)}}`;
}
