/** Colour: when to use it, and the painters for a level (also made on decoding threads). */
import { Chalk } from 'chalk';
import type { Paint } from '@rift/events';

/**
 * The colour level for a stream: only on a TTY; NO_COLOR (any value) turns it off, FORCE_COLOR
 * turns it on (FORCE_COLOR=0 off) whatever the output is. 0 is none.
 */
export function colourLevel(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): number {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false' ? 0 : Math.min(3, Math.max(1, Number(env.FORCE_COLOR) || 1));
  return isTTY ? 1 : 0;
}

/** The painters for a colour level (undefined for 0). */
export function paintOf(level: number): Partial<Paint> | undefined {
  if (!level) return undefined;
  const c = new Chalk({ level: level as 1 | 2 | 3 });
  return { name: (s) => c.bold(s), str: (s) => c.green(s), err: (s) => c.red(s) };
}

/** Colour for a stream, as colourLevel decides. */
export function paintFor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): Partial<Paint> | undefined {
  return paintOf(colourLevel(isTTY, env));
}
