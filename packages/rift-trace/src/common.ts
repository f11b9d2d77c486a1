/** What rift-trace and rift-filter share: inputs, errors, exit codes, colour. */
import { openEvents, StreamError, SelectError, type Event, type Header } from '@rift/events';
import { CliUsageError } from '@rift/cli';
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

/**
 * Runs a CLI body: usage errors and stream errors print one line `tool: ...` and exit 2; anything
 * else is an internal error (exit 1). No stack traces.
 */
export async function runCli(tool: string, body: () => Promise<number | void>): Promise<void> {
  let code = 0;
  try {
    code = (await body()) ?? 0;
  } catch (e) {
    if (e instanceof StreamError || e instanceof UsageError || e instanceof CliUsageError || e instanceof SelectError) {
      process.stderr.write(`${tool}: ${e.message.trim().replace(/\s*\n\s*/g, ' ')}\n`);
      if (!(e instanceof StreamError) && /Unknown argument|Not enough|Missing/.test(e.message)) process.stderr.write(`Try '${tool} --help'.\n`);
      code = 2;
    } else {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'EPIPE') code = 0;
      else {
        process.stderr.write(`${tool}: internal error: ${err.message}\n`);
        code = 1;
      }
    }
  }
  process.exitCode = code;
}
