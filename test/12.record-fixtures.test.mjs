// C fixtures with known syscalls, threads, fork+exec, and death by signal.
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, record, syscalls, mem, tmp, PYTHON } from './helpers.mjs';

t.test('known syscalls: paths, bytes, errors, faults, 64-bit values', async (t) => {
  const dir = tmp();
  const text = join(dir, 'known.txt');
  const bin = join(dir, 'all.bin');
  writeFileSync(text, 'known bytes\n');
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  writeFileSync(bin, all);
  const r = record([fixture('record_known'), text, bin]);
  t.equal(r.status, 7, "the fixture's exit code");
  const ev = r.events;

  const open = syscalls(ev, 'openat').find((e) => mem(e, 1) === text);
  t.ok(open, 'openat of the known path, path decoded');
  t.equal(open.args[0], 4294967196, 'AT_FDCWD as the raw register (int -100, upper half zero)');
  const read = syscalls(ev, 'read').find((e) => e.args[0] === open.ret && e.seq > open.seq);
  t.equal(read.ret, 12);
  t.equal(mem(read, 1, 'exit'), 'known bytes\n');
  const write = syscalls(ev, 'write').find((e) => e.args[0] === 1);
  t.equal(mem(write, 1), 'known bytes\n');

  const enoent = syscalls(ev, 'openat').find((e) => mem(e, 1) === '/nonexistent/rift-known');
  t.equal(enoent.ret, -2);
  t.equal(enoent.errno, 'ENOENT');

  const fault = syscalls(ev, 'openat').find((e) => e.args[1] === 8);
  t.equal(fault.errno, 'EFAULT', 'the kernel refused the pointer');
  t.same(fault.mem, [{ arg: 1, at: 'entry', len: 0, fault: 'EFAULT' }], 'recorded as a fault, nothing crashed');

  const binOpen = syscalls(ev, 'openat').find((e) => mem(e, 1) === bin);
  const binRead = syscalls(ev, 'read').find((e) => e.args[0] === binOpen.ret && e.seq > binOpen.seq);
  const c = binRead.mem.find((m) => m.at === 'exit');
  t.equal(c.enc, 'base64', 'bytes that are not UTF-8 are base64');
  t.ok(Buffer.from(c.data, 'base64').equals(all), 'all 256 byte values exact');

  const lseek = syscalls(ev, 'lseek').at(-1);
  t.equal(lseek.args[1], '9223372036854775807', 'INT64_MAX written as a string, not rounded');
  t.ok(lseek.ret === '9223372036854775807' || lseek.errno === 'EINVAL', 'its result, exact or EINVAL');

  t.ok(syscalls(ev, 'getpid').length >= 1);
  const exit = ev.find((e) => e.type === 'exit');
  t.equal(exit.code, 7);
});

t.test('threads: every tid appears, with its own syscalls', async (t) => {
  const r = record([fixture('record_threads', ['-lpthread']), '6', '5']);
  t.equal(r.status, 0);
  const pid = r.events.find((e) => e.type === 'exec').pid;
  const threads = r.events.filter((e) => e.type === 'spawn' && e.kind === 'thread').map((e) => e.child);
  t.equal(threads.length, 6, 'six thread spawns');
  for (const tid of threads) {
    t.equal(syscalls(r.events, 'getppid').filter((e) => e.tid === tid).length, 5, `tid ${tid} made its 5 calls`);
    t.ok(r.events.some((e) => e.type === 'exit' && e.tid === tid), `tid ${tid} exit seen`);
  }
  t.ok(r.events.filter((e) => e.tid !== undefined).every((e) => e.pid === pid), 'threads carry the process pid');
});

t.test('fork + exec chain: spawn, exec, exits, and the exit code', async (t) => {
  const r = record([fixture('record_forkexec')]);
  t.equal(r.status, 6);
  const spawn = r.events.find((e) => e.type === 'spawn');
  t.ok(spawn && (spawn.kind === 'fork' || spawn.kind === 'process'));
  const execs = r.events.filter((e) => e.type === 'exec');
  t.equal(execs.length, 2, 'the fixture, then sh in the child');
  t.equal(execs[1].tid, spawn.child);
  t.same(execs[1].argv, ['sh', '-c', 'exit 5']);
  const exits = r.events.filter((e) => e.type === 'exit');
  t.same(exits.map((e) => [e.tid, e.code]), [[spawn.child, 5], [spawn.tid, 6]]);
  const sigchld = r.events.find((e) => e.type === 'signal' && e.sig === 'SIGCHLD');
  t.equal(sigchld.senderPid, spawn.child);
  t.equal(sigchld.status, 5);
});

t.test('a program killed by a signal', async (t) => {
  const r = record(['sh', '-c', 'kill -SEGV $$']);
  t.equal(r.status, 128 + 11, 'rift-record exits 128+SIGSEGV like a shell');
  const sig = r.events.find((e) => e.type === 'signal');
  t.equal(sig.sig, 'SIGSEGV');
  const exit = r.events.find((e) => e.type === 'exit');
  t.equal(exit.signal, 'SIGSEGV');
  t.equal(exit.code, undefined);
  t.equal(r.events.at(-1).exitCode, 139);
});

t.test('SIGKILL mid-syscall: the call is recorded unfinished, not paired with a later exit', async (t) => {
  const r = record(['sh', '-c', 'sleep 5 & pid=$!; sleep 0.2; kill -KILL $pid; wait $pid; exit 0']);
  t.equal(r.status, 0);
  const sleeper = r.events.find((e) => e.type === 'exec' && /sleep$/.test(e.path) && e.argv[1] === '5');
  const last = syscalls(r.events).filter((e) => e.tid === sleeper.tid).at(-1);
  t.equal(last.name, 'clock_nanosleep');
  t.equal(last.status, 'unfinished');
  t.equal(last.ret, null);
  const exit = r.events.find((e) => e.type === 'exit' && e.tid === sleeper.tid);
  t.equal(exit.signal, 'SIGKILL');
});

t.test('exit_group cuts short another thread blocked in a syscall', async (t) => {
  const r = record([PYTHON, '-c', 'import threading,time,os\nthreading.Thread(target=time.sleep,args=(30,),daemon=True).start()\ntime.sleep(0.1)\nos._exit(4)']);
  t.equal(r.status, 4);
  const pid = r.events.find((e) => e.type === 'exec').pid;
  const thread = r.events.find((e) => e.type === 'spawn' && e.kind === 'thread').child;
  const last = syscalls(r.events).filter((e) => e.tid === thread).at(-1);
  t.equal(last.status, 'unfinished', `the sleeping thread's ${last.name} is unfinished`);
  const leaderExit = syscalls(r.events, 'exit_group').find((e) => e.tid === pid);
  t.ok(leaderExit, 'exit_group recorded');
});
