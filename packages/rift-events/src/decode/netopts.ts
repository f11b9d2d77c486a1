/**
 * Socket option values that hold addresses or bit sets (setsockopt / getsockopt), as strace
 * prints them: multicast group requests, IPv6 memberships, a raw socket's ICMP filter, TCP-AO
 * keys. Each is given the bytes captured of the option and the length the call passed (or, for
 * getsockopt, the length the kernel returned).
 */
import { cstringIn, ifindexText, inet6Field, sockaddrText } from './sockaddr.js';
import type { StructCtx } from './structs.js';
import { printFlags, quote } from './values.js';

/** the option's length: setsockopt's argument (an int), getsockopt's *optlen at exit */
function optLen(b: Buffer, c: StructCtx): number {
  if (c.lenPtrArg === undefined) return Number(BigInt.asIntN(32, BigInt(c.args[4] ?? b.length)));
  const l = c.other(c.lenPtrArg, 'exit');
  return l && l.length >= 4 ? l.readInt32LE(0) : b.length;
}

/** MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP's struct group_req (136 bytes): shorter, an address */
export function groupReq(b: Buffer, c: StructCtx): string {
  if (optLen(b, c) < 136 || b.length < 136) return c.addr;
  return `{gr_interface=${ifindexText(b.readUInt32LE(0))}, gr_group=${sockaddrText(b.subarray(8, 136), c)}}`;
}

/** IPV6_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_ANYCAST's struct ipv6_mreq (20 bytes) */
export function ipv6Mreq(b: Buffer, c: StructCtx): string {
  if (optLen(b, c) < 20 || b.length < 20) return c.addr;
  return `{${inet6Field('ipv6mr_multiaddr', b.subarray(0, 16))}, ipv6mr_interface=${ifindexText(b.readUInt32LE(16))}}`;
}

/** ICMP's message types by number (<linux/icmp.h>): the bits of a raw socket's ICMP_FILTER */
const ICMP_TYPES: Readonly<Record<number, string>> = {
  0: 'ICMP_ECHOREPLY', 3: 'ICMP_DEST_UNREACH', 4: 'ICMP_SOURCE_QUENCH', 5: 'ICMP_REDIRECT', 8: 'ICMP_ECHO', 11: 'ICMP_TIME_EXCEEDED',
  12: 'ICMP_PARAMETERPROB', 13: 'ICMP_TIMESTAMP', 14: 'ICMP_TIMESTAMPREPLY', 15: 'ICMP_INFO_REQUEST', 16: 'ICMP_INFO_REPLY', 17: 'ICMP_ADDRESS',
  18: 'ICMP_ADDRESSREPLY',
};

/**
 * ICMP_FILTER's 32-bit set of message types: [NAME NAME], or ~[...] the types not in it when
 * more than half are. A length under 4 reads that many bytes, the rest of the word all ones.
 */
export function icmpFilter(b: Buffer, c: StructCtx): string {
  const len = Math.min(optLen(b, c), 4);
  if (len <= 0 || b.length < len) return c.addr;
  const word = Buffer.from([0xff, 0xff, 0xff, 0xff]);
  b.copy(word, 0, 0, len);
  let v = word.readUInt32LE(0);
  let bits = 0;
  for (let i = 0; i < 32; i++) if (v & (1 << i)) bits++;
  let neg = '';
  if (bits > 16) {
    v = ~v >>> 0;
    neg = '~';
  }
  const names: string[] = [];
  for (let i = 0; i < 32; i++) if (v & (1 << i)) names.push(ICMP_TYPES[i] ?? `${i ? '0x' + i.toString(16) : '0'} /* ICMP_??? */`);
  return `${neg}[${names.join(' ')}]`;
}

/** TCP_AO_ADD_KEY's struct tcp_ao_add (288 bytes; a longer option is read as long as it) */
export function tcpAoAdd(b: Buffer, c: StructCtx): string {
  const want = optLen(b, c);
  if (want <= 0) return c.addr;
  const len = Math.min(want, 288);
  if (b.length < len) return c.addr;
  // what the option does not hold reads as 0
  const k = Buffer.alloc(288);
  b.copy(k, 0, 0, len);
  const bits = k.readUInt32LE(196);
  const keylen = k[207]!;
  return `{addr=${sockaddrText(k.subarray(0, 128), c)}, prefix=${k[202]}, alg_name=${cstringIn(k.subarray(128, 192), 64)}, ` +
    `ifindex=${ifindexText(k.readUInt32LE(192))}, set_current=${bits & 1}, set_rnext=${(bits >>> 1) & 1}, sndid=${k[203]}, rcvid=${k[204]}, ` +
    `maclen=${k[205]}, keyflags=${printFlags('tcp_ao_keyf', k[206]!, 32)}, key=${quote(k.subarray(208, 208 + Math.min(keylen, 80)), { hex: 2 })}, keylen=${keylen}}`;
}
