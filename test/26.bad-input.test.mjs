// Bad input for every tool that reads a stream (rift-trace, rift-filter share one reader):
// one line `tool: FILE:LINE: reason`, exit 2, no stack; --lenient skips and counts.
import t from 'tap';
import { writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { run, tmp } from './helpers.mjs';

const H = '{"type":"header","format":"rift-events","version":1,"arch":"x86_64","kernel":"6","start":"2026-01-01T00:00:00.000Z","mode":"launch","tool":"t"}';
const OK = '{"type":"syscall","seq":1,"pid":1,"tid":1,"ts":0,"nr":3,"name":"close","args":[3],"ret":0,"dur":10}';
const dir = tmp();
const file = (name, content) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const cases = {
  'not JSON': [file('a', `${H}\nnope\n${OK}\n`), /:2: not JSON/],
  'truncated last line': [file('b', `${H}\n${OK}\n{"type":"sysc`), /:3: truncated last line/],
  'missing header': [file('c', `${OK}\n`), /:1: not a rift event stream/],
  'unknown version': [file('d', H.replace('"version":1', '"version":9') + '\n'), /:1: unsupported stream version 9/],
  'not UTF-8': [file('e', Buffer.concat([Buffer.from(`${H}\n`), Buffer.from([0xff, 0xfe, 0x0a]), Buffer.from(`${OK}\n`)])), /:2: bytes that are not valid UTF-8/],
  'empty file': [file('f', ''), /:1: empty stream/],
  // well-formed JSON, a value the schema does not allow (test 26b tries them all)
  'a value of the wrong type': [file('h', `${H}\n${OK}\n${OK.replace('"ret":0', '"ret":"abc"')}\n`), /:3: field "ret": expected an integer or null, got "abc"$/m],
  'a 70-bit number': [file('i', `${H}\n${OK.replace('"args":[3]', '"args":[1180591620717411303424]')}\n`), /:2: field "args\[0\]": expected an integer/],
  'an unknown field in a capture': [file('j', `${H}\n${OK.replace('"dur":10', '"dur":10,"mem":[{"arg":0,"at":"entry","len":0,"size":4}]')}\n`), /:2: field "mem\[0\]\.size": not a field of a capture/],
};
// a line of 100 MB
const big = join(dir, 'g');
const fd = openSync(big, 'w');
writeSync(fd, `${H}\n{"type":"warning","message":"`);
const chunk = Buffer.alloc(1 << 20, 'x');
for (let i = 0; i < 100; i++) writeSync(fd, chunk);
writeSync(fd, `"}\n${OK}\n`);
closeSync(fd);
cases['a line of 100 MB'] = [big, /:2: line longer than/];

// with --threads 2 the input goes through threads (parallel.ts), which check lines with the same
// reader; the messages must be the same
for (const tool of ['rift-trace', 'rift-filter', 'rift-trace --threads 2', 'rift-filter --threads 2']) {
  const [bin, ...rest] = tool.split(' ');
  const own = [...(bin === 'rift-filter' ? ['-e', 'close'] : []), ...rest];
  for (const [label, [path, re]] of Object.entries(cases)) {
    t.test(`${tool}: ${label}`, async (t) => {
      const args = [...own, path];
      const r = run(bin, args);
      t.equal(r.status, 2);
      t.match(r.stderr, re);
      t.match(r.stderr, new RegExp(`^${bin}: ${path.replace(/[/.]/g, '\\$&')}:\\d+: [^\\n]+\\n$`), 'one line, FILE:LINE: reason');
      t.notMatch(r.stderr, /\n\s+at /, 'no stack');
    });
  }
  t.test(`${tool}: --lenient skips bad lines and says how many`, async (t) => {
    const r = run(bin, [...own, '--lenient', cases['not JSON'][0]]);
    t.equal(r.status, 0);
    t.equal(r.stderr, `${bin}: skipped 1 bad line\n`);
    t.match(r.stdout, /close/);
  });
  t.test(`${tool}: a file that does not exist`, async (t) => {
    const r = run(bin, [...own, join(dir, 'none.ndjson')]);
    t.equal(r.status, 2);
    t.match(r.stderr, /^rift-\w+: .*none\.ndjson:1: cannot read: no such file\n$/);
  });
}

// rift-diff and rift-replay read with the same reader: the same line
t.test('rift-diff and rift-replay: a bad value is FILE:LINE naming the field, exit 2', async (t) => {
  const [bad] = cases['a value of the wrong type'];
  const good = file('k', `${H}\n${OK}\n${OK}\n`);
  const diff = run('rift-diff', [good, bad]);
  t.equal(diff.status, 2);
  t.equal(diff.stderr, `rift-diff: ${bad}:3: field "ret": expected an integer or null, got "abc"\n`);
  const replay = run('rift-replay', [bad, '--', 'true']);
  t.equal(replay.status, 2);
  t.match(replay.stderr, new RegExp(`^rift-replay: ${bad.replace(/[/.]/g, '\\$&')}:3: field "ret": expected an integer or null, got "abc"$`, 'm'));
  t.notMatch(replay.stderr, /internal error|\n\s+at /);
});
