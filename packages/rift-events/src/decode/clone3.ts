/**
 * clone3's struct clone_args as strace prints it: an extensible struct as long as the size
 * argument says (the address below 64 bytes or when it could not be read; 88 known bytes, the
 * rest as print_nonzero_bytes, `???` when unreadable), the fields the flags call for, set_tid's
 * array through a pointee capture (blob index 1), and after a call that succeeded (or whose
 * result was injected) ` => {...}` with what the kernel wrote back: the pidfd and parent_tid
 * ints (pointee captures 2 and 3), and the bytes past the known part again.
 */
import { captureBytes, capturedBytes } from '../events.js';
import { nonzeroBytes, type StructCtx } from './structs.js';
import { hex, printFlags, ptr, signalName, styledText } from './values.js';

const KNOWN = 88, MIN = 64;
const CLONE_PIDFD = 0x1000n, CLONE_CHILD_SETTID = 0x1000000n, CLONE_CHILD_CLEARTID = 0x200000n, CLONE_PARENT_SETTID = 0x100000n;
const CLONE_SETTLS = 0x80000n, CLONE_INTO_CGROUP = 0x200000000n;


function cloneArgs(exitB: Buffer, c: StructCtx): string {
  // the struct as the program gave it (read at entry; at exit only the kernel's answers count)
  const entryCaps = c.entryCaps ?? c.caps;
  const own = entryCaps.find((x) => x.index === undefined && x.at === 'entry');
  const b = capturedBytes(own) ?? exitB;
  const size = BigInt.asUintN(64, BigInt(c.args[1] ?? 0));
  const fetch = Number(size < BigInt(KNOWN) ? size : BigInt(KNOWN));
  if (fetch < MIN || b.length < fetch) return c.addr;
  const a = Buffer.alloc(KNOWN);
  b.copy(a, 0, 0, fetch);
  const q = (o: number) => a.readBigUInt64LE(o);
  const flags = q(0);
  const out = [`flags=${printFlags('clone3_flags', flags)}`];
  if (flags & CLONE_PIDFD) out.push(`pidfd=${ptr(q(8))}`);
  if (flags & (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID)) out.push(`child_tid=${ptr(q(16))}`);
  if (flags & CLONE_PARENT_SETTID) out.push(`parent_tid=${ptr(q(24))}`);
  const sig = q(32);
  const name = sig > 0n && sig < 65n ? signalName(Number(sig)) : undefined;
  out.push(`exit_signal=${sig < 0x7fffffffn && name !== undefined ? styledText(String(sig), name) : String(sig)}`);
  out.push(`stack=${ptr(q(40))}`, `stack_size=${q(48) ? hex(q(48)) : '0'}`);
  if (flags & CLONE_SETTLS) out.push(`tls=${ptr(q(56))}`);
  const setTid = q(64), setTidSize = q(72);
  if (setTid || setTidSize) {
    if (!setTid || !setTidSize || setTidSize > 32n) out.push(`set_tid=${ptr(setTid)}`);
    else {
      const cap = entryCaps.find((x) => x.index === 1 && x.at === 'entry');
      const t = capturedBytes(cap);
      const n = Number(setTidSize);
      if (!t || t.length < 4) out.push(`set_tid=${hex(setTid)}`);
      else {
        const ids: string[] = [];
        let i = 0;
        for (; i < n && (i + 1) * 4 <= t.length; i++) ids.push(String(t.readInt32LE(i * 4)));
        if (i < n) ids.push(`... /* ${hex(setTid + BigInt(i * 4))} */`);
        out.push(`set_tid=[${ids.join(', ')}]`);
      }
    }
    out.push(`set_tid_size=${setTidSize}`);
  }
  if (fetch > 80 && (q(80) || flags & CLONE_INTO_CGROUP)) out.push(`cgroup=${q(80)}`);
  const t = size > BigInt(fetch) ? nonzeroBytes(b, fetch, size, c) : '';
  if (t) out.push(t);
  let text = `{${out.join(', ')}}`;
  // what the kernel wrote back, when the call succeeded (or its result was injected)
  if (c.errno === undefined && c.ret >= 0) {
    const back: string[] = [];
    // an int the kernel wrote at a pointer of the struct: [N], NULL, or the address
    const written = (p: bigint, index: number): string => {
      if (!p) return 'NULL';
      const cap = c.caps.find((x) => x.index === index && x.at === 'exit');
      if (!cap || cap.fault) return hex(p);
      const v = Buffer.alloc(4);
      captureBytes(cap).copy(v, 0, 0, 4);
      return `[${v.readInt32LE(0)}]`;
    };
    if (flags & CLONE_PIDFD) back.push(`pidfd=${written(q(8), 2)}`);
    if (flags & CLONE_PARENT_SETTID) back.push(`parent_tid=${written(q(24), 3)}`);
    if (t) back.push(t);
    if (back.length) text += ` => {${back.join(', ')}}`;
  }
  return text;
}

export const CLONE3_STRUCTS = { clone3_args: cloneArgs };
