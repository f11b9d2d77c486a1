// rift-diff benchmark: two synthetic traces of N events made by repeating a real recording's
// syscall events with new seq numbers; diffed identical, then with one change near the end. Each
// size is run in turn (default 100,000 and 1,000,000 events) so that the peak RSS of the two can
// be compared: it should not grow with the length of the traces. Prints wall time and peak RSS of
// the rift-diff process (/usr/bin/time -v), and of a process that only reads both files with the
// shared reader (@rift/events), the floor under rift-diff's time.
//   node bench/diff.mjs [N ...]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (n) => join(ROOT, 'node_modules', '.bin', n);
const sizes = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [100_000, 1_000_000];
const dir = mkdtempSync(join(tmpdir(), 'rift-bench-diff-'));
const src = join(dir, 'src.ndjson');
spawnSync(bin('rift-record'), ['-o', src, '--', 'ls', '-l', '/usr/bin'], { stdio: 'ignore' });
const lines = readFileSync(src, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const header = lines[0];
const calls = lines.filter((e) => e.type === 'syscall' && e.tid === lines[1].tid && e.name !== 'exit_group');

async function write(file, N, changeAt) {
  let changed = false;
  const out = createWriteStream(file);
  out.write(JSON.stringify(header) + '\n');
  for (let seq = 1; seq <= N; seq++) {
    let e = calls[(seq - 1) % calls.length];
    e = { ...e, seq };
    if (changeAt !== undefined && seq >= changeAt && e.name === 'close' && !changed) {
      e.args = [99];  // close(99) instead of close(3): one changed event
      changed = true;
    }
    if (!out.write(JSON.stringify(e) + '\n')) await once(out, 'drain');
  }
  out.write(JSON.stringify({ type: 'end', seq: N + 1, ts: 0, reason: 'exit', exitCode: 0 }) + '\n');
  out.end();
  await once(out, 'finish');
}

/** wall time and peak RSS of a command, from /usr/bin/time -v */
function timed(cmd, args) {
  const r = spawnSync('/usr/bin/time', ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26, cwd: ROOT });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  const wall = /Elapsed \(wall clock\).*?: (\d+:[\d.:]+)$/m.exec(r.stderr)?.[1];
  return { r, text: `wall ${wall}, peak RSS ${(Number(rss) / 1024).toFixed(0)} MiB` };
}

// reads both files in turn, a batch of each at a time, as rift-diff does, and does nothing else
const READ_ONLY = `
import { openEvents } from '@rift/events';
const its = [];
for (const f of process.argv.slice(1)) its.push((await openEvents(f, { lineNumbers: false })).batches()[Symbol.asyncIterator]());
let n = 0;
for (let open = its.length; open; ) {
  open = 0;
  for (const it of its) { const r = await it.next(); if (!r.done) { n += r.value.length; open++; } }
}
console.log(n);
`;

for (const N of sizes) {
  const a = join(dir, 'a.ndjson');
  const b = join(dir, 'b.ndjson');
  const c = join(dir, 'c.ndjson');
  await write(a, N);
  await write(b, N);
  await write(c, N, N - 1000);
  console.log(`${N} events per trace, ${(statSync(a).size / 1e6).toFixed(0)} MB each (${calls.length} recorded syscalls repeated)`);
  const floor = timed(process.execPath, ['--input-type=module', '-e', READ_ONLY, a, b]);
  console.log(`  read both files only (@rift/events): ${floor.text}`);
  for (const [name, other] of [['identical', b], ['one change near the end', c]]) {
    const { r, text } = timed(bin('rift-diff'), [a, other]);
    const summary = /^summary: .*/m.exec(r.stdout)?.[0] ?? '(no output)';
    console.log(`  ${name}: exit ${r.status}, ${text}; ${summary}`);
  }
  for (const f of [a, b, c]) rmSync(f);
}
rmSync(dir, { recursive: true, force: true });
