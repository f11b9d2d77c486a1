/** Text (diff -u style) and JSON renderings of a DiffResult. */
import { Chalk, type ChalkInstance } from 'chalk';
import type { DiffResult, SideInfo, Where } from './index.js';

export interface TextOptions {
  color?: boolean;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function sideLabel(s: SideInfo): string {
  const cmd = s.command?.length ? `${s.command.join(' ')}; ` : '';
  const notes = [s.truncated ? 'cut short: no end event' : '', s.skipped ? `${plural(s.skipped, 'bad line')} skipped` : ''].filter(Boolean);
  return `${s.file}\t(${cmd}${s.mode === 'replay' ? 'replay; ' : ''}${plural(s.events, 'event')}${notes.length ? `; ${notes.join('; ')}` : ''})`;
}

function at(w: Where | undefined): string {
  return w ? `seq ${w.seq} (line ${w.line})` : '-';
}

function range(ws: (Where | undefined)[]): string {
  const seqs = ws.filter((w): w is Where => !!w).map((w) => w.seq);
  if (!seqs.length) return 'none';
  const lo = Math.min(...seqs);
  const hi = Math.max(...seqs);
  return lo === hi ? `${lo}` : `${lo}-${hi}`;
}

/** The report as text: headers, first divergence with context, summary. Empty when the same. */
export function renderText(r: DiffResult, opts: TextOptions = {}): string {
  const c: ChalkInstance = new Chalk({ level: opts.color ? 1 : 0 });
  const out: string[] = [];
  if (r.same && !r.stoppedEarly) return '';
  out.push(c.bold(`--- ${sideLabel(r.a)}`));
  out.push(c.bold(`+++ ${sideLabel(r.b)}`));
  const f = r.first;
  if (f) {
    const kind = f.kind === 'changed' ? 'changed' : f.kind === 'only-a' ? 'only in a' : 'only in b';
    const name = f.lines.find((l) => l.op !== ' ')?.event;
    const what = name && name.type === 'syscall' ? name.name : name?.type ?? 'event';
    out.push(`first divergence: thread ${f.thread}, a ${at(f.a)}, b ${at(f.b)}: ${what} ${kind}`);
    for (const w of f.what) out.push(`  ${w}`);
    const tidA = f.lines.find((l) => l.a)?.a?.tid;
    const tidB = f.lines.find((l) => l.b)?.b?.tid;
    const tids = f.thread === '*' ? '' : ` (tid ${tidA ?? '-'} in a, ${tidB ?? '-'} in b)`;
    out.push(c.cyan(`@@ thread ${f.thread}${tids}: a seq ${range(f.lines.map((l) => l.a))}, b seq ${range(f.lines.map((l) => l.b))} @@`));
    for (const l of f.lines) {
      const text = `${l.op} ${l.text}`;
      out.push(l.op === '-' ? c.red(text) : l.op === '+' ? c.green(text) : text);
    }
    if (f.cut) out.push(c.dim('(more differences follow in this place)'));
  }
  const s = r.summary;
  if (r.stoppedEarly) {
    out.push(`${r.a.file} and ${r.b.file} differ`);
  } else {
    out.push(
      `summary: ${s.alike} alike, ${s.onlyA} only in a, ${s.onlyB} only in b, ${s.changed} changed` +
        ` (in ${plural(s.places, 'place')}, ${plural(s.threads, 'thread')})`,
    );
  }
  out.push(c.dim(`not compared: ${r.ignored.join(', ')} (see --help; --compare FIELD to include one)`));
  if (r.approximate) out.push(c.yellow(`note: the streams drifted apart beyond the memory cap; counts are approximate (raise --window)`));
  return out.join('\n') + '\n';
}

/** The report as JSON (one object, pretty-printed). */
export function renderJson(r: DiffResult): string {
  return JSON.stringify(r, (k, v) => (v === Infinity ? null : v), 2) + '\n';
}
