// rdtsc and rdtscp (rift-record --tsc): the launched command's reads of the time-stamp counter
// fault (prctl PR_SET_TSC, PR_TSC_SIGSEGV), the engine answers each at its SIGSEGV stop and
// records the counter as an `rdtsc` event; rift-replay traps them too and gives the recorded
// counters back. A program's own SIGSEGV is still its own. rift-trace prints no rdtsc, as
// strace never sees one. Replays run in their own PID namespace (unshare -pf).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { BIN, ROOT, fixture, parse, record, run, strace, syscalls, tmp } from './helpers.mjs';

const bin = fixture('replay_tsc');
const schema = JSON.parse(readFileSync(join(ROOT, 'packages/rift-events/schema/events-v1.schema.json'), 'utf8'));
const validate = new Ajv({ strict: false }).compile(schema);

/** rift-replay ARGS in a new PID namespace. */
function replayNs(args) {
  const r = spawnSync('unshare', ['-pf', '--mount-proc', BIN('rift-replay'), ...args], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tscs = (events) => events.filter((e) => e.type === 'rdtsc');

t.test('rdtsc and rdtscp in a loop: recorded, and three replays print the recorded counters', async (t) => {
  const rec = record([bin, 'tsc', '20'], ['--tsc']);
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.events[0].options.tsc, true, 'the header says the counter was trapped');
  const printed = rec.stdout.split('\n').filter(Boolean);
  t.equal(printed.length, 40);
  const own = tscs(rec.events).slice(-40);  // (the loader reads the counter too, before main)
  t.same(own.map((e) => e.insn), [...Array(20).fill('rdtsc'), ...Array(20).fill('rdtscp')], 'each read in the stream, in order');
  t.same(
    own.map((e) => `${e.insn} ${e.value}${e.insn === 'rdtscp' ? ` aux ${e.aux}` : ''}`),
    printed,
    'the stream holds the counters the program printed',
  );
  const values = own.map((e) => BigInt(e.value));
  t.ok(values.slice(0, 20).every((v, i) => i === 0 || v > values[i - 1]), 'a real counter: increasing');
  const bad = rec.events.filter((e) => !validate(e));
  t.same(bad, [], 'every line valid against the JSON Schema');
  for (let i = 0; i < 3; i++) {
    const out = join(tmp(), 'r.ndjson');
    const r = replayNs(['-o', out, rec.file, '--', bin, 'tsc', '20']);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}: the recorded counters`);
    t.equal(r.stderr, '', 'nothing on stderr');
    const ev = parse(readFileSync(out, 'utf8'));
    t.same(tscs(ev).map((e) => e.value), tscs(rec.events).map((e) => e.value), "replay's stream: the same reads, the recorded values");
    const d = run('rift-diff', ['-q', rec.file, out]);
    t.equal(d.status, 0, `rift-diff finds no difference in the counters ${d.stdout}${d.stderr}`);
  }
  // live, the counter has moved on: the replays did not print it
  const live = spawnSync(bin, ['tsc', '1'], { encoding: 'utf8' }).stdout;
  t.ok(BigInt(/^rdtsc (\d+)$/m.exec(live)[1]) > values.at(-1), 'a live read is later than every recorded one');
});

t.test('children and later images keep the trap', async (t) => {
  const cmd = ['sh', '-c', `${bin} tsc 2; ${bin} tsc 2`];
  const rec = record(cmd, ['--tsc']);
  t.equal(rec.status, 0, rec.stderr);
  const pids = new Set(tscs(rec.events).filter((e) => e.pid !== rec.events[1].pid).map((e) => e.pid));
  t.equal(pids.size, 2, 'both children (sh forked, then exec) read through the trap');
  for (let i = 0; i < 2; i++) {
    const r = replayNs([rec.file, '--', ...cmd]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}`);
  }
});

t.test("a program's own SIGSEGV is delivered to its handler, recorded and replayed", async (t) => {
  const rec = record([bin, 'segv'], ['--tsc']);
  t.equal(rec.status, 0, rec.stderr);
  t.equal(rec.stdout, 'caught SIGSEGV code 1 addr 0x10\ncaught SIGSEGV code 1 addr 0x20\ncaught SIGSEGV code 1 addr 0x30\nthen rdtsc nonzero\n');
  const segv = rec.events.filter((e) => e.type === 'signal' && e.sig === 'SIGSEGV');
  t.same(segv.map((e) => [e.code, e.addr]), [[1, 16], [1, 32], [1, 48]], 'its three faults, as signal events (SEGV_MAPERR)');
  t.ok(tscs(rec.events).length >= 1, 'and the rdtsc after them, answered');
  for (let i = 0; i < 3; i++) {
    const r = replayNs([rec.file, '--', bin, 'segv']);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, rec.stdout, `replay ${i + 1}`);
  }
});

t.test('rift-trace prints no rdtsc: the same calls as strace', async (t) => {
  const oracle = strace([bin, 'tsc', '3']);
  const want = [...oracle.perTid.values()].flat().map((c) => c.name);
  // as users record (the syscall buffer on), and with every call stopping
  for (const engine of [[], ['--no-syscall-buffer']]) {
    const rec = record([bin, 'tsc', '3'], ['--tsc', ...engine]);
    t.equal(rec.status, 0, rec.stderr);
    const text = spawnSync(BIN('rift-trace'), ['-f', rec.file], { encoding: 'utf8' }).stdout;
    const names = text.split('\n').filter(Boolean).map((l) => /^(?:\[pid\s+\d+\] )?(\w+)\(/.exec(l)?.[1]).filter(Boolean);
    t.same(names, want, `call for call what strace saw (${engine.join(' ') || 'default'})`);
    t.equal(names.length, syscalls(rec.events).length);
    const c = spawnSync(BIN('rift-trace'), ['-c', rec.file], { encoding: 'utf8' }).stdout;
    t.notMatch(c, /rdtsc/, 'nor in the -c table');
  }
});

t.test('without --tsc the counter is left alone', async (t) => {
  const rec = record([bin, 'tsc', '2']);
  t.equal(rec.status, 0, rec.stderr);
  t.equal(tscs(rec.events).length, 0);
  t.notOk(rec.events[0].options.tsc);
});
