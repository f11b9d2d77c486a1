// Compressed traces end to end: `-o FILE.gz` writes gzip as it records (flushed, so a recording
// killed with SIGKILL reads up to its last whole line); every tool that reads a stream reads
// gzip files and gzip on stdin (by its magic bytes), with the messages plain files give.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, gunzipSync, constants as zc } from 'node:zlib';
import { BIN, run, tmp } from './helpers.mjs';

const isGzip = (p) => {
  const b = readFileSync(p);
  return b[0] === 0x1f && b[1] === 0x8b;
};
/** The whole lines of a gzip file as far as it can be decompressed (a cut one too). */
const wholeLines = (p) => {
  const text = gunzipSync(readFileSync(p), { finishFlush: zc.Z_SYNC_FLUSH }).toString('utf8');
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
};
const sh = (cmd, opts = {}) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });

const dir = tmp('rift-gz-');
writeFileSync(join(dir, 'hello.txt'), 'hello\n');

t.test('rift-record -o FILE.gz: gzip, mode 0600; every reader reads it as the plain stream', async (t) => {
  const gz = join(dir, 't.ndjson.gz');
  const r = run('rift-record', ['-o', gz, '--', 'cat', 'hello.txt'], { cwd: dir });
  t.equal(r.status, 0, r.stderr);
  t.ok(isGzip(gz), 'gzip magic');
  t.equal(statSync(gz).mode & 0o777, 0o600, 'mode 0600');
  const plain = join(dir, 't.ndjson');
  writeFileSync(plain, gunzipSync(readFileSync(gz)));
  const lines = readFileSync(plain, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  t.equal(lines[0].type, 'header');
  t.equal(lines.at(-1).type, 'end', 'the trailer was written: a whole recording');
  t.ok(lines.some((e) => e.name === 'read' && e.mem?.some((m) => m.data === 'hello\n')), 'what cat read');

  // the command's exit status, as with a plain file
  t.equal(run('rift-record', ['-o', join(dir, 'x.ndjson.gz'), '--', 'sh', '-c', 'exit 7']).status, 7, 'exit status of the command');
  for (const args of [[], ['-c'], ['-y', '-T'], ['--threads', '2'], ['--format', 'chrome']]) {
    const a = run('rift-trace', [...args, plain]);
    const b = run('rift-trace', [...args, gz]);
    t.equal(b.status, 0, `rift-trace ${args.join(' ')} FILE.gz: ${b.stderr}`);
    t.equal(b.stdout, a.stdout, `rift-trace ${args.join(' ')}: the same text`);
  }
  for (const args of [['read,openat'], ['--threads', '2', '%file'], ['--failed', '/./']]) {
    const sel = args.at(-1);
    const rest = [...args.slice(0, -1), '-e', sel];
    t.equal(run('rift-filter', [...rest, gz]).stdout, run('rift-filter', [...rest, plain]).stdout, `rift-filter ${args.join(' ')}`);
  }
  // stdin: a file, and a pipe (rift-trace reads a pipe live)
  t.equal(sh(`${BIN('rift-trace')} - < ${gz}`).stdout, run('rift-trace', [plain]).stdout, 'rift-trace - < FILE.gz');
  t.equal(sh(`cat ${gz} | ${BIN('rift-trace')} -`).stdout, run('rift-trace', [plain]).stdout, 'cat FILE.gz | rift-trace -');
  t.equal(sh(`cat ${gz} | ${BIN('rift-filter')} -e read -`).stdout, run('rift-filter', ['-e', 'read', plain]).stdout, 'cat FILE.gz | rift-filter');
  // a gzip file by its bytes, whatever its name
  const noName = join(dir, 'renamed');
  writeFileSync(noName, readFileSync(gz));
  t.equal(run('rift-trace', [noName]).stdout, run('rift-trace', [plain]).stdout, 'gzip known by its magic bytes');
  t.equal(run('rift-diff', [plain, gz]).status, 0, 'rift-diff plain FILE.gz: the same');
  t.equal(sh(`${BIN('rift-diff')} ${plain} - < ${gz}`).status, 0, 'rift-diff plain - < FILE.gz');
  // gzip -9 by gzip(1) reads as well
  sh(`gzip -9 -c ${plain} > ${plain}.9.gz`);
  t.equal(run('rift-trace', [`${plain}.9.gz`]).stdout, run('rift-trace', [plain]).stdout, 'gzip(1) -9');
});

t.test('rift-filter -o and rift-replay -o write gzip; rift-replay reads it', async (t) => {
  writeFileSync(join(dir, 'f'), 'recorded\n');
  const gz = join(dir, 'r.ndjson.gz');
  t.equal(run('rift-record', ['-o', gz, '--', 'cat', 'f'], { cwd: dir }).status, 0);
  sh(`rm ${join(dir, 'f')}`);
  const rp = run('rift-replay', [gz, '--', 'cat', 'f'], { cwd: dir });
  t.equal(rp.status, 0, rp.stderr);
  t.equal(rp.stdout, 'recorded\n', 'replayed from the gzip recording');
  const out = join(dir, 'rr.ndjson.gz');
  const rp2 = run('rift-replay', ['-o', out, gz, '--', 'cat', 'f'], { cwd: dir });
  t.equal(rp2.status, 0, rp2.stderr);
  t.ok(isGzip(out), 'rift-replay -o FILE.gz is gzip');
  t.equal(statSync(out).mode & 0o777, 0o600);
  t.equal(run('rift-diff', [gz, out]).status, 0, 'rift-diff of the recording and its replay, both gzip');
  const fo = join(dir, 'filtered.ndjson.gz');
  t.equal(run('rift-filter', ['-e', 'read,openat', '-o', fo, gz]).status, 0);
  t.ok(isGzip(fo), 'rift-filter -o FILE.gz is gzip');
  t.equal(statSync(fo).mode & 0o777, 0o600);
  t.same(wholeLines(fo).map((l) => JSON.parse(l).type).filter((x) => x === 'header'), ['header']);
});

t.test('SIGKILL while recording: what was recorded before is there, to the last whole line', async (t) => {
  // cat runs and exits at once; the shell then sleeps: a recorder that did not flush would still
  // hold all of it in zlib's buffers when killed, and the file would hold only a gzip header
  const gz = join(dir, 'killed.ndjson.gz');
  const child = spawn(BIN('rift-record'), ['-o', gz, '--', 'sh', '-c', 'cat hello.txt > /dev/null; exec sleep 30'], { cwd: dir, stdio: 'ignore' });
  const deadline = Date.now() + 20000;
  // until the sleep has started (its execve is in the file), at most 20 s
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    if (existsSync(gz) && wholeLines(gz).some((l) => l.includes('"name":"execve"') && l.includes('sleep'))) break;
    if (Date.now() > deadline) break;
  }
  await new Promise((r) => setTimeout(r, 300));
  process.kill(child.pid, 'SIGKILL');
  await new Promise((r) => child.on('exit', r));
  t.not(sh(`gzip -t ${gz} 2>&1`).status, 0, 'the gzip stream is cut (no trailer)');
  const whole = wholeLines(gz);
  t.ok(whole.some((l) => l.includes('"name":"openat"') && l.includes('hello.txt')), 'cat\'s open of hello.txt was flushed to the file');
  // every reader takes it as a cut recording: its whole lines, exit 0
  const f = run('rift-filter', ['-e', '/./', gz]);
  t.equal(f.status, 0, f.stderr);
  const got = f.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  t.equal(got.length, whole.length, 'every whole line read');
  t.same(got.map((e) => e.seq ?? 0), whole.map((l) => JSON.parse(l).seq ?? 0), 'in order, none missing');
  t.notOk(got.some((e) => e.type === 'end'), 'no end event: a recording cut short');
  const tr = run('rift-trace', [gz]);
  t.equal(tr.status, 0, tr.stderr);
  t.match(tr.stdout, /openat\(AT_FDCWD, "hello.txt"/);
  t.equal(run('rift-diff', [gz, gz]).status, 0);
});

t.test('SIGKILL in the middle of a fast recording: every whole line written is read', async (t) => {
  const gz = join(dir, 'fast.ndjson.gz');
  const child = spawn(BIN('rift-record'), ['-o', gz, '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=100000000'], { stdio: 'ignore' });
  const deadline = Date.now() + 20000;
  while (Date.now() < deadline && !(existsSync(gz) && statSync(gz).size > 1 << 20)) await new Promise((r) => setTimeout(r, 50));
  process.kill(child.pid, 'SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const whole = wholeLines(gz);
  t.ok(whole.length > 10000, `${whole.length} whole lines in the file`);
  const f = run('rift-filter', ['--syscalls-only', '-e', 'read', gz]);
  t.equal(f.status, 0, f.stderr);
  const reads = whole.filter((l) => l.includes('"name":"read"')).length;
  t.equal(f.stdout.split('\n').filter(Boolean).length, reads + 1, 'every read event of the whole lines, and the header');
});

t.test('a gzip file cut anywhere: its whole lines, as a recording cut short', async (t) => {
  const gz = join(dir, 'big.ndjson.gz');
  t.equal(run('rift-record', ['-o', gz, '--', 'dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=20000']).status, 0);
  const bytes = readFileSync(gz);
  for (const at of [0.3, 0.77]) {
    const cut = join(dir, `cut${at}.gz`);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * at)));
    const whole = wholeLines(cut);
    t.ok(whole.length > 100);
    for (const threads of ['0', '2']) {
      const f = run('rift-filter', ['--threads', threads, '-e', '/./', cut]);
      t.equal(f.status, 0, `cut at ${at}, --threads ${threads}: exit 0 ${f.stderr}`);
      t.equal(f.stdout.split('\n').filter(Boolean).length, whole.length, `cut at ${at}, --threads ${threads}: every whole line`);
    }
    const r = run('rift-trace', [cut]);
    t.equal(r.status, 0, r.stderr);
  }
});

t.test('a damaged gzip stream: FILE:LINE: corrupt gzip stream, exit 2, after the lines before it', async (t) => {
  const gz = join(dir, 'big.ndjson.gz');
  const bytes = Buffer.from(readFileSync(gz));
  bytes[bytes.length - 6] ^= 0xff;  // the CRC of the data
  const bad = join(dir, 'badcrc.gz');
  writeFileSync(bad, bytes);
  for (const tool of ['rift-trace', 'rift-filter', 'rift-diff']) {
    const args = tool === 'rift-filter' ? ['-e', 'read', bad] : tool === 'rift-diff' ? [bad, bad] : [bad];
    const r = run(tool, args);
    t.equal(r.status, 2, `${tool}: exit 2`);
    t.match(r.stderr, new RegExp(`^${tool}: ${bad}:\\d+: corrupt gzip stream: incorrect data check\\n$`), `${tool}: one line`);
  }
  const r = run('rift-filter', ['-e', '/./', bad]);
  const line = Number(/:(\d+): corrupt/.exec(r.stderr)[1]);
  t.ok(line > 100, `the lines before it were read (${line})`);
  const out = r.stdout.split('\n').filter(Boolean);
  t.ok(out.length > 100 && out.length <= line - 1, `lines before line ${line} written (${out.length}; the last batch is not)`);
  t.same(out.slice(0, 100).map((l) => JSON.parse(l).seq ?? 0), wholeLines(gz).slice(0, 100).map((l) => JSON.parse(l).seq ?? 0), 'the first ones, in order');
  const rp = run('rift-replay', [bad, '--', 'true']);
  t.equal(rp.status, 2);
  t.match(rp.stderr, /^rift-replay: .*badcrc\.gz:\d+: corrupt gzip stream/);
  // a gzip header zlib refuses (compression method 9)
  const junk = join(dir, 'junk.gz');
  writeFileSync(junk, Buffer.concat([Buffer.from([0x1f, 0x8b, 9, 0]), Buffer.alloc(100, 0xab)]));
  const j = run('rift-trace', [junk]);
  t.equal(j.status, 2);
  t.match(j.stderr, /^rift-trace: .*junk\.gz:1: corrupt gzip stream: /);
});

t.test('bad input inside gzip: the messages plain files give', async (t) => {
  const H = '{"type":"header","format":"rift-events","version":1,"arch":"x86_64","kernel":"6","start":"2026-01-01T00:00:00.000Z","mode":"launch","tool":"t"}';
  const OK = '{"type":"syscall","seq":1,"pid":1,"tid":1,"ts":0,"nr":3,"name":"close","args":[3],"ret":0,"dur":10}';
  const cases = {
    'not JSON': `${H}\nnope\n${OK}\n`,
    'truncated last line': `${H}\n${OK}\n{"type":"sysc`,
    'missing header': `${OK}\n`,
    'unknown version': H.replace('"version":1', '"version":9') + '\n',
    'not UTF-8': Buffer.concat([Buffer.from(`${H}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${OK}\n`)]),
    'empty': '',
    'two streams (gzip members) one after the other': `${H}\n${OK}\n`,
  };
  for (const [label, content] of Object.entries(cases)) {
    const plain = join(dir, 'case');
    const gz = join(dir, 'case.gz');
    writeFileSync(plain, label.startsWith('two') ? `${content}${content}` : content);
    writeFileSync(gz, label.startsWith('two') ? Buffer.concat([gzipSync(content), gzipSync(content)]) : gzipSync(content));
    for (const tool of ['rift-trace', 'rift-filter -e close']) {
      const [bin, ...rest] = tool.split(' ');
      const a = run(bin, [...rest, plain]);
      const b = run(bin, [...rest, gz]);
      t.equal(b.status, a.status, `${tool}, ${label}: exit ${a.status}`);
      t.equal(b.stderr.replace('case.gz', 'case'), a.stderr, `${tool}, ${label}: ${a.stderr.trim()}`);
    }
    const c = sh(`${BIN('rift-trace')} - < ${gz}`);
    const p = sh(`${BIN('rift-trace')} - < ${plain}`);
    t.equal(c.stderr, p.stderr, `stdin, ${label}`);
  }
});

t.test('zstd, xz, bzip2: said so, exit 2', async (t) => {
  const plain = join(dir, 'z.ndjson');
  writeFileSync(plain, readFileSync(join(dir, 't.ndjson')));
  for (const [tool, ext] of [['zstd', 'zst'], ['xz', 'xz'], ['bzip2', 'bz2']]) {
    if (sh(`command -v ${tool}`).status !== 0) continue;
    sh(`${tool} -c ${plain} > ${plain}.${ext}`);
    const r = run('rift-trace', [`${plain}.${ext}`]);
    t.equal(r.status, 2, tool);
    t.match(r.stderr, new RegExp(`:1: compressed with ${tool}, which rift does not read`), tool);
    const s = sh(`${BIN('rift-filter')} -e read - < ${plain}.${ext}`);
    t.match(s.stderr, /stdin:1: compressed with/, `${tool} on stdin`);
  }
});

t.test('a file that cannot be written: one line, exit 2, as a plain file', async (t) => {
  const r = run('rift-record', ['-o', join(dir, 'no', 'such', 'dir.ndjson.gz'), '--', 'true']);
  t.equal(r.status, 2);
  t.match(r.stderr, /^rift-record: .*dir\.ndjson\.gz: No such file or directory\n$/);
});

// a gzip recording written by rift-record with flushes reads whole even when the recording runs
// long: each flush ends a deflate block, and a long run of blocks still ends with one trailer
t.test('a long recording to .gz: complete, and its size', async (t) => {
  const gz = join(dir, 'long.ndjson.gz');
  t.equal(run('rift-record', ['-o', gz, '--', 'find', '/usr/include'], { stdio: ['ignore', 'ignore', 'pipe'] }).status, 0);
  t.equal(sh(`gzip -t ${gz}`).status, 0, 'a whole gzip stream');
  const lines = wholeLines(gz);
  t.ok(lines.length > 10000, `${lines.length} lines`);
  t.equal(JSON.parse(lines.at(-1)).type, 'end');
  const plainSize = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
  t.ok(statSync(gz).size * 4 < plainSize, `gzip ${statSync(gz).size} bytes, plain ${plainSize}`);
});
