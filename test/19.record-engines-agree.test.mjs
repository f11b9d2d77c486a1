// The two engines record the same stream. Each deterministic program is recorded with the
// syscall buffer (rift-record's default: calls recorded inside the program) and with
// --no-syscall-buffer (every call a ptrace stop), and rift-diff must find the two the same:
// per thread, the same calls with the same decoded arguments other than addresses, the same
// results and the same memory. Nothing rift does for itself may show (the loader loading
// rift_syscallbuf.so is left out of the stream) and nothing may be missing. rift-trace -c of
// a default recording counts what strace -c -f counts.
//
// One difference is allowed, and the README says so: the loader's own small allocations
// (anonymous read-write mmaps made while it loads an image's libraries) can come one call
// earlier, later or in another size, since the loader also keeps its bookkeeping for the
// library. They are dropped from both sides before comparing. Directories' link counts are set
// aside too: they change whenever anything on the machine makes a directory.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { diffFiles } from '@rift/diff';
import { BIN, ROOT, fixture, parse, record, tmp, PYTHON } from './helpers.mjs';

const dir = tmp('rift-engines-');
writeFileSync(join(dir, 'f.txt'), 'some text\n'.repeat(500));
mkdirSync(join(dir, 'tree/a/b'), { recursive: true });
for (let i = 0; i < 20; i++) writeFileSync(join(dir, `tree/a/b/f${i}`), `file ${i}\n`);
const known = fixture('record_known');
const internal = fixture('syscallbuf_internal', ['-pthread']);
const rawClone = fixture('syscallbuf_rawclone');
const python = spawnSync(PYTHON, ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
// a repository to read (made outside the recordings)
const repo = join(dir, 'repo');
const git = (...a) => spawnSync('git', ['-C', repo, ...a], { env: { ...process.env, GIT_AUTHOR_NAME: 'r', GIT_AUTHOR_EMAIL: 'r@x', GIT_COMMITTER_NAME: 'r', GIT_COMMITTER_EMAIL: 'r@x' } });
spawnSync('git', ['init', '-q', repo]);
writeFileSync(join(repo, 'a.txt'), 'a\n');
git('add', 'a.txt');
git('commit', '-q', '-m', 'one');
rmSync(join(ROOT, 'test', '.build', 'engines.db'), { force: true });
spawnSync('sqlite3', [join(ROOT, 'test', '.build', 'engines.db'), 'create table t(x); insert into t values (1),(2);']);

const PROGRAMS = [
  { name: 'C fixture', cmd: [known, join(dir, 'f.txt'), '/bin/true'] },
  // a raw clone's thread on its creator's TLS: its buffered calls are its own, not its creator's
  { name: 'raw clone thread', cmd: [rawClone], inProcess: ['close'] },
  // libc's own calls (readdir, stdio) and raw syscall()s, from main, a signal handler, a
  // thread, a fork child and a vfork child: caught at libc's patched syscall instructions
  { name: "libc's own calls", cmd: [internal, join(dir, 'tree/a/b'), join(dir, 'f.txt')], inProcess: ['getdents64', 'fcntl', 'statx', 'getcwd'] },
  { name: 'cat', cmd: ['cat', join(dir, 'f.txt')] },
  { name: 'ls -la', cmd: ['ls', '-la', '/usr/bin'] },
  { name: 'sort', cmd: ['sort', '/etc/services'], inProcess: ['pread64', 'access', 'arch_prctl', 'rseq'] },
  { name: 'stat', cmd: ['stat', join(dir, 'f.txt'), '/etc/hostname'] },
  { name: 'tar', cmd: ['tar', 'cf', '/dev/null', '-C', dir, 'tree'], inProcess: ['getdents64', 'fcntl'] },
  { name: 'find', cmd: ['find', join(dir, 'tree'), '-name', 'f1*'], inProcess: ['getdents64', 'fcntl'] },
  { name: 'cp', cmd: ['sh', '-c', `cp ${join(dir, 'f.txt')} ${join(dir, 'copy.txt')}; rm ${join(dir, 'copy.txt')}`] },
  // (one child at a time: in a pipeline, which child sh reaps first is the scheduler's choice)
  { name: 'sh with children', cmd: ['sh', '-c', `cat ${join(dir, 'f.txt')} > /dev/null; wc -l ${join(dir, 'f.txt')}; ls ${join(dir, 'tree')} > /dev/null`] },
  // each new image's loader: its calls recorded in process from the image's first (the early
  // hook the tracer injects before the library is loaded), in sh and in each cat
  { name: 'sh loop', cmd: ['sh', '-c', `for i in 1 2 3; do cat ${join(dir, 'f.txt')} > /dev/null; done`], inProcess: ['pread64', 'access', 'mprotect', 'arch_prctl', 'set_tid_address', 'set_robust_list', 'rseq'] },
  // no loader, no library, no early hook: every call the ptrace way
  { name: 'static program', cmd: [fixture('early_static', ['-static']), join(dir, 'f.txt')] },
  { name: 'python3', cmd: [python, '-c', `import os; print(len(open(${JSON.stringify(join(dir, 'f.txt'))}).read())); print(sorted(os.listdir(${JSON.stringify(join(dir, 'tree/a/b'))}))[:3])`] },
  { name: 'git log', cmd: ['git', '-C', repo, '--no-pager', 'log', '--format=%s'] },
  // a query (a write would read /dev/urandom for its journal: not the same program twice)
  // (sqlite3 lstats each directory above its file: not under /tmp, whose link count changes
  // whenever something else makes a directory there); its locks (fcntl F_SETLK, whose struct
  // flock a guarded row captures) recorded in process
  { name: 'sqlite3', cmd: ['sqlite3', join(ROOT, 'test', '.build', 'engines.db'), 'select sum(x) from t;'], inProcess: ['fcntl'] },
];

/**
 * The loader's own allocations (see above) dropped; the rest written back as a stream. The
 * loader's phase of an image runs from its exec to the unmapping of /etc/ld.so.cache, the
 * last thing the loader does before the program's own start-up code runs.
 */
function withoutLoaderAllocations(file) {
  const events = parse(readFileSync(file, 'utf8'));
  const loading = new Map();  // tid -> { cacheFd, cacheAt } while its image is being loaded
  const kept = events.filter((e) => {
    if (e.vdso) return false;  // time reads the vDSO answered: only the syscall buffer sees them
    if (e.type === 'exec') loading.set(e.tid, {});
    if (e.type !== 'syscall' || !loading.has(e.tid)) return true;
    const l = loading.get(e.tid);
    const path = e.mem?.find((m) => m.arg === 1)?.data;
    if (e.name === 'openat' && path === '/etc/ld.so.cache') l.cacheFd = e.ret;
    if (e.name === 'mmap' && l.cacheFd !== undefined && e.args[4] === l.cacheFd) l.cacheAt = e.ret;
    if (e.name === 'munmap' && e.args[0] === l.cacheAt) loading.delete(e.tid);
    const anonymousRW = e.name === 'mmap' && e.args[0] === 0 && e.args[2] === 3 && e.args[3] === 0x22 && e.args[4] === 4294967295;
    return !anonymousRW;
  });
  // a directory's link count is its number of subdirectories, and its size grows with its
  // entries: /tmp's (or any directory above the test's, which sqlite3, git and sh stat; a
  // checkout under /tmp) change whenever something else makes one there
  const STAT_FIELDS = {
    // [nlink offset, length], [mode offset, length], [size offset]: struct stat, struct statx
    newfstatat: [[16, 8], [24, 4], 48], fstat: [[16, 8], [24, 4], 48], stat: [[16, 8], [24, 4], 48], lstat: [[16, 8], [24, 4], 48],
    statx: [[16, 4], [28, 2], 40],
  };
  for (const e of kept) {
    const f = STAT_FIELDS[e.name];
    const c = f && e.mem?.find((m) => m.at === 'exit' && m.enc === 'base64');
    if (!c) continue;
    const b = Buffer.from(c.data, 'base64');
    const [[at, len], [modeAt, modeLen], sizeAt] = f;
    if (b.length >= at + len) b.fill(0, at, at + len);
    const S_IFMT = 0o170000, S_IFDIR = 0o040000;
    if (b.length >= sizeAt + 8 && (b.readUIntLE(modeAt, modeLen) & S_IFMT) === S_IFDIR) b.fill(0, sizeAt, sizeAt + 8);
    c.data = b.toString('base64');
  }
  // openat's mode means nothing without O_CREAT or O_TMPFILE (strace does not print it): a
  // program that makes the call through syscall() passes whatever its register held, which
  // the library's code, run before, changes
  // (a raw syscall()'s is the caller's rcx, which a real syscall instruction sets to its
  // return address and the syscall buffer's code leaves otherwise; O_TMPFILE holds
  // O_DIRECTORY's bit, so it is tested whole)
  for (const e of kept) if (e.name === 'openat' && !(e.args[2] & 0o100) && (e.args[2] & 0o20200000) !== 0o20200000) e.args[3] = 0;
  const out = `${file}.kept`;
  writeFileSync(out, kept.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return { out, dropped: events.length - kept.length };
}

for (const { name, cmd, inProcess } of PROGRAMS) {
  t.test(name, async (t) => {
    const a = record(cmd);
    const b = record(cmd, ['--no-syscall-buffer']);
    for (const n of inProcess ?? []) {
      const calls = a.events.filter((e) => e.type === 'syscall' && e.name === n);
      t.ok(calls.length > 0 && calls.every((e) => e.buffered), `every ${n} recorded in process (${calls.length})`);
    }
    t.equal(a.status, b.status, 'same exit status');
    t.ok(a.events[0].options.syscallBuffer, 'the default recording used the syscall buffer');
    t.notOk(a.events.some((e) => e.type === 'syscall' && (e.mem ?? []).some((m) => typeof m.data === 'string' && m.data.includes('rift_syscallbuf'))), "no call of the loader's for rift's library");
    const r = await diffFiles(withoutLoaderAllocations(a.file).out, withoutLoaderAllocations(b.file).out, { context: 3 });
    t.ok(r.same, `same calls, arguments, results and memory per thread (${r.a.compared} events)`, { summary: r.summary, first: r.first && JSON.stringify(r.first).slice(0, 1500) });
  });
}

/** rows of a strace -c table by fixed columns: { name: { calls, errors } } */
function table(text) {
  const rows = {};
  for (const l of text.split('\n').slice(2)) {
    if (!l || l.startsWith('---') || l.endsWith(' total')) continue;
    rows[l.slice(51)] = { calls: Number(l.slice(31, 40)), errors: Number(l.slice(41, 50).trim() || 0) };
  }
  return rows;
}

t.test('rift-trace -c of a default recording counts what strace -c -f counts', async (t) => {
  for (const { name, cmd } of PROGRAMS.filter((p) => ['cat', 'ls -la', 'sort', 'tar', 'C fixture', 'git log'].includes(p.name))) {
    const s = join(dir, 's.txt');
    rmSync(s, { force: true });
    spawnSync('strace', ['-f', '-c', '-o', s, '--', ...cmd]);
    const rec = record(cmd);
    const r = spawnSync(BIN('rift-trace'), ['-c', rec.file], { encoding: 'utf8' });
    const want = table(readFileSync(s, 'utf8'));
    const got = table(r.stdout);
    // the loader's allocations again: mmap may differ by one call per image
    const images = rec.events.filter((e) => e.type === 'exec').length;
    t.ok(Math.abs((got.mmap?.calls ?? 0) - (want.mmap?.calls ?? 0)) <= images, `${name}: mmap calls within ${images}`);
    delete got.mmap;
    delete want.mmap;
    t.same(got, want, `${name}: every other row's calls and errors`);
  }
});
