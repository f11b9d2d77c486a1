// Handlers that do not stall other threads: while a handler's verdict (or a delay_enter) holds
// one thread's call, the engine serves the other threads, whose calls go on; each thread's
// events stay in order.
import t from 'tap';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, tmp, ROOT } from './helpers.mjs';

const { Trace } = await import(join(ROOT, 'packages/rift-core-native/dist/index.js'));
const { capturePlan, syscallNumber } = await import(join(ROOT, 'packages/rift-events/dist/index.js'));

const bin = fixture('sandbox_hold', ['-pthread']);
const HELD = '/nonexistent-rift-hold';

/** A's held openats and, for each, B's getppid calls made while it was held. */
function overlap(t, events) {
  const calls = events.filter((e) => e.type === 'syscall');
  const held = calls.filter((e) => e.name === 'openat' && e.errno === 'ENOENT' && e.mem?.some((m) => m.data === HELD));
  t.equal(held.length, 3, 'thread A made its three opens');
  const a = held[0].tid;
  const b = calls.filter((e) => e.name === 'getppid' && e.tid !== a);
  t.ok(b.length > 0, 'thread B made calls');
  for (const [i, h] of held.entries()) {
    t.ok(h.dur >= 190e6, `open ${i + 1} was held ${(h.dur / 1e6).toFixed(0)} ms`);
    const during = b.filter((e) => e.ts > h.ts && e.ts + e.dur < h.ts + h.dur).length;
    t.ok(during >= 10, `thread B made ${during} calls meanwhile`);
  }
  // per thread, the stream's order is the order of the calls
  for (const tid of new Set(calls.map((e) => e.tid))) {
    const own = calls.filter((e) => e.tid === tid);
    t.ok(own.every((e, i) => i === 0 || e.ts >= own[i - 1].ts), `thread ${tid}: its events in order`);
  }
}

t.test('a handler that takes 200 ms over each of thread A\'s calls holds thread A only', async (t) => {
  const d = tmp();
  const out = openSync(join(d, 'out'), 'w');
  const trace = Trace.launch({
    command: [bin],
    plan: capturePlan(),
    stdio: [0, out, 2],
    intercept: {
      syscalls: [syscallNumber('openat')],
      async onEntry(call) {
        if (call.readString(call.args[1]) === HELD) await new Promise((r) => setTimeout(r, 200));
        return undefined;  // run it
      },
    },
  });
  const events = [];
  for await (const b of trace) events.push(...b);
  closeSync(out);
  t.equal((await trace.done).exitCode, 0);
  overlap(t, events);
});

t.test('rift-record -e inject=openat:delay_enter=200000 holds the delayed thread only', async (t) => {
  const r = record([bin], ['-e', 'inject=openat:delay_enter=200000']);
  t.equal(r.status, 0, r.stderr);
  overlap(t, r.events);
});

// A `wait` verdict (replay's turns): the thread stays stopped at its call, not made, while the
// engine serves the others, even with a serial handler; wakeThread has it asked again at once.
t.test('a serial handler\'s wait verdict holds thread A at its call until woken', async (t) => {
  const d = tmp();
  const out = openSync(join(d, 'out'), 'w');
  let waiter;  // A's tid while it waits
  let bCalls = 0;
  let asked = 0;
  const wokenAfter = [];
  const trace = Trace.launch({
    command: [bin],
    plan: capturePlan(),
    stdio: [0, out, 2],
    intercept: {
      syscalls: [syscallNumber('openat'), syscallNumber('getppid')],
      serial: true,
      onEntry(call) {
        if (call.name === 'getppid') {
          bCalls++;
          // the 10th call of B since A began waiting wakes A
          if (waiter !== undefined && ++waiter.n === 10) {
            wokenAfter.push(bCalls);
            trace.wakeThread(waiter.tid);
            waiter = undefined;
          }
          return undefined;
        }
        if (call.readString(call.args[1]) !== HELD) return undefined;
        asked++;
        if (asked % 2 === 1) {
          waiter = { tid: call.tid, n: 0 };
          return { action: 'wait', maxUs: 5_000_000 };  // woken long before this
        }
        return undefined;  // asked again: run it
      },
    },
  });
  const events = [];
  for await (const b of trace) events.push(...b);
  closeSync(out);
  t.equal((await trace.done).exitCode, 0);
  t.equal(asked, 6, 'each of the three opens was asked twice (the wait, then once woken)');
  const calls = events.filter((e) => e.type === 'syscall');
  const held = calls.filter((e) => e.name === 'openat' && e.errno === 'ENOENT' && e.mem?.some((m) => m.data === HELD));
  t.equal(held.length, 3, 'three opens in the stream: a wait adds no event');
  const b = calls.filter((e) => e.name === 'getppid');
  t.equal(b.length, bCalls, 'every getppid of B is in the stream');
  for (const [i, h] of held.entries()) {
    // the open's exit came after B's call that woke it, and its wait ended on the wake, not at maxUs
    const waker = b[wokenAfter[i] - 1];
    t.ok(waker && h.ts + h.dur > waker.ts, `open ${i + 1} returned after B's call ${wokenAfter[i]}, which woke it`);
    t.ok(h.dur < 1e9, `open ${i + 1} was held ${(h.dur / 1e6).toFixed(0)} ms (woken, not timed out)`);
    t.ok(h.dur >= 10 * 2e6, `open ${i + 1} was held while B made 10 calls 2 ms apart`);
  }
});
