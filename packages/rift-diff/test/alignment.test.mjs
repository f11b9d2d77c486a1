// rift-diff's alignment on synthetic streams (no tracing needed): where two runs meet again after
// a difference, what the summary counts, and answers (not hangs) for streams that differ a lot.
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffFiles, firstSync } from '@rift/diff';

const dir = mkdtempSync(join(tmpdir(), 'rift-diff-align-'));
const HEADER = { type: 'header', format: 'rift-events', version: 1, arch: 'x86_64', kernel: 'test', start: '2026-01-01T00:00:00.000Z', mode: 'launch', command: ['prog'], tool: 'test' };

/** A syscall event of thread 100: an openat of /data/N (N tells events apart) or a close. */
function call(n, ret) {
  if (n % 3 === 2) return { type: 'syscall', nr: 3, name: 'close', args: [3], ret: ret ?? 0, dur: 1 };
  const path = `/data/${n}`;
  return {
    type: 'syscall', nr: 257, name: 'openat', args: [-100, 0x7ffd12345678, 0, 0], ret: ret ?? 3, dur: 1,
    mem: [{ arg: 1, at: 'entry', len: path.length, enc: 'utf8', data: path }],
  };
}

/** An event like no other: an access of /other/N. */
function other(n) {
  const path = `/other/${n}`;
  return { type: 'syscall', nr: 21, name: 'access', args: [0x7ffd12345678, 0], ret: 0, dur: 1, mem: [{ arg: 0, at: 'entry', len: path.length, enc: 'utf8', data: path }] };
}

/** Writes a stream of the given events (their seq numbers, pid and tid filled in) and an end event. */
let files = 0;
function stream(events) {
  const file = join(dir, `s${files++}.ndjson`);
  const lines = [HEADER, ...events.map((e, i) => ({ seq: i + 1, pid: 100, tid: 100, ts: i, ...e }))];
  lines.push({ type: 'end', seq: events.length + 1, ts: 0, reason: 'exit', exitCode: 0 });
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

// events that do not repeat (in a loop, an offset can be matched more than one way)
const events = (n, from = 0) => Array.from({ length: n }, (_, i) => call(from + i));

function counts(t, r) {
  const s = r.summary;
  t.equal(s.alike + s.onlyA + s.changed, r.a.compared, 'alike + only in a + changed = events of a compared');
  t.equal(s.alike + s.onlyB + s.changed, r.b.compared, 'alike + only in b + changed = events of b compared');
}

t.test('firstSync: the fewest edits after which the two agree for a run', async (t) => {
  const sync = (a, b, run = 3, aEnd = false, bEnd = false) => firstSync(a.length, b.length, aEnd, bEnd, run, 50, (i, j) => a[i] === b[j]);
  t.match(sync([9, 1, 2, 3, 4], [1, 2, 3, 4, 5]), { x: 1, y: 0 }, 'one only in a');
  t.match(sync([1, 2, 3, 4, 5], [8, 9, 1, 2, 3, 4]), { x: 0, y: 2 }, 'two only in b');
  t.match(sync([7, 1, 2, 3], [8, 1, 2, 3]), { x: 1, y: 1 }, 'one changed');
  t.match(sync([7, 1, 8, 2, 3, 4], [6, 1, 9, 2, 3, 4]), { x: 3, y: 3 }, 'a run shorter than 3 is not where they meet');
  t.equal(sync([1, 2, 3], [4, 5, 6]), undefined, 'nothing in common');
  t.match(sync([1, 2], [3, 1, 2], 3, true, true), { x: 0, y: 1 }, 'the end of both streams meets');
  t.equal(sync([1, 2], [3, 1, 2], 3, true, false), undefined, 'the end of one stream alone does not');
  t.match(sync([9, 1, 2, 3, 4], [1, 2, 3, 4]), { x: 1, y: 0, touched: false }, 'a run long enough reaching the end of the window');
  t.match(sync([9, 1, 2], [1, 2]), undefined, 'a run cut short by the window: not yet');
  t.match(sync([3, 3, 3, 3, 2, 0], [2, 0, 2, 0], 2), { x: 4, y: 0, touched: true }, 'a run cut short at the window end on the way: touched');
});

t.test('the same stream: alike, every event', async (t) => {
  const a = stream(events(20000));
  const r = await diffFiles(a, stream(events(20000)));
  t.equal(r.same, true);
  t.same(r.summary, { alike: 20001, onlyA: 0, onlyB: 0, changed: 0, places: 0, threads: 0 });
  t.equal(r.peakBuffered, 0, 'matched in lock-step, nothing held');
});

t.test('1,700 events missing at the start: 1,700 only in a, the rest alike', async (t) => {
  const r = await diffFiles(stream(events(20000)), stream(events(18300, 1700)));
  t.same(r.summary, { alike: 18301, onlyA: 1700, onlyB: 0, changed: 0, places: 1, threads: 1 });
  counts(t, r);
  t.equal(r.first.kind, 'only-a');
  t.equal(r.first.a.seq, 1);
});

t.test('1,500 events inserted in the middle: 1,500 only in b', async (t) => {
  const a = events(20000);
  const b = [...a.slice(0, 9000), ...Array.from({ length: 1500 }, (_, i) => call(100000 + i)), ...a.slice(9000)];
  const r = await diffFiles(stream(a), stream(b));
  t.same(r.summary, { alike: 20001, onlyA: 0, onlyB: 1500, changed: 0, places: 1, threads: 1 });
  t.equal(r.first.b.seq, 9001);
  t.equal(r.first.lines.filter((l) => l.op === '+').length, 40, 'at most 40 changed lines shown');
  t.equal(r.first.cut, true);
  t.same(r.first.lines.filter((l) => l.op === ' ').map((l) => l.a.seq), [8998, 8999, 9000, 9001, 9002, 9003], 'three events of context each side');
});

t.test('3,500 events inserted: more edits than the search tries, within the window: found', async (t) => {
  const a = events(20000);
  const b = [...a.slice(0, 5000), ...Array.from({ length: 3500 }, (_, i) => other(i)), ...a.slice(5000)];
  let r = await diffFiles(stream(a), stream(b));
  t.same(r.summary, { alike: 20001, onlyA: 0, onlyB: 3500, changed: 0, places: 1, threads: 1 });
  r = await diffFiles(stream(b), stream(a));
  t.same(r.summary, { alike: 20001, onlyA: 3500, onlyB: 0, changed: 0, places: 1, threads: 1 }, 'and the other way round');
});

t.test('a change every 50 events: each one a change, in its own place', async (t) => {
  const a = events(20000);
  const b = a.map((e, i) => (i % 50 === 25 ? { ...e, ret: 77 } : e));
  const r = await diffFiles(stream(a), stream(b));
  t.same(r.summary, { alike: 19601, onlyA: 0, onlyB: 0, changed: 400, places: 400, threads: 1 });
  t.equal(r.first.a.seq, 26);
  t.same(r.first.what, [`return: ${a[25].ret} ≠ 77`]);
  t.same(r.first.lines.map((l) => l.op).join(''), '   -+   ', 'three events of context each side');
  t.ok(r.peakBuffered < 2 * 1024 + 100, `settled without waiting for a whole window (${r.peakBuffered} held)`);
});

t.test('two unrelated streams shorter than the window: an answer, not a hang', { timeout: 60000 }, async (t) => {
  const a = events(3000);
  const b = Array.from({ length: 2800 }, (_, i) => other(i));
  const r = await diffFiles(stream(a), stream(b));
  t.equal(r.same, false);
  counts(t, r);
  t.same(r.summary, { alike: 1, onlyA: 3000, onlyB: 2800, changed: 0, places: 1, threads: 1 }, 'nothing in common but the end');
});

t.test('a long stretch that differs, more edits than a window search tries: lock-step resumes after it', { timeout: 60000 }, async (t) => {
  const a = events(30000);
  const b = [...a.slice(0, 10000), ...Array.from({ length: 3000 }, (_, i) => other(i)), ...a.slice(13000)];
  const r = await diffFiles(stream(a), stream(b));
  counts(t, r);
  t.same(r.summary, { alike: 27001, onlyA: 3000, onlyB: 3000, changed: 0, places: 1, threads: 1 }, 'everything after the stretch aligned');
});
