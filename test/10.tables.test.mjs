// The syscall, errno and signal tables are generated from the kernel headers: check them
// against the headers on this machine.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { SYSCALL_NAMES, syscallNumber, errnoName, errnoMessage, signalName, SIGNATURES, capturePlan, PLAN_ROW } from '@rift/events';

t.test('every syscall in unistd_64.h has its number and name', async (t) => {
  const h = readFileSync('/usr/include/x86_64-linux-gnu/asm/unistd_64.h', 'utf8');
  let n = 0;
  for (const m of h.matchAll(/^#define __NR_(\w+)\s+(\d+)$/gm)) {
    n++;
    if (SYSCALL_NAMES[Number(m[2])] !== m[1]) t.fail(`${m[1]} = ${m[2]}`);
    if (syscallNumber(m[1]) !== Number(m[2])) t.fail(`number of ${m[1]}`);
  }
  t.ok(n > 350, `${n} syscalls in the header`);
  // names the headers lack are the syscalls newer than them (syscall-names.ts), numbered past
  // the headers' last
  const last = Math.max(...[...h.matchAll(/^#define __NR_\w+\s+(\d+)$/gm)].map((m) => Number(m[1])));
  const extra = SYSCALL_NAMES.map((name, nr) => [nr, name]).filter(([nr, name]) => name && !h.includes(`#define __NR_${name} `));
  t.ok(extra.every(([nr]) => nr > last), `no extra names below ${last}: ${extra.filter(([nr]) => nr <= last).map(([, n]) => n)}`);
  t.equal(SYSCALL_NAMES.filter(Boolean).length, n + extra.length, 'every other name is one of the headers\'');
});

t.test('errno names and messages match the headers and libc', async (t) => {
  const h = readFileSync('/usr/include/asm-generic/errno-base.h', 'utf8');
  for (const m of h.matchAll(/^#define\s+(E\w+)\s+(\d+)/gm)) t.equal(errnoName(Number(m[2])), m[1]);
  t.equal(errnoMessage(2), 'No such file or directory');
  t.equal(errnoName(512), 'ERESTARTSYS');
});

t.test('signal names', async (t) => {
  t.equal(signalName(17), 'SIGCHLD');
  t.equal(signalName(9), 'SIGKILL');
  t.equal(signalName(34), 'SIGRTMIN');
});

t.test('every signature names a real syscall and parses into a capture plan', async (t) => {
  for (const name of Object.keys(SIGNATURES)) if (syscallNumber(name) === undefined) t.fail(`unknown syscall ${name}`);
  const plan = capturePlan();
  t.equal(plan.length % PLAN_ROW, 0);
  const readRow = [];
  for (let i = 0; i < plan.length; i += PLAN_ROW) if (plan[i] === 0) readRow.push(...plan.slice(i, i + PLAN_ROW));
  // read: arg 1 at exit, Buffer, length from the return value, whole (-1)
  t.same(readRow, [0, 1, 1, 1, 2, 0, -1, 0, 1]);
  const noData = capturePlan({ data: false, stringSize: 16 });
  const row = [];
  for (let i = 0; i < noData.length; i += PLAN_ROW) if (noData[i] === 0) row.push(...noData.slice(i, i + PLAN_ROW));
  t.equal(row[6], 16, '--no-data bounds read data by -s');
});
