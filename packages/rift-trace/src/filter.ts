/**
 * rift-filter as a library: a predicate over events built from options. The output of a filter
 * is a stream v1 of its own: the header always, life-cycle events unless syscallsOnly.
 */
import { selectNames, type Event } from '@rift/events';

export interface FilterOptions {
  /** selection expression: names, %classes, /regex/, !negation */
  select?: string;
  pids?: readonly number[];
  tids?: readonly number[];
  failed?: boolean;
  successful?: boolean;
  /** nanoseconds */
  minDur?: number;
  syscallsOnly?: boolean;
}

export class FilterUsageError extends Error {}

/** '1.5ms', '20us', '300ns', '2s', '0.1' (seconds) -> nanoseconds */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d*)?|\.\d+)\s*(ns|us|µs|ms|s)?$/.exec(s.trim());
  if (!m) throw new FilterUsageError(`--min-dur: expected a duration such as 10us, 1.5ms or 2s, got '${s}'`);
  const scale = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9 }[(m[2] ?? 's') as 'ns'];
  return Number(m[1]) * scale;
}

export function eventFilter(o: FilterOptions): (ev: Event) => boolean {
  const names = o.select ? selectNames(o.select.replace(/^trace=/, '')) : undefined;
  const pids = o.pids?.length ? new Set(o.pids) : undefined;
  const tids = o.tids?.length ? new Set(o.tids) : undefined;
  if (o.failed && o.successful) throw new FilterUsageError('--failed and --successful exclude each other');
  const minDur = o.minDur;
  return (ev) => {
    if (ev.type === 'end') return true;
    if (ev.type === 'warning') return !o.syscallsOnly;
    if (pids && !pids.has(ev.pid)) return false;
    if (tids && !tids.has(ev.tid)) return false;
    if (ev.type !== 'syscall') return !o.syscallsOnly;
    if (names && !names.has(ev.name)) return false;
    if (o.failed && ev.errno === undefined) return false;
    if (o.successful && (ev.errno !== undefined || ev.ret === null)) return false;
    if (minDur !== undefined && (ev.dur === null || ev.dur < minDur)) return false;
    return true;
  };
}
