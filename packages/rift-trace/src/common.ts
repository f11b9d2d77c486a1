/** What rift-trace and rift-filter share: inputs, errors, exit codes, colour. */
import { Chalk } from 'chalk';
import { openEvents, StreamError, SelectError, type Event, type EventSource, type Paint } from '@rift/events';
import { CliUsageError } from '@rift/cli';

export class UsageError extends Error {}

/** Reads each input in turn ('-' = stdin); calls onHeader once per input, then each event. */
export async function readInputs(
  files: readonly string[],
  lenient: boolean,
  onHeader: (src: EventSource) => void | Promise<void>,
  onEvent: (ev: Event) => void | Promise<void>,
  stopped: () => boolean,
): Promise<number> {
  let skipped = 0;
  for (const f of files.length ? files : ['-']) {
    const src = await openEvents(f, { lenient, lineNumbers: false });  // lineOf is never asked
    await onHeader(src);
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

/**
 * Colour for a stream: only on a TTY; NO_COLOR (any value) turns it off, FORCE_COLOR turns it on
 * (FORCE_COLOR=0 off) whatever the output is.
 */
export function paintFor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Partial<Paint> | undefined {
  let level = 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') level = 0;
  else if (env.FORCE_COLOR !== undefined) level = env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : Math.min(3, Math.max(1, Number(env.FORCE_COLOR) || 1));
  else if (isTTY) level = 1;
  if (!level) return undefined;
  const c = new Chalk({ level: level as 1 | 2 | 3 });
  return { name: (s) => c.bold(s), str: (s) => c.green(s), err: (s) => c.red(s) };
}
