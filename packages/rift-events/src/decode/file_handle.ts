/**
 * struct file_handle (name_to_handle_at, open_by_handle_at) as strace prints it: handle_bytes,
 * then, where the kernel filled it (name_to_handle_at that succeeded) or the program gave it
 * (open_by_handle_at), handle_type and f_handle's bytes in hex, MAX_HANDLE_SZ (128) of them at
 * most. name_to_handle_at shows the size the kernel wrote back when it changed (`0 => 8`: an
 * EOVERFLOW answer says how much room a handle needs).
 *
 * Captured: the header and 128 bytes at entry, and for name_to_handle_at again at exit whatever
 * the result.
 */
import type { CaseCapture } from '../syscalls.js';
import type { StructCtx, StructDecoder } from './structs.js';
import { quote } from './values.js';

const HEADER = 8, MAX_HANDLE_SZ = 128;
/** the header and the most of f_handle strace reads */
export const FILE_HANDLE_BYTES = HEADER + MAX_HANDLE_SZ;

/** f_handle: its bytes in hex, `...` past 128 of them, ??? when they cannot be read */
function fHandle(b: Buffer, handleBytes: number, c: StructCtx): string {
  const len = Math.min(handleBytes, MAX_HANDLE_SZ);
  if (b.length < HEADER + len) return '???';
  return quote(b.subarray(HEADER, HEADER + len), { ...c, hex: 2 }) + (handleBytes > len ? '...' : '');
}

const whole = (b: Buffer, c: StructCtx): string => `handle_bytes=${b.readUInt32LE(0)}, handle_type=${b.readInt32LE(4)}, f_handle=${fHandle(b, b.readUInt32LE(0), c)}`;

export const FILE_HANDLE_STRUCTS: Readonly<Record<string, StructDecoder>> = {
  // open_by_handle_at's: the handle given
  file_handle: (b, c) => (b.length < HEADER ? c.addr : `{${whole(b, c)}}`),
  // name_to_handle_at's: the room given, then what the kernel wrote (the size also on EOVERFLOW)
  file_handle_out: (b, c) => {
    if (b.length < HEADER) return c.addr;
    const given = b.readUInt32LE(0);
    let text = `handle_bytes=${given}`;
    const after = c.errno === undefined || c.errno === 'EOVERFLOW' ? c.other(2, 'exit') : undefined;
    if (after && after.length >= HEADER) {
      const now = after.readUInt32LE(0);
      if (now !== given) text += ` => ${now}`;
      if (c.errno === undefined) text += `, handle_type=${after.readInt32LE(4)}, f_handle=${fHandle(after, now, c)}`;
    }
    return `{${text}}`;
  },
};

export const FILE_HANDLE_CAPTURES: readonly CaseCapture[] = [{ call: 'name_to_handle_at', when: [], arg: 2, spec: `out:buf(=${FILE_HANDLE_BYTES})`, max: FILE_HANDLE_BYTES, onError: true }];
