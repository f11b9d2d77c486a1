/**
 * The -c summary, laid out like `strace -c`: per syscall name the share of time, seconds,
 * microseconds per call, calls and errors. Time is each call's duration from the stream (entry
 * to exit, what strace -w measures). Calls that never returned (exit_group, a call cut short)
 * are not counted, as strace does not count them.
 */
import type { Event } from '@rift/events';

export type SortKey = 'time' | 'calls' | 'errors' | 'name' | 'avg-time' | 'nothing';
export const SORT_KEYS: readonly SortKey[] = ['time', 'calls', 'errors', 'name', 'avg-time', 'nothing'];

interface Row {
  name: string;
  calls: number;
  errors: number;
  ns: number;
  order: number;
}

export interface SummaryRow {
  name: string;
  calls: number;
  errors: number;
  seconds: number;
  usecsPerCall: number;
  percent: number;
}

export class Summary {
  private rows = new Map<string, Row>();

  add(ev: Event): void {
    if (ev.type !== 'syscall' || ev.ret === null || ev.vdso) return;  // a vDSO time read: no syscall
    let r = this.rows.get(ev.name);
    if (!r) {
      r = { name: ev.name, calls: 0, errors: 0, ns: 0, order: this.rows.size };
      this.rows.set(ev.name, r);
    }
    r.calls++;
    // rt_sigreturn returns the interrupted call's register: strace never counts it as an error
    if (ev.errno && ev.name !== 'rt_sigreturn') r.errors++;
    r.ns += ev.dur ?? 0;
  }

  result(sort: SortKey = 'time'): { syscalls: SummaryRow[]; total: SummaryRow } {
    const rows = [...this.rows.values()];
    const cmp: Record<SortKey, (a: Row, b: Row) => number> = {
      time: (a, b) => b.ns - a.ns || a.name.localeCompare(b.name),
      'avg-time': (a, b) => b.ns / b.calls - a.ns / a.calls || a.name.localeCompare(b.name),
      calls: (a, b) => b.calls - a.calls || a.name.localeCompare(b.name),
      errors: (a, b) => b.errors - a.errors || a.name.localeCompare(b.name),
      name: (a, b) => a.name.localeCompare(b.name),
      nothing: (a, b) => a.order - b.order,
    };
    rows.sort(cmp[sort]);
    const totalNs = rows.reduce((s, r) => s + r.ns, 0);
    const totalCalls = rows.reduce((s, r) => s + r.calls, 0);
    const out = (r: { name: string; calls: number; errors: number; ns: number }): SummaryRow => ({
      name: r.name,
      calls: r.calls,
      errors: r.errors,
      seconds: r.ns / 1e9,
      usecsPerCall: r.calls ? Math.round(r.ns / 1e3 / r.calls) : 0,
      percent: totalNs ? (100 * r.ns) / totalNs : 0,
    });
    return {
      syscalls: rows.map(out),
      total: out({ name: 'total', calls: totalCalls, errors: rows.reduce((s, r) => s + r.errors, 0), ns: totalNs }),
    };
  }

  /** The table as strace -c prints it. */
  table(sort: SortKey = 'time'): string {
    const { syscalls, total } = this.result(sort);
    const dash = '------ ----------- ----------- --------- --------- ----------------';
    const row = (r: SummaryRow, pct = r.percent) =>
      `${pct.toFixed(2).padStart(6)} ${r.seconds.toFixed(6).padStart(11)} ${String(r.usecsPerCall).padStart(11)} ` +
      `${String(r.calls).padStart(9)} ${(r.errors ? String(r.errors) : '').padStart(9)} ${r.name}`;
    const lines = ['% time     seconds  usecs/call     calls    errors syscall', dash];
    for (const r of syscalls) lines.push(row(r));
    lines.push(dash, row(total, syscalls.length ? 100 : 0));
    return lines.join('\n') + '\n';
  }

  json(sort: SortKey = 'time'): string {
    return JSON.stringify(this.result(sort), null, 2) + '\n';
  }
}
