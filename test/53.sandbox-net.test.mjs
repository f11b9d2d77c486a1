// The sandbox's virtual network (rift-record --net=virtual, on with --deterministic): TCP and
// UDP over IPv4 and IPv6 among the traced processes only. A Python HTTP server and its client in
// one run, twice (the same output, rift-diff exits 0), while the host holds the same port and
// sees nothing listening on it; ephemeral ports in order; datagrams; an outside address.
import t from 'tap';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { BIN, PYTHON, ROOT, record, run, tmp } from './helpers.mjs';

const FIXTURES = join(ROOT, 'test', 'fixtures');

const NO_STDIN = { stdio: ['ignore', 'pipe', 'pipe'] };

/** Ports in LISTEN state on the host, IPv4 and IPv6 (/proc/net/tcp*: st 0A). */
function hostListening() {
  const ports = new Set();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(f, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === '0A') ports.add(parseInt(cols[1].split(':').pop(), 16));
    }
  }
  return ports;
}

/** rift-record ARGS, watching the host's listeners every 50 ms while it runs. */
function recordWatching(args, port, cwd) {
  return new Promise((resolve) => {
    const child = spawn(BIN('rift-record'), args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let seen = 0, looks = 0;
    const watch = setInterval(() => {
      looks++;
      if (hostListening().has(port)) seen++;
    }, 50);
    child.on('close', (status) => {
      clearInterval(watch);
      resolve({ status, stdout, stderr, seen, looks });
    });
  });
}

/** A TCP port free on the host now. */
async function freePort() {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

t.test('an HTTP server and its client in one deterministic run, twice: nothing listens on the host', async (t) => {
  const dir = tmp();
  const port = await freePort();
  const runs = [];
  for (const name of ['a', 'b']) {
    const file = join(dir, `${name}.ndjson`);
    // (the server waits 0.5 s once listening: the watch looks for it meanwhile)
    const r = await recordWatching(['--deterministic', '-o', file, '--', PYTHON, join(FIXTURES, 'net_http.py'), String(port), '0.5'], port, dir);
    r.file = file;
    runs.push(r);
    t.equal(r.status, 0, r.stderr);
    t.ok(r.looks >= 5, `the host was looked at while it ran (${r.looks} times)`);
    t.equal(r.seen, 0, 'nothing listened on the port on the host');
  }
  const [a, b] = runs;
  t.equal(a.stdout, b.stdout, 'the same output twice');
  t.equal(
    a.stdout,
    `listening on ('127.0.0.1', ${port})\nserver: 127.0.0.1 "GET /x HTTP/1.1" 200 -\nhello from the sandbox\nto 93.184.216.34 Network is unreachable\nto 127.0.0.1 Connection refused\nserver exited 0\n`,
  );
  const d = run('rift-diff', [a.file, b.file]);
  t.equal(d.status, 0, `rift-diff of the two recordings exits 0: ${d.stdout.slice(0, 400)}`);
});

t.test('a host server on the same port: no clash', async (t) => {
  const host = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => host.once('listening', r));
  t.teardown(() => host.close());
  const port = host.address().port;
  const r = record([PYTHON, join(FIXTURES, 'net_http.py'), String(port)], ['--net=virtual'], { cwd: tmp(), ...NO_STDIN });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /hello from the sandbox/);
  // and without the sandbox, the same program fails to bind
  const real = run('rift-record', ['-o', '/dev/null', '--', PYTHON, join(FIXTURES, 'net_http.py'), String(port)], NO_STDIN);
  t.not(real.status, 0);
  t.match(real.stderr, /Address already in use/);
});

t.test('ephemeral ports in order, accept and getpeername agree, IPv6, UDP, a port in use', async (t) => {
  const dir = tmp();
  const out = [];
  for (let i = 0; i < 2; i++) {
    const r = record([PYTHON, join(FIXTURES, 'net_sockets.py')], ['--net=virtual'], { cwd: dir, ...NO_STDIN });
    t.equal(r.status, 0, r.stderr);
    out.push(r.stdout);
    if (i === 0) {
      const binds = r.events.filter((e) => e.type === 'syscall' && e.name === 'bind');
      t.ok(binds.length >= 4, 'binds recorded as the program made them');
      t.ok(r.events[0].options.net === 'virtual', 'the header says so');
      t.notOk(r.events.some((e) => e.type === 'syscall' && e.name === 'socket' && e.args[0] === 1), 'no AF_UNIX socket in what the program was seen to make');
    }
  }
  t.equal(out[0], out[1], 'the same twice');
  t.equal(
    out[0],
    "ephemeral ('127.0.0.1', 32768)\npeer True True True\nstream b'ping'\nipv6 ('::1', 9090) ::1 True\nudp b'dgram' True ('127.0.0.1', 32768)\nin use: 98\n",
  );
});

t.test('--net=host keeps the real network; --net=virtual needs a launched command', async (t) => {
  const r = run('rift-record', ['--net=virtual', '-p', String(process.pid)]);
  t.equal(r.status, 2);
  t.match(r.stderr, /--net=virtual needs a launched command/);
  const bad = run('rift-record', ['--net=vpn', '--', 'true']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /net/);
});
