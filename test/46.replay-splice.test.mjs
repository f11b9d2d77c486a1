// Data moved inside the kernel (copy_file_range, sendfile, splice, tee): recorded and replayed.
//
// rift-record reads back the bytes such a call took from a regular file (an exit capture of
// its source descriptor argument, whole unless --no-data). Replay answers those calls from the
// recording as it does reads, whether the file is still there or not: the call is skipped and
// the recorded bytes are written to the destination for real (at its position, or at
// *off_out), so `cat f > out` after `rm f` rebuilds out byte for byte; a pipe that gets them
// passes them on to real splice and tee calls. Bytes taken from a pipe are not recorded (those
// calls run for real); a recording without the bytes (--no-data) replays the counts and the
// offsets and warns that the output does not get them.
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, fixture, parse, record, syscalls, tmp } from './helpers.mjs';

/** rift-replay in `dir` (PWD too: sh checks it); stdout to a pipe we read. */
function replay(dir, trace, cmd, extra = []) {
  const env = { ...process.env, PWD: dir };
  return spawnSync(BIN('rift-replay'), [...extra, trace, '--', ...cmd], { cwd: dir, env, encoding: 'latin1', timeout: 30000 });
}

/** Records `sh -c 'exec cat f > out'`: cat's stdout a file, which makes coreutils' cat use copy_file_range. */
function recordCatToFile(dir, data, extra = []) {
  writeFileSync(join(dir, 'f'), data);
  const rec = record(['sh', '-c', 'exec cat f > out'], extra, { cwd: dir, env: { ...process.env, PWD: dir } });
  if (rec.status !== 0) throw new Error(rec.stderr);
  const cfr = syscalls(rec.events, 'copy_file_range');
  return { rec, cfr };
}

/**
 * What jq finds in the recording: the bytes of the exit captures of argument `arg` of the calls
 * named `name` that moved something, concatenated (base64 decoded by base64 -d).
 */
function jqMoved(file, name, arg) {
  const q = `select(.type=="syscall" and .name=="${name}" and .ret > 0) | .mem[]? | select(.arg==${arg} and .at=="exit") | if .enc=="base64" then .data else (.data|@base64) end`;
  const b64 = execFileSync('jq', ['-r', q, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return Buffer.concat(b64.split('\n').filter(Boolean).map((l) => Buffer.from(l, 'base64')));
}

/** The lines of rift-trace (or strace) for these calls, the spaces before ` = ` squeezed. */
function callLines(text, names) {
  const re = new RegExp(`^(${names.join('|')})\\(`);
  return text.split('\n').filter((l) => re.test(l)).map((l) => l.replace(/\s+= /, ' = '));
}

/** strace -o FILE -e trace=NAMES -- cmd, run in dir; its lines for those calls. */
function straceLines(dir, names, cmd) {
  const out = join(tmp(), 'strace.txt');
  const r = spawnSync('strace', ['-qq', '-o', out, '-e', `trace=${names.join(',')}`, '--', ...cmd], { cwd: dir, encoding: 'latin1', timeout: 30000 });
  if (r.status !== 0) throw new Error(`strace: ${r.stderr}`);
  return callLines(readFileSync(out, 'latin1'), names);
}

function riftTraceLines(file, names) {
  const r = spawnSync(BIN('rift-trace'), [file], { encoding: 'latin1', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`rift-trace: ${r.stderr}`);
  return callLines(r.stdout, names);
}

t.test('cat f > file: the recording holds the bytes copy_file_range moved; rift-trace prints the calls as strace does', async (t) => {
  const dir = tmp();
  const data = randomBytes(200 * 1024);
  const { rec, cfr } = recordCatToFile(dir, data);
  t.ok(cfr.some((e) => e.ret > 0), 'cat used copy_file_range');
  t.ok(jqMoved(rec.file, 'copy_file_range', 0).equals(data), 'jq: the exit captures of argument 0 are the file, whole');
  for (const e of cfr.filter((x) => x.ret > 0)) {
    const c = e.mem.find((m) => m.arg === 0 && m.at === 'exit');
    t.equal(c.len, e.ret, `seq ${e.seq}: len is the count moved`);
    t.equal(c.full, undefined, 'not cut');
  }
  t.notOk(cfr.filter((x) => x.ret === 0).some((e) => e.mem?.some((m) => m.at === 'exit')), 'nothing moved, nothing captured');

  const strace = straceLines(dir, ['copy_file_range'], ['sh', '-c', 'exec cat f > out']);
  t.ok(strace.length >= 2, `strace saw the calls: ${strace}`);
  t.same(riftTraceLines(rec.file, ['copy_file_range']), strace, 'rift-trace lines = strace lines');

  t.test('--no-data: bounded by -s like read data', async (t) => {
    const { rec, cfr } = recordCatToFile(tmp(), data, ['--no-data', '-s', '100']);
    const e = cfr.find((x) => x.ret > 0);
    const c = e.mem.find((m) => m.arg === 0 && m.at === 'exit');
    t.equal(c.len, 100);
    t.equal(c.full, e.ret);
    t.equal(Buffer.from(c.data, c.enc === 'base64' ? 'base64' : 'utf8').toString('hex'), data.subarray(0, 100).toString('hex'));
    t.ok(rec.events.length > 0);
  });
});

t.test('cat f > file, f still there: the recorded bytes, as a read would get them (--passthru runs it for real)', async (t) => {
  const dir = tmp();
  const data = randomBytes(100_000);
  const { rec } = recordCatToFile(dir, data);
  t.same(readFileSync(join(dir, 'out')), data);
  rmSync(join(dir, 'out'));
  let r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out']);
  t.equal(r.status, 0, r.stderr);
  t.notMatch(r.stderr, /warning/);
  t.ok(readFileSync(join(dir, 'out')).equals(data), 'the bytes, whole');

  // f changed since (same size, other bytes): the recording's bytes, not today's
  const now = randomBytes(100_000);
  writeFileSync(join(dir, 'f'), now);
  rmSync(join(dir, 'out'));
  r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out']);
  t.equal(r.status, 0, r.stderr);
  t.ok(readFileSync(join(dir, 'out')).equals(data), 'f changed: out is what cat copied when recorded');
  rmSync(join(dir, 'out'));
  r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out'], ['--passthru', 'copy_file_range']);
  t.equal(r.status, 0, r.stderr);
  t.ok(readFileSync(join(dir, 'out')).equals(now), '--passthru copy_file_range: run for real, f as it is now');
});

for (const [name, data] of [
  ['text', Buffer.from('hello world\nline 2\n')],
  ['binary, 200 KiB', randomBytes(200 * 1024)],
]) {
  t.test(`cat f > file after rm f (${name}): out gets the recorded bytes`, async (t) => {
    const dir = tmp();
    const { rec, cfr } = recordCatToFile(dir, data);
    t.ok(cfr.some((e) => e.ret > 0), 'cat used copy_file_range');
    rmSync(join(dir, 'f'));
    rmSync(join(dir, 'out'));
    const r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out']);
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /warning|desync/);
    t.ok(readFileSync(join(dir, 'out')).equals(data), 'the recorded bytes are written to the file');

    t.test('replay -o: its stream holds them too, and rift-diff finds no difference', async (t) => {
      rmSync(join(dir, 'out'));
      const mine = join(dir, 'r.ndjson');
      const r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out'], ['-o', mine]);
      t.equal(r.status, 0, r.stderr);
      t.ok(readFileSync(join(dir, 'out')).equals(data));
      const moved = syscalls(parse(readFileSync(mine, 'utf8')), 'copy_file_range').filter((e) => e.ret > 0);
      t.ok(moved.length && moved.every((e) => e.skipped), 'answered from the recording');
      t.ok(jqMoved(mine, 'copy_file_range', 0).equals(data), 'the bytes, in the replay stream');
      const d = spawnSync(BIN('rift-diff'), [rec.file, mine], { encoding: 'utf8' });
      t.equal(d.status, 0, d.stdout + d.stderr);
    });
  });
}

t.test('cat f > file after rm f, recorded with --no-data: counts replayed, a warning says the bytes are not there', async (t) => {
  const dir = tmp();
  const data = randomBytes(200 * 1024);
  const { rec, cfr } = recordCatToFile(dir, data, ['--no-data']);
  const moved = cfr.filter((e) => e.ret > 0);
  rmSync(join(dir, 'f'));
  rmSync(join(dir, 'out'));
  const r = replay(dir, rec.file, ['sh', '-c', 'exec cat f > out']);
  t.equal(r.status, 0, r.stderr);
  // (--no-data cut the loader's reads too: those run for real, with warnings of their own)
  const warnings = r.stderr.split('\n').filter((l) => l.includes('inside the kernel'));
  t.equal(warnings.length, 1, `one warning, however many calls: ${r.stderr}`);
  t.match(warnings[0] ?? '', new RegExp(`^rift-replay: warning: event ${moved[0].seq}: copy_file_range moved ${moved[0].ret} bytes inside the kernel from fd 3, whose file is gone, to fd 1; the recording does not hold them`));
  t.equal(readFileSync(join(dir, 'out')).length, 0, 'out does not get them');
});

t.test('cat f to a pipe after rm f: read and write, replayed byte for byte', async (t) => {
  const dir = tmp();
  const data = randomBytes(100_000);
  writeFileSync(join(dir, 'f'), data);
  const rec = spawnSync(BIN('rift-record'), ['-o', join(dir, 't.ndjson'), '--', 'cat', 'f'], { cwd: dir, encoding: 'latin1', maxBuffer: 1 << 24 });
  t.equal(rec.status, 0, rec.stderr);
  t.ok(Buffer.from(rec.stdout, 'latin1').equals(data));
  rmSync(join(dir, 'f'));
  const r = replay(dir, join(dir, 't.ndjson'), ['cat', 'f']);
  t.equal(r.status, 0, r.stderr);
  t.notMatch(r.stderr, /warning/);
  t.ok(Buffer.from(r.stdout, 'latin1').equals(data), 'the bytes cat read when recorded, whole');
});

t.test('sendfile to a pipe (prog f | cat > out, and a reader that starts late) after rm f', async (t) => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'sf.c'),
    `#include <fcntl.h>
#include <stdio.h>
#include <sys/sendfile.h>
int main(int argc, char **argv) {
  int in = open(argv[1], O_RDONLY);
  if (in < 0) return 1;
  ssize_t n, total = 0;
  while ((n = sendfile(1, in, NULL, 1 << 20)) > 0) total += n;
  fprintf(stderr, "sent %zd\\n", total);
  return n < 0;
}
`,
  );
  execFileSync('gcc', ['-O1', '-Wall', '-o', join(dir, 'sf'), join(dir, 'sf.c')]);
  const data = randomBytes(300_000);
  for (const reader of ['cat', '(sleep 0.3; cat)']) {
    const cmd = ['sh', '-c', `./sf f | ${reader} > out`];
    writeFileSync(join(dir, 'f'), data);
    const rec = record(cmd, [], { cwd: dir, env: { ...process.env, PWD: dir } });
    t.equal(rec.status, 0, rec.stderr);
    const sf = syscalls(rec.events, 'sendfile').filter((e) => e.ret > 0);
    t.ok(sf.length > 1, `${reader}: sendfile moved the file in ${sf.length} calls into the pipe`);
    t.ok(jqMoved(rec.file, 'sendfile', 1).equals(data), `${reader}: jq: the exit captures of argument 1 are the file`);
    rmSync(join(dir, 'f'));
    rmSync(join(dir, 'out'));
    const r = replay(dir, rec.file, cmd);
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /warning|desync/);
    t.match(r.stderr, /sent 300000/);
    t.ok(readFileSync(join(dir, 'out')).equals(data), `${reader}: the pipe got the recorded bytes, whole and in order`);
  }
});

t.test('vmsplice: memory into a pipe, printed as strace does, replayed', async (t) => {
  const dir = tmp();
  writeFileSync(
    join(dir, 'vm.c'),
    `#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/uio.h>
#include <unistd.h>
int main(void) {
  int p[2];
  if (pipe(p)) return 1;
  char a[] = "hello", b[] = " world", got[32] = {0};
  struct iovec v[2] = {{a, 5}, {b, 6}};
  if (vmsplice(p[1], v, 2, 0) != 11 || read(p[0], got, sizeof got - 1) != 11) return 1;
  printf("%s\\n", got);
  return 0;
}
`,
  );
  execFileSync('gcc', ['-O1', '-Wall', '-o', join(dir, 'vm'), join(dir, 'vm.c')]);
  const rec = record(['./vm'], [], { cwd: dir });
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.stdout, 'hello world\n');
  const theirs = straceLines(dir, ['vmsplice'], ['./vm']);
  t.same(theirs, ['vmsplice(4, [{iov_base="hello", iov_len=5}, {iov_base=" world", iov_len=6}], 2, 0) = 11']);
  t.same(riftTraceLines(rec.file, ['vmsplice']), theirs, 'rift-trace line = strace line');
  const r = replay(dir, rec.file, ['./vm']);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'hello world\n');
});

t.test('sendfile, splice file->pipe->file and tee (C fixture)', async (t) => {
  const prog = fixture('replay_splice');
  const dir = tmp();
  const data = randomBytes(100_000);
  writeFileSync(join(dir, 'in'), data);
  const cmd = [prog, 'in', 'out'];
  const rec = record(cmd, [], { cwd: dir });
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.stdout, 'sendfile 1000 off=1005, sendfile 3000, splice 4096, tee 4096, splice 4096, splice 4096 at=74096\n');
  const recorded = readFileSync(join(dir, 'out'));
  const want = Buffer.alloc(74096);
  data.copy(want, 0, 5, 1005);
  data.copy(want, 1000, 0, 3000);
  data.copy(want, 4000, 3000, 7096);
  data.copy(want, 70000, 3000, 7096);
  t.ok(recorded.equals(want), 'the fixture does what it says');
  for (const n of ['sendfile', 'splice', 'tee']) t.ok(syscalls(rec.events, n).length > 0, `${n} recorded`);

  t.test('record: the bytes taken from the file, from where each call started; none from a pipe', async (t) => {
    t.ok(jqMoved(rec.file, 'sendfile', 1).equals(Buffer.concat([data.subarray(5, 1005), data.subarray(0, 3000)])), 'sendfile: from *offset (5), then from the position (0)');
    const splices = syscalls(rec.events, 'splice');
    const fromFile = splices.filter((e) => e.args[0] === 3);
    t.equal(fromFile.length, 1);
    t.ok(jqMoved(rec.file, 'splice', 0).equals(data.subarray(3000, 7096)), 'splice from the file: at its position (3000)');
    t.notOk(splices.filter((e) => e.args[0] !== 3).some((e) => e.mem?.some((m) => m.at === 'exit')), 'splice from a pipe: nothing captured');
    t.notOk(syscalls(rec.events, 'tee').some((e) => e.mem?.length), 'tee: nothing captured');
  });

  t.test('rift-trace prints them as strace does', async (t) => {
    const names = ['sendfile', 'splice', 'tee'];
    const theirs = straceLines(dir, names, cmd);
    const ours = riftTraceLines(rec.file, names);
    t.equal(ours.length, 6);
    // strace shows sendfile's offset before and after the call: strace 6 as `[5] => [1005]`,
    // strace 7 (whose test suite is rift's yardstick, issue 17) as `[5 => 1005]`, as rift-trace
    const as7 = theirs.map((l) => (l.startsWith('sendfile(') ? l.replace(/\[(\d+)\] => \[(\d+)\]/, '[$1 => $2]') : l));
    t.same(ours, as7, 'the same lines, sendfile(4, 3, [5 => 1005], 1000) as strace 7 writes it');
  });

  t.test('input still there: the same bytes', async (t) => {
    rmSync(join(dir, 'out'));
    const r = replay(dir, rec.file, cmd);
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /warning|desync/);
    t.equal(r.stdout, rec.stdout);
    t.ok(readFileSync(join(dir, 'out')).equals(recorded), 'byte for byte');
  });

  t.test('input gone: byte for byte, offsets advanced as the kernel does', async (t) => {
    rmSync(join(dir, 'out'));
    rmSync(join(dir, 'in'));
    const r = replay(dir, rec.file, cmd);
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /warning|desync/);
    t.equal(r.stdout, rec.stdout, 'what it printed when recorded: *off and *off_out advanced as the kernel does');
    t.ok(readFileSync(join(dir, 'out')).equals(recorded), 'byte for byte: sendfile and splice wrote the recorded bytes, tee and the splices from the pipes ran on them');
    writeFileSync(join(dir, 'in'), data);
  });

  t.test('recorded with --no-data, input gone: ends (no wait on the empty pipe), warns, offsets right', async (t) => {
    writeFileSync(join(dir, 'in'), data);
    const nd = record(cmd, ['--no-data'], { cwd: dir });
    t.equal(nd.status, 0, nd.stderr);
    rmSync(join(dir, 'out'));
    rmSync(join(dir, 'in'));
    const r = replay(dir, nd.file, cmd);
    t.equal(r.status, 0, r.stderr);
    t.not(r.signal, 'SIGTERM', 'not stopped by the test timeout');
    t.match(r.stderr, /warning: event \d+: sendfile moved 1000 bytes inside the kernel from fd 3, whose file is gone, to fd 4/);
    t.match(r.stderr, /warning: event \d+: tee moved 4096 bytes inside the kernel from fd 5, a pipe that did not get its own bytes, to fd 8/);
    t.notMatch(r.stderr, /desync/);
    t.equal(r.stdout, rec.stdout, 'what it printed when recorded');
    t.notOk(readFileSync(join(dir, 'out')).equals(recorded), 'out does not get the bytes');
  });
});
