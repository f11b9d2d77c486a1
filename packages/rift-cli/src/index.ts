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
    else if (o.type === 'number') number.push(key);
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
    configuration: { 'parse-positional-numbers': false, 'populate--': true, ...spec.parserConfiguration },
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
 */
export async function parseArgs<O extends OptionTable>(spec: CliSpec<O>, argv: string[]): Promise<ParsedArgs<O> | undefined> {
  const parsed = Parser.detailed(argv, parserOptions(spec));
  if (!needsYargs(spec, parsed)) return parsed.argv as unknown as ParsedArgs<O>;
  return viaYargs(spec, argv);
}

/** The same definitions through yargs itself: help, version and error messages. */
export async function viaYargs<O extends OptionTable>(spec: CliSpec<O>, argv: string[]): Promise<ParsedArgs<O> | undefined> {
  const { default: yargs } = await import('yargs');
  const args = await yargs(argv)
    .scriptName(spec.name)
    .parserConfiguration(spec.parserConfiguration ?? {})
    .usage(spec.usage)
    .options(spec.options)
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
  return args as unknown as ParsedArgs<O>;
}
