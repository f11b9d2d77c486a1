// Attach to running processes (-p), follow their threads, and detach cleanly on Ctrl-C/SIGTERM.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, background, parse, procState, tmp, BIN, syscalls, PYTHON } from './helpers.mjs';

/** The process (thread group) of the thread tracing `pid`, or 0. */
function tracerPid(pid) {
  const tid = Number(/TracerPid:\s*(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  if (!tid) return 0;
  return Number(/Tgid:\s*(\d+)/.exec(readFileSync(`/proc/${tid}/status`, 'utf8'))[1]);
}

async function waitFor(pred, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(20);
  }
  return false;
}

function heartbeat(file) {
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) || 0 : 0;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  t.test(`attach, then ${sig}: detached, still running, never left stopped`, async (t) => {
    const dir = tmp();
    const beat = join(dir, 'beat');
    const loop = background(fixture('record_loop'), [beat]);
    t.teardown(() => loop.kill('SIGKILL'));
    await waitFor(() => heartbeat(beat) > 0);
    const out = join(dir, 't.ndjson');
    const rec = spawn(BIN('rift-record'), ['-p', String(loop.pid), '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    rec.stderr.on('data', (d) => (stderr += d));
    t.ok(await waitFor(() => existsSync(out) && readFileSync(out, 'utf8').includes('"clock_nanosleep"')), 'events arrive');
    t.equal(tracerPid(loop.pid), rec.pid, 'rift-record is the tracer');
    rec.kill(sig);
    const code = await new Promise((r) => rec.on('exit', (c) => r(c)));
    t.equal(code, 0, `rift-record exits 0 after ${sig}`);
    t.equal(stderr, '', 'nothing on stderr');
    t.equal(tracerPid(loop.pid), 0, 'no tracer left');
    const before = heartbeat(beat);
    t.ok(await waitFor(() => heartbeat(beat) > before + 2), 'the process keeps running');
    t.notMatch(procState(loop.pid), /^[tT]$/, 'not stopped');
    const events = parse(readFileSync(out, 'utf8'));
    t.equal(events[0].mode, 'attach');
    t.same(events[0].pids, [loop.pid]);
    t.equal(events.at(-1).type, 'end');
    t.equal(events.at(-1).reason, 'detach');
    t.ok(syscalls(events, 'clock_nanosleep').length > 0 && syscalls(events, 'clock_nanosleep').every((e) => e.pid === loop.pid));
  });
}

t.test('attach to a multi-threaded process: every thread is traced', async (t) => {
  const dir = tmp();
  const script = 'import threading,os,time\n' +
    'def w():\n  while True: os.getppid(); time.sleep(0.01)\n' +
    'for _ in range(3): threading.Thread(target=w, daemon=True).start()\n' +
    'print(threading.active_count(), flush=True)\nwhile True: time.sleep(0.01)\n';
  const py = spawn(PYTHON, ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  t.teardown(() => py.kill('SIGKILL'));
  await new Promise((r) => py.stdout.once('data', r));
  const out = join(dir, 't.ndjson');
  const rec = spawn(BIN('rift-record'), ['-p', String(py.pid), '-o', out], { stdio: 'ignore' });
  await waitFor(() => existsSync(out) && parse(readFileSync(out, 'utf8').split('\n').slice(0, -1).join('\n'))
    .filter((e) => e.name === 'getppid').length > 30);
  rec.kill('SIGINT');
  await new Promise((r) => rec.on('exit', r));
  const events = parse(readFileSync(out, 'utf8'));
  const tids = new Set(syscalls(events, 'getppid').map((e) => e.tid));
  const tasks = (await import('node:fs')).readdirSync(`/proc/${py.pid}/task`).map(Number);
  t.equal(tasks.length, 4, 'python has 4 threads');
  t.equal(tids.size, 3, 'getppid seen from each of the 3 worker threads');
  for (const tid of tids) t.ok(tasks.includes(tid), `tid ${tid} is one of the process's threads`);
  for (const tid of tasks) t.notMatch(procState(tid) ?? '', /^[tT]$/, `thread ${tid} not left stopped`);
});
