/**
 * Shell completion for the rift bins, through yargs's own completion: `BIN --completion [SHELL]`
 * prints yargs's bash (or zsh, fish) script for the bin, and that script asks the bin for the
 * words at each TAB with `BIN --get-yargs-completions WORDS...`.
 *
 * yargs completes option names and `choices` by itself; what it cannot know comes from the
 * bin's spec (CliSpec.complete): which options take syscall names (and %classes), files, trace
 * files, pids or words of a list, and what the positional arguments are. An empty answer makes
 * the shell complete file names itself (bash `complete -o default`, zsh `_default`).
 */
import { readdirSync } from 'node:fs';
import type { CliSpec } from './index.js';

/** What an option's value or a positional argument is, for completion; a list is its words. */
export type CompletionKind =
  /** syscall names and %classes, comma lists, !negation (as -e takes them) */
  | 'syscalls'
  /** any file: the shell's own file completion */
  | 'file'
  /** a trace file (*.ndjson, *.ndjson.gz, *.jsonl...): those in the directory, else any file */
  | 'trace'
  /** rift-filter's first argument: a selection or a trace file */
  | 'syscalls-or-trace'
  /** running processes' ids */
  | 'pid'
  /** a command and its arguments: the shell's own completion */
  | 'command'
  | readonly string[];

export interface CompletionSpec {
  /** by option key (not alias): what its value is */
  values?: Record<string, CompletionKind>;
  /** what the positional arguments (before any --) are; after `--` it is the shell's own */
  positional?: CompletionKind;
}

/** Shells yargs has a script for. */
const SHELLS = ['bash', 'zsh', 'fish'];

/**
 * A bin's completion hook, first thing in its main(): `--completion [bash|zsh|fish]` prints the
 * script (the shell from $SHELL when none is named), `--get-yargs-completions WORDS` the words
 * for the last of WORDS. Returns true when it did one of these (the bin then has nothing to do).
 */
export async function completion(spec: CliSpec, argv: readonly string[]): Promise<boolean> {
  if (argv[0] === '--get-yargs-completions') {
    const words = await complete(spec, argv.slice(1));
    if (words.length) process.stdout.write(words.join('\n') + '\n');
    return true;
  }
  const dashdash = argv.indexOf('--');
  const own = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const at = own.findIndex((a) => a === '--completion' || a.startsWith('--completion='));
  if (at < 0) return false;
  const given = own[at]!.includes('=') ? own[at]!.slice('--completion='.length) : own[at + 1];
  const shell = given !== undefined && SHELLS.includes(given) ? given : undefined;
  if (given !== undefined && !given.startsWith('-') && !shell) {
    process.stderr.write(`${spec.name}: --completion: no script for '${given}' (bash, zsh or fish)\n`);
    process.exitCode = 2;
    return true;
  }
  process.stdout.write(await script(spec, shell));
  return true;
}

/** yargs with the bin's options, as viaYargs makes it, and our completion function. */
async function completer(spec: CliSpec, words: readonly string[]) {
  const { default: yargs } = await import('yargs');
  return yargs([])
    .scriptName(spec.name)
    .parserConfiguration({ 'greedy-arrays': false, ...spec.parserConfiguration })
    .options(spec.options)
    .help(false)
    .version(false)
    .completion('completion', false, (current: string, _argv: unknown, fallback: (done: (err: Error | null, list?: string[]) => void) => void, done: (list: string[]) => void) => {
      const own = ownWords(spec, words);
      if (own === undefined) return done([]);
      if (own !== 'options') return own.then(done, () => done([]));
      fallback((_err, list) => done(optionWords(spec, list ?? [])));
    });
}

/** The script for `shell` (default: as yargs picks it from $SHELL). */
async function script(spec: CliSpec, shell?: string): Promise<string> {
  const saved = process.env.SHELL;
  if (shell) process.env.SHELL = `/bin/${shell}`;  // yargs picks the template by $SHELL
  try {
    const y = await completer(spec, []);
    let out = '';
    const log = console.log;
    console.log = (s: string) => (out += s + '\n');
    try {
      (y as unknown as { showCompletionScript($0: string, cmd: string): unknown }).showCompletionScript(spec.name, '--completion');
    } finally {
      console.log = log;
    }
    return out;
  } finally {
    if (shell) {
      if (saved === undefined) delete process.env.SHELL;
      else process.env.SHELL = saved;
    }
  }
}

/**
 * The words completing the last of `words` (the command line as the shell splits it, the bin's
 * name first), one per line as the scripts read them.
 */
export async function complete(spec: CliSpec, words: readonly string[]): Promise<string[]> {
  const y = await completer(spec, words);
  const list = (await y.getCompletion([...words])) as string[] | undefined;
  return list ?? [];
}

/**
 * What we complete ourselves: undefined = nothing (the shell's own file or command completion),
 * 'options' = yargs's own (option names, choices), else the words.
 */
function ownWords(spec: CliSpec, words: readonly string[]): Promise<string[]> | 'options' | undefined {
  const args = words.slice(1);  // the bin's name first
  const current = args.length ? args[args.length - 1]! : '';
  const before = args.slice(0, -1);
  if (before.includes('--')) return undefined;  // the command's own words
  const prev = before[before.length - 1];
  const kinds = spec.complete?.values ?? {};
  if (prev?.startsWith('-') && !prev.includes('=')) {
    const key = keyOf(spec, prev);
    const o = key !== undefined ? spec.options[key] : undefined;
    if (o && o.type !== 'boolean' && o.type !== 'count') {
      if (o.choices) return 'options';  // yargs lists them
      const kind = kinds[key!];
      return kind === undefined ? Promise.resolve([]) : wordsOf(kind, current);
    }
  }
  if (current.startsWith('-')) return 'options';
  const kind = spec.complete?.positional;
  return kind === undefined ? undefined : wordsOf(kind, current);
}

/**
 * yargs's option words as one types them: a boolean on by default as --no-KEY (as yargs parses
 * it), and not `--o` for `-o` (yargs offers both when the word so far is `--`). In zsh each word
 * is `--flag:description`.
 */
function optionWords(spec: CliSpec, list: string[]): string[] {
  const on = new Set(
    Object.entries(spec.options)
      .filter(([, o]) => o.type === 'boolean' && o.default === true)
      .map(([k]) => k),
  );
  return list
    .filter((w) => !/^--[^-:](:|$)/.test(w))
    .map((w) => {
      const m = /^--([^:]+)(:.*)?$/.exec(w);
      return m && on.has(m[1]!) ? `--no-${m[1]}${m[2] ?? ''}` : w;
    });
}

/** The option key a flag names (-o, --output, --string-size=...), if any. */
function keyOf(spec: CliSpec, flag: string): string | undefined {
  const name = flag.replace(/^--?/, '');
  for (const [key, o] of Object.entries(spec.options)) {
    if (key === name) return key;
    const aliases = ([] as string[]).concat((o.alias as string | string[] | undefined) ?? []);
    if (aliases.includes(name)) return key;
  }
  return undefined;
}

async function wordsOf(kind: CompletionKind, current: string): Promise<string[]> {
  if (typeof kind !== 'string') return listWords(kind, current);
  switch (kind) {
    case 'syscalls':
      return listWords(await syscallWords(), current);
    case 'trace':
      return traceFiles(current);
    case 'syscalls-or-trace': {
      if (/^[%!/]/.test(current) || current.includes(',')) return listWords(await syscallWords(), current);
      const files = traceFiles(current);
      return [...files, ...listWords(await syscallWords(), current)];
    }
    case 'pid':
      return pids(current);
    default:
      return [];  // 'file', 'command': the shell's own
  }
}

/** Syscall names and classes (@rift/events, loaded only to complete). */
async function syscallWords(): Promise<string[]> {
  const { SYSCALL_NAMES, CLASSES } = await import('@rift/events/core');
  return [...CLASSES, ...SYSCALL_NAMES.filter((n) => n && !n.startsWith('syscall_'))];
}

/**
 * Words of `list` that complete `current`, taken as a comma list whose last piece is being
 * typed (`%file,rea` → `%file,read`), each piece possibly negated (`!futex`).
 */
function listWords(list: readonly string[], current: string): string[] {
  const comma = current.lastIndexOf(',');
  const head = current.slice(0, comma + 1);
  let piece = current.slice(comma + 1);
  const bang = piece.startsWith('!') ? '!' : '';
  piece = piece.slice(bang.length);
  return list.filter((w) => w.startsWith(piece)).map((w) => head + bang + w);
}

const TRACE_FILE = /\.(ndjson|jsonl)(\.gz)?$/;

/** Trace files whose path starts with `current`; none when there is none (the shell then lists any file). */
function traceFiles(current: string): string[] {
  const prefix = current.slice(0, current.lastIndexOf('/') + 1);  // '', 'dir/', './', '/abs/'
  try {
    return readdirSync(prefix || '.', { withFileTypes: true })
      .filter((d) => !d.isDirectory() && TRACE_FILE.test(d.name))
      .map((d) => prefix + d.name)
      .filter((p) => p.startsWith(current))
      .sort();
  } catch {
    return [];
  }
}

/** Running processes' ids that start with `current`. */
function pids(current: string): string[] {
  try {
    return readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n) && n.startsWith(current))
      .sort((a, b) => Number(a) - Number(b));
  } catch {
    return [];
  }
}
