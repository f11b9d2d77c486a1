#!/usr/bin/env node
// strace's own test suite as rift-trace's yardstick (not part of `npm test`).
//
//   node scripts/strace-suite.mjs --src STRACE_TREE [options] [NAME...]
//
// Takes a strace source tree (a git checkout: ./bootstrap needs autoconf automake libtool gawk,
// Debian packages), bootstraps and configures it when that was not done yet, builds the test
// programs of the tests it runs (make -C tests NAME...), and runs each test of tests/gen_tests.in
// that strace's run_strace_match_diff runs, whose options rift supports, as that function does
// but with rift's pipeline in strace's place:
//
//   cd tests/NAME.dir
//   ../NAME > /dev/null                                   (exit 77: the test is skipped; not for
//                                                          a fault-injection test without -y)
//   rift-record [--no-follow] [-e inject=...] -o t -- ../NAME > exp   (the program prints what
//                                                          strace must; --no-follow unless -f)
//   rift-filter [-P PATH] [-z|-Z] [--tid TID] NAMES < t | rift-trace [display options] -o log -
//                                                    (--tid: the first thread, unless the test has -f;
//                                                    with -y, NAMES go to rift-trace -e trace=NAMES)
//   sed -n "$QUIRK" log | diff exp -
//
// NAMES is the test's -e trace= (default: the test's name). It prints the pass ratio and, for
// each failure, the first line that differs. Options:
//   --src DIR        the strace source tree (default $STRACE_SRC)
//   --jobs N         tests run at once (default 2)
//   --strace         run strace itself instead of rift (the harness's own check)
//   --list           list the tests chosen and those left out (and why), run nothing
//   --diff           print each failure's whole diff
//   --json FILE      write the results as JSON
//   --no-build       do not run make
//   --keep           keep each test's directory (tests/NAME.dir) as it was left
//   --rift DIR       the rift checkout whose bins run (default: this one), e.g. a clone of an
//                    older commit to compare with
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = (name) => join(ROOT, 'node_modules', '.bin', name);

// ---- arguments ----------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = { src: process.env.STRACE_SRC, jobs: 2, strace: false, list: false, diff: false, json: undefined, build: true, keep: false, names: [] };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--src') opt.src = argv[++i];
  else if (a === '--jobs') opt.jobs = Number(argv[++i]);
  else if (a === '--strace') opt.strace = true;
  else if (a === '--list') opt.list = true;
  else if (a === '--diff') opt.diff = true;
  else if (a === '--json') opt.json = argv[++i];
  else if (a === '--no-build') opt.build = false;
  else if (a === '--keep') opt.keep = true;
  else if (a === '--rift') ROOT = resolve(argv[++i]);
  else if (a.startsWith('-')) die(`unknown option ${a}`);
  else opt.names.push(...a.split(','));
}
if (!opt.src) die('give the strace source tree: --src DIR (or STRACE_SRC)');
const SRC = resolve(opt.src);
const TESTS = join(SRC, 'tests');

function die(msg) {
  process.stderr.write(`strace-suite: ${msg}\n`);
  process.exit(2);
}

// ---- the tree: bootstrap, configure -------------------------------------------------------------
function sh(cmd, cwd, what) {
  process.stderr.write(`strace-suite: ${what}...\n`);
  const r = spawnSync('sh', ['-c', cmd], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) die(`${what} failed (${cmd})`);
}
if (!existsSync(join(SRC, 'tests', 'gen_tests.in'))) die(`${SRC} is not a strace source tree (no tests/gen_tests.in)`);
if (!existsSync(join(SRC, 'configure'))) {
  // a tree without git history needs its version said (git-version-gen reads it)
  if (!existsSync(join(SRC, '.git')) && !existsSync(join(SRC, '.tarball-version'))) writeFileSync(join(SRC, '.tarball-version'), '0.0\n');
  if (!existsSync(join(SRC, '.year'))) writeFileSync(join(SRC, '.year'), `${new Date().getFullYear()}\n`);
  sh('./bootstrap', SRC, 'bootstrap');
}
if (!existsSync(join(TESTS, 'Makefile'))) sh('./configure --enable-mpers=no --disable-gcc-Werror', SRC, 'configure');

// ---- the tests and their options ---------------------------------------------------------------

/** Shell words of a line as sh splits them (quotes, backslashes); redirections stay words. */
function words(s) {
  const out = [];
  let cur = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "'") {
      const j = s.indexOf("'", i + 1);
      cur = (cur ?? '') + s.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      let t = '';
      for (; j < s.length && s[j] !== '"'; j++) {
        if (s[j] === '\\' && '$`"\\\n'.includes(s[j + 1])) t += s[++j];
        else t += s[j];
      }
      cur = (cur ?? '') + t;
      i = j;
    } else if (c === '\\') {
      cur = (cur ?? '') + s[++i];
    } else if (c === ' ' || c === '\t') {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== null) out.push(cur);
  return out;
}

const shq = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * A test's options split by who takes them in rift's pipeline, or the reason it is left out.
 * record: rift-record's (fault injection); filter: rift-filter's (the selection); trace:
 * rift-trace's (display); redirect: the shell's (N>>FILE); quirks as run_strace_match_diff's.
 */
function plan(name, args) {
  const p = { name, record: [], filter: [], trace: [], strace: [], redirect: [], traceExpr: undefined, sed: 'p', progArgs: [], skip: undefined };
  // the generated script's own variable: the test's name
  const ws = words(args.replace(/\$\{NAME\}|\$NAME\b/g, name));
  const take = (i) => ws[i + 1];
  for (let i = 0; i < ws.length; i++) {
    let w = ws[i];
    const unsupported = () => (p.skip ??= `option ${w}`);
    if (w.startsWith('QUIRK:START-OF-TEST-OUTPUT-REGEX:')) {
      p.sed = { regex: w.slice('QUIRK:START-OF-TEST-OUTPUT-REGEX:'.length) };
      continue;
    }
    if (w.startsWith('QUIRK:START-OF-TEST-OUTPUT:')) {
      p.sed = { literal: w.slice('QUIRK:START-OF-TEST-OUTPUT:'.length) };
      continue;
    }
    if (w.startsWith('QUIRK:PROG-ARGS:')) {
      p.progArgs = words(w.slice('QUIRK:PROG-ARGS:'.length));
      continue;
    }
    if (/^\d*(>>|>|<)/.test(w)) {
      p.redirect.push(w);
      continue;
    }
    p.strace.push(w);
    // -e X / -eX / --X= forms of one qualifier
    let q;
    if (w === '-e') {
      q = take(i);
      p.strace.push(q);
      i++;
    } else if (w.startsWith('-e')) q = w.slice(2);
    else if (/^--(trace|signal|inject|fault|abbrev|verbose|raw|read|write|status)=/.test(w)) q = w.slice(2);
    if (q !== undefined) {
      const m = /^([\w-]+)=(.*)$/.exec(q);
      const key = m ? m[1] : 'trace';
      const val = m ? m[2] : q;
      switch (key) {
        case 'trace':
          p.traceExpr = val;
          break;
        case 'inject':
        case 'fault':
          // rift-record injects errors, results, signals and delays; it does not write the
          // tracee's memory (strace's poke_enter=, poke_exit=)
          if (/:poke_(enter|exit)=/.test(val)) p.skip ??= `option -e ${key}=...:poke_enter/poke_exit (rift-record does not poke memory)`;
          p.record.push('-e', `${key}=${val}`);
          break;
        case 'signal':
        case 'signals':
        case 'abbrev':
        case 'verbose':
        case 'raw':
        case 'read':
        case 'write':
        case 'quiet':
          p.trace.push('-e', `${key}=${val}`);
          // the dumps show the data whole: the recording keeps written buffers whole too
          if ((key === 'read' || key === 'write') && !p.record.includes('-s')) p.record.push('-s', String(1 << 21));
          break;
        default:
          w = `-e ${q}`;
          unsupported();
      }
      continue;
    }
    let m;
    if ((m = /^-a(\d*)$/.exec(w))) p.trace.push('-a', m[1] || (i++, take(i - 1)));
    else if ((m = /^--columns=(\d+)$/.exec(w))) p.trace.push('-a', m[1]);
    else if ((m = /^-s(\d*)$/.exec(w))) p.trace.push('-s', m[1] || (i++, take(i - 1)));
    else if ((m = /^--string-limit=(\d+)$/.exec(w))) p.trace.push('-s', m[1]);
    else if (/^-X(raw|abbrev|verbose)?$/.test(w)) {
      if (w === '-X') p.trace.push('-X', take(i)), i++;
      else p.trace.push(w);
    } else if (/^-(v|x|xx|y|yy|q|qq|f|z|Z)$/.test(w) || w === '--no-abbrev') {
      if (w === '-z' || w === '-Z') p.filter.push(w);
      else p.trace.push(w);
    } else if (w === '--successful-only') p.filter.push('-z');
    else if (w === '--failed-only') p.filter.push('-Z');
    else if (w === '--decode-fds' || w === '--decode-fds=path') p.trace.push('-y');
    else if (w === '--strings-in-hex' || w === '--strings-in-hex=all') p.trace.push('-xx');
    else if (w === '--strings-in-hex=non-ascii') p.trace.push('-x');
    else if ((m = /^--quiet=(.+)$/.exec(w))) p.trace.push('-e', `quiet=${m[1]}`);
    else if (w === '-P') p.filter.push('-P', take(i)), i++;
    else if ((m = /^--trace-path=(.*)$/.exec(w))) p.filter.push('-P', m[1]);
    else unsupported();
  }
  return p;
}

function readTests() {
  const out = [];
  const skipped = [];
  for (const line of readFileSync(join(TESTS, 'gen_tests.in'), 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^(\S+)\s*(\S*)\s*(.*)$/.exec(line);
    const [, name, arg0, rest] = m;
    if (opt.names.length && !opt.names.includes(name)) continue;
    // run_strace_match_diff's tests: no options, options, or fault injection (run_strace +
    // match_diff, the same but for the default -e trace=NAME and the quirks)
    if (arg0 !== '' && !arg0.startsWith('-')) {
      skipped.push({ name, reason: `not run_strace_match_diff (${arg0})` });
      continue;
    }
    const p = plan(name, `${arg0} ${rest}`);
    p.inject = /^(-einject=|--inject=)/.test(arg0) && !/(^| )-y( |$)/.test(` ${rest} `);
    if (p.skip) skipped.push({ name, reason: p.skip });
    else out.push(p);
  }
  return { tests: out, skipped };
}

const { tests, skipped } = readTests();
if (opt.list) {
  for (const t of tests) console.log(`run  ${t.name}: filter ${[...t.filter, t.traceExpr ?? t.name].join(' ')} | trace ${t.trace.join(' ')}${t.record.length ? ` (record ${t.record.join(' ')})` : ''}`);
  for (const s of skipped) console.log(`skip ${s.name}: ${s.reason}`);
  console.log(`${tests.length} tests to run, ${skipped.length} left out`);
  process.exit(0);
}

// ---- build -------------------------------------------------------------------------------------
if (opt.build) {
  const progs = [...new Set(tests.map((t) => t.name))];
  process.stderr.write(`strace-suite: make -C tests (${progs.length} programs)...\n`);
  // -k: a program this system cannot build is reported as such, the others are made
  spawnSync('make', ['-k', '-j', String(Math.max(2, opt.jobs)), ...progs], { cwd: TESTS, stdio: ['ignore', 'ignore', 'ignore'] });
}

// ---- run ---------------------------------------------------------------------------------------
/**
 * Keeps a stream's header and what follows the exec of the test program (argv[1]). The header's
 * descriptors become those the program was given at that exec: the shell's redirections
 * (9>>/dev/full), followed by rift's own descriptor tracker through the events that are cut.
 */
const CUT = `import(process.argv[1]).then(({ FdTracker }) => {
const lines = require('fs').readFileSync(0, 'utf8').split('\\n');
const name = process.argv[2];
let at = lines.findIndex((l) => l.includes('"type":"exec"') && JSON.parse(l).path.endsWith('/' + name));
const header = JSON.parse(lines[0]);
if (at >= 0) {
  const fds = new FdTracker();
  fds.seed(header);
  for (const l of lines.slice(1, at)) if (l) fds.update(JSON.parse(l));
  const pid = JSON.parse(lines[at]).pid;
  header.fds = Object.fromEntries(fds.descriptors(pid).filter(([, p]) => p));
}
process.stdout.write([JSON.stringify(header), ...(at < 0 ? lines.slice(1) : lines.slice(at))].join('\\n'));
});`;

function script(t) {
  const prog = ['../' + t.name, ...t.progArgs].map(shq).join(' ');
  const names = t.traceExpr ?? t.name;
  const redir = t.redirect.join(' ');
  let run;
  if (opt.strace) {
    const args = [...t.strace];
    if (t.traceExpr === undefined) args.unshift('-e', `trace=${t.name}`);
    run = `strace -o log ${args.map(shq).join(' ')} ${prog} > exp`;
  } else {
    // strace follows children only with -f: without it, rift-record --no-follow records the first
    // thread alone (a test program may ptrace its own child, which a tracer of it would prevent),
    // and rift-filter --tid keeps that thread's events, as strace would have seen them
    const follow = t.trace.includes('-f');
    // rift-record's launcher passes the program no descriptor but 0-2, so a test's redirection
    // (9>>/dev/full) is made by a shell that then execs the program; the events before that exec
    // (the shell's) are cut from the stream
    const redirected = t.redirect.length > 0;
    // with -y the calls are chosen by rift-trace -e, as strace -e: its descriptor paths are
    // tracked from every call of the stream (rift-filter's selection would drop the opens)
    const decodesFds = t.trace.includes('-y') || t.trace.includes('-yy');
    // -P with -y goes to rift-trace too: its selection must not drop the calls -y follows
    // (a chdir that moves AT_FDCWD)
    const byPath = [];
    const filter = [];
    for (let i = 0; i < t.filter.length; i++) {
      if (decodesFds && t.filter[i] === '-P') byPath.push('-P', t.filter[++i]);
      else filter.push(t.filter[i]);
    }
    const launch = redirected ? `sh -c ${shq(`exec "$0" "$@" ${t.redirect.join(' ')}`)} ${prog}` : prog;
    run = `${shq(BIN('rift-record'))} ${[...(follow ? [] : ['--no-follow']), ...t.record].map(shq).join(' ')} -o ${redirected ? 't0' : 't'} -- ${launch} > exp || exit 98
${redirected ? `node --input-type=commonjs -e ${shq(CUT)} ${shq(join(ROOT, 'packages/rift-trace/dist/index.js'))} ${shq(t.name)} < t0 > t || exit 98` : ''}
${follow ? '' : `TID=$(grep -m1 -o '"tid":[0-9]*' t | cut -d: -f2)`}
${shq(BIN('rift-filter'))} ${[...filter, ...(follow ? [] : ['--tid', '$TID']), ...(decodesFds ? [] : ['-e', names])].map((w) => (w === '$TID' ? '"$TID"' : shq(w))).join(' ')} < t > tf || exit 97
${shq(BIN('rift-trace'))} ${[...t.trace, ...byPath, ...(decodesFds ? ['-e', `trace=${names}`] : [])].map(shq).join(' ')} -o log - < tf || exit 96`;
  }
  // a fault-injection test without -y is run_strace alone (gen_tests.sh): its program expects
  // the injected results, so it is not run by itself first
  return `{
${t.inject ? '' : `${prog} > /dev/null || exit $?`}
${run}
} ${redir}`;
}

/** A sed basic regular expression as a JavaScript one: ( ) { } + ? | are literal unless escaped. */
function breToJs(bre) {
  let out = '';
  for (let i = 0; i < bre.length; i++) {
    const c = bre[i];
    if (c === '\\' && i + 1 < bre.length) {
      const n = bre[++i];
      out += '()|{}+?'.includes(n) ? n : n === '/' ? '/' : '\\' + n;
    } else out += '()|{}+?'.includes(c) ? '\\' + c : c;
  }
  return out;
}

function sedLines(text, sed) {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (sed === 'p') return lines;
  const test = sed.literal !== undefined ? (l) => l.includes(sed.literal) : (() => {
    const re = new RegExp(breToJs(sed.regex));
    return (l) => re.test(l);
  })();
  const at = lines.findIndex(test);
  return at < 0 ? [] : lines.slice(at);
}

function runOne(t) {
  return new Promise((done) => {
    const dir = join(TESTS, `${t.name}.dir`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const started = Date.now();
    const child = spawn('sh', ['-c', script(t)], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C', GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' } });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const r = { name: t.name, ms: Date.now() - started };
      if (code === 77) r.status = 'skip';
      else if (signal) Object.assign(r, { status: 'fail', first: `killed by ${signal} (timeout?)` });
      else if (code !== 0) Object.assign(r, { status: 'fail', first: `${code === 98 ? 'rift-record' : code === 97 ? 'rift-filter' : code === 96 ? 'rift-trace' : 'the program'} exited ${code}: ${err.trim().split('\n').pop() ?? ''}` });
      else {
        const exp = readFileSync(join(dir, 'exp'), 'utf8').split('\n');
        if (exp[exp.length - 1] === '') exp.pop();
        const got = sedLines(readFileSync(join(dir, 'log'), 'utf8'), t.sed);
        const n = Math.max(exp.length, got.length);
        let k = 0;
        while (k < n && exp[k] === got[k]) k++;
        if (k === n) r.status = 'pass';
        else {
          r.status = 'fail';
          r.line = k + 1;
          r.expected = exp[k] ?? '(end)';
          r.got = got[k] ?? '(end)';
          if (opt.diff) r.diff = spawnSync('sh', ['-c', `sed -n '1,$p' log | diff -u exp - | head -60`], { cwd: dir, encoding: 'utf8' }).stdout;
        }
      }
      if (!opt.keep && r.status === 'pass') rmSync(dir, { recursive: true, force: true });
      done(r);
    });
  });
}

const built = tests.filter((t) => existsSync(join(TESTS, t.name)));
const unbuilt = tests.filter((t) => !existsSync(join(TESTS, t.name)));
const results = [];
let next = 0;
async function worker() {
  while (next < built.length) {
    const t = built[next++];
    const r = await runOne(t);
    results.push(r);
    if (process.stderr.isTTY) process.stderr.write(`\r${results.length}/${built.length} `);
  }
}
await Promise.all(Array.from({ length: Math.max(1, opt.jobs) }, worker));
if (process.stderr.isTTY) process.stderr.write('\r');
results.sort((a, b) => a.name.localeCompare(b.name));

const pass = results.filter((r) => r.status === 'pass');
const fail = results.filter((r) => r.status === 'fail');
const skip = results.filter((r) => r.status === 'skip');
for (const r of fail) {
  console.log(`FAIL ${r.name}${r.line ? ` line ${r.line}` : ''}: ${r.first ?? ''}`);
  if (r.expected !== undefined) console.log(`  expected: ${r.expected}\n  got:      ${r.got}`);
  if (r.diff) console.log(r.diff);
}
const ran = pass.length + fail.length;
// what the failures are: a syscall rift has no name for (newer than this system's kernel
// headers), a tool or the program that stopped, or text that differs
const kinds = {};
for (const r of fail) {
  const k = /unknown syscall/.test(r.first ?? '') ? 'syscall unknown to rift' : r.first ? r.first.replace(/ exited.*/, ' exited') : 'text differs';
  kinds[k] = (kinds[k] ?? 0) + 1;
}
if (fail.length) console.log(`\nfailures: ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(', ')}`);
console.log(`\n${opt.strace ? 'strace' : 'rift'}: ${pass.length}/${ran} passed (${ran ? ((100 * pass.length) / ran).toFixed(1) : 0}%); ` +
  `${skip.length} skipped by the program (exit 77), ${unbuilt.length} not built, ${skipped.length} left out (options rift does not take, or not run_strace_match_diff)`);
if (opt.json) writeFileSync(opt.json, JSON.stringify({ pass: pass.length, ran, results, unbuilt: unbuilt.map((t) => t.name), skipped }, null, 1));
