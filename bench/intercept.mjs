// Cost per syscall of a JavaScript handler against a native inject rule and plain recording,
// in the same run: N raw getppid calls under each mode, best of 3, minus the untraced run.
//   node bench/intercept.mjs [N]
import { execFileSync, spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Trace } = await import(join(ROOT, 'packages/rift-core-native/dist/index.js'));
const N = Number(process.argv[2] ?? 20000);
mkdirSync(join(ROOT, 'test/.build'), { recursive: true });
const bin = join(ROOT, 'test/.build/intercept_bench');
execFileSync('gcc', ['-O2', '-o', bin, join(ROOT, 'test/fixtures/intercept_bench.c')]);
const GETPPID = 110;

async function traced(extra) {
  const t0 = process.hrtime.bigint();
  const t = Trace.launch({ command: [bin, String(N)], seccomp: [GETPPID], ...extra });
  let n = 0;
  for await (const b of t) n += b.length;
  await t.done;
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function untraced() {
  const t0 = process.hrtime.bigint();
  spawnSync(bin, [String(N)]);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const modes = {
  untraced: async () => untraced(),
  record: () => traced({}),
  'native rule': () => traced({ inject: [{ syscalls: [GETPPID], retval: 7 }] }),
  'JS handler': () => traced({ intercept: { syscalls: [GETPPID], onEntry: () => ({ action: 'return', value: 7 }) } }),
};
const best = {};
for (let round = 0; round < 3; round++)
  for (const [name, f] of Object.entries(modes)) best[name] = Math.min(best[name] ?? Infinity, await f());
const per = (name) => ((best[name] - best.untraced) * 1000) / N;
console.log(`${N} getppid calls, best of 3 (ms total, µs per call over untraced):`);
for (const name of Object.keys(modes)) console.log(`  ${name.padEnd(12)} ${best[name].toFixed(1).padStart(9)} ms  ${name === 'untraced' ? '' : per(name).toFixed(2) + ' µs/call'}`);
console.log(`  JS handler / native rule: ${(per('JS handler') / per('native rule')).toFixed(2)}x; native rule / record: ${(per('native rule') / per('record')).toFixed(2)}x`);
