// --format chrome: a Chrome Trace Event file that Perfetto UI opens as a timeline.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, run, tmp } from './helpers.mjs';

t.test('one track per thread, each syscall a slice with decoded args, names as metadata', async (t) => {
  const bin = fixture('trace_threads', ['-pthread']);
  const rec = record([bin]);
  const out = join(tmp(), 'run.json');
  const r = run('rift-trace', ['--format', 'chrome', '-o', out, rec.file]);
  t.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  t.ok(Array.isArray(doc.traceEvents), 'traceEvents array');
  t.equal(doc.displayTimeUnit, 'ns');
  const ev = doc.traceEvents;
  const syscalls = rec.events.filter((e) => e.type === 'syscall');
  const slices = ev.filter((e) => e.ph === 'X');
  t.equal(slices.length, syscalls.length, 'a slice per syscall');
  for (const s of slices) {
    if (!(typeof s.name === 'string' && typeof s.ts === 'number' && typeof s.dur === 'number' && s.dur >= 0 && Number.isInteger(s.pid) && Number.isInteger(s.tid) && typeof s.args.call === 'string')) {
      t.fail(`bad slice ${JSON.stringify(s)}`);
      break;
    }
  }
  const tids = new Set(syscalls.map((e) => e.tid));
  t.equal(tids.size, 3, 'main thread and two readers');
  const threadNames = ev.filter((e) => e.ph === 'M' && e.name === 'thread_name');
  t.same(new Set(threadNames.map((e) => e.tid)), tids, 'every thread named');
  const procNames = ev.filter((e) => e.ph === 'M' && e.name === 'process_name');
  t.ok(procNames.some((e) => e.args.name === 'trace_threads'), 'process named after its program');
  const read = slices.find((s) => s.name === 'read' && s.args.call.startsWith('read(3, "a"'));
  t.ok(read, 'decoded arguments in args.call');
  t.equal(read.args.ret, '1');
  const src = syscalls.find((e) => e.seq === syscalls.find((x) => x.name === 'read' && x.args[0] === 3 && x.ret === 1)?.seq);
  t.equal(read.ts, src.ts / 1e3, 'ts in microseconds');
  t.equal(read.dur, src.dur / 1e3, 'dur in microseconds');
  t.ok(ev.some((e) => e.ph === 'i' && e.name === 'SIGUSR1'), 'signals as instant events');
  t.ok(ev.some((e) => e.ph === 'i' && e.name === 'exit'), 'exits as instant events');
  // the slices of one thread do not overlap (Perfetto nests or drops overlapping slices)
  for (const tid of tids) {
    const mine = slices.filter((s) => s.tid === tid).sort((a, b) => a.ts - b.ts);
    for (let i = 1; i < mine.length; i++) {
      if (mine[i].ts + 1e-3 < mine[i - 1].ts + mine[i - 1].dur) {
        t.fail(`tid ${tid}: ${mine[i - 1].name} overlaps ${mine[i].name}`);
        break;
      }
    }
  }
});
