// Bad input, truncated traces, replay's own stream, the inject/passthru overrides.
import t from 'tap';
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { record, run, tmp, parse } from './helpers.mjs';

function catTrace(content = 'recorded\n') {
  const dir = tmp();
  const f = join(dir, 'f.txt');
  writeFileSync(f, content);
  const rec = record(['cat', f]);
  return { dir, f, rec, lines: readFileSync(rec.file, 'utf8').split('\n').filter(Boolean) };
}

t.test('usage errors exit 2', async (t) => {
  const none = run('rift-replay', []);
  t.equal(none.status, 2);
  t.match(none.stderr, /no trace file given/);
  const noCmd = run('rift-replay', ['x.ndjson', '--']);
  t.equal(noCmd.status, 2);
  t.match(noCmd.stderr, /nothing to replay/);
  const missing = run('rift-replay', ['/nonexistent/t.ndjson', '--', 'true']);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /\/nonexistent\/t\.ndjson:1: cannot read: no such file/);
  const dir = tmp();
  writeFileSync(join(dir, 'x.txt'), 'hello\n');
  const notStream = run('rift-replay', [join(dir, 'x.txt'), '--', 'true']);
  t.equal(notStream.status, 2);
  t.match(notStream.stderr, /x\.txt:1: not a rift event stream/);
  const badInject = run('rift-replay', ['--inject', 'mmap', join(dir, 'x.txt'), '--', 'true']);
  t.equal(badInject.status, 2);
  t.match(badInject.stderr, /--inject: mmap always runs for real/);
  const typo = run('rift-replay', ['--passthru', 'raed', join(dir, 'x.txt'), '--', 'true']);
  t.equal(typo.status, 2);
  t.match(typo.stderr, /did you mean 'read'/);
});

t.test('a malformed line: FILE:LINE, exit 2, the program killed', async (t) => {
  const { dir, f, lines } = catTrace();
  const bad = [...lines];
  bad[49] = '{"type":"syscall", oops';
  const file = join(dir, 'bad.ndjson');
  writeFileSync(file, bad.join('\n') + '\n');
  const r = run('rift-replay', [file, '--', 'cat', f]);
  t.equal(r.status, 2, r.stderr);
  t.match(r.stderr, /bad\.ndjson:50: not JSON/);
  t.equal(r.stdout, '', 'cat never got to print');
});

t.test('a malformed line far ahead: still FILE:LINE and exit 2 when calls planned ahead read it first', async (t) => {
  // dd's reads and writes are planned up to 1,024 calls ahead while the engine answers the
  // ones before: the planning reads the bad line first, and the error must not be lost there
  // (the reader, done after its error, would otherwise say the trace ended: replay went live)
  const dir = tmp();
  const file = join(dir, 'dd.ndjson');
  const dd = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=1', 'count=3000', 'status=none'];
  const rec = run('rift-record', ['-o', file, '--', ...dd]);
  t.equal(rec.status, 0, rec.stderr);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const at = lines.length - 500;
  t.match(lines[at], /"name":"(read|write)"/);
  lines[at] = '{"type":"syscall", oops';
  writeFileSync(file, lines.join('\n') + '\n');
  for (let i = 0; i < 3; i++) {
    const r = run('rift-replay', [file, '--', ...dd]);
    t.equal(r.status, 2, r.stderr);
    t.match(r.stderr, new RegExp(`dd\\.ndjson:${at + 1}: not JSON`), `replay ${i + 1}: the line named`);
  }
});

t.test('a truncated trace: replay goes live from the last event, and says so', async (t) => {
  const { dir, f, lines } = catTrace();
  // cut after the open of f, mid-line: a recording that was interrupted
  const i = lines.findIndex((l) => l.includes('"name":"openat"') && l.includes(`"data":"${f}"`));
  t.ok(i > 0);
  const file = join(dir, 'cut.ndjson');
  writeFileSync(file, lines.slice(0, i + 1).join('\n') + '\n' + lines[i + 1].slice(0, 40));
  writeFileSync(f, 'now\n');
  const r = run('rift-replay', [file, '--', 'cat', f]);
  t.equal(r.status, 0, r.stderr);
  const seq = JSON.parse(lines[i]).seq;
  t.match(r.stderr, new RegExp(`without an end event .*replay went live from event ${seq}`));
  t.equal(r.stdout, 'now\n', 'past the end of the trace, cat read the real file');
});

t.test("-o: replay's own stream v1, injected calls marked", async (t) => {
  const { dir, f, rec } = catTrace('stream me\n');
  const out = join(dir, 'r.ndjson');
  const r = run('rift-replay', ['-o', out, rec.file, '--', 'cat', f]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'stream me\n');
  const ev = parse(readFileSync(out, 'utf8'));
  t.equal(ev[0].type, 'header');
  t.equal(ev[0].mode, 'replay');
  t.same(ev[0].command, ['cat', f]);
  t.equal(ev.at(-1).type, 'end');
  const reads = ev.filter((e) => e.type === 'syscall' && e.name === 'read' && e.args[0] === 3);
  t.ok(reads.length >= 2);
  t.ok(reads.every((e) => e.skipped && e.injected), 'reads skipped by the kernel, results injected');
  t.equal(Buffer.from(reads[reads.length - 2].mem[0].data).toString(), 'stream me\n', 'the injected bytes are in the stream');
  const open = ev.find((e) => e.type === 'syscall' && e.name === 'openat' && e.mem?.[0]?.data === f);
  t.ok(open && !open.skipped, 'openat ran for real');
  // replay to stdout: the program's output goes to stderr, the stream stays clean
  const toStdout = run('rift-replay', ['-o', '-', rec.file, '--', 'cat', f]);
  t.equal(toStdout.status, 0);
  t.doesNotThrow(() => parse(toStdout.stdout));
  t.match(toStdout.stderr, /stream me/);
});

t.test('--passthru read: reads run for real (and still match)', async (t) => {
  const { f, rec } = catTrace('old\n');
  writeFileSync(f, 'new\n');
  const r = run('rift-replay', ['--passthru', 'read', rec.file, '--', 'cat', f]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'new\n');
  t.equal(r.stderr, '', 'no warning that cat wrote other bytes: the reads were asked to run');
  const d = run('rift-replay', [rec.file, '--', 'cat', f]);
  t.equal(d.stdout, 'old\n', 'by default the recorded bytes');
});
