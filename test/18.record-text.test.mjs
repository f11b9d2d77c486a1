// encodeBatch (the text rift-record writes, made in native code) is JSON.stringify of decodeBatch's events, byte for
// byte, on real records of every kind: syscalls with text, binary, cut, faulting and counted
// captures, unfinished, injected and skipped calls, buffered ones; spawn, exec, signal, exit and
// end. (Records of other kinds go through JSON.stringify of their event in both.)
import t from 'tap';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Trace, decodeBatch, decodeState, encodeBatch, parseInjectSpec } from '@rift/core-native';
import { capturePlan } from '@rift/events';
import { fixture, tmp } from './helpers.mjs';

const dir = tmp();
const known = join(dir, 'known.txt');
writeFileSync(known, 'known bytes\n');
const big = join(dir, 'big.bin');
writeFileSync(big, Buffer.alloc(1 << 20, 0xfe));
const badScript = join(dir, 'bad.sh');  // its interpreter does not exist: execve fails, a warning
writeFileSync(badScript, '#!/nonexistent/interpreter\n');
chmodSync(badScript, 0o755);

const runs = [
  ['the syscall buffer fixture', { command: [fixture('syscallbuf_prog', ['-lpthread', '-Wno-stringop-overread']), known, big], syscallBuffer: true }],
  ['the known-syscalls fixture', { command: [fixture('record_known'), known, join(dir, 'missing')] }],
  ['a shell killed by a signal, with injected faults', { command: ['sh', '-c', 'cat /etc/hostname /etc/hostname; kill -TERM $$'], inject: [parseInjectSpec('inject=openat:error=ENOENT:when=3')] }],
  ['a command that cannot run', { command: [badScript] }],
  // exec's path and argv are text with U+FFFD for each ill-formed subpart, as Buffer's
  // toString('utf8') decodes them; captures that are not UTF-8 are base64
  ['arguments that are not UTF-8', { command: ['sh', '-c', `exec true "$(printf 'a\\377b\\300\\200c\\355\\240\\200d\\360\\237\\230e\\364\\220\\200\\200f\\342\\202')" "$(printf '\\342\\202\\254 "q" \\\\ \\001\\037\\t\\177')"`] }, ['exec.U+FFFD']],
];

for (const [label, opts, need = []] of runs) {
  t.test(`encodeBatch equals decodeBatch + JSON.stringify: ${label}`, async (t) => {
    const trace = Trace.launch({ plan: capturePlan({ stringSize: 32 }), stdio: [0, 2, 2], ...opts });
    const a = decodeState(trace.startNs);
    const b = decodeState(trace.startNs);
    let events = 0;
    const kinds = new Set();
    for await (const batch of trace.records()) {
      const evs = decodeBatch(batch, a);
      const { text, events: n } = encodeBatch(batch, b);
      t.equal(n, evs.length, 'as many events');
      const want = evs.map((e) => JSON.stringify(e) + '\n').join('');
      // the bytes themselves: the text is written to the file as it is
      if (!text.equals(Buffer.from(want))) {
        const x = text.toString('latin1').split('\n'), y = Buffer.from(want).toString('latin1').split('\n');
        const i = x.findIndex((l, k) => l !== y[k]);
        t.equal(x[i], y[i], `first different line, ${i} (bytes as latin1)`);
        return;
      }
      events += n;
      for (const e of evs) {
        kinds.add(e.type);
        if (e.type === 'syscall') for (const k of ['status', 'injected', 'skipped', 'buffered', 'errno', 'mem']) if (e[k] !== undefined) kinds.add(k);
        for (const m of e.mem ?? []) for (const k of ['fault', 'full', 'index', 'more']) if (m[k] !== undefined) kinds.add(`mem.${k}`);
        if (e.mem?.some((m) => m.enc === 'base64')) kinds.add('base64');
        if (e.type === 'exec' && e.argv.some((a) => a.includes('\uFFFD'))) kinds.add('exec.U+FFFD');
      }
    }
    await trace.done.catch(() => {});
    t.ok(events > 2, `${events} events, the same text`);
    t.ok(['syscall', 'end', ...need].every((k) => kinds.has(k)), [...kinds].sort().join(' '));
  });
}
