/**
 * One line of strace-like text per event. Uses @rift/events' shared formatter (formatEvent) when
 * the package has one, else a small local fallback: `name(args) = ret`.
 */
import * as riftEvents from '@rift/events';
import { captureBytes, parseArgSpec, signatureOf, type Capture, type Event, type Int64, type SyscallEvent } from '@rift/events';
import type { Norm, NormValue } from './normalize.js';

type Formatter = (ev: Event, opts?: { column?: number }) => string | undefined;
const shared = (riftEvents as unknown as Record<string, unknown>)['formatEvent'] as Formatter | undefined;

const SHARED_OPTS = { column: 0 };

/** strace-like text of an event, on one line. */
export function formatEvent(ev: Event): string {
  if (typeof shared === 'function') {
    try {
      const s = shared(ev, SHARED_OPTS);
      if (typeof s === 'string') return s.replace(/\n+$/, '').replace(/\n/g, '\\n');
    } catch {
      /* fall back */
    }
  }
  return fallback(ev);
}

const STR_MAX = 40;

function quote(b: Buffer, more: boolean): string {
  let s = '"';
  const n = Math.min(b.length, STR_MAX);
  for (let i = 0; i < n; i++) {
    const c = b[i]!;
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s + '"' + (more || b.length > n ? '...' : '');
}

function isZero(v: Int64): boolean {
  return v === 0 || v === '0';
}

function hex(v: Int64): string {
  const b = BigInt(v);
  return b === 0n ? 'NULL' : `0x${BigInt.asUintN(64, b).toString(16)}`;
}

function captureText(cs: Capture[]): string {
  if (cs.length === 1 && cs[0]!.index === undefined) {
    const c = cs[0]!;
    if (c.fault) return `<${c.fault}>`;
    return quote(captureBytes(c), c.full !== undefined && c.full > c.len);
  }
  const parts = cs.map((c) => (c.fault ? `<${c.fault}>` : quote(captureBytes(c), c.full !== undefined && c.full > c.len)));
  return `[${parts.slice(0, 6).join(', ')}${parts.length > 6 ? ', ...' : ''}]`;
}

function syscallText(ev: SyscallEvent): string {
  const sig = signatureOf(ev.name);
  const args = ev.args.map((v, i) => {
    const spec = sig && i < sig.args.length ? parseArgSpec(sig.args[i]!) : undefined;
    const caps = (ev.mem ?? []).filter((c) => c.arg === i);
    const entry = caps.filter((c) => c.at === 'entry');
    const exit = caps.filter((c) => c.at === 'exit');
    const use = exit.length && ev.ret !== null ? exit : entry;
    if (use.length && !(isZero(v) && use.every((c) => c.fault))) return captureText(use);
    const type = spec?.type;
    if ((type === 'dirfd' || type === 'fd') && Number(v) === 4294967196) return 'AT_FDCWD';
    if (type === 'ptr' || type === 'hex' || spec?.capture) return hex(v);
    if (type === undefined && BigInt(v) > 0xffff_ffffn) return hex(v);
    return String(v);
  });
  let ret: string;
  if (ev.ret === null) ret = '?';
  else if (ev.errno) ret = `-1 ${ev.errno}`;
  else if (sig?.ret === 'hex') ret = hex(ev.ret);
  else ret = String(ev.ret);
  const tail = ev.status === 'unfinished' ? ' <unfinished ...>' : '';
  return `${ev.status === 'resumed' ? '<... resumed> ' : ''}${ev.name}(${args.join(', ')}) = ${ret}${tail}`;
}

function fallback(ev: Event): string {
  switch (ev.type) {
    case 'syscall':
      return syscallText(ev);
    case 'exec':
      return `--- exec ${JSON.stringify(ev.path)} ${JSON.stringify(ev.argv)} ---`;
    case 'spawn':
      return `--- ${ev.kind} ${ev.child} ---`;
    case 'signal': {
      const info: string[] = [];
      if (ev.code !== undefined) info.push(`si_code=${ev.code}`);
      if (ev.senderPid !== undefined) info.push(`si_pid=${ev.senderPid}`);
      if (ev.status !== undefined) info.push(`si_status=${ev.status}`);
      if (ev.addr !== undefined) info.push(`si_addr=${hex(ev.addr)}`);
      return ev.stop ? `--- stopped by ${ev.sig} ---` : `--- ${ev.sig} {${info.join(', ')}} ---`;
    }
    case 'exit':
      return ev.signal !== undefined
        ? `+++ killed by ${ev.signal}${ev.core ? ' (core dumped)' : ''} +++`
        : `+++ exited with ${ev.code ?? '?'} +++`;
    case 'warning':
      return `--- warning: ${ev.message} ---`;
    case 'end':
      return `+++ end: ${ev.reason}${ev.exitCode !== undefined ? `, exit code ${ev.exitCode}` : ''} +++`;
    default:
      return JSON.stringify(ev);
  }
}

// ---- what differs ---------------------------------------------------------------------------

function show(v: NormValue | undefined): string {
  if (v === undefined) return '(none)';
  if (typeof v === 'string') {
    if (v.startsWith('b64:')) {
      const b = Buffer.from(v.slice(4), 'base64');
      return quote(b, false);
    }
    return JSON.stringify(v.length > STR_MAX ? v.slice(0, STR_MAX) + '...' : v);
  }
  const s = JSON.stringify(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

function bytesOf(v: NormValue | undefined): Buffer | undefined {
  if (typeof v !== 'string') return undefined;
  return v.startsWith('b64:') ? Buffer.from(v.slice(4), 'base64') : Buffer.from(v, 'utf8');
}

/** Where two captured contents first differ, with a little of each side. */
function memDiff(x: NormValue | undefined, y: NormValue | undefined): string {
  const a = bytesOf(x);
  const b = bytesOf(y);
  if (!a || !b) return `${show(x)} ≠ ${show(y)}`;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 8);
  const pa = quote(a.subarray(from), false);
  const pb = quote(b.subarray(from), false);
  const pre = from > 0 ? '...' : '';
  return `differ at byte ${i}${a.length !== b.length ? ` (lengths ${a.length} and ${b.length})` : ''}: ${pre}${pa} ≠ ${pre}${pb}`;
}

/** Human list of what differs between two normalised events. */
export function explain(a: Norm, b: Norm): string[] {
  const out: string[] = [];
  // the return value last: it usually follows from the arguments and memory
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].sort((x, y) => Number(x === 'ret') - Number(y === 'ret')));
  for (const k of keys) {
    const x = a[k];
    const y = b[k];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (k === 'args' && Array.isArray(x) && Array.isArray(y)) {
      const n = Math.max(x.length, y.length);
      for (let i = 0; i < n; i++)
        if (JSON.stringify(x[i]) !== JSON.stringify(y[i])) out.push(`arg ${i}: ${show(x[i])} ≠ ${show(y[i])}`);
    } else if (k === 'mem' && Array.isArray(x) && Array.isArray(y)) {
      const ma = new Map((x as [string, NormValue][]).map(([l, v]) => [l, v]));
      const mb = new Map((y as [string, NormValue][]).map(([l, v]) => [l, v]));
      for (const l of new Set([...ma.keys(), ...mb.keys()])) {
        const u = ma.get(l);
        const w = mb.get(l);
        if (JSON.stringify(u) === JSON.stringify(w)) continue;
        const m = /^(\d+)([<>])(\d*)$/.exec(l);
        const what = m ? `${m[2] === '<' ? 'memory at arg' : 'memory returned at arg'} ${m[1]}${m[3] ? `[${m[3]}]` : ''}` : l;
        out.push(`${what}: ${typeof u === 'string' && typeof w === 'string' ? memDiff(u, w) : `${show(u)} ≠ ${show(w)}`}`);
      }
    } else if (k === 'ret') {
      out.push(`return: ${show(x)} ≠ ${show(y)}`);
    } else {
      out.push(`${k}: ${show(x)} ≠ ${show(y)}`);
    }
  }
  return out;
}
