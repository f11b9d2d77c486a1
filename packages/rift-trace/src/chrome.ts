/**
 * --format chrome: the Chrome Trace Event format (JSON object form), which Perfetto UI and
 * chrome://tracing open as a timeline. One track per thread (pid/tid), each syscall a complete
 * slice ('X') with its decoded arguments, signals and exits as instant events ('i'), process and
 * thread names as metadata ('M'). Written as it goes: memory does not grow with the trace.
 */
import { decodeSyscall, formatEvent, signatureOf, type Event, type FormatOptions, type Header } from '@rift/events';

export class ChromeWriter {
  private first = true;
  private named = new Set<string>();

  constructor(
    private readonly header: Header,
    private readonly fmt: FormatOptions,
    private readonly emit: (text: string) => void,
  ) {
    this.emit('{"traceEvents":[\n');
  }

  private put(o: object): void {
    this.emit((this.first ? '' : ',\n') + JSON.stringify(o));
    this.first = false;
  }

  private names(pid: number, tid: number, name?: string): void {
    const base = name ?? this.header.command?.[0]?.split('/').pop();
    const pk = `p${pid}`;
    if (name || !this.named.has(pk)) {
      this.named.add(pk);
      this.put({ ph: 'M', name: 'process_name', pid, tid: pid, args: { name: base ?? `pid ${pid}` } });
    }
    const tk = `t${tid}`;
    if (name || !this.named.has(tk)) {
      this.named.add(tk);
      this.put({ ph: 'M', name: 'thread_name', pid, tid, args: { name: tid === pid || name ? (base ?? `tid ${tid}`) : `thread ${tid}` } });
    }
  }

  add(ev: Event): void {
    switch (ev.type) {
      case 'syscall': {
        if (ev.vdso) return;  // a vDSO time read: no syscall
        this.names(ev.pid, ev.tid);
        const p = decodeSyscall(ev, this.fmt);
        const args: Record<string, unknown> = { call: `${p.name}(${p.args.join(', ')})`, ret: p.ret };
        if (ev.errno) args.errno = ev.errno;
        if (ev.status) args.status = ev.status;
        this.put({
          name: ev.name,
          cat: signatureOf(ev.name)?.classes?.join(',').replace(/%/g, '') || 'syscall',
          ph: 'X',
          ts: ev.ts / 1e3,
          dur: (ev.dur ?? 0) / 1e3,
          pid: ev.pid,
          tid: ev.tid,
          args,
        });
        return;
      }
      case 'exec':
        this.names(ev.pid, ev.tid, ev.path.split('/').pop());
        this.put({ name: 'exec', cat: 'process', ph: 'i', s: 't', ts: ev.ts / 1e3, pid: ev.pid, tid: ev.tid, args: { path: ev.path, argv: ev.argv } });
        return;
      case 'spawn':
        this.names(ev.pid, ev.tid);
        this.put({ name: `spawn ${ev.kind} ${ev.child}`, cat: 'process', ph: 'i', s: 't', ts: ev.ts / 1e3, pid: ev.pid, tid: ev.tid, args: { child: ev.child, kind: ev.kind } });
        return;
      case 'signal':
      case 'exit':
        this.names(ev.pid, ev.tid);
        this.put({ name: ev.type === 'signal' ? ev.sig : 'exit', cat: ev.type, ph: 'i', s: 't', ts: ev.ts / 1e3, pid: ev.pid, tid: ev.tid, args: { text: formatEvent(ev, this.fmt) } });
        return;
      default:
        return;
    }
  }

  finish(): void {
    const other = { format: this.header.format, version: this.header.version, command: this.header.command, start: this.header.start, kernel: this.header.kernel };
    this.emit(`\n],"displayTimeUnit":"ns","otherData":${JSON.stringify(other)}}\n`);
  }
}
