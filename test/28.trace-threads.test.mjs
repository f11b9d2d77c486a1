// rift-trace --threads N: lines parsed and decoded on N threads are the same bytes as on one
// (--threads 0), for real recordings under the options that change a line, across regions of the
// input (64 KiB each), for bad input, --lenient, stdin, several files and a closed pipe; and
// rift-filter --threads N writes the same stream as on one thread.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, PYTHON, fixture, record, run, tmp } from './helpers.mjs';

const dir = tmp();

/**
 * A recording's events repeated after its header, seq and ts moved on each time, until the file
 * holds at least `bytes`: many regions, and lines that depend on what came regions before (pid
 * prefixes, unfinished/resumed pairs).
 */
function repeated(file, bytes) {
  const [header, ...body] = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const events = body.filter((e) => e.type !== 'end');
  const span = Math.max(...events.map((e) => e.ts + (e.dur ?? 0))) + 1000;
  const lines = [JSON.stringify(header)];
  let size = 0, seq = 0;
  for (let round = 0; size < bytes; round++) {
    for (const e of events) {
      const line = JSON.stringify({ ...e, seq: ++seq, ts: e.ts + round * span });
      lines.push(line);
      size += line.length + 1;
    }
  }
  lines.push(JSON.stringify({ type: 'end', seq: ++seq, ts: lines.length * span, reason: 'exit', exitCode: 0 }));
  const out = join(dir, `${file.split('/').at(-2)}.ndjson`);
  writeFileSync(out, lines.join('\n') + '\n');
  return out;
}

const recordings = {
  // processes: pid prefixes once the first child lives
  'sh with children': record(['/bin/sh', '-c', 'cat /etc/passwd > /dev/null; ls -la /usr > /dev/null; exit 3']).file,
  // threads blocked in read: <unfinished ...> / <... resumed> pairs, a signal, an exit code
  'threads': record([fixture('trace_threads', ['-pthread'])]).file,
  python3: record([PYTHON, '-S', '-c', 'import os; os.listdir("/etc"); open("/etc/hostname").read()']).file,
};
const big = Object.fromEntries(Object.entries(recordings).map(([k, f]) => [k, repeated(f, 1 << 20)]));

const trace = (threads, args, opts = {}) => run('rift-trace', ['--threads', String(threads), ...args], opts);

// every set on the first recording, two on the others
const OPTION_SETS = [[], ['-e', 'read,openat,write', '-T'], ['-s', '80', '-x'], ['-xx', '-v'], ['-tt'], ['-r']];

for (const [label, file] of Object.entries(big)) {
  t.test(`${label}: the same text on 2 threads as on one, under each option set`, async (t) => {
    t.ok(statSync(file).size > 16 * (1 << 16), 'the input spans many regions');
    for (const opts of label === 'sh with children' ? OPTION_SETS : OPTION_SETS.slice(0, 2)) {
      const one = trace(0, [...opts, file]);
      const two = trace(2, [...opts, file]);
      t.equal(one.status, 0);
      t.equal(two.status, 0);
      t.ok(one.stdout.split('\n').length > 200, `${opts.join(' ') || 'no options'}: many lines`);
      t.ok(one.stdout === two.stdout, `${opts.join(' ') || 'no options'}: identical`);
    }
    if (label === 'threads') t.match(trace(2, [file]).stdout, /<\.\.\. read resumed>/, 'resumed lines come through');
  });
}

t.test('colour, and -f -o FILE (every line with its pid), are the same on threads', async (t) => {
  const file = big['sh with children'];
  const env = { ...process.env, FORCE_COLOR: '1', NO_COLOR: '' };  // tap sets NO_COLOR
  const one = trace(0, [file], { env });
  t.match(one.stdout, /\u001b\[/, 'coloured');
  t.ok(one.stdout === trace(3, [file], { env }).stdout, 'coloured text identical');
  const a = join(dir, 'a.txt'), b = join(dir, 'b.txt');
  trace(0, ['-f', '-o', a, file]);
  trace(2, ['-f', '-o', b, file]);
  t.match(readFileSync(a, 'utf8'), /^\d+ +execve\(/, 'pid on every line');
  t.ok(readFileSync(a, 'utf8') === readFileSync(b, 'utf8'), 'identical');
});

t.test('stdin and several files', async (t) => {
  const files = [big.threads, big.python3];
  const one = trace(0, files);
  t.ok(one.stdout === trace(2, files).stdout, 'two files: identical');
  const viaStdin = spawnSync(BIN('rift-trace'), ['--threads', '2', '-'], { input: readFileSync(big.threads), encoding: 'utf8', maxBuffer: 1 << 28 });
  t.ok(viaStdin.stdout === trace(0, [big.threads]).stdout, 'stdin: identical');
});

/** `file` with line `n` (1-based) replaced by `text`. */
function withLine(file, n, text, name) {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[n - 1] = text;
  const out = join(dir, name);
  writeFileSync(out, lines.join('\n'));
  return out;
}

t.test('a bad line regions into the input: the same FILE:LINE error, and --lenient the same count', async (t) => {
  const src = big.python3;
  const n = readFileSync(src, 'utf8').split('\n').length;
  const deep = Math.floor(n * 0.7);
  for (const [label, file, re] of [
    ['not JSON', withLine(src, deep, 'nope', 'notjson.ndjson'), /:(\d+): not JSON/],
    ['a second header', withLine(src, deep, readFileSync(src, 'utf8').split('\n')[0], 'header2.ndjson'), /:(\d+): a second header line/],
    ['an empty line', withLine(src, deep, '', 'empty.ndjson'), /:(\d+): empty line/],
  ]) {
    const one = trace(0, [file]);
    const two = trace(2, [file]);
    t.equal(two.status, 2, `${label}: exit 2`);
    t.equal(Number(re.exec(two.stderr)?.[1]), deep, `${label}: line ${deep} named`);
    t.equal(two.stderr, one.stderr, `${label}: the same message`);
    const l1 = trace(0, ['--lenient', file]), l2 = trace(2, ['--lenient', file]);
    t.equal(l2.stderr, 'rift-trace: skipped 1 bad line\n');
    t.ok(l1.stdout === l2.stdout && l1.status === 0 && l2.status === 0, `${label}: --lenient, identical text`);
  }
  // a last line cut short
  const text = readFileSync(src, 'utf8');
  const cut = join(dir, 'cut.ndjson');
  writeFileSync(cut, text.slice(0, text.length - 40));
  t.equal(trace(2, [cut]).stderr, trace(0, [cut]).stderr, 'truncated last line: the same message');
  t.match(trace(2, [cut]).stderr, /:\d+: truncated last line/);
});

t.test('a closed pipe ends quietly, the threads stopped', async (t) => {
  const r = spawnSync('sh', ['-c', `"${BIN('rift-trace')}" --threads 2 "${big['sh with children']}" | head -1`], { encoding: 'utf8', timeout: 60000 });
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.match(r.stdout, /^execve\(/);
});

t.test('rift-filter: the same stream on 2 threads as on one', async (t) => {
  const filter = (threads, args) => run('rift-filter', ['--threads', String(threads), ...args]);
  for (const [label, file] of Object.entries(big)) {
    for (const args of [['read,openat'], ['--syscalls-only', '%file'], ['!%memory', '--failed'], ['--min-dur', '5us']]) {
      const one = filter(0, [...args, file]);
      const two = filter(2, [...args, file]);
      t.equal(two.status, 0);
      t.ok(one.stdout.split('\n').length > 10, `${label}, ${args.join(' ')}: lines kept`);
      t.ok(one.stdout === two.stdout, `${label}, ${args.join(' ')}: identical`);
    }
  }
  const r = spawnSync('sh', ['-c', `"${BIN('rift-filter')}" --threads 2 read "${big.python3}" | head -1`], { encoding: 'utf8', timeout: 60000 });
  t.equal(r.status, 0, 'a closed pipe ends quietly');
  t.match(r.stdout, /^\{"type":"header"/);
});

t.test('--threads takes 0 to 64', async (t) => {
  for (const bin of ['rift-trace', 'rift-filter']) {
    const r = run(bin, ['--threads', '-1', big.threads]);
    t.equal(r.status, 2);
    t.match(r.stderr, new RegExp(`^${bin}: --threads: expected 0 to 64, got '-1'\n$`));
  }
});
