/**
 * A decoding thread of DecodePool (parallel.ts): takes regions of a stream (whole lines), parses
 * and checks each line as the one reader does, decodes the syscalls, and answers with a
 * DecodedBlock. Lines are numbered from 1 in each region; the pool adds where the region began.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeSyscall, lineEvent, Lines, type FormatOptions } from '@rift/events';
import { BlockWriter, callText } from './decoded.js';
import { paintOf } from './paint.js';
import type { DecodeSetup, RegionJob, RegionResult } from './parallel.js';

const setup = workerData as DecodeSetup;
const fmt: FormatOptions = { stringSize: setup.stringSize, hex: setup.hex, verbose: setup.verbose, paint: paintOf(setup.colour) };
const only = setup.only ? new Set(setup.only) : undefined;
const port = parentPort!;
const out = new BlockWriter(setup.layout);

port.on('message', (job: RegionJob) => {
  const ls = new Lines(setup.maxLine);
  ls.load({ bytes: Buffer.from(job.bytes), tooLong: job.tooLong, last: job.last });
  let skipped = 0;
  let error: RegionResult['error'];
  while (ls.next()) {
    const ev = lineEvent(ls);
    if (typeof ev === 'string') {
      if (!setup.lenient) {
        error = { line: ls.line, reason: ev };
        break;
      }
      skipped++;
      continue;
    }
    if (ev.type === 'syscall') out.call(ev, !only || only.has(ev.name) ? callText(decodeSyscall(ev, fmt)) : undefined);
    else out.other(ev);
  }
  const block = out.finish();
  const result: RegionResult = { block, lines: ls.line, skipped, error };
  port.postMessage(result, [block.nums.buffer as ArrayBuffer, block.bytes.buffer as ArrayBuffer]);
});
