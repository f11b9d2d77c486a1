/**
 * Strings the kernel copies with a bound of its own, printed as strace's printstr_ex with that
 * bound: reboot's LINUX_REBOOT_CMD_RESTART2 argument (255 bytes) and fsconfig's key (256) and
 * value (a string of 256, a path, or `aux` bytes in hex, by command). Captured as buffers of
 * the bound's size, so that bytes that could not be read show as a short capture.
 */
import type { StructCtx } from './structs.js';
import { quote } from './values.js';

/**
 * A NUL-terminated string read with a bound of `n` bytes: strace reads min(-s + 1, n) bytes and
 * prints up to the NUL, or min(-s, n) bytes and `...` when there is none. The address when
 * those bytes could not be read before a NUL.
 */
export function boundedString(b: Buffer, n: number, c: StructCtx): string {
  const size = Math.min(c.stringSize + 1, n);
  const nul = b.subarray(0, size).indexOf(0);
  if (nul < 0 && b.length < size) return c.addr;
  const limit = Math.min(size, c.stringSize);
  if (nul >= 0 && nul <= limit) return quote(b.subarray(0, nul), c);
  return quote(b.subarray(0, limit), c) + '...';
}

/** `len` bytes in hex (printstr_ex with QUOTE_FORCE_HEX): -s of them and `...` past them */
function hexBytes(b: Buffer, len: number, c: StructCtx): string {
  const size = Math.min(c.stringSize + 1, len);
  if (b.length < size) return c.addr;
  const shown = Math.min(size, c.stringSize);
  return quote(b.subarray(0, shown), { ...c, hex: 2 }) + (len > c.stringSize ? '...' : '');
}

/** a path read whole (PATH_MAX): up to its NUL, or 4095 bytes and `...` */
function pathIn(b: Buffer, c: StructCtx): string {
  const nul = b.indexOf(0);
  if (nul >= 0) return quote(b.subarray(0, nul), c);
  if (b.length < 4096) return c.addr;
  return quote(b.subarray(0, 4095), c) + '...';
}

const FSCONFIG_SET_FLAG = 0, FSCONFIG_SET_STRING = 1, FSCONFIG_SET_BINARY = 2, FSCONFIG_SET_PATH = 3, FSCONFIG_SET_PATH_EMPTY = 4, FSCONFIG_SET_FD = 5;
const cmdOf = (c: StructCtx): number => Number(BigInt.asUintN(32, BigInt(c.args[1] ?? 0)));

function fsconfigKey(b: Buffer, c: StructCtx): string {
  const cmd = cmdOf(c);
  return cmd <= FSCONFIG_SET_FD ? boundedString(b, 256, c) : c.addr;
}

function fsconfigValue(b: Buffer, c: StructCtx): string {
  const cmd = cmdOf(c);
  if (cmd === FSCONFIG_SET_STRING) return boundedString(b, 256, c);
  if (cmd === FSCONFIG_SET_PATH || cmd === FSCONFIG_SET_PATH_EMPTY) return pathIn(b, c);
  const aux = Number(BigInt.asIntN(32, BigInt(c.args[4] ?? 0)));
  if (cmd === FSCONFIG_SET_BINARY && aux >= 0 && aux <= 1024 * 1024) return hexBytes(b, aux, c);
  void FSCONFIG_SET_FLAG;
  return c.addr;
}

export const KSTR_STRUCTS = {
  reboot_arg: (b: Buffer, c: StructCtx) => boundedString(b, 255, c),
  fsconfig_key: fsconfigKey,
  fsconfig_value: fsconfigValue,
};
