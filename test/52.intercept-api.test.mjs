// The TypeScript interception API (Trace.launch/attach({ intercept })) on real programs:
// rewriting arguments and paths, synthetic returns and errnos, exit handlers, kill, and the
// failure policy (a throwing or hanging handler lets the call run and leaves a warning).
import t from 'tap';
import { openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { fixture, tmp, ROOT } from './helpers.mjs';

const { Trace } = await import(join(ROOT, 'packages/rift-core-native/dist/index.js'));
const { capturePlan, syscallNumber } = await import(join(ROOT, 'packages/rift-events/dist/index.js'));
const probe = fixture('intercept_probe');
const NR = (n) => syscallNumber(n);

/** Launches cmd with the handler; returns { events, exitCode, stdout, stderr }. */
async function launch(command, intercept, extra = {}) {
  const d = tmp();
  const out = openSync(join(d, 'out'), 'w');
  const err = openSync(join(d, 'err'), 'w');
  const trace = Trace.launch({ command, plan: capturePlan(), stdio: [0, out, err], intercept, ...extra });
  const events = [];
  for await (const b of trace) events.push(...b);
  const { exitCode } = await trace.done;
  closeSync(out);
  closeSync(err);
  return { events, exitCode, stdout: readFileSync(join(d, 'out'), 'utf8'), stderr: readFileSync(join(d, 'err'), 'utf8') };
}
const sys = (events, name) => events.filter((e) => e.type === 'syscall' && e.name === name);

t.test('rewrite a path: cat opens another file than the one it named', async (t) => {
  const d = tmp();
  writeFileSync(join(d, 'aaaa'), 'the file cat asked for\n');
  writeFileSync(join(d, 'bbbb'), 'the file the handler chose\n');
  const seen = [];
  const r = await launch(['cat', join(d, 'aaaa')], {
    syscalls: [NR('openat')],
    onEntry(call) {
      const path = call.readString(call.args[1]);
      seen.push(path);
      if (path === join(d, 'aaaa')) {
        // same length: rewrite the string in place
        return { action: 'run', writes: [{ addr: call.args[1], data: Buffer.from(join(d, 'bbbb') + '\0') }] };
      }
      return undefined;
    },
  });
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, 'the file the handler chose\n');
  t.ok(seen.includes(join(d, 'aaaa')), 'the handler saw the path through readString');
  const ev = sys(r.events, 'openat').find((e) => e.injected);
  t.ok(ev, 'the rewritten call is marked injected');
  t.notOk(ev.skipped, 'it ran');
});

t.test('rewrite an argument: write(1, ...) goes to fd 2', async (t) => {
  let bytes;
  const r = await launch(['echo', 'to stdout?'], {
    syscalls: [NR('write')],
    onEntry(call) {
      if (call.args[0] !== 1n) return undefined;
      bytes = call.readBytes(call.args[1], Number(call.args[2]));
      return { action: 'run', args: [2n] };
    },
  });
  t.equal(r.stdout, '');
  t.equal(r.stderr, 'to stdout?\n');
  t.equal(bytes.toString(), 'to stdout?\n', 'readBytes read the buffer');
  const w = sys(r.events, 'write')[0];
  t.equal(w.injected, true);
  t.equal(w.args[0], 1, 'the stream keeps the arguments the program passed');
});

t.test('synthetic return values and errnos', async (t) => {
  const names = [];
  const r = await launch([probe, 'getpid', 'open:/etc/hostname', 'open:/etc/passwd'], {
    syscalls: [NR('getpid'), NR('openat')],
    async onEntry(call) {
      names.push(call.name);
      if (call.name === 'getpid') return { action: 'return', value: 4242n };
      const p = call.readString(call.args[1]);
      if (p === '/etc/hostname') return { action: 'error', errno: 'EACCES' };
      if (p === '/etc/passwd') return { action: 'return', value: -28 };  // -ENOSPC, a promise's answer
      return undefined;
    },
  });
  t.equal(r.stdout, 'getpid 4242\nopen -1 EACCES\nopen -1 ENOSPC\n');
  t.ok(names.includes('getpid') && names.includes('openat'));
  const g = sys(r.events, 'getpid')[0];
  t.equal(g.ret, 4242);
  t.ok(g.injected && g.skipped);
  t.equal(sys(r.events, 'openat').find((e) => e.errno === 'EACCES')?.skipped, true);
});

t.test('return with memory writes, and an exit handler that changes a result', async (t) => {
  const r = await launch([probe, 'time', 'getppid'], {
    syscalls: [NR('clock_gettime'), NR('getppid')],
    onEntry(call) {
      if (call.name !== 'clock_gettime') return undefined;
      const ts = Buffer.alloc(16);
      ts.writeBigInt64LE(1234567890n, 0);
      ts.writeBigInt64LE(5n, 8);
      return { action: 'return', value: 0, writes: [{ addr: call.args[1], data: ts }] };
    },
    onExit(call, ret) {
      if (call.name === 'getppid') return { value: ret > 0n ? 77n : ret };
      return undefined;
    },
  }, { noVdso: true });
  t.match(r.stdout, /^time 1234567890\.000000005 1234567890\.000000005 /m, 'both clocks read what the handler wrote');
  t.match(r.stdout, /^getppid 77$/m);
  const pp = sys(r.events, 'getppid')[0];
  t.equal(pp.ret, 77);
  t.ok(pp.injected);
  t.notOk(pp.skipped, 'the exit handler changed a call that ran');
});

t.test("run with exit: false: onExit is skipped for that call only", async (t) => {
  const exits = [];
  const r = await launch([probe, 'getpid', 'getppid'], {
    syscalls: [NR('getpid'), NR('getppid')],
    onEntry: (call) => (call.name === 'getpid' ? { action: 'run', exit: false } : undefined),
    onExit(call, ret) {
      exits.push(call.name);
      return { value: 5n };
    },
  });
  t.same(exits, ['getppid'], 'only the call without exit: false reached onExit');
  t.match(r.stdout, /^getpid [1-9]\d*$/m, 'getpid kept its real result');
  t.match(r.stdout, /^getppid 5$/m);
});

t.test('a throwing handler: the call runs, onError and a warning event report it', async (t) => {
  const errors = [];
  const r = await launch(['cat', '/etc/hostname'], {
    syscalls: [NR('openat')],
    onEntry(call) {
      if (call.readString(call.args[1]) === '/etc/hostname') throw new Error('handler bug');
      return undefined;
    },
    onError(e, call) {
      errors.push([e.message, call.name]);
    },
  });
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, readFileSync('/etc/hostname', 'utf8'), 'cat read the file: the call was let through');
  t.same(errors, [['handler bug', 'openat']]);
  const w = r.events.filter((e) => e.type === 'warning');
  t.equal(w.length, 1);
  t.match(w[0].message, /handler for openat .* threw: handler bug; the syscall ran unchanged/);
  t.notOk(sys(r.events, 'openat').some((e) => e.injected));
});

t.test('a bad verdict is a handler error too (unknown errno)', async (t) => {
  const errors = [];
  const r = await launch([probe, 'getpid'], {
    syscalls: [NR('getpid')],
    onEntry: () => ({ action: 'error', errno: 'ENOTREAL' }),
    onError: (e) => errors.push(e.message),
  });
  t.match(r.stdout, /^getpid \d+$/m);
  t.notMatch(r.stdout, /^getpid -/m);
  t.match(errors[0], /unknown errno 'ENOTREAL'/);
});

t.test('a hanging handler: after timeoutMs the call runs and a warning says so', async (t) => {
  const r = await launch([probe, 'getpid', 'getpid'], {
    syscalls: [NR('getpid')],
    timeoutMs: 200,
    onEntry: () => new Promise(() => {}),  // never settles
  });
  t.equal(r.exitCode, 0);
  t.match(r.stdout, /^getpid \d+\ngetpid \d+\n$/, 'both calls ran');
  const w = r.events.filter((e) => e.type === 'warning');
  t.equal(w.length, 2);
  t.match(w[0].message, /did not answer for syscall 39 within its timeout; the syscall ran unchanged/);
});

t.test("kill: the process dies with SIGKILL at that call", async (t) => {
  const r = await launch([probe, 'getpid', 'open:/etc/hostname'], {
    syscalls: [NR('getpid')],
    onEntry: () => ({ action: 'kill' }),
  });
  t.equal(r.exitCode, 128 + 9);
  t.equal(r.stdout, '');
  t.same(r.events.filter((e) => e.type === 'exit').map((e) => e.signal), ['SIGKILL']);
});

// rift-replay without -o: a write it lets run costs one stop, not two
t.test('under a seccomp filter with no capture plan, a call run with exit: false has no exit stop', async (t) => {
  const intercept = () => ({
    syscalls: [NR('getpid'), NR('getppid')],
    onEntry: (call) => (call.name === 'getpid' ? { action: 'run', exit: false } : undefined),
    onExit: (call, ret) => undefined,
  });
  const bare = await launch([probe, 'getpid', 'getppid'], intercept(), { seccomp: [NR('getpid'), NR('getppid')], plan: undefined });
  t.equal(bare.exitCode, 0);
  t.match(bare.stdout, /^getpid [1-9]\d*$/m, 'getpid ran, its real result');
  const [pid] = sys(bare.events, 'getpid');
  t.equal(pid?.status, 'unfinished', 'its event has no result: no exit stop');
  t.equal(pid?.ret, null);
  const [ppid] = sys(bare.events, 'getppid');
  t.equal(ppid?.status, undefined, 'a call whose exit the handler wants has its exit stop');
  t.match(String(ppid?.ret), /^[1-9]\d*$/);
  // with captures to take, or with every call stopped at, the exit stop stays
  const planned = await launch([probe, 'getpid'], intercept(), { seccomp: [NR('getpid')] });
  t.equal(sys(planned.events, 'getpid')[0]?.status, undefined, 'with a plan: whole');
  const unfiltered = await launch([probe, 'getpid'], intercept(), { plan: undefined });
  t.equal(sys(unfiltered.events, 'getpid')[0]?.status, undefined, 'without the filter: whole');
});

t.test('only the selected syscalls reach the handler; with a seccomp filter too', async (t) => {
  const seen = new Set();
  const r = await launch([probe, 'getpid', 'open:/etc/hostname'], {
    syscalls: [NR('getpid')],
    onEntry(call) {
      seen.add(call.name);
      return { action: 'return', value: 1 };
    },
  }, { seccomp: [NR('openat')] });
  t.same([...seen], ['getpid']);
  t.match(r.stdout, /^getpid 1$/m, 'the filter was widened to the handler\'s syscalls');
  t.same([...new Set(r.events.filter((e) => e.type === 'syscall').map((e) => e.name))].sort(), ['getpid', 'openat']);
});

// The target is a grandchild (started by sh in the background): a child of this very process
// cannot be attached, because libuv's waitpid() on SIGCHLD would take its ptrace stops.
t.test('attach with a handler: a running program gets synthetic answers, then runs on', async (t) => {
  const d = tmp();
  const v = join(d, 'v');
  const log = join(d, 'log');
  writeFileSync(v, 'real\n');
  const sh = spawn('sh', ['-c', `"$0" "$1" > "$2" 2>&1 & echo $!`, fixture('intercept_loop'), v, log], { stdio: ['ignore', 'pipe', 'ignore'] });
  let pidText = '';
  for await (const b of sh.stdout) pidText += b;
  const pid = Number(pidText.trim());
  const out = () => readFileSync(log, 'utf8');
  const running = (p) => { try { process.kill(p, 0); return true; } catch { return false; } };
  t.teardown(() => { if (running(pid)) process.kill(pid, 'SIGKILL'); });
  while (!out().includes('OK')) await new Promise((r) => setTimeout(r, 10));
  let denied = 0;
  const trace = Trace.attach({
    pids: [pid],
    intercept: {
      syscalls: [NR('openat')],
      onEntry(call) {
        if (call.readString(call.args[1]) !== v || denied >= 3) return undefined;
        if (++denied === 3) setImmediate(() => trace.detach());
        return { action: 'error', errno: 'EACCES' };
      },
    },
  });
  const events = [];
  for await (const b of trace) events.push(...b);
  t.equal(denied, 3);
  t.equal(events.filter((e) => e.type === 'syscall' && e.name === 'openat' && e.errno === 'EACCES' && e.injected).length, 3);
  const before = out().length;
  await new Promise((r) => setTimeout(r, 200));
  t.match(out(), /OK\nEACCES\nEACCES\nEACCES\nOK\n/, 'the program saw three EACCES, then real opens again');
  t.ok(out().length > before, 'the program runs on after detach');
  t.notMatch(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1], /^[tT]/, 'not left stopped');
});

t.test('attaching to a child of this very process is refused with a reason, not a hang', async (t) => {
  const child = spawn('sleep', ['5'], { stdio: 'ignore' });
  t.teardown(() => child.kill('SIGKILL'));
  t.throws(() => Trace.attach({ pids: [child.pid] }), { code: 'ECHILD', message: /child of this process/ });
});

t.test('usage errors are TypeErrors before anything starts', async (t) => {
  t.throws(() => Trace.launch({ command: ['true'], intercept: { syscalls: ['openat'], onEntry() {} } }), TypeError);
  t.throws(() => Trace.launch({ command: ['true'], intercept: { syscalls: [2] } }), /onEntry must be a function/);
  t.throws(() => Trace.launch({ command: ['true'], intercept: { syscalls: [2], onEntry() {}, timeoutMs: -1 } }), /timeoutMs/);
});

t.test('verdicts decided ahead (then): answered by the engine while the calls match', async (t) => {
  const bin = fixture('intercept_ahead');
  const asked = [];
  const consumed = [];
  let main;
  const r = await launch([bin], {
    syscalls: [NR('getppid'), NR('openat'), NR('read')],
    onConsumed: (tid, n) => consumed.push([tid, n]),
    onEntry(call) {
      // (the dynamic loader's own openat and read calls come first: left alone)
      if (call.name === 'getppid' || asked.includes('getppid')) asked.push(call.name);
      if (call.name === 'getppid' && asked.length === 1) {
        main = call.tid;
        // the next three getppid come from the engine; the fifth asks again
        return { action: 'return', value: 100, then: [101, 102, 103].map((value) => ({ nr: NR('getppid'), verdict: { action: 'return', value } })) };
      }
      if (call.name === 'getppid') {
        return {
          action: 'return',
          value: 200,
          then: [
            { nr: NR('openat'), args: [{ index: 0, value: BigInt.asUintN(64, -100n), bits: 32 }], strings: [{ index: 1, bytes: Buffer.from('/nonexistent-ahead') }], verdict: { action: 'return', value: 7 } },
            { nr: NR('read'), args: [{ index: 0, value: 7n, bits: 32 }, { index: 2, value: 15n }], verdict: { action: 'return', value: 5, writes: [{ arg: 1, data: Buffer.from('hello') }] } },
            // another path than the program opens: not used, the call reaches onEntry
            { nr: NR('openat'), strings: [{ index: 1, bytes: Buffer.from('/nonexistent-ahead') }], verdict: { action: 'return', value: 8 } },
          ],
        };
      }
      return undefined;
    },
  });
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, 'ppid 100\nppid 101\nppid 102\nppid 103\nppid 200\nopen 7 read 5 hello\nopen -1\n');
  t.same(asked, ['getppid', 'getppid', 'openat'], 'the handler saw the 1st and 5th getppid and the open that differed, not the read');
  t.same(consumed, [[main, 3], [main, 2]], 'onConsumed: three, then two (the last before the differing open)');
  const reads = sys(r.events, 'read').filter((e) => e.args[0] === 7);
  t.equal(reads.length, 1);
  t.match(reads[0], { ret: 5, injected: true, skipped: true }, 'recorded as injected and skipped');
});

/**
 * A handler that answers getppid number i with i, planning 64 calls at a time and, with `more`,
 * the calls after them while the engine answers those (at most 256 not yet made: then `[]`,
 * asked again shortly; with `stopWhenFull`, undefined: planning ends there). `delayMs`: each
 * further list comes that much later (a promise), by when the engine has often used the queue
 * up and asked again, so the list belongs to a queue that is gone.
 */
function plannedCounter({ more = true, delayMs = 0, stopWhenFull = false } = {}) {
  const s = { done: 0, asked: 0, longest: 0, sinceAsked: 0, late: 0, full: 0, plan: undefined };
  const ahead = (from, count) => Array.from({ length: count }, (_, k) => ({ nr: NR('getppid'), verdict: { action: 'return', value: from + k } }));
  s.intercept = {
    syscalls: [NR('getppid'), NR('getuid')],
    onConsumed: (tid, n) => {
      s.done += n;
      s.sinceAsked += n;
      s.longest = Math.max(s.longest, s.sinceAsked);
    },
    onEntry(call) {
      s.asked++;
      s.sinceAsked = 0;
      const value = call.name === 'getuid' ? 4242 : s.done;
      s.done++;
      const plan = { upTo: s.done + 64 };
      s.plan = plan;
      const next = () => {
        if (s.plan !== plan) return undefined;
        if (plan.upTo - s.done >= 256) {
          s.full++;
          return stopWhenFull ? undefined : [];
        }
        const list = ahead(plan.upTo, 64);
        plan.upTo += 64;
        if (!delayMs) return list;
        return new Promise((r) => setTimeout(() => {
          if (s.plan !== plan) s.late++;
          r(list);
        }, delayMs));
      };
      return { action: 'return', value, then: ahead(s.done, 64), more: more ? next : undefined };
    },
  };
  return s;
}
const counted = (n, other) => Array.from({ length: n }, (_, i) => (i === other ? 4242 : i)).join('\n') + '\n';

/**
 * The intercept_more fixture making n getppid calls (call number `other` a getuid) under
 * plannedCounter(opts): the counter and the run.
 */
async function counterRun(n, opts, other) {
  const s = plannedCounter(opts);
  const args = [fixture('intercept_more'), String(n), ...(other === undefined ? [] : [String(other)])];
  const r = await launch(args, s.intercept, { jsApart: true });
  return { s, r };
}

t.test('more: the calls after a plan are planned while the engine answers it', async (t) => {
  const n = 3000;
  const { s: without, r: w } = await counterRun(n, { more: false });
  t.equal(w.stdout, counted(n));
  t.ok(without.longest <= 64 && without.asked >= n / 65, `without more: a question after each plan (${without.asked})`);
  const { s, r } = await counterRun(n);
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, counted(n), 'every call got its number, in order');
  t.equal(s.done, n, 'each call asked about or answered by the engine, once');
  // (how many depends on how soon the JS thread plans: on a loaded machine the engine may use
  // a plan up first and ask; but not every time)
  t.ok(s.longest > 64, `more than one plan's calls answered without a question (longest run ${s.longest})`);
  t.ok(s.asked < without.asked, `fewer questions (${s.asked} against ${without.asked})`);
});

t.test('more: an empty list (the plan is full) is not the end: planning goes on as the engine makes the calls', async (t) => {
  const n = 4000;
  const { s: stopped, r: a } = await counterRun(n, { stopWhenFull: true });
  t.equal(a.stdout, counted(n));
  // each question plans at most 64 + 256 calls when planning ends at a full plan
  t.ok(stopped.asked >= n / 320, `planning that ends when full: a question every 320 calls at least (${stopped.asked})`);
  const { s, r } = await counterRun(n);
  t.equal(r.exitCode, 0);
  t.equal(r.stdout, counted(n), 'every call got its number, in order');
  t.equal(s.done, n, 'each call asked about or answered by the engine, once');
  t.ok(s.full > 0, `more found the plan full (${s.full} times) and was called again`);
  t.ok(s.longest > 320, `more calls answered without a question than one full plan holds (longest run ${s.longest})`);
  t.ok(s.asked < stopped.asked, `fewer questions (${s.asked} against ${stopped.asked})`);
});

t.test('more: a list for a queue used up or voided by then is dropped, never put on the next one', async (t) => {
  const n = 2000;
  for (const other of [-1, 700]) {
    const { s, r } = await counterRun(n, { delayMs: 10 }, other);
    t.equal(r.exitCode, 0);
    t.equal(r.stdout, counted(n, other), `every call got its number${other >= 0 ? ', the getuid the plan did not have its own' : ''}`);
    t.ok(s.late > 0, `lists that came after their queue was gone (${s.late}): dropped`);
  }
});

t.test('then: a call made again (exit verdict again) voids its queue, it is not taken for the next call', async (t) => {
  // rift-replay's held exits: python's write of "0" was made again and taken for the planned
  // write of " " that followed it, so "0" came out twice and " " never
  const bin = fixture('intercept_ahead');
  const entries = [];
  const consumed = [];
  let again = 0;
  const r = await launch([bin], {
    syscalls: [NR('getppid')],
    onConsumed: (tid, n) => consumed.push(n),
    onEntry() {
      entries.push(entries.length);
      if (entries.length === 1) return { action: 'run', then: [101, 102, 103].map((value) => ({ nr: NR('getppid'), verdict: { action: 'return', value } })) };
      return { action: 'return', value: 100 + entries.length };
    },
    onExit: () => (again++ === 0 ? { again: true } : undefined),
  });
  t.equal(r.exitCode, 0);
  t.equal(again, 1, 'one exit: the call made again was answered at its entry');
  t.equal(entries.length, 6, 'the handler saw the call, the same call made again, and the four after it');
  t.same(consumed, [], 'nothing taken from the voided queue');
  t.match(r.stdout, /^ppid 102\nppid 103\nppid 104\nppid 105\nppid 106\n/);
  // the trace's events: the run made again is marked `again` (not the program's call), the rest not
  const calls = sys(r.events, 'getppid');
  t.equal(calls.length, 6, 'six records: the run made again, then the five calls the program made');
  t.same(calls.map((e) => e.again === true), [true, false, false, false, false, false], 'only the run made again is marked again');
});

t.test('a restart verdict: the thread makes the call anew, its skipped record marked again', async (t) => {
  const bin = fixture('intercept_ahead');
  let n = 0;
  const r = await launch([bin], {
    syscalls: [NR('getppid')],
    // the first call restarted twice (once after a sleep in its place), then answered
    onEntry: () => (++n <= 2 ? { action: 'restart', sleepUs: n === 2 ? 1000 : undefined } : { action: 'return', value: 40 + n }),
  });
  t.equal(r.exitCode, 0);
  t.match(r.stdout, /^ppid 43\nppid 44\n/, 'the program saw the answers, not the restarts');
  const calls = sys(r.events, 'getppid');
  t.same(calls.slice(0, 4).map((e) => e.again === true), [true, true, false, false], 'the two restarts marked again, the answered calls not');
  t.ok(calls.slice(2).every((e) => e.again === undefined), 'no call the program made is marked');
});

t.test('then: a malformed expectation is an error of the handler; dropExpectations voids the queue', async (t) => {
  const bin = fixture('intercept_ahead');
  const errors = [];
  const bad = await launch([bin], {
    syscalls: [NR('getppid')],
    onError: (e) => errors.push(e.message),
    onEntry: () => (errors.length ? { action: 'return', value: 2 } : { action: 'return', value: 1, then: [{ nr: NR('getppid'), args: [{ index: 9, value: 0n }], verdict: { action: 'return', value: 2 } }] }),
  });
  t.equal(bad.exitCode, 0);
  t.match(errors, [/argument index 0\.\.5/], 'a bad index is reported through onError');
  t.match(bad.stdout, /^ppid (?!1\n)\d+\nppid 2\n/, 'the bad verdict left the call unchanged; the next came from JS');

  // a queue handed over at the first getppid's entry, voided at its exit
  let trace;
  let n = 0;
  const d = tmp();
  const out = openSync(join(d, 'out'), 'w');
  trace = Trace.launch({
    command: [bin],
    stdio: [0, out, 2],
    intercept: {
      syscalls: [NR('getppid')],
      onEntry: () => (++n === 1 ? { action: 'run', then: [{ nr: NR('getppid'), verdict: { action: 'return', value: 2 } }] } : { action: 'return', value: 20 + n }),
      onExit: () => {
        if (n === 1) trace.dropExpectations();
      },
    },
  });
  for await (const _ of trace);
  await trace.done;
  closeSync(out);
  t.match(readFileSync(join(d, 'out'), 'utf8'), /^ppid \d+\nppid 22\nppid 23\n/, 'the voided expectation was not used');
});

// A verdict that delivers a signal may give the siginfo it carries (replay gives a signal the
// one it had when recorded): the handler reads those fields, and so does the stream. Without
// one, the signal the engine sent itself says so (SI_TKILL, the engine's pid).
t.test('deliver with siginfo: the handler and the stream see the given sender', async (t) => {
  const SIGUSR2 = 12;
  const info = Buffer.alloc(128);
  info.writeInt32LE(SIGUSR2, 0);  // si_signo
  info.writeInt32LE(0, 8);        // si_code: SI_USER
  info.writeInt32LE(4242, 16);    // si_pid
  info.writeUInt32LE(77, 20);     // si_uid
  const verdict = (siginfo) => ({ syscalls: [NR('getppid')], holdSignals: [SIGUSR2], onEntry: () => ({ action: 'return', value: 1, deliver: [SIGUSR2], siginfo }) });
  const given = await launch([probe, 'siginfo'], verdict([info]));
  t.equal(given.exitCode, 0, given.stderr);
  t.equal(given.stdout, 'siginfo 1 0 4242 77\n', 'the handler got the given si_code, si_pid, si_uid');
  const ev = given.events.find((e) => e.type === 'signal' && e.sig === 'SIGUSR2');
  t.match(ev, { code: 0, senderPid: 4242, senderUid: 77 }, 'the stream reports it as given');

  const own = await launch([probe, 'siginfo'], verdict(undefined));
  t.equal(own.exitCode, 0, own.stderr);
  t.equal(own.stdout, `siginfo 1 -6 ${process.pid} 0\n`, 'without one: the engine\'s tgkill');

  const errors = [];
  const bad = await launch([probe, 'siginfo'], { ...verdict([info.subarray(0, 64)]), onError: (e) => errors.push(e.message) });
  t.equal(bad.exitCode, 0);
  t.match(errors, [/siginfo: each must be 128 bytes/], 'a short siginfo is an error of the handler');
});
