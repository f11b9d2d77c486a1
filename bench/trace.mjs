// rift-filter and rift-trace over a stream of a million events, against
// jq -c 'select(.name=="read")' on the same file in the same run. Prints times, peak memory
// (max RSS, from /usr/bin/time when present) and ratios to jq.
//   node bench/trace.mjs [EVENTS] [--runs N] [--keep]
// EVENTS defaults to 1000000. --runs N: N rounds of every command (interleaved), the shortest time
// of each counts (on a shared machine one run is noisy). The generated file is deleted at the end
// unless --keep (to profile on it: node --cpu-prof node_modules/.bin/rift-trace FILE > /dev/null).
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const BIN = (n) => join(ROOT, 'node_modules', '.bin', n);
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  argv.splice(i, 1);
  return true;
};
const option = (name) => {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  return argv.splice(i, 2)[1];
};
const KEEP = flag('--keep') ?? false;
const RUNS = Math.max(1, Number(option('--runs') ?? 1));
const N = Number(argv[0] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'rift-bench-'));

// a real recording, its syscalls repeated (seq and ts renumbered) up to N events
const seed = join(dir, 'seed.ndjson');
spawnSync(BIN('rift-record'), ['-o', seed, '--', 'sh', '-c', 'cat /etc/passwd /etc/hostname > /dev/null; ls /usr > /dev/null'], { stdio: 'ignore' });
const lines = readFileSync(seed, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const header = lines[0];
const body = lines.filter((e) => e.type === 'syscall');
const file = join(dir, 'big.ndjson');
const out = createWriteStream(file);
out.write(JSON.stringify(header) + '\n');
let buf = '';
let ts = 0;
for (let i = 0; i < N - 2; i++) {
  // each call starts 1 us after the previous one returned, as in a real recording (with a fixed
  // 1 us step, calls that took longer overlapped the next one of the same thread, which cannot
  // happen, and every one printed as an <unfinished ...> / <... resumed> pair)
  const src = body[i % body.length];
  const e = { ...src, seq: i + 1, ts: (ts += 1000) };
  ts += src.dur ?? 0;
  buf += JSON.stringify(e) + '\n';
  if (buf.length > 1 << 20) {
    if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
    buf = '';
  }
}
buf += JSON.stringify({ type: 'end', seq: N - 1, ts: ts + 1, reason: 'exit', exitCode: 0 }) + '\n';
out.end(buf);
await new Promise((r) => out.on('finish', r));
// the same events gzipped as rift-record -o FILE.gz writes them (the writer: @rift/events openOutput)
const gz = `${file}.gz`;
const t0 = process.hrtime.bigint();
spawnSync(BIN('rift-filter'), ['-e', '/./', '-o', gz, file], { stdio: 'ignore' });
const gzSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`input: ${N} events, ${(statSync(file).size / 1e6).toFixed(0)} MB (${KEEP ? file : 'deleted at the end; --keep keeps it'})${RUNS > 1 ? `, best of ${RUNS} interleaved rounds` : ''}`);
console.log(`gzip: ${(statSync(gz).size / 1e6).toFixed(1)} MB, ${(statSync(file).size / statSync(gz).size).toFixed(1)}x smaller (written by rift-filter -o FILE.gz in ${gzSeconds.toFixed(2)} s)`);

const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
function measureOnce(label, cmd, args) {
  const t0 = process.hrtime.bigint();
  let rss = 0;
  let r;
  if (timeBin) {
    r = spawnSync(timeBin, ['-f', '%M', 'sh', '-c', `"$0" "$@" > /dev/null`, cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    rss = Number(r.stderr.trim().split('\n').pop()) * 1024;
  } else {
    r = spawnSync('sh', ['-c', `"$0" "$@" > /dev/null`, cmd, ...args], { encoding: 'utf8' });
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) console.log(`${label}: exit ${r.status} ${r.stderr}`);
  return { label, s, rss };
}
const haveJq = spawnSync('jq', ['--version']).status === 0;
if (!haveJq) console.log('jq is not installed (apt-get install -y jq): no ratios');
const commands = [
  ...(haveJq ? [["jq -c 'select(.name==\"read\")'", 'jq', ['-c', 'select(.name=="read")', file]]] : []),
  // on worker threads (the default for a file this size on 2 CPUs or more), and for the text and
  // %file also on the main thread alone (--threads 0)
  ['rift-filter read', BIN('rift-filter'), ['read', file]],
  ['rift-filter --syscalls-only %file', BIN('rift-filter'), ['--syscalls-only', '%file', file]],
  ['rift-filter --threads 0 ... %file', BIN('rift-filter'), ['--threads', '0', '--syscalls-only', '%file', file]],
  ['rift-trace (text)', BIN('rift-trace'), [file]],
  ['rift-trace --threads 0 (text)', BIN('rift-trace'), ['--threads', '0', file]],
  ['rift-trace -c', BIN('rift-trace'), ['-c', file]],
  // the same file gzipped (decompressed on libuv's thread pool while the main thread parses)
  ['rift-filter read (.gz)', BIN('rift-filter'), ['read', gz]],
  ['rift-trace (text, .gz)', BIN('rift-trace'), [gz]],
  ['rift-trace --threads 0 (text, .gz)', BIN('rift-trace'), ['--threads', '0', gz]],
  ['rift-trace -c (.gz)', BIN('rift-trace'), ['-c', gz]],
];
// Rounds: each command once per round, the shortest time of each counts, the largest peak RSS
// is shown. Interleaved rather than N runs of one command then N of the next: on a machine
// shared with other work, a burst of load then slows every command alike instead of all the
// runs of one of them, which skewed its ratio to jq.
const best = new Map();
for (let round = 0; round < RUNS; round++) {
  for (const [label, cmd, args] of commands) {
    const r = measureOnce(label, cmd, args);
    const b = best.get(label);
    best.set(label, { ...(b && b.s <= r.s ? b : r), rss: Math.max(r.rss, b?.rss ?? 0) });
  }
}
const results = [...best.values()];
const jq = haveJq ? results[0] : undefined;
for (const r of results) {
  const ratio = jq ? `  ${(r.s / jq.s).toFixed(2)}x jq` : '';
  console.log(`${r.label.padEnd(36)} ${r.s.toFixed(2).padStart(7)} s  ${r.rss ? (r.rss / 1e6).toFixed(0).padStart(5) + ' MB' : ''}${ratio}`);
}
if (!KEEP) rmSync(dir, { recursive: true, force: true });
