/**
 * setxattrat's and getxattrat's struct xattr_args as strace prints it: an extensible struct whose
 * size is the call's last argument (the address below 16 bytes or when it could not be read,
 * bytes past the known part as print_nonzero_bytes), and the value it points to (a pointee
 * capture, blob index 1): set's as given, args.size bytes; get's as the kernel wrote it, as many
 * bytes as the call returned, only when it succeeded and the size was not 0. A value larger than
 * XATTR_SIZE_MAX prints as its address.
 */
import { capturedBytes, type Capture } from '../events.js';
import { nonzeroBytes, type StructCtx } from './structs.js';
import { hex, printFlags, ptr, quote } from './values.js';

const XATTR_SIZE_MAX = 65536;

/** printstr_ex(value, size, QUOTE_OMIT_TRAILING_0) from the value's capture */
function valueText(value: bigint, size: number, cap: Capture | undefined, c: StructCtx): string {
  if (!value) return 'NULL';
  if (size > XATTR_SIZE_MAX || size < 0) return hex(value);
  const want = Math.min(c.stringSize + 1, size);
  const b = capturedBytes(cap);
  if (!b || b.length < want) return want === 0 ? '""' : hex(value);
  let shown = Math.min(want, c.stringSize);
  // a NUL at the end of the value is not printed
  if (shown === size && shown > 0 && b[shown - 1] === 0) shown--;
  return quote(b.subarray(0, shown), c) + (size > c.stringSize ? '...' : '');
}

function xattrArgs(b: Buffer, c: StructCtx, get: boolean): string {
  const size = BigInt.asUintN(64, BigInt(c.args[5] ?? 0));
  // the struct as the program gave it (get's is read again at exit: its entry capture counts)
  const entry = c.entryCaps?.find((x) => x.index === undefined) ?? c.caps.find((x) => x.index === undefined && x.at === 'entry');
  const s = capturedBytes(entry) ?? b;
  if (size < 16n || s.length < 16) return c.addr;
  const value = s.readBigUInt64LE(0);
  const vsize = s.readUInt32LE(8);
  let v: string;
  if (!get) v = valueText(value, vsize, c.caps.find((x) => x.index === 1 && x.at === 'entry'), c);
  // get: the value the kernel wrote, as many bytes as it returned; an address when it failed
  // or was asked for nothing
  else if (vsize === 0 || c.errno !== undefined || c.ret < 0) v = ptr(value);
  else v = valueText(value, c.ret, c.caps.find((x) => x.index === 1 && x.at === 'exit'), c);
  const past = size > 16n ? nonzeroBytes(s, 16, size, c) : '';
  const tail = past && `, ${past}`;
  return `{value=${v}, size=${vsize}, flags=${printFlags('xattr', s.readUInt32LE(12), 32)}${tail}}`;
}

export const XATTR_ARGS_STRUCTS = {
  xattr_args_set: (b: Buffer, c: StructCtx) => xattrArgs(b, c, false),
  xattr_args_get: (b: Buffer, c: StructCtx) => xattrArgs(b, c, true),
};
