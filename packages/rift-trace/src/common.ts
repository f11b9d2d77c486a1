/** What rift-trace and rift-filter share: inputs, errors, exit codes, colour. */
import { openEvents, StreamError, SelectError, type Event, type Header } from '@rift/events';
import { CliUsageError } from '@rift/cli';
import type { DecodedBlock } from './decoded.js';
import type { RegionPool } from './parallel.js';

export class UsageError extends Error {}

/** Reads each input in turn ('-' = stdin); calls onHeader once per input, then each event. */
export async function readInputs(
  files: readonly string[],
  lenient: boolean,
  onHeader: (header: Header) => void,
  onEvent: (ev: Event) => void | Promise<void>,
  stopped: () => boolean,
  /** inputs it wants are read through these threads instead, handing onBlock their blocks */
  decoded?: { pool: RegionPool; onBlock: (b: DecodedBlock) => void | Promise<void> },
): Promise<number> {
  let skipped = 0;
  for (const f of files.length ? files : ['-']) {
    if (decoded?.pool.wants(f)) {
      skipped += await decoded.pool.read(f, onHeader, decoded.onBlock, stopped);
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
