// rift-record on everyday programs: stream shape, schema, exit codes, stdout separation.
import t from 'tap';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { record, run, parse, syscalls, mem, tmp, ROOT } from './helpers.mjs';

const schema = JSON.parse(readFileSync(join(ROOT, 'packages/rift-events/schema/events-v1.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

function checkStream(t, events) {
  t.equal(events[0].type, 'header', 'header first');
  t.equal(events[0].version, 1);
  let bad = 0;
  for (const e of events) if (!validate(e) && bad++ < 3) t.fail(`schema: ${JSON.stringify(e).slice(0, 200)} ${JSON.stringify(validate.errors)}`);
  t.equal(bad, 0, 'every line matches the JSON Schema');
  const seqs = events.slice(1).map((e) => e.seq);
  t.same(seqs, seqs.map((_, i) => i + 1), 'seq counts 1, 2, 3... with no gap');
  t.equal(events.at(-1).type, 'end', 'ends with an end event');
}

t.test('echo: exec, write of the text, exit code', async (t) => {
  const r = record(['echo', 'hello rift']);
  t.equal(r.status, 0);
  checkStream(t, r.events);
  const exec = r.events.find((e) => e.type === 'exec');
  t.match(exec.path, /\/echo$/);
  t.same(exec.argv.slice(1), ['hello rift']);
  const w = syscalls(r.events, 'write').find((e) => e.args[0] === 1);
  t.equal(mem(w, 1), 'hello rift\n', 'written bytes captured');
  t.equal(w.ret, 11);
  t.same(r.events.filter((e) => e.type === 'exit').map((e) => e.code), [0]);
});

t.test('cat: the file content is captured whole', async (t) => {
  const dir = tmp();
  const f = join(dir, 'f.txt');
  const text = 'x'.repeat(70000) + '\nend\n';
  writeFileSync(f, text);
  const r = record(['cat', f], ['-s', '8']);
  checkStream(t, r.events);
  const opened = syscalls(r.events, 'openat').find((e) => mem(e, 1) === f);
  t.ok(opened, 'openat of the file with its path');
  const fd = opened.ret;
  const close = syscalls(r.events, 'close').find((e) => e.seq > opened.seq && e.args[0] === fd);
  const data = syscalls(r.events, 'read')
    .filter((e) => e.args[0] === fd && e.seq > opened.seq && e.seq < close.seq)
    .map((e) => mem(e, 1, 'exit'))
    .join('');
  t.equal(data, text, 'read data exact and whole despite -s 8');
  const w = syscalls(r.events, 'write')[0];
  t.ok(w.mem[0].len <= 8 && w.mem[0].full > 8, 'written buffers bounded by -s, with the full length noted');
});

t.test('ls and sh -c: fork, exec, exit code of the command', async (t) => {
  const r = record(['sh', '-c', 'ls / >/dev/null; exit 3']);
  t.equal(r.status, 3, "rift-record exits with the command's code");
  checkStream(t, r.events);
  t.ok(r.events.some((e) => e.type === 'spawn' && (e.kind === 'fork' || e.kind === 'vfork')), 'fork or vfork seen');
  t.ok(r.events.some((e) => e.type === 'exec' && /\/ls$/.test(e.path)), 'exec of ls');
  t.ok(syscalls(r.events, 'getdents64').length > 0, 'ls read the directory');
  const end = r.events.at(-1);
  t.equal(end.exitCode, 3);
});

t.test('--no-follow: the first process alone, its children free to be traced by it', async (t) => {
  // strace in the child attaches to its own child: it can only when rift does not trace them
  const cmd = ['sh', '-c', 'strace -qq -o /dev/null -e trace=none true || exit 4; ls / >/dev/null; exit 3'];
  const r = record(cmd, ['--no-follow', '-e', 'trace=execve,wait4,exit_group']);
  t.equal(r.status, 3, "the command's exit code");
  checkStream(t, r.events);
  const pids = new Set(r.events.filter((e) => e.pid !== undefined).map((e) => e.pid));
  t.equal(pids.size, 1, 'events of one process only');
  t.equal(r.events.filter((e) => e.type === 'exec').length, 1, "the children's execs are not seen");
  t.equal(syscalls(r.events, 'wait4').filter((e) => e.ret > 0).length, 2, 'the shell waited for its two children');
  t.same(r.events[0].options.follow, false, 'the header says so');
  t.notOk(r.events[0].options.syscallBuffer, 'no syscall buffer: an untraced child would inherit it');
  const followed = record(cmd, ['-e', 'trace=execve']);
  t.ok(followed.events.some((e) => e.type === 'exec' && /\/strace$/.test(e.path)), 'by default the children are recorded');
  t.equal(followed.status, 4, 'and a child cannot trace its own child');
});

t.test("the program's stdout goes to stderr when events go to stdout", async (t) => {
  const r = run('rift-record', ['--', 'echo', 'PROGRAM-OUTPUT']);
  t.equal(r.status, 0);
  const events = parse(r.stdout);
  t.equal(events[0].type, 'header', 'stdout is a pure event stream');
  t.notMatch(r.stdout, /^PROGRAM-OUTPUT/m);
  t.match(r.stderr, /PROGRAM-OUTPUT/);
  const f = join(tmp(), 'out.txt');
  const r2 = run('rift-record', ['--tracee-stdout', f, '--', 'echo', 'TO-FILE']);
  t.equal(readFileSync(f, 'utf8'), 'TO-FILE\n', '--tracee-stdout FILE');
  t.notMatch(r2.stderr, /TO-FILE/);
});

t.test('-o creates the file mode 0600', async (t) => {
  const r = record(['true']);
  t.equal(statSync(r.file).mode & 0o777, 0o600);
});

t.test('--fixed-ts gives stable timestamps', async (t) => {
  const a = record(['true'], ['--fixed-ts']);
  t.equal(a.events[0].start, '2000-01-01T00:00:00.000Z');
  for (const e of a.events.slice(1)) if (e.ts !== e.seq * 1000) t.fail(`ts of ${e.seq}`);
  t.ok(syscalls(a.events).every((e) => e.dur === 500 || (e.dur === null && e.status === 'unfinished')));
});

t.test('usage errors exit 2 with one line', async (t) => {
  const r1 = run('rift-record', []);
  t.equal(r1.status, 2);
  t.match(r1.stderr, /^rift-record: nothing to trace/);
  const r2 = run('rift-record', ['-p', '999999999']);
  t.equal(r2.status, 2);
  t.match(r2.stderr, /no such process/);
  t.notMatch(r2.stderr, /\n\s+at /, 'no stack trace');
  const r3 = run('rift-record', ['--', 'no-such-command-rift']);
  t.equal(r3.status, 127, 'as a shell: not found is 127');
  t.match(r3.stderr, /command not found/);
  const r4 = run('rift-record', ['--bogus', '--', 'true']);
  t.equal(r4.status, 2);
  const r5 = run('rift-record', ['-e', 'opnat', '--', 'true']);
  t.equal(r5.status, 2);
  t.match(r5.stderr, /did you mean 'openat'/);
});
