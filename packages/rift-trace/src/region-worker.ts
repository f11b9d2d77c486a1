/**
 * A thread of RegionPool (parallel.ts): takes regions of a stream (whole lines), parses and checks
 * each line as the one reader does, and answers with a DecodedBlock: for rift-trace the syscalls
 * decoded into lines, for rift-filter the lines kept. Lines are numbered from 1 in each region;
 * the pool adds where the region began.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lineEvent, Lines, type Event } from '@rift/events';
import { BlockWriter, syscallText } from './decoded.js';
import { eventFilter } from './filter.js';
import { paintOf } from './paint.js';
import type { PoolSetup, RegionJob, RegionResult, TextSetup } from './parallel.js';

const setup = workerData as PoolSetup;
const port = parentPort!;
const out = new BlockWriter(setup.task === 'text' ? setup.layout : undefined);
/** the syscalls the input's inject rules delay (RegionJob.delayed) */
let delayed: Set<string> | undefined;
const task: (events: Event[]) => void = setup.task === 'text' ? textTask(setup) : filterTask(eventFilter(setup.filter));

/** rift-trace: each syscall decoded into its line, other events as they are. */
function textTask(t: TextSetup): (events: Event[]) => void {
  const fmt = { stringSize: t.stringSize, hex: t.hex, verbose: t.verbose, paint: paintOf(t.colour) };
  const only = t.only ? new Set(t.only) : undefined;
  return (events) => {
    // Lines start with their pid prefix when the region's calls come from several threads: as
    // the renderer prints them while several live, most often (it prints the others again)
    let tid = -1, prefixed = t.layout.alwaysPid;
    for (let k = 0; k < events.length && !prefixed; k++) {
      const ev = events[k]!;
      if (ev.type !== 'syscall') continue;
      if (tid >= 0 && ev.tid !== tid) prefixed = true;
      tid = ev.tid;
    }
    for (const ev of events) {
      if (ev.type === 'syscall') out.call(ev, !ev.vdso && (!only || only.has(ev.name)) ? syscallText(ev, fmt, delayed) : undefined, prefixed);
      else out.other(ev);
    }
  };
}

/** rift-filter: the lines of the events kept, as JSON.stringify writes them (as rift-filter does). */
function filterTask(keep: (ev: Event) => boolean): (events: Event[]) => void {
  return (events) => {
    for (const ev of events) if (keep(ev)) out.line(JSON.stringify(ev));
  };
}

port.on('message', (job: RegionJob) => {
  delayed = job.delayed ? new Set(job.delayed) : undefined;
  const ls = new Lines(setup.maxLine);
  ls.load({ bytes: Buffer.from(job.bytes), tooLong: job.tooLong, last: job.last });
  const events: Event[] = [];
  let skipped = 0;
  let error: RegionResult['error'];
  while (ls.next()) {
    const ev = lineEvent(ls);
    if (typeof ev !== 'string') events.push(ev);
    else if (setup.lenient) skipped++;
    else {
      error = { line: ls.line, reason: ev };
      break;
    }
  }
  task(events);
  const block = out.finish();
  const result: RegionResult = { block, lines: ls.line, skipped, error };
  port.postMessage(result, [block.nums.buffer as ArrayBuffer, block.bytes.buffer as ArrayBuffer]);
});
