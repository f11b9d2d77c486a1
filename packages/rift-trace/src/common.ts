/** What rift-trace and rift-filter share: inputs, errors, exit codes, colour. */
import { openEvents, StreamError, SelectError, type Event, type Header } from '@rift/events';
import { runCli as runCliShared } from '@rift/cli';
import type { DecodedBlock } from './decoded.js';
import type { RegionPool } from './parallel.js';

export class UsageError extends Error {}

/**
 * Reads each input in turn ('-' = stdin); calls onHeader once per input, then each event. The
 * inputs `threads.pool` wants are read through it instead, handing onBlock its blocks; the pool
 * is closed when reading ends, however it ends.
 */
export async function readInputs(
  files: readonly string[],
  lenient: boolean,
  onHeader: (header: Header) => void,
  onEvent: (ev: Event) => void | Promise<void>,
  stopped: () => boolean,
  threads?: { pool: RegionPool | undefined; onBlock: (b: DecodedBlock) => void | Promise<void> },
): Promise<number> {
  let skipped = 0;
  const pool = threads?.pool;
  try {
    for (const f of files.length ? files : ['-']) {
      if (pool?.wants(f)) {
        skipped += await pool.read(f, onHeader, threads!.onBlock, stopped);
        if (stopped()) return skipped;
        continue;
      }
      const src = await openEvents(f, { lenient, lineNumbers: false });  // lineOf is never asked
      onHeader(src.header);
      for await (const batch of src.batches()) {
        for (const ev of batch) {
          const r = onEvent(ev);
          if (r) await r;
        }
        if (stopped()) return skipped + src.skipped;
      }
      skipped += src.skipped;
    }
    return skipped;
  } finally {
    await pool?.close();
  }
}

/** Runs a CLI body (@rift/cli runCli): bad input, usage and selection errors are one line, exit 2. */
export function runCli(tool: string, body: () => Promise<number | void>): Promise<void> {
  return runCliShared(tool, body, { userErrors: [StreamError, UsageError, SelectError] });
}
