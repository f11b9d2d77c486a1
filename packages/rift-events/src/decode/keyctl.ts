/**
 * keyctl(2) as strace prints it: what the four arguments after the operation are, and how many
 * of them print, depends on the operation (KEYCTL_VARIANTS, the formatter's variant rule, keyed
 * by the operation's number); key serials print through the keyspec table (KEY_SPEC_* names for
 * the special values, decimal otherwise), as strace's print_keyring_serial_number.
 *
 * The memory each operation points to is captured only for that operation (KEYCTL_CAPTURES:
 * argument captures guarded by the operation, and KEYCTL_POINTEES for what the structures point
 * to): a key serial or a length in the same register is no address to read. Strings and
 * payloads keep -s bytes and one more (strace reads one more to know whether they went on).
 */
import type { Capture } from '../events.js';
import { captureBytes } from '../events.js';
import type { Pointee } from '../pointees.js';
import type { CaseCapture } from '../syscalls.js';
import type { StructCtx, StructDecoder } from './structs.js';
import type { Variant, VariantRule } from './format.js';
import { hex, printEnum, printFlags, ptr, quote } from './values.js';

/** the operations (uapi/linux/keyctl.h) */
const OP = {
  GET_KEYRING_ID: 0, JOIN_SESSION_KEYRING: 1, UPDATE: 2, REVOKE: 3, CHOWN: 4, SETPERM: 5, DESCRIBE: 6, CLEAR: 7, LINK: 8, UNLINK: 9,
  SEARCH: 10, READ: 11, INSTANTIATE: 12, NEGATE: 13, SET_REQKEY_KEYRING: 14, SET_TIMEOUT: 15, ASSUME_AUTHORITY: 16, GET_SECURITY: 17,
  SESSION_TO_PARENT: 18, REJECT: 19, INSTANTIATE_IOV: 20, INVALIDATE: 21, GET_PERSISTENT: 22, DH_COMPUTE: 23, PKEY_QUERY: 24,
  PKEY_ENCRYPT: 25, PKEY_DECRYPT: 26, PKEY_SIGN: 27, PKEY_VERIFY: 28, RESTRICT_KEYRING: 29, MOVE: 30, CAPABILITIES: 31,
} as const;

/** struct sizes (x86-64) */
const DH_PARAMS = 12, KDF_PARAMS = 56, PKEY_PARAMS = 40, PKEY_QUERY = 56;

// ---- printing ---------------------------------------------------------------------------------

const u64 = (v: number | string | undefined): bigint => BigInt.asUintN(64, BigInt(v ?? 0));

/**
 * printstrn: `len` bytes of a buffer, -s of them shown. strace reads -s and one more (fewer
 * when the length is less): when those cannot all be read, the address. omitNul: a NUL as the
 * last byte shown is left out, and ends the string (strace's QUOTE_OMIT_TRAILING_0).
 */
function strn(b: Buffer, len: bigint, addr: string, c: StructCtx, omitNul = false): string {
  const s = BigInt(c.stringSize);
  if (BigInt(b.length) < (len < s + 1n ? len : s + 1n)) return addr;
  let n = Number(len < s ? len : s);
  let more = len > s;
  if (omitNul && n > 0 && b[n - 1] === 0) {
    n--;
    more = false;
  }
  return quote(b.subarray(0, n), c) + (more ? '...' : '');
}

/** printstr: a C string's capture (a NUL-terminated one, -s of it), else the address */
function cstrText(cap: Capture | undefined, addr: bigint, c: StructCtx): string {
  if (addr === 0n) return 'NULL';
  if (!cap || cap.fault) return hex(addr);
  const b = captureBytes(cap);
  // no NUL before the memory ended (the capture stops at a page's end): the address
  if (cap.full === undefined && b.length > 0 && b.length < c.stringSize && (addr + BigInt(b.length)) % 4096n === 0n) return hex(addr);
  const n = Math.min(b.length, c.stringSize);
  return quote(b.subarray(0, n), c) + (cap.full !== undefined || b.length > n ? '...' : '');
}

/** a pointee capture of this argument, by index */
const capAt = (c: StructCtx, index: number): Capture | undefined => c.caps.find((k) => k.index === index);

/** an array of u32 in hex (print_xint_array_member), when any is not zero */
function spare(b: Buffer, from: number, count: number): string {
  const v: number[] = [];
  for (let i = 0; i < count; i++) v.push(b.readUInt32LE(from + 4 * i));
  return v.some((x) => x !== 0) ? `, __spare=[${v.map((x) => (x ? hex(x) : '0')).join(', ')}]` : '';
}

const serial = (v: number): string => printEnum('keyspec', v, 32);

/** struct keyctl_pkey_params (in_len, and out_len or in2_len at 8) */
function pkeyParams(b: Buffer, c: StructCtx, second: 'out_len' | 'in2_len'): string {
  if (b.length < PKEY_PARAMS) return c.addr;
  return `{key_id=${serial(b.readInt32LE(0))}, in_len=${b.readUInt32LE(4)}, ${second}=${b.readUInt32LE(8)}${spare(b, 12, 7)}}`;
}

/** a buffer whose length is a field of the params struct argument 1 points to */
function pkeyBuffer(b: Buffer, c: StructCtx, field: number): string {
  const params = c.other(1, 'entry');
  if (!params || params.length < PKEY_PARAMS) return c.addr;
  return strn(b, BigInt(params.readUInt32LE(field)), c.addr, c);
}

/** DESCRIBE, READ, GET_SECURITY's buffer: what the call wrote, no more than the buffer's length */
function keyString(b: Buffer, c: StructCtx, omitNul: boolean): string {
  const len = u64(c.args[3]);
  const ret = BigInt(c.ret);
  return strn(b, ret > len ? len : ret, c.addr, c, omitNul);
}

export const KEYCTL_STRUCTS: Readonly<Record<string, StructDecoder>> = {
  // UPDATE's and INSTANTIATE's payload: plen (argument 3) bytes
  key_payload: (b, c) => strn(b, u64(c.args[3]), c.addr, c),
  key_read: (b, c) => keyString(b, c, false),
  // DESCRIBE's and GET_SECURITY's strings end with a NUL, left out
  key_desc: (b, c) => keyString(b, c, true),
  // INSTANTIATE_IOV's payload: the iovec array (the capture without an index) and each buffer
  // (the captures with the element's index), each -s bytes; -s elements at most
  key_iov: (b, c) => {
    const count = u64(c.args[3]);
    if (b.length < 16 || count === 0n) return count === 0n ? '[]' : c.addr;
    const n = Number(count < BigInt(b.length >> 4) ? count : BigInt(b.length >> 4));
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      if (!c.verbose && i >= c.stringSize) {
        out.push('...');
        break;
      }
      const base = b.readBigUInt64LE(16 * i);
      const len = b.readBigUInt64LE(16 * i + 8);
      const cap = capAt(c, i);
      const data = base === 0n ? 'NULL' : cap && !cap.fault ? strn(captureBytes(cap), len, hex(base), c) : hex(base);
      out.push(`{iov_base=${data}, iov_len=${len}}`);
    }
    return `[${out.join(', ')}]`;
  },
  // DH_COMPUTE's keys
  dh_params: (b, c) => (b.length < DH_PARAMS ? c.addr : `{private=${serial(b.readInt32LE(0))}, prime=${serial(b.readInt32LE(4))}, base=${serial(b.readInt32LE(8))}}`),
  // DH_COMPUTE's key derivation: the hash's name (pointee 1) and otherinfo (pointee 2, as long
  // as otherinfolen says; the kernel does not read it when that is 0: its address)
  kdf_params: (b, c) => {
    if (b.length < KDF_PARAMS) return c.addr;
    const name = b.readBigUInt64LE(0);
    const other = b.readBigUInt64LE(8);
    const otherLen = b.readUInt32LE(16);
    let otherText: string;
    if (!otherLen) otherText = ptr(other);
    else if (other === 0n) otherText = 'NULL';
    else {
      const cap = capAt(c, 2);
      otherText = cap && !cap.fault ? strn(captureBytes(cap), BigInt(otherLen), hex(other), c) : hex(other);
    }
    return `{hashname=${cstrText(capAt(c, 1), name, c)}, otherinfo=${otherText}, otherinfolen=${otherLen}${spare(b, 20, 8)}}`;
  },
  // PKEY_QUERY's answer
  pkey_query: (b, c) => {
    if (b.length < PKEY_QUERY) return c.addr;
    return `{supported_ops=${printFlags('keyctl_pkey_ops', b.readUInt32LE(0), 32)}, key_size=${b.readUInt32LE(4)}, max_data_size=${b.readUInt16LE(8)}, ` +
      `max_sig_size=${b.readUInt16LE(10)}, max_enc_size=${b.readUInt16LE(12)}, max_dec_size=${b.readUInt16LE(14)}${spare(b, 16, 10)}}`;
  },
  pkey_params_out: (b, c) => pkeyParams(b, c, 'out_len'),
  pkey_params_in2: (b, c) => pkeyParams(b, c, 'in2_len'),
  // the data in (in_len bytes), and out (out_len) or in2 (in2_len)
  pkey_in: (b, c) => pkeyBuffer(b, c, 4),
  pkey_in2: (b, c) => pkeyBuffer(b, c, 8),
  pkey_out: (b, c) => pkeyBuffer(b, c, 8),
  // CAPABILITIES' answer: a byte of flags each (the first two known), as many as it returned
  // within the buffer's length; -s of them
  key_caps: (b, c) => {
    const len = u64(c.args[2]);
    const ret = BigInt(c.ret);
    const n = Number(ret < len ? ret : len);
    if (b.length < Math.min(n, 1)) return c.addr;
    const out: string[] = [];
    for (let i = 0; i < Math.min(n, b.length); i++) {
      if (!c.verbose && i >= c.stringSize) {
        out.push('...');
        break;
      }
      const v = b[i]!;
      out.push(i < 2 ? printFlags(i === 0 ? 'keyctl_caps0' : 'keyctl_caps1', v, 32) : v ? hex(v) : '0');
    }
    return `[${out.join(', ')}]`;
  },
};

// ---- the arguments of each operation ---------------------------------------------------------

const KEY = 'enum:keyspec';
/** the operation and these arguments, of these types */
const only = (args: Record<number, string>): Variant => ({ args, show: [0, ...Object.keys(args).map(Number)] });
const readKey = (type: string): Variant => only({ 1: KEY, 2: `out:${type}(ret)`, 3: 'ulong' });
const pkeyOp = (params: string, out: string): Variant => only({ 1: `in:${params}(=${PKEY_PARAMS})`, 2: 'str', 3: 'in:pkey_in(=1)', 4: out });

export const KEYCTL_VARIANTS: VariantRule = {
  by: 0,
  cases: {
    [OP.GET_KEYRING_ID]: only({ 1: KEY, 2: 'int' }),
    [OP.JOIN_SESSION_KEYRING]: only({ 1: 'str' }),
    [OP.UPDATE]: only({ 1: KEY, 2: 'in:key_payload(3)', 3: 'ulong' }),
    [OP.REVOKE]: only({ 1: KEY }),
    [OP.CLEAR]: only({ 1: KEY }),
    [OP.INVALIDATE]: only({ 1: KEY }),
    [OP.ASSUME_AUTHORITY]: only({ 1: KEY }),
    [OP.LINK]: only({ 1: KEY, 2: KEY }),
    [OP.UNLINK]: only({ 1: KEY, 2: KEY }),
    [OP.DESCRIBE]: readKey('key_desc'),
    [OP.GET_SECURITY]: readKey('key_desc'),
    [OP.READ]: readKey('key_read'),
    [OP.SEARCH]: only({ 1: KEY, 2: 'str', 3: 'str', 4: KEY }),
    [OP.CHOWN]: only({ 1: KEY, 2: 'uid', 3: 'uid' }),
    [OP.SETPERM]: only({ 1: KEY, 2: 'flags:key_perms' }),
    [OP.INSTANTIATE]: only({ 1: KEY, 2: 'in:key_payload(3)', 3: 'ulong', 4: KEY }),
    [OP.NEGATE]: only({ 1: KEY, 2: 'uint', 3: KEY }),
    [OP.SET_REQKEY_KEYRING]: only({ 1: 'enum:key_reqkeys' }),
    [OP.SET_TIMEOUT]: only({ 1: KEY, 2: 'uint' }),
    [OP.SESSION_TO_PARENT]: only({}),
    [OP.REJECT]: only({ 1: KEY, 2: 'uint', 3: 'enum:errno_value', 4: KEY }),
    [OP.INSTANTIATE_IOV]: only({ 1: KEY, 2: 'in:key_iov(=1)', 3: 'ulong', 4: KEY }),
    [OP.GET_PERSISTENT]: only({ 1: 'uid', 2: KEY }),
    [OP.DH_COMPUTE]: only({ 1: `in:dh_params(=${DH_PARAMS})`, 2: 'out:key_read(ret)', 3: 'ulong', 4: `in:kdf_params(=${KDF_PARAMS})` }),
    [OP.PKEY_QUERY]: only({ 1: KEY, 2: 'hex', 3: 'str', 4: `out:pkey_query(=${PKEY_QUERY})` }),
    [OP.PKEY_ENCRYPT]: pkeyOp('pkey_params_out', 'out:pkey_out(=1)'),
    [OP.PKEY_DECRYPT]: pkeyOp('pkey_params_out', 'out:pkey_out(=1)'),
    [OP.PKEY_SIGN]: pkeyOp('pkey_params_out', 'out:pkey_out(=1)'),
    [OP.PKEY_VERIFY]: pkeyOp('pkey_params_in2', 'in:pkey_in2(=1)'),
    [OP.RESTRICT_KEYRING]: only({ 1: KEY, 2: 'str', 3: 'str' }),
    [OP.MOVE]: only({ 1: KEY, 2: KEY, 3: KEY, 4: 'flags:keyctl_move' }),
    [OP.CAPABILITIES]: only({ 1: 'out:key_caps(ret)', 2: 'ulong' }),
  },
};

// ---- what is captured for each operation -------------------------------------------------------

const when = (op: number): ReadonlyArray<readonly [number, number]> => [[0, op]];
const cap = (op: number, arg: number, spec: string, max: CaseCapture['max'] = 'string'): CaseCapture => ({ call: 'keyctl', when: when(op), arg, spec, max });

export const KEYCTL_CAPTURES: readonly CaseCapture[] = [
  cap(OP.JOIN_SESSION_KEYRING, 1, 'str'),
  cap(OP.UPDATE, 2, 'in:buf(3)'),
  cap(OP.INSTANTIATE, 2, 'in:buf(3)'),
  ...[OP.DESCRIBE, OP.GET_SECURITY, OP.READ].map((op) => cap(op, 2, 'out:buf(ret)')),
  cap(OP.SEARCH, 2, 'str'), cap(OP.SEARCH, 3, 'str'),
  cap(OP.RESTRICT_KEYRING, 2, 'str'), cap(OP.RESTRICT_KEYRING, 3, 'str'),
  // the iovec array (-s elements and one more), then each element's buffer
  cap(OP.INSTANTIATE_IOV, 2, 'in:iovaddr(3)', 65536),
  cap(OP.INSTANTIATE_IOV, 2, 'in:iov(3)', 65536),
  cap(OP.DH_COMPUTE, 1, `in:buf(=${DH_PARAMS})`, DH_PARAMS),
  cap(OP.DH_COMPUTE, 2, 'out:buf(ret)'),
  cap(OP.DH_COMPUTE, 4, `in:buf(=${KDF_PARAMS})`, KDF_PARAMS),
  cap(OP.PKEY_QUERY, 3, 'str'),
  cap(OP.PKEY_QUERY, 4, `out:buf(=${PKEY_QUERY})`, PKEY_QUERY),
  ...[OP.PKEY_ENCRYPT, OP.PKEY_DECRYPT, OP.PKEY_SIGN, OP.PKEY_VERIFY].flatMap((op) => [cap(op, 1, `in:buf(=${PKEY_PARAMS})`, PKEY_PARAMS), cap(op, 2, 'str')]),
  cap(OP.CAPABILITIES, 1, 'out:buf(ret)', 65536),
];

const pointee = (op: number, rest: Omit<Pointee, 'call' | 'when'>): Pointee => ({ call: 'keyctl', when: when(op), ...rest });

export const KEYCTL_POINTEES: readonly Pointee[] = [
  // DH_COMPUTE's kdf_params: hashname (a C string at 0), otherinfo (at 8, otherinfolen at 16 bytes)
  pointee(OP.DH_COMPUTE, { arg: 4, ptr: 0, len: { cstring: true }, index: 1 }),
  pointee(OP.DH_COMPUTE, { arg: 4, ptr: 8, len: { field: 16, size: 4, scale: 1 }, index: 2, max: 'string' }),
  // the public key operations' data: in (in_len, at 4 of the params argument 1 points to), and
  // out (out_len at 8, what the call wrote) or in2 (in2_len at 8)
  ...[OP.PKEY_ENCRYPT, OP.PKEY_DECRYPT, OP.PKEY_SIGN, OP.PKEY_VERIFY].map((op) =>
    pointee(op, { arg: 3, ptr: 'arg', len: { field: 4, size: 4, scale: 1, of: 1 }, index: 1, max: 'string' })),
  ...[OP.PKEY_ENCRYPT, OP.PKEY_DECRYPT, OP.PKEY_SIGN].map((op) =>
    pointee(op, { arg: 4, ptr: 'arg', len: { field: 8, size: 4, scale: 1, of: 1 }, index: 1, atExit: true, max: 'string' })),
  pointee(OP.PKEY_VERIFY, { arg: 4, ptr: 'arg', len: { field: 8, size: 4, scale: 1, of: 1 }, index: 1, max: 'string' }),
];
