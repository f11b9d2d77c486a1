// A trace cut down to some syscalls replays just those: the others run for real, unmatched.
import t from 'tap';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BIN, record, run, tmp, parse, PYTHON } from './helpers.mjs';

/** Keeps the header and the syscall events named in `names`: nothing else, no end event. */
function cut(file, names, out) {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const keep = lines.filter((l, i) => {
    if (i === 0) return true;
    const e = JSON.parse(l);
    return (e.type === 'syscall' && names.includes(e.name)) || e.type === 'end';
  });
  writeFileSync(out, keep.join('\n') + '\n');
  return keep.length - 1;
}

t.test('only read and openat in the trace: those are matched and injected', async (t) => {
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'filtered content\n');
  const cmd = [PYTHON, '-c', 'import sys; print(open(sys.argv[1]).read(), end="")', f];
  const rec = record(cmd);
  t.equal(rec.status, 0, rec.stderr);
  const small = join(dir, 'small.ndjson');
  const n = cut(rec.file, ['read', 'openat'], small);
  t.ok(n > 10 && n < rec.events.length / 2, `cut down to ${n} of ${rec.events.length} events`);
  writeFileSync(f, 'filtered content\n');  // same size: python's fstat (not in the trace) runs for real
  writeFileSync(f, 'FILTERED CONTENT\n');
  const out = join(dir, 'r.ndjson');
  const r = run('rift-replay', ['-o', out, small, '--', ...cmd]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'filtered content\n', 'the recorded bytes');
  const ev = parse(readFileSync(out, 'utf8')).filter((e) => e.type === 'syscall');
  const reads = ev.filter((e) => e.name === 'read');
  t.ok(reads.length > 0 && reads.every((e) => e.skipped), 'every read injected');
  t.ok(ev.filter((e) => e.name === 'newfstatat' || e.name === 'fstat').every((e) => !e.skipped), 'stat calls, absent from the trace, ran for real');
});

t.test("the README's pipeline: rift-record cmd | rift-filter read,openat > t.ndjson", async (t) => {
  if (!existsSync(BIN('rift-filter'))) {
    t.skip('rift-filter is not built in this checkout');
    return;
  }
  const dir = tmp();
  const f = join(dir, 'in.txt');
  writeFileSync(f, 'piped\n');
  const trace = join(dir, 't.ndjson');
  const sh = `${BIN('rift-record')} -- cat ${f} 2>/dev/null | ${BIN('rift-filter')} read,openat > ${trace}`;
  const p = spawnSync('sh', ['-c', sh], { encoding: 'utf8' });
  t.equal(p.status, 0, p.stderr);
  writeFileSync(f, 'other!\n');
  const r = run('rift-replay', [trace, '--', 'cat', f]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, 'piped\n');
});
