// Bad values in a well-formed stream (issue 17). Real recordings (sh with children, a threaded C
// fixture, python3) are mutated one field at a time, systematically: for each event type and
// each field the schema gives it (and the elements of its arrays, and the fields of a capture),
// a wrong type (string, null, boolean, object, array), a value out of range (negative, a
// fraction, 2^53 + 1, 2^63, 2^70 as a number and as a string), the edges of the range, the
// field missing, an unknown field. Then the values the schema allows on the first call of each
// name in each recording (the decoders they go through), many to a file, one per line. Every
// reader runs over every mutant file: rift-trace, rift-trace -c, rift-filter, rift-diff against
// the unmutated file (in two processes, through each bin's own main, so that a run costs
// milliseconds), rift-trace --threads 2 over a few per line type (the message must be the same),
// and rift-replay of the recorded program over a subset, through the bin. Each must either exit
// 2 with one line `tool: FILE:LINE: ...` naming the field, or, where the schema allows the
// value, exit as for a valid stream; never exit 1, an internal error or a stack trace.
//
// What is valid is the schema's answer (Ajv over the mutated line), with the two rules the
// readers add, which the README gives: an integer is one a JSON number holds exactly (beyond
// 2^53 only 64-bit values, as decimal strings), and a 64-bit value is in the signed 64-bit
// range. The readers' verdict must be that, mutant for mutant.
//
// The in-process runs happen in a child (this file again, with RIFT_26B_DRIVER set): the bins'
// mains write to stdout, which is /dev/null there, and set process.exitCode.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
/** the event types of stream v1 (the schema's, but for the header) */
const EVENT_TYPES = ['syscall', 'spawn', 'exec', 'signal', 'rdtsc', 'exit', 'warning', 'end'];

if (process.env.RIFT_26B_DRIVER) await driver(process.env.RIFT_26B_DRIVER);
else await tests();

/**
 * The driver: runs the jobs of a manifest ({ root, jobs: [{ tool, args }] }) one after the other
 * through the bins' mains, and writes [{ status, stderr, crash? }] next to it.
 */
async function driver(manifestPath) {
  const { root, jobs } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const mains = {
    'rift-trace': (await import(join(root, 'packages/rift-trace/dist/cli-trace.js'))).main,
    'rift-filter': (await import(join(root, 'packages/rift-trace/dist/cli-filter.js'))).main,
    'rift-diff': (await import(join(root, 'packages/rift-diff/dist/cli.js'))).main,
  };
  // each main adds listeners to stdout and stderr
  process.stdout.setMaxListeners(0);
  process.stderr.setMaxListeners(0);
  let stderr = '';
  let crash;
  process.stderr.write = (chunk, enc, cb) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (typeof enc === 'function') enc();
    else if (typeof cb === 'function') cb();
    return true;
  };
  process.on('uncaughtException', (e) => (crash ??= `uncaught: ${e?.stack ?? e}`));
  process.on('unhandledRejection', (e) => (crash ??= `unhandled rejection: ${e?.stack ?? e}`));
  const results = [];
  for (const job of jobs) {
    stderr = '';
    crash = undefined;
    process.exitCode = 0;
    const t0 = performance.now();
    try {
      await mains[job.tool](job.args);
    } catch (e) {
      crash = `thrown: ${e?.stack ?? e}`;
    }
    // a rejection noticed on the next turn
    await new Promise((r) => setImmediate(r));
    results.push({ status: process.exitCode ?? 0, stderr, crash, ms: Math.round(performance.now() - t0) });
  }
  process.exitCode = 0;
  writeFileSync(`${manifestPath}.out`, JSON.stringify(results));
}

async function tests() {
  const t = (await import('tap')).default;
  const { default: Ajv } = await import('ajv');
  const { fixture, record, tmp, ROOT, PYTHON, BIN } = await import('./helpers.mjs');

  const schema = JSON.parse(readFileSync(join(ROOT, 'packages/rift-events/schema/events-v1.schema.json'), 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
  const validLine = ajv.compile(schema);
  const defs = schema.definitions;
  const dir = tmp('rift-26b-');

  // ---- the recordings ----
  const inFile = join(dir, 'in.txt');
  writeFileSync(inFile, 'recorded line\n');
  const threadsBin = fixture('replay_threads', ['-pthread']);
  const programs = {
    sh: ['sh', '-c', 'cat /etc/hostname > /dev/null; ls / > /dev/null; echo done'],
    threads: [threadsBin, inFile, '3'],
    python3: [PYTHON, '-S', '-c', 'import os; print(len(os.listdir("/")) > 0)'],
  };
  // (sh recorded with --tsc: its rdtsc events, whose values are 64-bit)
  const flags = { sh: ['--tsc'] };
  const recs = {};
  for (const [name, cmd] of Object.entries(programs)) {
    const r = record(cmd, flags[name] ?? []);
    if (r.status !== 0) throw new Error(`recording ${name} failed: ${r.stderr}`);
    const lines = readFileSync(r.file, 'utf8').split('\n').filter(Boolean);
    if (name === 'sh') {
      // no recording has a warning: one before the end, as rift-record writes them
      const end = JSON.parse(lines.at(-1));
      const root = JSON.parse(lines[1]);
      lines.splice(-1, 1, JSON.stringify({ type: 'warning', seq: end.seq, tid: root.tid, ts: end.ts, message: 'a warning for test 26b' }), JSON.stringify({ ...end, seq: end.seq + 1 }));
    }
    const base = join(dir, `${name}.ndjson`);
    writeFileSync(base, lines.join('\n') + '\n');
    recs[name] = { cmd, lines, base, objs: lines.map((l) => JSON.parse(l)) };
  }

  // ---- the mutants ----
  /** a line type's fields: [name, class] with class int, int64, string, flag, array, object, any */
  const classOf = (d) => {
    if (!d) return 'any';
    if (d.$ref === '#/definitions/int64' || d.oneOf?.some((x) => x.$ref === '#/definitions/int64')) return 'int64';
    if (d.$ref === '#/definitions/id' || d.$ref === '#/definitions/ns' || d.type === 'integer' || d.oneOf?.some((x) => x.type === 'integer')) return 'int';
    if (d.const === true) return 'flag';
    if (d.type === 'array') return 'array';
    if (d.type === 'object') return 'object';
    return 'string';  // strings, enums, consts
  };
  const fieldsOf = (type) => {
    const d = defs[type];
    const props = { type: {}, ...(d.allOf ? defs.base.properties : {}), ...d.properties };
    return Object.entries(props).map(([f, def]) => [f, f === 'type' ? 'string' : classOf(def)]);
  };
  const ITEM = { args: 'int64', argv: 'string', command: 'string', pids: 'int' };
  const raw = (text) => ({ [Symbol.for('raw')]: text });
  /** the values a field of class `cls` is given: wrong types, out of range, the edges */
  const kinds = (cls, orig) => [
    ['a string', 'abc'],
    ['null', null],
    ['a boolean', orig === true ? false : true],
    ['an object', {}],
    ['an array', []],
    ['negative', -1],
    ['a fraction', 1.5],
    ['2^70', raw('1180591620717411303424')],
    ...(cls === 'int' || cls === 'int64'
      ? [
          ['a decimal string', String(typeof orig === 'number' ? orig : 5)],
          ['2^53 - 1', Number.MAX_SAFE_INTEGER],
          ['2^53 + 1', raw('9007199254740993')],
        ]
      : []),
    ...(cls === 'int64'
      ? [
          ['"2^70"', '1180591620717411303424'],
          ['"2^63"', '9223372036854775808'],
          ['"2^63 - 1"', '9223372036854775807'],
          ['"-2^63"', '-9223372036854775808'],
        ]
      : []),
  ];
  const INT64 = /^(args\[\d+\]|ret|addr|value|ip|ipOffset)$/;  // (value: an rdtsc event's counter; ip, ipOffset: a signal's)
  const DATE_TIME = /^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:?\d\d)$/;
  /** the readers' own rules beside the schema: exact integers, the signed 64-bit range, a real date */
  const readersReject = (type, path, v) => {
    if (v && v[Symbol.for('raw')]) return true;  // beyond 2^53 as a number
    if (INT64.test(path) && typeof v === 'string' && /^-?\d+$/.test(v)) {
      const b = BigInt(v);
      return b < -(2n ** 63n) || b >= 2n ** 63n;
    }
    return type === 'header' && path === 'start' && typeof v === 'string' && !DATE_TIME.test(v);
  };
  const stringify = (o) => {
    let rawText;
    const s = JSON.stringify(o, (k, v) => {
      if (v && typeof v === 'object' && v[Symbol.for('raw')]) {
        rawText = v[Symbol.for('raw')];
        return '\u0000raw\u0000';
      }
      return v;
    });
    return rawText ? s.replace('"\\u0000raw\\u0000"', rawText) : s;
  };

  /**
   * Mutations of event `o`: [label, path (as a message names it), class, value or undefined to
   * delete, or a function that makes the mutated object]. `path`: a field, `arr[0]`, `arr[last]`,
   * `mem[].f` (the first capture with f, else the first), `+extra`, `mem[].+extra`, `args[7]`.
   */
  function* mutations(type, o, path) {
    if (path === '+extra') return yield ['an unknown field', 'zzExtra', (c) => (c.zzExtra = 1)];
    if (path === 'args[7]') return yield ['7 args', 'args', (c) => (c.args = [0, 1, 2, 3, 4, 5, 6])];
    const m = /^(\w+)\[(\d+|last|)\](?:\.(.+))?$/.exec(path);
    if (!m) {
      const cls = fieldsOf(type).find(([f]) => f === path)?.[1] ?? 'any';
      for (const [label, v] of kinds(cls, o[path])) yield [label, path, (c) => (c[path] = v), v];
      yield ['missing', path, (c) => delete c[path]];
      return;
    }
    const [, arr, which, sub] = m;
    if (!Array.isArray(o[arr]) || !o[arr].length) return;
    let i = which === 'last' ? o[arr].length - 1 : which === '' ? o[arr].findIndex((x) => !sub || sub === '+extra' || x[sub] !== undefined) : Number(which);
    if (i < 0) i = 0;
    const at = sub ? `${arr}[${i}].${sub}` : `${arr}[${i}]`;
    if (sub === '+extra') return yield ['an unknown field', `${arr}[${i}].zzExtra`, (c) => (c[arr][i].zzExtra = 1)];
    const cls = sub ? classOf(defs.capture.properties[sub]) : arr === 'mem' ? 'object' : ITEM[arr];
    const orig = sub ? o[arr][i][sub] : o[arr][i];
    for (const [label, v] of kinds(cls, orig)) yield [label, at, sub ? (c) => (c[arr][i][sub] = v) : (c) => (c[arr][i] = v), v];
    if (sub) yield ['missing', at, (c) => delete c[arr][i][sub]];
  }

  /** index of the event of `type` that path `path` is best tried on (one that has the field) */
  function targetOf(objs, type, path) {
    const has = (o) => {
      if (o.type !== type) return false;
      const m = /^(\w+)\[(\d+|last|)\](?:\.(.+))?$/.exec(path);
      if (path === 'args[7]') return o.args?.length > 0;
      if (!m) return path === '+extra' || o[path] !== undefined;
      const [, arr, which, sub] = m;
      if (!Array.isArray(o[arr]) || !o[arr].length) return false;
      if (which === 'last' && arr === 'args') return o.args.length === 6;
      return !sub || sub === '+extra' || o[arr].some((x) => x && x[sub] !== undefined);
    };
    let i = objs.findIndex(has);
    if (i < 0 && /\[/.test(path)) {
      // an array element: any event whose array has one
      const arr = path.split('[')[0];
      i = objs.findIndex((o) => o.type === type && Array.isArray(o[arr]) && o[arr].length);
    }
    if (i < 0 && !/\[/.test(path)) i = objs.findIndex((o) => o.type === type);  // the field added
    return i;
  }

  const mutDir = join(dir, 'mutants');
  mkdirSync(mutDir);
  let fileNo = 0;
  /** a mutant of recording `name`, line index i: its object, text and what the readers must say */
  function mutant(name, i, label, path, apply, v) {
    const rec = recs[name];
    const obj = structuredClone(rec.objs[i]);
    apply(obj);
    const text = stringify(obj);
    if (text === rec.lines[i]) return undefined;
    const type = rec.objs[i].type;
    const valid = validLine(JSON.parse(text)) && !readersReject(type, path, v);
    return { rec: name, line: i + 1, index: i, type, path, label, valid, text };
  }
  const writeMutant = (ms) => {
    const rec = recs[ms[0].rec];
    const lines = rec.lines.slice();
    for (const m of ms) lines[m.index] = m.text;
    const file = join(mutDir, `${ms[0].rec}.${fileNo++}.ndjson`);
    writeFileSync(file, lines.join('\n') + '\n');
    for (const m of ms) m.file = file;
    return file;
  };

  // 1. every field of every line type, each value kind: one mutant per file, the recordings in turn
  const names = Object.keys(recs);
  const single = [];
  const pathsOf = (type) => [
    ...fieldsOf(type).filter(([f]) => !(type === 'header' && f === 'type')).map(([f]) => f),
    '+extra',
    ...(type === 'syscall' ? ['args[0]', 'args[last]', 'args[7]', 'mem[]', ...Object.keys(defs.capture.properties).map((f) => `mem[].${f}`), 'mem[].+extra'] : []),
    ...(type === 'exec' ? ['argv[0]'] : []),
    ...(type === 'header' ? ['command[0]'] : []),
  ];
  let turn = 0;
  for (const type of ['header', ...EVENT_TYPES]) {
    for (const path of pathsOf(type)) {
      // the recordings that have such an event, starting with the next in turn
      const order = names.map((_, k) => names[(turn + k) % names.length]).filter((n) => targetOf(recs[n].objs, type, path) >= 0);
      if (!order.length) continue;
      turn++;
      const probe = recs[order[0]].objs[targetOf(recs[order[0]].objs, type, path)];
      let k = 0;
      for (const [label, at, apply, v] of mutations(type, probe, path)) {
        const name = order[k++ % order.length];
        const i = targetOf(recs[name].objs, type, path);
        // the same mutation on that recording's own event (its array may be shorter: its own index)
        const mine = [...mutations(type, recs[name].objs[i], path)].find(([l]) => l === label);
        if (!mine) continue;
        const m = mutant(name, i, label, mine[1], mine[2], mine[3]);
        if (!m) continue;
        writeMutant([m]);
        single.push(m);
      }
    }
  }

  // 2. the values the schema allows, on the first call of every name in each recording (the
  // decoders each goes through): batched, one mutation per line in a file
  const batched = [];
  const batchFiles = [];
  for (const name of names) {
    const { objs } = recs[name];
    const perLine = [];
    const seen = new Set();
    objs.forEach((o, i) => {
      if (o.type !== 'syscall' || seen.has(o.name)) return;
      seen.add(o.name);
      const list = [];
      for (const path of ['ret', 'args[0]', 'args[last]', 'dur', 'errno', 'status', 'mem', 'mem[]', 'mem[].len', 'mem[].data', 'mem[].full', 'mem[].index', 'mem[].arg', 'mem[].enc', '+extra']) {
        for (const [label, at, apply, v] of mutations('syscall', o, path)) {
          const m = mutant(name, i, label, at, apply, v);
          if (m?.valid) list.push(m);
        }
      }
      perLine.push(list);
    });
    for (let k = 0; perLine.some((l) => l.length > k); k++) {
      const ms = perLine.map((l) => l[k]).filter(Boolean);
      batchFiles.push({ rec: name, file: writeMutant(ms), mutants: ms });
      batched.push(...ms);
    }
  }

  // ---- every reader over every mutant file, in-process ----
  const filterArgs = ['-P', '/etc/hostname', '--min-dur', '1us'];
  const toolsOf = (rec, file) => [
    ['rift-trace', [file]],
    ['rift-trace', ['-c', file]],
    ['rift-filter', [...filterArgs, file]],
    ['rift-diff', [recs[rec].base, file]],
    // the worker threads' reader: a few files (a pool's start costs ten runs)
    ...(threaded.has(file) ? [['rift-trace', ['--threads', '2', file]]] : []),
  ];
  // for each line type, an invalid value of a field of its own and one in seq or the header's
  // arch; and two files of valid values
  const threaded = new Set([
    ...['header', ...EVENT_TYPES].flatMap((type) => {
      const bad = single.filter((m) => m.type === type && !m.valid);
      return [bad.find((m) => !['seq', 'pid', 'tid', 'ts', 'type'].includes(m.path)), bad.find((m) => m.path === 'seq' || m.path === 'arch')];
    }),
    ...batchFiles.slice(0, 2),
  ].filter(Boolean).map((m) => m.file));
  const files = [
    ...names.map((rec) => ({ rec, file: recs[rec].base, base: true })),
    ...single.map((m) => ({ rec: m.rec, file: m.file, mutants: [m] })),
    ...batchFiles,
  ];
  const jobs = [];
  files.forEach((f) => {
    for (const [tool, args] of toolsOf(f.rec, f.file)) jobs.push({ tool, args, f });
  });

  // replay: a subset, through the bin, two at a time, beside the runs above. First the
  // unmutated recordings: where a replay stops by itself (a desync), a bad value after that
  // line is never read
  const replays = (async () => {
    const baseRuns = await runReplays(names.map((rec) => ({ rec, file: recs[rec].base, base: true })), recs, BIN);
    const stopsAt = {};
    for (const { m, r } of baseRuns) {
      const d = /rift-replay: desync at event \d+ \(.*:(\d+)\)/.exec(r.stderr);
      stopsAt[m.rec] = d ? Number(d[1]) : Infinity;
    }
    const pick = [];
    const step = (l, n) => l.filter((_, i) => i % Math.max(1, Math.floor(l.length / n)) === 0).slice(0, n);
    for (const name of names) {
      const bad = single.filter((m) => m.rec === name && !m.valid && m.type !== 'header' && m.line < stopsAt[name]);
      const good = single.filter((m) => m.rec === name && m.valid && m.type === 'syscall');
      pick.push(...step(bad, 6), ...step(good, 3));
      // fewer registers than the call takes (the schema allows it): replay takes the others as 0
      pick.push(...single.filter((m) => m.rec === name && m.path === 'args' && m.label === 'an array').slice(0, 1));
      pick.push(...batchFiles.filter((b) => b.rec === name).slice(0, 2).map((b) => ({ ...b.mutants[0], batch: b })));
    }
    return { baseRuns, stopsAt, runs: await runReplays(pick, recs, BIN) };
  })();

  const t0 = Date.now();
  const results = await inProcess(jobs, dir, ROOT);
  const inProcessMs = Date.now() - t0;

  const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  /** a mutant's path as a message names it: "mem[0].len"; the header's version and format, by word */
  // (a capture replaced by {} may be named by its first missing field, "mem[0].arg")
  const nameRe = (m) => new RegExp(m.path === 'version' || m.path === 'format' || m.path === 'type' ? `\\b${m.path}\\b` : `"${esc(m.path)}["\\[.]`);
  const whatOf = ({ tool, args }) => (tool === 'rift-diff' ? tool : `${tool} ${args.slice(0, -1).join(' ')}`.trim());
  /** why a run's outcome is wrong for file f (its mutants all valid, or its one mutant invalid) */
  const judge = (job, r) => {
    const { tool, f } = job;
    if (r.crash) return `crashed: ${r.crash.slice(0, 500)}`;
    if (/internal error|\n\s+at /.test(r.stderr)) return 'internal error';
    const valid = f.base || f.mutants.every((m) => m.valid);
    if (valid) {
      const ok = tool === 'rift-diff' ? r.status === 0 || (r.status === 1 && !f.base) : r.status === 0;
      if (!ok || r.stderr !== '') return 'a valid stream not read as one';
      return undefined;
    }
    const m = f.mutants[0];
    if (r.status !== 2) return 'expected exit 2';
    if (!new RegExp(`^${tool}: ${esc(f.file)}:${m.line}: [^\\n]+\\n$`).test(r.stderr)) return `expected one line '${tool}: FILE:${m.line}: ...'`;
    if (!nameRe(m).test(r.stderr)) return `the message does not name ${m.path}`;
    return undefined;
  };
  const describe = (m) => `${m.rec}:${m.line} ${m.type} ${m.path} = ${m.label} [${m.valid ? 'valid' : 'invalid'}]`;
  const failures = [];
  const retry = [];
  let rejected = 0, accepted = 0;
  results.forEach((r, k) => {
    const job = jobs[k];
    const why = judge(job, r);
    if (!why) {
      if (job.f.base || job.f.mutants.every((m) => m.valid)) accepted++;
      else rejected++;
      return;
    }
    const line = `${whatOf(job)}: ${why}: status ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`;
    if (job.f.mutants?.length > 1) retry.push(job);  // a batch: which mutant, below
    else failures.push(`${job.f.base ? `the unmutated ${job.f.file}` : describe(job.f.mutants[0])}: ${line}`);
  });
  // a batch that failed: each of its mutants alone, to name the one
  if (retry.length) {
    const again = [];
    for (const job of retry)
      for (const m of job.f.mutants) {
        const file = writeMutant([{ ...m }]);
        again.push({ tool: job.tool, args: [...job.args.slice(0, -1), file], f: { rec: m.rec, file, mutants: [{ ...m, file }] } });
      }
    const rs = await inProcess(again, dir, ROOT);
    rs.forEach((r, k) => {
      const why = judge(again[k], r);
      if (why) failures.push(`${describe(again[k].f.mutants[0])}: ${whatOf(again[k])}: ${why}: status ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 300))}`);
    });
    if (!failures.length) failures.push(`batches failed but no mutant alone did: ${retry.map((j) => j.f.file).join(' ')}`);
  }
  // with and without threads: the same message
  results.forEach((r, k) => {
    if (jobs[k].args[0] !== '--threads') return;
    const one = results[k - 4];  // rift-trace FILE, the same file
    if (one.stderr !== r.stderr || one.status !== r.status) failures.push(`--threads 2 differs for ${jobs[k].f.file}: ${JSON.stringify(r.stderr)} vs ${JSON.stringify(one.stderr)}`);
  });

  const all = [...single, ...batched];
  const byType = {};
  for (const m of single) {
    const b = (byType[m.type] ??= { mutants: 0, invalid: 0 });
    b.mutants++;
    if (!m.valid) b.invalid++;
  }
  t.comment(`${single.length} single mutants (${single.filter((m) => !m.valid).length} invalid), ${batched.length} valid values in ${batchFiles.length} batched files; ${jobs.length} runs in ${inProcessMs} ms; ${JSON.stringify(byType)}`);
  t.ok(all.length >= 700, `${all.length} mutants`);
  t.ok(single.filter((m) => !m.valid).length >= 400, 'invalid values');
  t.ok(all.filter((m) => m.valid).length >= 200, 'values the schema allows');
  if (failures.length) {
    const byTool = {};
    for (const f of failures) {
      const k = /\]: (rift-\w+(?: -c| --threads 2| -P)?)/.exec(f)?.[1] ?? 'other';
      byTool[k] = (byTool[k] ?? 0) + 1;
    }
    t.comment(`failures by reader: ${JSON.stringify(byTool)}; internal errors: ${failures.filter((f) => /internal error|crashed/.test(f)).length}`);
  }
  t.same(failures.slice(0, 40), [], `every reader: exit 2 with FILE:LINE naming the field, or as for a valid stream (${rejected} runs rejected, ${accepted} accepted; ${failures.length} failures)`);

  // a syscall name that the schema allows but that is a member of Object.prototype: read as a
  // syscall rift does not know
  const protoNames = [];
  for (const name of ['constructor', '__proto__']) {
    const i = recs.sh.objs.findIndex((o) => o.type === 'syscall' && o.name === 'openat');
    const m = mutant('sh', i, `"${name}"`, 'name', (c) => (c.name = name), name);
    writeMutant([m]);
    protoNames.push(m);
  }
  const protoJobs = protoNames.flatMap((m) => toolsOf(m.rec, m.file).map(([tool, args]) => ({ tool, args, f: { rec: m.rec, file: m.file, mutants: [m] } })));
  const protoResults = await inProcess(protoJobs, dir, ROOT);
  t.test('a syscall named like a member of Object.prototype', async (t) => {
    protoResults.forEach((r, k) => t.equal(judge(protoJobs[k], r), undefined, `${protoNames.find((m) => m.file === protoJobs[k].f.file).label}: ${whatOf(protoJobs[k])}: ${r.stderr.trim()}`));
  });

  // ---- replay ----
  const { baseRuns, stopsAt, runs: rr } = await replays;
  const rfail = [];
  for (const { m, r } of baseRuns) if (r.signal || r.status === null || /internal error|\n\s+at /.test(r.stderr)) rfail.push(`the unmutated ${m.rec}: status ${r.status} signal ${r.signal} ${r.stderr.slice(-400)}`);
  for (const { m, r } of rr) {
    const say = (why) => rfail.push(`${m.rec}:${m.line} ${m.path} = ${m.label} [${m.valid ? 'valid' : 'invalid'}]: ${why}: status ${r.status} signal ${r.signal}, stderr ${JSON.stringify(r.stderr.slice(-400))}`);
    if (r.signal || r.status === null) say('timed out or killed');
    else if (/rift-replay: internal error|\n\s+at /.test(r.stderr)) say('internal error');
    else if (m.valid) {
      // the program's own exit code, or a desync (3): a reader's complaint is no answer here
      if (new RegExp(`rift-replay: ${esc(m.file)}:\\d+: `).test(r.stderr)) say('a valid value rejected');
    } else {
      if (r.status !== 2) say('expected exit 2');
      else if (!new RegExp(`^rift-replay: ${esc(m.file)}:${m.line}: [^\\n]*${nameRe(m).source}[^\\n]*$`, 'm').test(r.stderr)) say('expected a line naming FILE:LINE and the field');
    }
  }
  const stops = Object.entries(stopsAt).filter(([, l]) => l !== Infinity).map(([n, l]) => `${n} at line ${l}`);
  t.comment(`rift-replay: ${rr.length} files (${rr.filter(({ m }) => !m.valid).length} with an invalid value)${stops.length ? `; the unmutated recordings that desync by themselves: ${stops.join(', ')}` : ''}`);
  t.same(rfail, [], 'rift-replay: exit 2 with FILE:LINE and the field, or replays as a valid stream');
  // some 100 MB of mutants (RIFT_26B_KEEP=1 keeps them)
  if (!process.env.RIFT_26B_KEEP) rmSync(mutDir, { recursive: true, force: true });
}

/**
 * Runs `jobs` ({ tool, args }) through the bins' mains in two driver processes (this file with
 * RIFT_26B_DRIVER), half each; their results in the order of `jobs`.
 */
async function inProcess(jobs, dir, root) {
  const PARTS = 2;
  const parts = Array.from({ length: PARTS }, (_, p) => jobs.map((j, k) => [k, j]).filter(([k]) => k % PARTS === p));
  const results = new Array(jobs.length);
  await Promise.all(
    parts.map(async (part, p) => {
      const manifest = join(dir, `manifest.${p}.${Date.now()}.json`);
      writeFileSync(manifest, JSON.stringify({ root, jobs: part.map(([, j]) => ({ tool: j.tool, args: j.args })) }));
      const child = spawn(process.execPath, [SELF], { env: { ...process.env, RIFT_26B_DRIVER: manifest, NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((resolve) => child.on('close', resolve));
      let out;
      try {
        out = JSON.parse(readFileSync(`${manifest}.out`, 'utf8'));
      } catch {
        throw new Error(`the driver exited ${code} without results: ${stderr.slice(0, 2000)}`);
      }
      part.forEach(([k], i) => (results[k] = out[i]));
    }),
  );
  return results;
}

/** rift-replay MUTANT -- the recorded command, for each of `pick`, two at a time. */
async function runReplays(pick, recs, BIN) {
  const out = [];
  let next = 0;
  const one = () =>
    new Promise((resolve) => {
      const m = pick[next++];
      if (!m) return resolve(false);
      const p = spawn(BIN('rift-replay'), [m.file, '--', ...recs[m.rec].cmd], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 20000 });
      let stderr = '';
      p.stderr.on('data', (d) => (stderr += d));
      p.on('close', (status, signal) => {
        out.push({ m, r: { status, signal, stderr } });
        resolve(true);
      });
    });
  const lane = async () => {
    while (await one());
  };
  await Promise.all([lane(), lane()]);
  return out;
}
