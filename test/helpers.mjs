// Shared test helpers: compile C fixtures, run the rift bins, parse streams, run strace.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = (name) => join(ROOT, 'node_modules', '.bin', name);
const FIXTURES = join(ROOT, 'test', 'fixtures');
const BUILD = join(ROOT, 'test', '.build');

/** A fresh temporary directory. */
export function tmp(prefix = 'rift-test-') {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Compiles test/fixtures/NAME.c (once per source change) and returns the binary path. */
export function fixture(name, flags = []) {
  mkdirSync(BUILD, { recursive: true });
  const src = join(FIXTURES, `${name}.c`);
  const out = join(BUILD, name);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs) {
    const part = `${out}.${process.pid}`;
    execFileSync('gcc', ['-O1', '-g', '-Wall', '-o', part, src, ...flags]);
    execFileSync('mv', ['-f', part, out]);
  }
  return out;
}

/** Parses NDJSON text into objects. */
export function parse(text) {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Runs a rift bin synchronously; returns { status, stdout, stderr, events? }. */
export function run(bin, args, opts = {}) {
  const r = spawnSync(BIN(bin), args, { encoding: 'utf8', maxBuffer: 1 << 30, timeout: 120000, ...opts });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** rift-record -o FILE -- cmd...; returns { status, events, stderr, file }. */
export function record(cmd, extra = [], opts = {}) {
  const file = join(tmp(), 't.ndjson');
  const r = run('rift-record', ['-o', file, ...extra, '--', ...cmd], opts);
  const events = existsSync(file) ? parse(readFileSync(file, 'utf8')) : [];
  return { ...r, events, file };
}

/** Syscall events of a stream, optionally by name (time reads the vDSO answered are not syscalls). */
export function syscalls(events, name) {
  return events.filter((e) => e.type === 'syscall' && !e.vdso && (!name || e.name === name));
}

/** String of a capture for argument `arg`. */
export function mem(ev, arg, at) {
  const c = ev.mem?.find((m) => m.arg === arg && (!at || m.at === at) && m.index === undefined);
  if (!c || c.data === undefined) return undefined;
  return c.enc === 'base64' ? Buffer.from(c.data, 'base64').toString('latin1') : c.data;
}

/**
 * strace -f -qq as the oracle: returns per-tid lists of { name, ret, errno } (unfinished/resumed
 * pairs joined), and the raw lines.
 */
export function strace(cmd, extra = []) {
  const out = join(tmp(), 'strace.txt');
  spawnSync('strace', ['-f', '-qq', '-o', out, ...extra, '--', ...cmd], { encoding: 'utf8', timeout: 120000 });
  const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
  const perTid = new Map();
  const pending = new Map();
  for (const line of lines) {
    const m = /^(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    const tid = Number(m[1]);
    let rest = m[2];
    if (rest.startsWith('+++') || rest.startsWith('---')) continue;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    if (resumed) rest = `${pending.get(tid) ?? resumed[1] + '('}${resumed[2]}`;
    const unfinished = /^(\w+)\(.*<unfinished \.\.\.>$/.exec(rest);
    if (unfinished) {
      pending.set(tid, rest.replace(/ <unfinished \.\.\.>$/, ''));
      continue;
    }
    const call = /^(\w+)\(.*\)\s+=\s+(\?|0x[0-9a-f]+|-?\d+)(?: (E[A-Z0-9_]+))?/.exec(rest);
    if (!call) continue;
    if (!perTid.has(tid)) perTid.set(tid, []);
    const ret = call[2] === '?' ? null : call[2].startsWith('0x') ? BigInt(call[2]).toString() : call[2];
    perTid.get(tid).push({ name: call[1], ret, errno: call[3] });
  }
  return { perTid, lines };
}

/** Starts a background process; returns the ChildProcess. */
export function background(cmd, args, opts = {}) {
  return spawn(cmd, args, { stdio: 'ignore', ...opts });
}

/** Process state letter from /proc/PID/stat (R, S, T, t, Z...). */
export function procState(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** The system python3 (PATH may hold a pyenv shim, a shell script that forks a lot). */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
