/**
 * Argument parsing for the rift bins: yargs, without paying for yargs on every run.
 *
 * Loading yargs costs about 100 ms here (cliui, string-width and y18n come with it), a third of
 * a short rift-record run. Its parsing engine, yargs-parser, loads in a few. So a bin describes
 * its options once, as yargs option definitions (CliSpec), and parseArgs parses with
 * yargs-parser under the configuration yargs itself would pass it. Only when there is something
 * to show (--help, --version, an unknown option, a bad choice, a parse error) is yargs loaded,
 * with the same definitions, to print the help or produce the error message it always has.
 */
import Parser from 'yargs-parser';
import type { InferredOptionTypes, Options } from 'yargs';
import type { CompletionSpec } from './completion.js';

export { completion, complete, type CompletionKind, type CompletionSpec } from './completion.js';
export { manMarkdown, readmeSection, type ManOptions } from './man.js';

/** A bin's options, by key, as yargs defines them. */
export type OptionTable = Record<string, Options>;

export interface CliSpec<O extends OptionTable = OptionTable> {
  /** the bin's name ($0 in help) */
  name: string;
  version: string;
  /** first lines of --help */
  usage: string;
  /** last lines of --help (examples, exit codes) */
  epilogue: string;
  /** yargs option definitions, by key */
  options: O;
  /** yargs-parser configuration beyond yargs's defaults ('boolean-negation': false...) */
  parserConfiguration?: Record<string, boolean>;
  /** help text width at most (default 100) */
  wrap?: number;
  /** what shell completion offers for option values and positional arguments (completion.ts) */
  complete?: CompletionSpec;
}

/** Parsed arguments: each option's value by its key, typed from its definition; `_` the positional ones. */
export type ParsedArgs<O extends OptionTable = OptionTable> = InferredOptionTypes<O> & { _: (string | number)[] };

/** A bin's spec, its option definitions kept literal so that ParsedArgs<O> types each value. */
export function defineCli<const O extends OptionTable>(spec: CliSpec<O>): CliSpec<O> {
  return spec;
}

/** A usage error with yargs's message ("Unknown argument: x", "Invalid values: ..."). */
export class CliUsageError extends Error {
  override name = 'CliUsageError';
}

/**
 * Trouble the user can act on (a bad flag value, a file that cannot be opened, a command that
 * cannot be run): runCli prints it as one line, `tool: message`, and exits with exitCode (2
 * unless said otherwise). Internal errors are for bugs only.
 */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly exitCode = 2,
    /** follow with "Try 'tool --help'." */
    readonly hint = false,
  ) {
    super(message);
  }
}

/** What yargs-parser is told, as yargs 18 tells it (yargs-factory's parse step). */
function parserOptions(spec: CliSpec): Parser.Options {
  const alias: Record<string, string[]> = { h: ['help'] };
  const array: string[] = [];
  const boolean: string[] = ['help', 'version'];
  const string: string[] = [];
  const number: string[] = [];
  const count: string[] = [];
  const defaults: Record<string, unknown> = {};
  const narg: Record<string, number> = {};
  for (const [key, o] of Object.entries(spec.options)) {
    if (o.requiresArg) narg[key] = 1;  // as yargs does: a missing value is a parse error
    if (o.alias !== undefined) alias[key] = ([] as string[]).concat(o.alias as string | string[]);
    if (o.array) array.push(key);
    if (o.type === 'boolean') boolean.push(key);
    else if (o.type === 'string') string.push(key);
    else if (o.type === 'number') string.push(key);  // converted by settle(), which names bad text
    else if (o.type === 'count') count.push(key);
    if (o.default !== undefined) defaults[key] = o.default;
  }
  return {
    alias,
    array,
    boolean,
    string,
    number,
    count,
    default: defaults,
    narg,
    // as yargs: an array option takes one value a time (-e a -e b), never the words after it
    configuration: { 'parse-positional-numbers': false, 'populate--': true, 'greedy-arrays': false, ...spec.parserConfiguration },
  };
}

/** Every name an option answers to, as yargs-parser reports keys (aliases, camelCase forms). */
function knownKeys(spec: CliSpec): Set<string> {
  const known = new Set(['_', '--', '$0', 'help', 'h', 'version']);
  const add = (k: string): void => {
    known.add(k);
    known.add(k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()));
  };
  for (const [key, o] of Object.entries(spec.options)) {
    add(key);
    for (const a of ([] as string[]).concat((o.alias as string | string[] | undefined) ?? [])) add(a);
  }
  return known;
}

/** Whether the quick parse cannot stand: yargs must speak (help, version, an error to word). */
function needsYargs(spec: CliSpec, parsed: Parser.DetailedArguments): boolean {
  if (parsed.error) return true;
  const a = parsed.argv as Record<string, unknown>;
  if (a.help || a.version) return true;
  const known = knownKeys(spec);
  for (const k of Object.keys(a)) if (!known.has(k)) return true;
  for (const [key, o] of Object.entries(spec.options)) {
    if (!o.choices) continue;
    const vs = ([] as unknown[]).concat(a[key] ?? []);
    if (vs.some((v) => v !== o.default && !(o.choices as unknown[]).includes(v))) return true;
  }
  return false;
}

/**
 * Parses `argv` (the bin's own arguments, before any `--`). Returns the arguments, or
 * undefined when help or the version was printed. Throws CliUsageError with yargs's message.
 *
 * Every option means something when repeated: an `array` option collects every value (the
 * bin splits comma lists, as strace's -e), any other option takes its last value (`-s 10 -s
 * 20` is 20). A `number` option whose value is not a number is a usage error naming the flag
 * and the text given, not NaN.
 */
export async function parseArgs<O extends OptionTable>(spec: CliSpec<O>, argv: string[]): Promise<ParsedArgs<O> | undefined> {
  const parsed = Parser.detailed(argv, parserOptions(spec));
  if (needsYargs(spec, parsed)) return viaYargs(spec, argv);
  return settle(spec, parsed.argv as unknown as ParsedArgs<O>);
}

/** The flag as a user types it: -s, --string-size. */
function flagOf(key: string): string {
  return key.length === 1 ? `-${key}` : `--${key}`;
}

/** Repeated scalars to their last value, numbers checked (parseArgs); every alias key alike. */
function settle<O extends OptionTable>(spec: CliSpec<O>, args: ParsedArgs<O>): ParsedArgs<O> {
  const a = args as Record<string, unknown>;
  for (const [key, o] of Object.entries(spec.options)) {
    let v = a[key];
    if (v === undefined) continue;
    if (!o.array && Array.isArray(v)) v = v[v.length - 1];
    if (o.type === 'number') {
      const check = (x: unknown): number => {
        const n = typeof x === 'number' ? x : Number(String(x).trim() === '' ? NaN : x);
        if (!Number.isFinite(n)) throw new CliUsageError(`${flagOf(key)}: expected a number, got '${String(x)}'`);
        return n;
      };
      v = Array.isArray(v) ? v.map(check) : check(v);
    }
    for (const k of [key, ...([] as string[]).concat((o.alias as string | string[] | undefined) ?? [])]) {
      a[k] = v;
      const camel = k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      if (camel in a) a[camel] = v;
    }
  }
  return args;
}

/** The same definitions through yargs itself: help, version and error messages. */
export async function viaYargs<O extends OptionTable>(spec: CliSpec<O>, argv: string[]): Promise<ParsedArgs<O> | undefined> {
  const { default: yargs } = await import('yargs');
  const args = await yargs(argv)
    .scriptName(spec.name)
    .parserConfiguration({ 'greedy-arrays': false, ...spec.parserConfiguration })
    .usage(spec.usage)
    .options(spec.options)
    // handled before parsing, by each bin's completion hook (completion.ts); listed for --help
    .option('completion', { type: 'string', describe: 'print a shell completion script: bash, zsh or fish (default: from $SHELL); eval "$(' + spec.name + ' --completion)"' })
    .strictOptions()
    .help('h')
    .alias('h', 'help')
    .version(spec.version)
    .epilogue(spec.epilogue)
    .wrap(Math.min(spec.wrap ?? 100, process.stdout.columns || (spec.wrap ?? 100)))
    .exitProcess(false)
    .fail((msg, err) => {
      throw new CliUsageError(msg || err?.message || 'bad arguments');
    })
    .parseAsync();
  if (args.help || args.version) return undefined;
  return settle(spec, args as unknown as ParsedArgs<O>);
}

/** Error codes of a path the user named that cannot be opened or made: theirs to fix, not a bug. */
const PATH_ERRORS = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'EROFS', 'ELOOP', 'ENAMETOOLONG', 'EEXIST', 'ENOSPC', 'EBUSY', 'ETXTBSY']);

export interface RunCliOptions {
  /** more error classes to report as one line with exit 2 (bad input: StreamError, ...) */
  userErrors?: (abstract new (...args: never[]) => Error)[];
  /** exit code of an internal error (default 1) */
  internalExit?: number;
}

/**
 * A closed stderr must not turn a usage error (exit 2) into an uncaught EPIPE (exit 1): stderr
 * gets a handler for its errors, when something first uses it. Not before: making the stream
 * loads Node's whole stream machinery, some 5 ms of every start of a run that never writes to
 * stderr. (process.stderr is a configurable getter: wrapped once, then put back.)
 */
function quietStderr(): void {
  const own = Object.getOwnPropertyDescriptor(process, 'stderr');
  if (!own?.get || !own.configurable) {
    process.stderr.on('error', () => {});
    return;
  }
  Object.defineProperty(process, 'stderr', {
    configurable: true,
    enumerable: own.enumerable,
    get() {
      Object.defineProperty(process, 'stderr', own);
      const stderr = process.stderr;
      stderr.on('error', () => {});
      return stderr;
    },
  });
}

/**
 * Runs a bin's body and turns what it throws into one line on stderr and an exit code: usage
 * errors and bad input exit 2 (or the UsageError's own code), a path that cannot be opened
 * says which and why (exit 2), a reader that went away (EPIPE) ends quietly, anything else is
 * an internal error (exit 1). Never a stack trace. The exit code stands even when stderr
 * itself is a closed pipe.
 */
export async function runCli(tool: string, body: () => Promise<number | void>, o: RunCliOptions = {}): Promise<void> {
  quietStderr();
  let code = 0;
  try {
    code = (await body()) ?? 0;
  } catch (e) {
    const say = (msg: string): void => {
      process.stderr.write(`${tool}: ${msg.trim().replace(/\s*\n\s*/g, ' ')}\n`);
    };
    const err = e as NodeJS.ErrnoException;
    if (e instanceof CliUsageError) {
      say(e.message);
      if (/Unknown argument|Not enough|Missing|Invalid values/.test(e.message)) process.stderr.write(`Try '${tool} --help'.\n`);
      code = 2;
    } else if (e instanceof UsageError) {
      say(e.message);
      if (e.hint) process.stderr.write(`Try '${tool} --help'.\n`);
      code = e.exitCode;
    } else if (o.userErrors?.some((c) => e instanceof c)) {
      say(err.message);
      code = 2;
    } else if (err?.code === 'EPIPE') {
      code = 0;  // the reader went away (| head): not our trouble
    } else if (err?.code && err.path && PATH_ERRORS.has(err.code)) {
      say(`${err.path}: ${pathErrorText(err)}`);
      code = 2;
    } else {
      say(`internal error: ${err?.message ?? String(e)}`);
      code = o.internalExit ?? 1;
    }
  }
  process.exitCode = code;
}

/** "No such file or directory" from "ENOENT: no such file or directory, open '/x'". */
function pathErrorText(err: NodeJS.ErrnoException): string {
  const m = /^[A-Z]+: ([^,]+)/.exec(err.message);
  const text = m ? m[1]! : err.code!;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
