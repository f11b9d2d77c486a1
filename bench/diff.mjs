// rift-diff benchmark: two synthetic traces of N events (default 1,000,000) made by repeating a
// real recording's syscall events with new seq numbers; diffed identical, then with one change
// near the end. Prints wall time and peak RSS of the rift-diff process (/usr/bin/time -v).
//   node bench/diff.mjs [N]
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (n) => join(ROOT, 'node_modules', '.bin', n);
const N = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'rift-bench-diff-'));
const src = join(dir, 'src.ndjson');
spawnSync(bin('rift-record'), ['-o', src, '--', 'ls', '-l', '/usr/bin'], { stdio: 'ignore' });
const lines = readFileSync(src, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const header = lines[0];
const calls = lines.filter((e) => e.type === 'syscall' && e.tid === lines[1].tid && e.name !== 'exit_group');

async function write(file, changeAt) {
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
const a = join(dir, 'a.ndjson');
const b = join(dir, 'b.ndjson');
const c = join(dir, 'c.ndjson');
await write(a);
await write(b);
await write(c, N - 1000);
console.log(`${N} events per trace, ${(statSync(a).size / 1e6).toFixed(0)} MB each (${calls.length} recorded syscalls repeated)`);
for (const [name, other] of [['identical', b], ['one change near the end', c]]) {
  const r = spawnSync('/usr/bin/time', ['-v', bin('rift-diff'), a, other], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  const wall = /Elapsed \(wall clock\).*?: (\d+:[\d.:]+)$/m.exec(r.stderr)?.[1];
  const summary = /^summary: .*/m.exec(r.stdout)?.[0] ?? '(no output)';
  console.log(`${name}: exit ${r.status}, wall ${wall}, peak RSS ${(Number(rss) / 1024).toFixed(0)} MiB; ${summary}`);
}
