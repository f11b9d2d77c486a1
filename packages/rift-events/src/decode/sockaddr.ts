/**
 * Socket addresses in strace's notation, one printer per address family (x86-64 layouts of the
 * kernel's UAPI structs), each used when the address is at least as long as its struct (else
 * its bytes as sa_data). Shared by connect/bind/sendto (entry), accept/getsockname/recvfrom
 * (exit), the names inside msghdrs and the socket options that hold an address.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { ABBREV, RAW, VERBOSE, getCallStyle, hex, printEnum, printFlags, quote, type StringStyle } from './values.js';

/** strace reads a sockaddr_storage at most */
const SOCKADDR_STORAGE = 128;

// ---- interface names -------------------------------------------------------------------------

let ifNames: Map<number, string> | undefined;
/**
 * The name of network interface `index` on this machine (strace's if_indextoname), from
 * /sys/class/net; undefined when none has it. Read once: a trace's interfaces do not come and go
 * while it prints (a recording printed on another machine may name others).
 */
export function interfaceName(index: number): string | undefined {
  if (!ifNames) {
    ifNames = new Map();
    try {
      for (const name of readdirSync('/sys/class/net')) {
        try {
          const n = Number(readFileSync(`/sys/class/net/${name}/ifindex`, 'latin1').trim());
          if (Number.isInteger(n)) ifNames.set(n, name);
        } catch {
          // gone since, or not an interface
        }
      }
    } catch {
      // no sysfs here: numbers only
    }
  }
  return index ? ifNames.get(index) : undefined;
}

/** An interface index as strace prints it: `if_nametoindex("lo")` when this machine has one. */
export function ifindexText(index: number): string {
  const v = index >>> 0;
  const name = interfaceName(v);
  if (name === undefined) return String(v);
  const fn = `if_nametoindex(${quote(Buffer.from(name, 'latin1'), { hex: 0 })})`;
  const style = getCallStyle();
  return style === ABBREV ? fn : style === RAW ? String(v) : `${v} /* ${fn} */`;
}

// ---- values in the -X style ------------------------------------------------------------------

const forceHex = (b: Uint8Array) => quote(b, { hex: 2 });

/** A value that has a network-order form: its bytes (raw), `fn(value)` (abbrev), or both. */
function netOrder(bytes: Uint8Array, fnText: string): string {
  const style = getCallStyle();
  if (style === ABBREV) return fnText;
  if (style === RAW) return forceHex(bytes);
  return `${forceHex(bytes)} /* ${fnText} */`;
}

/** printf's "%#0*x" with strace's width: 0 as zeros, else 0x and the digits padded */
function hex0(v: number, bytes: number): string {
  const w = bytes * 2;
  if (v === 0) return '0'.repeat(w);
  const d = v.toString(16);
  return '0x' + (d.length + 2 < w ? d.padStart(w - 2, '0') : d);
}

const hexOrZero = (v: number) => (v ? hex(v) : '0');

/** Flags printed with their number first whatever -X says, except raw (PRINT_FIELD_FLAGS_VERBOSE) */
function flagsVerbose(table: string, v: number): string {
  const style = getCallStyle();
  return printFlags(table, v >>> 0, 32, style === ABBREV ? VERBOSE : style);
}

/**
 * A C string inside a fixed array of `size` bytes (strace's print_quoted_cstring): up to its NUL,
 * "..." after the first size-1 bytes when none of them nor the last one is a NUL.
 */
export function cstringIn(b: Buffer, size: number): string {
  const s = b.subarray(0, Math.max(size - 1, 0));
  const nul = s.indexOf(0);
  if (nul >= 0) return quote(s.subarray(0, nul), { hex: 0 });
  return quote(s, { hex: 0 }) + (size > 0 && b[size - 1] === 0 ? '' : '...');
}

// ---- addresses -------------------------------------------------------------------------------

/** IPv6 address text as glibc's inet_ntop writes it (with an IPv4 tail for ::a.b.c.d and ::ffff:a.b.c.d) */
export function inet6Text(b: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((b[i]! << 8) | b[i + 1]!);
  let bestS = -1, bestL = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestL) [bestS, bestL] = [i, j - i];
    i = j;
  }
  if (bestL < 2) bestS = -1;
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (bestS >= 0 && i >= bestS && i < bestS + bestL) {
      if (i === bestS) out += ':';
      continue;
    }
    if (i) out += ':';
    if (i === 6 && bestS === 0 && (bestL === 6 || (bestL === 5 && words[5] === 0xffff))) {
      out += `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
      break;
    }
    out += words[i]!.toString(16);
  }
  if (bestS >= 0 && bestS + bestL === 8) out += ':';
  return out;
}

/** An IPv4 address field: `inet_addr("1.2.3.4")`, its bytes (raw), or both */
export function inet4Field(name: string, b: Buffer): string {
  return `${name}=${netOrder(b, `inet_addr("${b[0]}.${b[1]}.${b[2]}.${b[3]}")`)}`;
}
/** An IPv6 address field: `inet_pton(AF_INET6, "::1", &name)` (abbrev), `name="\x.."` (raw), both (verbose) */
export function inet6Field(name: string, b: Buffer): string {
  const text = inet6Text(b);
  const style = getCallStyle();
  if (style === ABBREV) return `inet_pton(AF_INET6, "${text}", &${name})`;
  if (style === RAW) return `${name}=${forceHex(b)}`;
  return `${name}=${forceHex(b)} /* inet_pton(AF_INET6, "${text}") */`;
}
const port = (name: string, b: Buffer, o: number) => `${name}=${netOrder(b.subarray(o, o + 2), `htons(${b.readUInt16BE(o)})`)}`;

function inet(b: Buffer): string {
  return `${port('sin_port', b, 2)}, ${inet4Field('sin_addr', b.subarray(4, 8))}`;
}

const SIN6_MIN_LEN = 24;
function inet6(b: Buffer, len: number): string {
  let s = `${port('sin6_port', b, 2)}, sin6_flowinfo=${netOrder(b.subarray(4, 8), `htonl(${b.readUInt32BE(4)})`)}, ${inet6Field('sin6_addr', b.subarray(8, 24))}`;
  if (len <= SIN6_MIN_LEN) return s;
  const scope = b.readUInt32LE(24);
  // a link-local address (fe80::/10, ff02::/16 and the like): the scope is an interface
  const linkLocal = (b[8] === 0xfe && (b[9]! & 0xc0) === 0x80) || (b[8] === 0xff && (b[9]! & 0xf) === 0x2);
  s += `, sin6_scope_id=${linkLocal ? ifindexText(scope) : scope}`;
  return s;
}

function unix(b: Buffer, len: number, c: StringStyle): string {
  // sun_path is 108 bytes: what an address holds past it is not printed
  const path = b.subarray(2, Math.min(len, 110));
  if (path[0] === 0) return `sun_path=@${quote(path.subarray(1), c)}`;
  return `sun_path=${quote(path, c, true)}`;
}

// AX.25 callsigns: six shifted characters and an SSID byte
type Ax25Style = 'default' | 'verbose' | 'raw';
function ax25Check(a: Buffer): Ax25Style {
  let ret: Ax25Style = 'default';
  let space = false, chars = false;
  for (let i = 0; i < 6; i++) {
    let ch = a[i]!;
    if (ch & 1) ret = 'verbose';
    ch >>= 1;
    if (ch === 0x20) space = true;
    else chars = true;
    if ((ch < 0x30 || ch > 0x39) && (ch < 0x41 || ch > 0x5a) && ch !== 0x20) ret = 'verbose';
    if (ch !== 0x20 && space) ret = 'verbose';
    // unprintable, or what would end a comment
    if (ch < 0x20 || ch > 0x7e || ch === 0x2a || ch === 0x2f) return 'raw';
  }
  if (a[6]! & ~0x1e) ret = 'verbose';
  if (!chars && a[6]) ret = 'verbose';
  return ret;
}
function ax25Text(a: Buffer): string {
  let end = 6;
  while (end && a[end - 1]! >> 1 === 0x20) end--;
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(a[i]! >> 1);
  const ssid = (a[6]! >> 1) & 0xf;
  s += '-' + ssid;
  return s === '-0' ? '*' : s;
}
function ax25Addr(a: Buffer): string {
  const st = ax25Check(a);
  const style = getCallStyle();
  const xs = st === 'default' ? (style === ABBREV ? 'abbrev' : style === RAW ? 'raw' : 'verbose') : st;
  const raw = `{ax25_call=${forceHex(a)}}`;
  if (xs === 'raw') return raw;
  if (xs === 'abbrev') return ax25Text(a);
  return `${raw} /* ${ax25Text(a)} */`;
}
function ax25(b: Buffer, len: number): string {
  const ndigis = b.readInt32LE(12);
  const full = ndigis !== 0 || len > 16;
  const head = `sax25_call=${ax25Addr(b.subarray(2, 9))}, sax25_ndigis=${ndigis}`;
  if (!full) return head;
  const parts = [`fsa_ax25={${head}}`];
  const has = Math.min(Math.floor((len - 16) / 7), 8);
  const want = Math.min(Math.max(ndigis, 0), 8);
  const n = Math.min(has, want);
  if (want) {
    const digis: string[] = [];
    for (let i = 0; i < n; i++) digis.push(ax25Addr(b.subarray(16 + 7 * i, 23 + 7 * i)));
    if (want > has) digis.push('...');
    parts.push(`fsa_digipeater=[${digis.join(', ')}]`);
  }
  if (len > has * 7 + 16) parts.push('...');
  return parts.join(', ');
}

function ipx(b: Buffer): string {
  const node = [...b.subarray(8, 14)].map((x) => hex0(x, 1));
  let s = `${port('sipx_port', b, 2)}, sipx_network=htonl(${hexOrZero(b.readUInt32BE(4))}), sipx_node=[${node.join(', ')}], sipx_type=${hex0(b[14]!, 1)}`;
  if (b[15]) s += `, sipx_zero=${hex(b[15]!)}`;
  return s;
}

function netlink(b: Buffer): string {
  const pad = b.readUInt16LE(2);
  return `${pad ? `nl_pad=${hex(pad)}, ` : ''}nl_pid=${b.readInt32LE(4)}, nl_groups=${hex0(b.readUInt32LE(8), 4)}`;
}

function packet(b: Buffer, len: number): string {
  const proto = b.readUInt16BE(2);
  const halen = b[11]!;
  let s = `sll_protocol=${netOrder(b.subarray(2, 4), `htons(${printEnum('eth_p', proto, 32, ABBREV)})`)}, sll_ifindex=${ifindexText(b.readUInt32LE(4))}, ` +
    `sll_hatype=${printEnum('arphrd', b.readUInt16LE(8))}, sll_pkttype=${printEnum('packet_type', b[10]!)}, sll_halen=${halen}`;
  if (halen) {
    const inside = len - 12;
    const out: string[] = [];
    for (let i = 0; i < halen; i++) {
      if (i >= inside) {
        out.push('...');
        break;
      }
      out.push(hex0(b[12 + i]!, 1));
    }
    s += `, sll_addr=[${out.join(', ')}]`;
  }
  return s;
}

function tipc(b: Buffer, c: StringStyle): string {
  const type = b[2]!;
  let scope = b.readInt8(3);
  const neg = scope < 0;
  if (neg) scope = -scope;
  let addr: string;
  switch (type) {
    case 1: addr = `{nameseq={type=${b.readUInt32LE(4)}, lower=${b.readUInt32LE(8)}, upper=${b.readUInt32LE(12)}}}`; break;
    case 2: addr = `{name={name={type=${b.readUInt32LE(4)}, instance=${b.readUInt32LE(8)}}, domain=${hexOrZero(b.readUInt32LE(12))}}}`; break;
    case 3: addr = `{id={ref=${b.readUInt32LE(4)}, node=${hexOrZero(b.readUInt32LE(8))}}}`; break;
    default: addr = quote(b.subarray(4, 16), c);
  }
  return `addrtype=${printEnum('tipc_addrtype', type)}, scope=${neg ? '-' : ''}${printEnum('tipc_scope', scope)}, addr=${addr}`;
}

function rxrpc(b: Buffer, len: number, c: StringStyle): string {
  const tlen = b.readUInt16LE(6);
  const family = b.readUInt16LE(8);
  // the transport's bytes the address holds (after its family)
  const have = Math.min(tlen, len - 8);
  const rest = Math.max(0, have - 2);
  const restText = () => quote(b.subarray(10, 10 + rest), c);
  let t: string;
  if (family === 2) {
    t = `sin={sin_family=${printEnum('socket_domain', family)}`;
    if (tlen >= 16) t += `, ${inet(b.subarray(8))}`;
    else if (rest > 0) t += `, ${restText()}`;
    t += '}';
  } else if (family === 10) {
    t = `sin6={sin6_family=${printEnum('socket_domain', family)}`;
    if (tlen >= SIN6_MIN_LEN) t += `, ${inet6(b.subarray(8), have)}`;
    else if (rest > 0) t += `, ${restText()}`;
    t += '}';
  } else {
    t = `family=${printEnum('socket_domain', family)}`;
    if (rest > 0) t += `, ${restText()}`;
  }
  return `srx_service=${printEnum('rxrpc_service', b.readUInt16LE(2))}, transport_type=${printEnum('socket_kind', b.readUInt16LE(4))}, transport_len=${tlen}, transport={${t}}`;
}

/** a hardware address: aa:bb (abbrev), "\xaa\xbb" (raw), both (verbose) */
function hwaddr(b: Buffer): string {
  const style = getCallStyle();
  const mac = [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
  if (style === ABBREV) return mac;
  return style === RAW ? forceHex(b) : `${forceHex(b)} /* ${mac} */`;
}

function ieee802154(b: Buffer): string {
  const type = b.readUInt32LE(4);
  let s = `addr_type=${printEnum('ieee802154_addr_type', type)}, pan_id=${printEnum('ieee802154_pan_id', b.readUInt16LE(8))}`;
  if (type === 2) s += `, short_addr=${printEnum('ieee802154_short_addr', b.readUInt16LE(10))}`;
  else if (type !== 0) s += `, hwaddr=${hwaddr(b.subarray(10, 18))}`;
  return `addr={${s}}`;
}

function alg(b: Buffer, len: number): string {
  return `salg_type=${cstringIn(b.subarray(2, 16), 14)}, salg_feat=${flagsVerbose('alg_flags', b.readUInt32LE(16))}, ` +
    `salg_mask=${flagsVerbose('alg_flags', b.readUInt32LE(20))}, salg_name=${cstringIn(b.subarray(24, len), len - 24)}`;
}

/** NFC_LLCP_MAX_SERVICE_NAME */
const NFC_NAME = 63;
function nfc(b: Buffer, len: number, c: StringStyle): string {
  let s = `dev_idx=${ifindexText(b.readUInt32LE(4))}, target_idx=${hexOrZero(b.readUInt32LE(8))}, nfc_protocol=${printEnum('nfc_proto', b.readUInt32LE(12))}`;
  // struct sockaddr_nfc_llcp: 96 bytes (its size_t name length at 88, aligned to 8)
  if (len < 96) return len > 16 ? s + ', ...' : s;
  const snsz = b.readBigUInt64LE(88);
  const n = snsz < BigInt(NFC_NAME) ? Number(snsz) : NFC_NAME;
  s += `, dsap=${printEnum('nfc_sap', b[16]!)}, ssap=${printEnum('nfc_sap', b[17]!)}, service_name=${quote(b.subarray(18, 18 + n), c)}, service_name_len=${snsz}`;
  return s;
}

function vsock(b: Buffer): string {
  const r1 = b.readUInt16LE(2);
  const zero = b.subarray(13, 16);
  return `${r1 ? `svm_reserved1=${hex(r1)}, ` : ''}svm_cid=${printEnum('vsock_cid', b.readUInt32LE(8))}, svm_port=${printEnum('vsock_port', b.readUInt32LE(4))}, ` +
    `svm_flags=${printFlags('vsock_flags', b[12]!, 32)}${zero.some((x) => x !== 0) ? `, svm_zero=${forceHex(zero)}` : ''}`;
}

function qrtr(b: Buffer): string {
  return `sq_node=${printEnum('qrtr_node', b.readUInt32LE(4))}, sq_port=${printEnum('qrtr_port', b.readUInt32LE(8))}`;
}

function xdp(b: Buffer, _len: number, c: SockaddrStyle): string {
  const flags = b.readUInt16LE(2);
  const fd = b.readUInt32LE(12);
  let s = `sxdp_flags=${printFlags('xdp_flags', flags, 32)}, sxdp_ifindex=${ifindexText(b.readUInt32LE(4))}, sxdp_queue_id=${b.readUInt32LE(8)}`;
  if (flags & 1) s += `, sxdp_shared_umem_fd=${c.fdText ? c.fdText(fd | 0) : fd | 0}`;
  else if (fd) s += `, sxdp_shared_umem_fd=${hex(fd)}`;
  return s;
}

function mctp(b: Buffer): string {
  const pad0 = b.readUInt16LE(2), pad1 = b[11]!;
  return `${pad0 ? `__smctp_pad0=${hex(pad0)}, ` : ''}smctp_network=${printEnum('mctp_net', b.readUInt32LE(4))}, smctp_addr={s_addr=${printEnum('mctp_addr', b[8]!)}}, ` +
    `smctp_type=${hexOrZero(b[9]!)}, smctp_tag=${hexOrZero(b[10]!)}${pad1 ? `, __smctp_pad1=${hex(pad1)}` : ''}`;
}

/** how addresses print: strings, and the descriptors they hold (-y) */
export type SockaddrStyle = StringStyle & { fdText?(fd: number): string };
type Printer = (b: Buffer, len: number, c: SockaddrStyle) => string;
/** each family's printer and the shortest address it decodes */
const FAMILIES: ReadonlyMap<number, readonly [Printer, number]> = new Map<number, readonly [Printer, number]>([
  [1, [unix, 3]],
  [2, [inet, 16]],
  [3, [ax25, 16]],
  [4, [ipx, 16]],
  [9, [(b) => `sx25_addr={x25_addr=${cstringIn(b.subarray(2, 18), 16)}}`, 18]],
  [10, [inet6, SIN6_MIN_LEN]],
  [16, [netlink, 12]],
  [17, [packet, 20]],
  [30, [(b, _l, c) => tipc(b, c), 16]],
  [33, [rxrpc, 36]],
  [36, [ieee802154, 20]],
  [38, [alg, 25]],
  [39, [nfc, 16]],
  [40, [vsock, 16]],
  [42, [qrtr, 12]],
  [44, [xdp, 16]],
  [45, [mctp, 12]],
]);

/** struct sockaddr of `b.length` bytes (strace reads 128 at most; what it did not read is 0). */
export function sockaddrText(b: Buffer, c: SockaddrStyle): string {
  if (b.length < 2) return '{}';
  const len = Math.min(b.length, SOCKADDR_STORAGE);
  // the printers read each field where its struct has it: past the address, zeros
  const buf = Buffer.alloc(SOCKADDR_STORAGE + 8);
  b.copy(buf, 0, 0, len);
  const fam = buf.readUInt16LE(0);
  const f = `sa_family=${printEnum('socket_domain', fam)}`;
  if (len <= 2) return `{${f}}`;
  const p = FAMILIES.get(fam);
  if (p && len >= p[1]) return `{${f}, ${p[0](buf, len, c)}}`;
  return `{${f}, sa_data=${quote(buf.subarray(2, len), c)}}`;
}
