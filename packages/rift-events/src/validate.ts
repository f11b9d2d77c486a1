/**
 * The values of each line checked against the schema (../schema/events-v1.schema.json), once, in
 * the shared reader (reader.ts lineEvent, readHeader), so that every tool, on one thread or on
 * several, reads only events whose fields have the types and ranges the contract gives them.
 *
 * A check returns undefined for a good line, else the reason, naming the field:
 *   field "ret": expected an integer, got "abc"
 *
 * Hand-written per event type rather than a schema walker: it runs on every line, beside
 * JSON.parse, and most lines are syscalls whose fields are read once each with no allocation.
 * The messages are built only for a bad line.
 *
 * What the schema says, with one addition: an integer must be one that a JSON number carries
 * exactly (|v| <= 2^53 - 1, as for the schema's int64 numbers). 64-bit values (args, ret, addr)
 * beyond that are decimal strings, from -2^63 to 2^63 - 1; a string in range is accepted for any
 * 64-bit value, also a small one (the schema allows "5"). Unknown fields are allowed in events
 * and in the header, not in captures (`mem[]` items: additionalProperties false); an unknown
 * event `type` is not.
 */

/** Reason a value is bad; undefined when good. */
type Reason = string | undefined;

const INT64_RE = /^-?[0-9]+$/;
const DATE_TIME_RE = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:?\d\d)$/;
const MIN64 = -(1n << 63n);
const MAX64 = (1n << 63n) - 1n;

/** the event types of stream v1 (the schema's oneOf, but for the header) */
export const EVENT_TYPES = ['syscall', 'spawn', 'exec', 'signal', 'exit', 'rdtsc', 'warning', 'end'] as const;

/** a-z, 0-9, _ (the schema's syscall name pattern), at least one */
function isName(s: string): boolean {
  const n = s.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

/** E then A-Z, 0-9, _ (the schema's errno pattern), at least one */
function isErrno(s: string): boolean {
  const n = s.length;
  if (n < 2 || s.charCodeAt(0) !== 69) return false;
  for (let i = 1; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false;
  }
  return true;
}

// ---- the values: true when good (no allocation); the reasons are made apart, when bad ----

function isInt(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

function isUint(x: unknown): boolean {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** A decimal string of a signed 64-bit value. */
function isInt64String(s: string): boolean {
  if (!INT64_RE.test(s)) return false;
  // 18 digits or fewer are always in range
  const digits = s.charCodeAt(0) === 45 ? s.length - 1 : s.length;
  if (digits <= 18) return true;
  const b = BigInt(s);
  return b >= MIN64 && b <= MAX64;
}

function isInt64(x: unknown): boolean {
  if (typeof x === 'number') return Number.isSafeInteger(x);
  return typeof x === 'string' && isInt64String(x);
}

/** The value as the message shows it: JSON, cut short. */
function show(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 48 ? `${s.slice(0, 45)}...` : s;
}

function field(name: string, what: string): string {
  return `field "${name}": ${what}`;
}

function missing(name: string): string {
  return field(name, 'missing');
}

/** The reason for an integer field (from `min`, up to `max`) that failed. */
function intReason(name: string, x: unknown, min?: number, max?: number, orNull = false): string {
  if (x === undefined) return missing(name);
  const range =
    (min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : '') +
    (orNull ? ' or null' : '');
  if (typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x))
    return field(name, `expected an integer${range}, got ${show(x)} (beyond 2^53, which a JSON number does not hold exactly)`);
  return field(name, `expected an integer${range}, got ${show(x)}`);
}

/** The reason for a 64-bit field that failed (`orNull`: null is allowed). */
function int64Reason(name: string, x: unknown, orNull = false): string {
  if (x === undefined) return missing(name);
  const what = orNull ? 'an integer or null' : 'an integer';
  if (typeof x === 'number' && Number.isInteger(x))
    return field(name, `expected ${what}, got ${show(x)} (beyond 2^53 a 64-bit value is written as its decimal string)`);
  if (typeof x === 'string' && INT64_RE.test(x)) return field(name, `expected ${what} in the signed 64-bit range, got ${show(x)}`);
  return field(name, `expected ${what}, got ${show(x)}`);
}

function typeReason(name: string, x: unknown, what: string): string {
  return x === undefined ? missing(name) : field(name, `expected ${what}, got ${show(x)}`);
}

function enumText(values: readonly string[]): string {
  const q = values.map((v) => JSON.stringify(v));
  return q.length === 1 ? q[0]! : `${q.slice(0, -1).join(', ')} or ${q.at(-1)}`;
}

// ---- the lines ----

/**
 * The reason the fields of an event (a parsed line, `type` its "type") do not match the schema,
 * or undefined when they do.
 */
export function checkEvent(v: Record<string, unknown>, type: unknown): Reason {
  switch (type) {
    case 'syscall':
      return checkSyscall(v);
    case 'spawn':
      return checkBase(v) ?? checkSpawn(v);
    case 'exec':
      return checkBase(v) ?? checkExec(v);
    case 'signal':
      return checkBase(v) ?? checkSignal(v);
    case 'exit':
      return checkBase(v) ?? checkExit(v);
    case 'rdtsc':
      return checkBase(v) ?? checkTsc(v);
    case 'warning':
      return checkWarning(v);
    case 'end':
      return checkEnd(v);
    case 'header':
      return 'a second header line (concatenated streams?)';
    default:
      return field('type', `expected ${enumText(EVENT_TYPES)}, got ${show(type)}`);
  }
}

/** seq, pid, tid, ts: what every event but warning and end carries */
function checkBase(v: Record<string, unknown>): Reason {
  const { seq, pid, tid, ts } = v;
  if (!(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)) return intReason('seq', seq, 1);
  if (!isUint(pid)) return intReason('pid', pid, 0);
  if (!isUint(tid)) return intReason('tid', tid, 0);
  if (!isInt(ts)) return intReason('ts', ts);
  return undefined;
}

/** the fields a syscall event requires, but for `type` */
const SYSCALL_REQUIRED = ['seq', 'pid', 'tid', 'ts', 'nr', 'name', 'args', 'ret', 'dur'] as const;

/**
 * A syscall event: its fields taken in one pass over the keys the line has. Reading each field
 * by name instead cost half as much again: lines come in several shapes (optional fields), so
 * every read, of an absent field too, is a slow lookup; the keys of a for-in come with their
 * values from the object's own enumeration cache. The usual order of the keys comes first.
 */
function checkSyscall(v: Record<string, unknown>): Reason {
  let required = 0;
  for (const k in v) {
    const x = v[k];
    switch (k) {
      case 'type':
        break;
      case 'seq':
        if (!(typeof x === 'number' && Number.isSafeInteger(x) && x >= 1)) return intReason(k, x, 1);
        required++;
        break;
      case 'pid':
      case 'tid':
      case 'nr':
        if (!isUint(x)) return intReason(k, x, 0);
        required++;
        break;
      case 'ts':
        if (!isInt(x)) return intReason(k, x);
        required++;
        break;
      case 'name':
        if (!(typeof x === 'string' && isName(x))) return typeReason(k, x, 'a syscall name (a string of a-z, 0-9, _)');
        required++;
        break;
      case 'args': {
        if (!Array.isArray(x) || x.length > 6) return typeReason(k, x, 'an array of at most 6 integers');
        for (let i = 0; i < x.length; i++) {
          const a: unknown = x[i];
          if (!(typeof a === 'number' ? Number.isSafeInteger(a) : typeof a === 'string' && isInt64String(a))) return int64Reason(`args[${i}]`, a);
        }
        required++;
        break;
      }
      case 'ret':
        if (x !== null && !(typeof x === 'number' ? Number.isSafeInteger(x) : typeof x === 'string' && isInt64String(x))) return int64Reason(k, x, true);
        required++;
        break;
      case 'dur':
        if (x !== null && !isUint(x)) return intReason(k, x, 0, undefined, true);
        required++;
        break;
      case 'mem': {
        if (!Array.isArray(x)) return typeReason(k, x, 'an array of captures');
        for (let i = 0; i < x.length; i++) {
          const r = checkCapture(x[i], i);
          if (r !== undefined) return r;
        }
        break;
      }
      case 'errno':
        if (!(typeof x === 'string' && isErrno(x))) return typeReason(k, x, 'an errno name (E...)');
        break;
      case 'buffered':
      case 'injected':
      case 'skipped':
      case 'compat':
      case 'rift':
      case 'vdso':
      case 'again':
        if (x !== true) return typeReason(k, x, 'true (or no field)');
        break;
      case 'status':
        if (x !== 'unfinished' && x !== 'resumed') return typeReason(k, x, enumText(['unfinished', 'resumed']));
        break;
      // any other field is allowed (the schema's events are open)
    }
  }
  if (required !== SYSCALL_REQUIRED.length) {
    for (const k of SYSCALL_REQUIRED) if (v[k] === undefined) return missing(k);
  }
  return undefined;
}

/**
 * A capture (a mem[] item, the i-th): one pass over its keys as for a syscall. The schema
 * allows no other fields here.
 */
function checkCapture(c: unknown, i: number): Reason {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return typeReason(`mem[${i}]`, c, 'an object (a capture)');
  const m = c as Record<string, unknown>;
  let required = 0;
  for (const k in m) {
    const x = m[k];
    switch (k) {
      case 'arg':
        if (!(typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 5)) return intReason(`mem[${i}].${k}`, x, 0, 5);
        required++;
        break;
      case 'at':
        if (x !== 'entry' && x !== 'exit') return typeReason(`mem[${i}].${k}`, x, enumText(['entry', 'exit']));
        required++;
        break;
      case 'len':
        if (!isUint(x)) return intReason(`mem[${i}].${k}`, x, 0);
        required++;
        break;
      case 'enc':
        if (x !== 'utf8' && x !== 'base64') return typeReason(`mem[${i}].${k}`, x, enumText(['utf8', 'base64']));
        break;
      case 'data':
        if (typeof x !== 'string') return typeReason(`mem[${i}].${k}`, x, 'a string');
        break;
      case 'index':
      case 'full':
        if (!isUint(x)) return intReason(`mem[${i}].${k}`, x, 0);
        break;
      case 'fault':
        if (!(typeof x === 'string' && isErrno(x))) return typeReason(`mem[${i}].${k}`, x, 'an errno name (E...)');
        break;
      case 'more':
        if (x !== true) return typeReason(`mem[${i}].${k}`, x, 'true (or no field)');
        break;
      default:
        return field(`mem[${i}].${JSON.stringify(k.length > 40 ? `${k.slice(0, 37)}...` : k).slice(1, -1)}`, 'not a field of a capture');
    }
  }
  if (required !== 3) {
    for (const k of ['arg', 'at', 'len']) if (m[k] === undefined) return missing(`mem[${i}].${k}`);
  }
  return undefined;
}

function checkSpawn(v: Record<string, unknown>): Reason {
  const { child, childPid, kind } = v;
  if (!isUint(child)) return intReason('child', child, 0);
  if (!isUint(childPid)) return intReason('childPid', childPid, 0);
  if (kind !== 'fork' && kind !== 'vfork' && kind !== 'thread' && kind !== 'process')
    return typeReason('kind', kind, enumText(['fork', 'vfork', 'thread', 'process']));
  return undefined;
}

function checkExec(v: Record<string, unknown>): Reason {
  const { oldTid, path, argv } = v;
  if (oldTid !== undefined && !isUint(oldTid)) return intReason('oldTid', oldTid, 0);
  if (typeof path !== 'string') return typeReason('path', path, 'a string');
  if (!Array.isArray(argv)) return typeReason('argv', argv, 'an array of strings');
  for (let i = 0; i < argv.length; i++) if (typeof argv[i] !== 'string') return typeReason(`argv[${i}]`, argv[i], 'a string');
  return undefined;
}

/** the signal fields that are plain integers, when present */
const SIGNAL_INTS = ['code', 'senderPid', 'senderUid', 'status', 'utime', 'stime', 'errno'] as const;

function checkSignal(v: Record<string, unknown>): Reason {
  const { signo, sig, stop, addr } = v;
  if (!(typeof signo === 'number' && Number.isInteger(signo) && signo >= 1 && signo <= 64)) return intReason('signo', signo, 1, 64);
  if (typeof sig !== 'string') return typeReason('sig', sig, 'a string');
  if (stop !== undefined && stop !== true) return typeReason('stop', stop, 'true (or no field)');
  if (addr !== undefined && !isInt64(addr)) return int64Reason('addr', addr);
  if (v.ip !== undefined && !isInt64(v.ip)) return int64Reason('ip', v.ip);
  if (v.ipOffset !== undefined && !isInt64(v.ipOffset)) return int64Reason('ipOffset', v.ipOffset);
  if (v.ipFile !== undefined && typeof v.ipFile !== 'string') return typeReason('ipFile', v.ipFile, 'a string');
  for (const k of SIGNAL_INTS) {
    const x = v[k];
    if (x !== undefined && !isInt(x)) return intReason(k, x);
  }
  return v.inCall === undefined ? undefined : checkInCall(v.inCall);
}

/** A signal's inCall: { nr, name?, at, late? } (where in a buffered call it came). */
function checkInCall(c: unknown): Reason {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return typeReason('inCall', c, 'an object');
  const { nr, name, at, late } = c as Record<string, unknown>;
  if (!(typeof nr === 'number' && Number.isInteger(nr) && nr >= 0 && nr <= 1023)) return intReason('inCall.nr', nr, 0, 1023);
  if (name !== undefined && typeof name !== 'string') return typeReason('inCall.name', name, 'a string');
  if (at !== 'entry' && at !== 'exit' && at !== 'interrupted') return typeReason('inCall.at', at, enumText(['entry', 'exit', 'interrupted']));
  if (late !== undefined && late !== true) return typeReason('inCall.late', late, 'true (or no field)');
  return undefined;
}

function checkExit(v: Record<string, unknown>): Reason {
  const { code, signal, core } = v;
  if (code !== undefined && !(typeof code === 'number' && Number.isInteger(code) && code >= 0 && code <= 255)) return intReason('code', code, 0, 255);
  if (signal !== undefined && typeof signal !== 'string') return typeReason('signal', signal, 'a string');
  if (core !== undefined && core !== true) return typeReason('core', core, 'true (or no field)');
  return undefined;
}

function checkTsc(v: Record<string, unknown>): Reason {
  const { insn, value, aux } = v;
  if (insn !== 'rdtsc' && insn !== 'rdtscp') return typeReason('insn', insn, enumText(['rdtsc', 'rdtscp']));
  if (!isInt64(value)) return int64Reason('value', value);
  if (aux !== undefined && !(isUint(aux) && (aux as number) <= 0xffffffff)) return intReason('aux', aux, 0, 0xffffffff);
  return undefined;
}

function checkWarning(v: Record<string, unknown>): Reason {
  const { seq, tid, ts, message } = v;
  if (!(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)) return intReason('seq', seq, 1);
  if (!isInt(tid)) return intReason('tid', tid);
  if (!isInt(ts)) return intReason('ts', ts);
  if (typeof message !== 'string') return typeReason('message', message, 'a string');
  return undefined;
}

function checkEnd(v: Record<string, unknown>): Reason {
  const { seq, ts, reason, exitCode } = v;
  if (!(typeof seq === 'number' && Number.isSafeInteger(seq) && seq >= 1)) return intReason('seq', seq, 1);
  if (!isInt(ts)) return intReason('ts', ts);
  if (reason !== 'exit' && reason !== 'detach' && reason !== 'killed') return typeReason('reason', reason, enumText(['exit', 'detach', 'killed']));
  if (exitCode !== undefined && !isInt(exitCode)) return intReason('exitCode', exitCode);
  return undefined;
}

/**
 * The reason the header's fields do not match the schema, or undefined. `type`, `format` and
 * `version` are the reader's to check first (a line that is no header is not a rift stream).
 */
export function checkHeader(h: Record<string, unknown>): Reason {
  const { arch, kernel, start, mode, command, pids, tool, options } = h;
  if (arch !== 'x86_64') return typeReason('arch', arch, '"x86_64"');
  if (typeof kernel !== 'string') return typeReason('kernel', kernel, 'a string');
  if (typeof start !== 'string' || !DATE_TIME_RE.test(start)) return typeReason('start', start, 'a date and time (ISO 8601, as 2026-01-01T00:00:00.000Z)');
  if (mode !== 'launch' && mode !== 'attach' && mode !== 'replay') return typeReason('mode', mode, enumText(['launch', 'attach', 'replay']));
  if (command !== undefined) {
    if (!Array.isArray(command)) return typeReason('command', command, 'an array of strings');
    for (let i = 0; i < command.length; i++) if (typeof command[i] !== 'string') return typeReason(`command[${i}]`, command[i], 'a string');
  }
  if (pids !== undefined) {
    if (!Array.isArray(pids)) return typeReason('pids', pids, 'an array of pids');
    for (let i = 0; i < pids.length; i++) if (!isUint(pids[i])) return intReason(`pids[${i}]`, pids[i], 0);
  }
  if (typeof tool !== 'string') return typeReason('tool', tool, 'a string');
  if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) return typeReason('options', options, 'an object');
  return undefined;
}
