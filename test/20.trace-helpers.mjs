// Helpers for the rift-trace tests (20-29): run strace and rift-trace on the same program and
// bring both outputs to comparable lines.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, tmp } from './helpers.mjs';

/**
 * Lines of strace-like text as { tid, text }: pid prefixes ("123 " from strace -f -o, "[pid 123] "
 * from rift-trace) removed, unfinished/resumed pairs joined, the padding before " = " collapsed.
 * Lines without a prefix belong to `mainTid` (the first tid seen, or undefined).
 */
export function calls(text) {
  const out = [];
  const pending = new Map();
  let main;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    let tid;
    let line = raw;
    let m = /^(\d+) +(.*)$/.exec(line);
    if (!m) m = /^\[pid +(\d+)\] (.*)$/.exec(line);
    if (m) {
      tid = Number(m[1]);
      line = m[2];
    }
    tid ??= main;
    main ??= tid;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(line);
    if (resumed) {
      const head = pending.get(tid) ?? `${resumed[1]}(`;
      pending.delete(tid);
      line = head + resumed[2];
    }
    const unf = /^(.*?) ?<unfinished \.\.\.>$/.exec(line);
    if (unf) {
      pending.set(tid, unf[1]);
      continue;
    }
    out.push({ tid, text: line.replace(/\) +=/, ') =').replace(/ +$/, '') });
  }
  return out;
}

/** Addresses vary from run to run; so do pids and times. */
export function normalise(s) {
  return s
    .replace(/0x[0-9a-f]{6,}/g, 'ADDR')
    .replace(/\b(si_pid|nl_pid|pid)=\d+/g, '$1=PID')
    .replace(/, si_utime=\d+, si_stime=\d+/, ', si_utime=T, si_stime=T')
    .replace(/^wait4\(\d+/, 'wait4(PID')
    .replace(/^getrandom\("[^"]*"/, 'getrandom(RANDOM')
    .replace(/^(get[pt]?p?id\(\) = )\d+$/, '$1PID')
    .replace(/^((?:clone|clone3|fork|vfork|wait4)\(.*\) = )\d+$/, '$1PID');
}

/** strace -f -q -o FILE [extra] -- cmd; returns its text. */
export function straceText(cmd, { cwd, extra = [] } = {}) {
  const out = join(tmp(), 'strace.txt');
  spawnSync('strace', ['-f', '-q', '-o', out, ...extra, '--', ...cmd], { cwd, encoding: 'utf8', timeout: 120000 });
  return readFileSync(out, 'utf8');
}

/** rift-trace -o FILE [extra] -- cmd; returns { text, status, stderr }. */
export function riftTraceRun(cmd, { cwd, extra = [] } = {}) {
  const out = join(tmp(), 'rift.txt');
  const r = spawnSync(BIN('rift-trace'), ['-f', '-o', out, ...extra, '--', ...cmd], { cwd, encoding: 'utf8', timeout: 120000 });
  return { text: readFileSync(out, 'utf8'), status: r.status, stderr: r.stderr };
}

/** The normalised texts of the calls named in `names` (all when undefined), main process only. */
export function pick(text, names) {
  const all = calls(text);
  const main = all[0]?.tid;
  return all
    .filter((c) => c.tid === main)
    .map((c) => c.text)
    .filter((t) => !names || names.some((n) => t.startsWith(n + '(')))
    .map(normalise);
}
